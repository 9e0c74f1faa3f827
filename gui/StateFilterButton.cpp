#include "StateFilterButton.h"

#include "StateStyle.h"

#include <QAction>
#include <QEvent>
#include <QMenu>
#include <QMouseEvent>

StateFilterButton::StateFilterButton(QWidget *parent) : QToolButton(parent)
{
    auto *menu = new QMenu(this);
    m_all = menu->addAction(tr("All states"));
    connect(m_all, &QAction::triggered, this, [this] { setStates({}); });
    menu->addSeparator();
    for (int s = 0; s < oa::kTaskStateCount; ++s) {
        QAction *action = menu->addAction(StateStyle::icon(oa::TaskState(s)), StateStyle::label(oa::TaskState(s)));
        action->setCheckable(true);
        action->setData(s);
        connect(action, &QAction::toggled, this, [this] { update(true); });
        m_actions.append(action);
    }
    menu->installEventFilter(this);
    setMenu(menu);
    setPopupMode(QToolButton::InstantPopup);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    update(false);
    fitWidth();
}

QSet<int> StateFilterButton::states() const
{
    QSet<int> chosen;
    for (const QAction *action : m_actions)
        if (action->isChecked())
            chosen.insert(action->data().toInt());
    return chosen;
}

void StateFilterButton::setStates(const QSet<int> &states)
{
    if (states == this->states())
        return;
    m_updating = true;
    for (QAction *action : m_actions)
        action->setChecked(states.contains(action->data().toInt()));
    m_updating = false;
    update(true);
}

QString StateFilterButton::summary(const QSet<int> &states)
{
    if (states.isEmpty())
        return tr("All states");
    if (states.size() == 1)
        return StateStyle::label(oa::TaskState(*states.cbegin()));
    return tr("%n states", nullptr, int(states.size())); // never one: no singular needed in English
}

void StateFilterButton::update(bool notify)
{
    if (m_updating)
        return;
    const QSet<int> chosen = states();
    setText(summary(chosen));
    QStringList names;
    for (const QAction *action : m_actions)
        if (action->isChecked())
            names.append(action->text());
    setToolTip(chosen.isEmpty() ? tr("Shows tasks in every state; choose states to show only those")
                                : tr("Shows tasks that are %1").arg(names.join(QStringLiteral(", "))));
    m_all->setEnabled(!chosen.isEmpty());
    if (notify)
        emit statesChanged(chosen);
}

void StateFilterButton::fitWidth()
{
    // The widest text it can show, so that the search field beside it never moves and never
    // squeezes it.
    const QString shown = text();
    int widest = 0;
    QStringList texts{summary({}), summary({0, 1})};
    for (const QAction *action : m_actions)
        texts.append(action->text());
    for (const QString &candidate : std::as_const(texts)) {
        setText(candidate);
        widest = qMax(widest, sizeHint().width());
    }
    setText(shown);
    setFixedWidth(widest);
}

void StateFilterButton::changeEvent(QEvent *event)
{
    QToolButton::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange || event->type() == QEvent::LanguageChange)
        fitWidth();
}

bool StateFilterButton::eventFilter(QObject *watched, QEvent *event)
{
    // A click on a state toggles it and leaves the menu open, for the next one; the keyboard
    // (Space, Enter) and "All states" close it as a menu does.
    if (event->type() == QEvent::MouseButtonRelease && watched == menu()) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        QAction *action = menu()->actionAt(mouse->position().toPoint());
        if (action && action->isCheckable() && action->isEnabled()) {
            action->toggle();
            return true;
        }
    }
    return QToolButton::eventFilter(watched, event);
}
