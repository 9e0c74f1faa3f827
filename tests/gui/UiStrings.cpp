#include "UiStrings.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

void UiStrings::add(const QString &where, const QStringList &texts)
{
    for (int i = 0; i < texts.size(); ++i)
        if (!texts.at(i).isEmpty()) {
            const QString key = QStringLiteral("%1 [%2]").arg(where).arg(i);
            m_all.append({key, texts.at(i)});
            m_byPlace.insert(key, texts.at(i));
            m_texts.insert(texts.at(i));
        }
}

void UiStrings::addWidgetTree(QWidget *root)
{
    add(QStringLiteral("window title"), {root->windowTitle()});
    addWidget(QStringLiteral("window"), root);
    const QList<QWidget *> widgets = root->findChildren<QWidget *>();
    for (int i = 0; i < widgets.size(); ++i) {
        QWidget *w = widgets.at(i);
        addWidget(QStringLiteral("%1 %2").arg(QString::fromLatin1(w->metaObject()->className())).arg(i), w);
    }
    const QList<QAction *> actions = root->findChildren<QAction *>();
    for (int i = 0; i < actions.size(); ++i) {
        QAction *action = actions.at(i);
        const QString where = QStringLiteral("action %1").arg(i);
        add(where, {action->text(), action->toolTip(), action->statusTip(), action->iconText()});
        for (const QKeySequence &shortcut : action->shortcuts())
            add(where + QStringLiteral(" shortcut"), {shortcut.toString(QKeySequence::NativeText)});
    }
}

void UiStrings::addWidget(const QString &where, QWidget *w)
{
    add(where + QStringLiteral(" tooltip"), {w->toolTip(), w->statusTip(), w->whatsThis()});
    if (qobject_cast<QToolBar *>(w))
        add(where + QStringLiteral(" title"), {w->windowTitle()});
    if (auto *menu = qobject_cast<QMenu *>(w))
        add(where + QStringLiteral(" title"), {menu->title()});
    if (auto *label = qobject_cast<QLabel *>(w))
        add(where, {label->text()});
    if (auto *button = qobject_cast<QAbstractButton *>(w))
        add(where, {button->text()});
    if (auto *edit = qobject_cast<QLineEdit *>(w))
        add(where + QStringLiteral(" placeholder"), {edit->placeholderText()});
    if (auto *edit = qobject_cast<QPlainTextEdit *>(w)) // its text is a log's or a file's: data
        add(where + QStringLiteral(" placeholder"), {edit->placeholderText()});
    if (auto *combo = qobject_cast<QComboBox *>(w))
        for (int i = 0; i < combo->count(); ++i)
            add(where + QStringLiteral(" item %1").arg(i), {combo->itemText(i), combo->itemData(i, Qt::ToolTipRole).toString()});
    if (auto *tabs = qobject_cast<QTabWidget *>(w))
        for (int i = 0; i < tabs->count(); ++i)
            add(where + QStringLiteral(" tab %1").arg(i), {tabs->tabText(i), tabs->tabToolTip(i)});
    if (auto *bar = qobject_cast<QStatusBar *>(w))
        add(where + QStringLiteral(" message"), {bar->currentMessage()});
    // A header view shows its table's model: that model's headers are read with the table.
    if (auto *view = qobject_cast<QAbstractItemView *>(w); view && view->model() && !qobject_cast<QHeaderView *>(w))
        addModel(where, view->model());
}

void UiStrings::addModel(const QString &where, const QAbstractItemModel *model)
{
    for (int c = 0; c < model->columnCount(); ++c)
        add(where + QStringLiteral(" header %1").arg(c),
            {model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString(), model->headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString()});
    for (int r = 0; r < model->rowCount(); ++r)
        for (int c = 0; c < model->columnCount(); ++c) {
            const QModelIndex index = model->index(r, c);
            add(where + QStringLiteral(" cell %1,%2").arg(r).arg(c),
                {index.data(Qt::DisplayRole).toString(), index.data(Qt::ToolTipRole).toString()});
        }
}
