#pragma once

#include <QAbstractItemModel>
#include <QHeaderView>
#include <QTableView>

// The monitor's list tables all look and select alike: whole rows, several at once, no row
// numbers, the last column stretched.
inline QTableView *makeListTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false); // "2 min" on one line, a long path elided rather than broken
    return view;
}
