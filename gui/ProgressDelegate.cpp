#include "ProgressDelegate.h"

#include "TaskTableModel.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

void ProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant percent = index.data(TaskTableModel::PercentRole);
    const QString text = index.data(Qt::DisplayRole).toString();
    // Only a run in progress gets a bar: an interrupted or orphaned run shows its last stage as text.
    if (text.isEmpty() || index.data(TaskTableModel::StateRole).toInt() != int(oa::TaskState::Running)) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &background, painter);

    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.minimum = 0;
    bar.maximum = percent.isValid() ? 100 : 0; // no percent yet: a busy bar
    bar.progress = percent.isValid() ? int(percent.toDouble()) : 0;
    bar.text = barText(option.fontMetrics, percent.isValid() ? QStringLiteral("%1% %2").arg(int(percent.toDouble())).arg(text) : text,
                       bar.rect.width());
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    bar.state = option.state | QStyle::State_Horizontal;
    QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter);
}

QString ProgressDelegate::barText(const QFontMetrics &metrics, const QString &text, int barWidth)
{
    // The style draws the text centred over the whole bar and does not clip it: elide it to the
    // bar, less a margin each side, so that it never runs past the bar (the tooltip has it all).
    return metrics.elidedText(text, Qt::ElideRight, qMax(0, barWidth - 2 * kTextMargin));
}
