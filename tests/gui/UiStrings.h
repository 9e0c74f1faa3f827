#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <utility>

class QAbstractItemModel;
class QWidget;

// Every string a person can read in a widget tree, each with where it is: window and tool bar
// titles, menus and their actions (text, tooltip, shortcut as shown), tab texts, the header
// and cells of every item view's model, combo box items, tooltips, placeholder texts, button
// texts, labels and the status bar. Text painted by a widget itself (charts) is not seen.
class UiStrings final {
public:
    void add(const QString &where, const QStringList &texts); // empty ones are left out
    void addWidgetTree(QWidget *root);

    const QList<std::pair<QString, QString>> &all() const { return m_all; }
    bool contains(const QString &text) const { return m_texts.contains(text); }
    // The text at the same place (the same walk over the same window), or empty.
    QString at(const QString &place) const { return m_byPlace.value(place); }
    qsizetype size() const { return m_all.size(); }

private:
    void addWidget(const QString &where, QWidget *widget);
    void addModel(const QString &where, const QAbstractItemModel *model);

    QList<std::pair<QString, QString>> m_all;
    QHash<QString, QString> m_byPlace;
    QSet<QString> m_texts;
};
