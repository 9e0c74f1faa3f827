#pragma once

#include <QSet>
#include <QToolButton>

class QAction;

// The task table's filter by state: a button whose menu has a check box per state, any number
// of them checked ("Failed" and "Interrupted" together); none checked shows every state. The
// menu stays open while states are checked with the mouse, and the button is as wide as its
// widest text ("Running elsewhere", "3 states"), so that a choice never changes the layout and
// no state name is cut.
class StateFilterButton final : public QToolButton {
    Q_OBJECT
public:
    explicit StateFilterButton(QWidget *parent = nullptr);

    QSet<int> states() const;
    void setStates(const QSet<int> &states);
    QAction *stateAction(int state) const { return m_actions.value(state); }
    QAction *allAction() const { return m_all; }
    // "All states", a state's name, "3 states".
    static QString summary(const QSet<int> &states);

signals:
    void statesChanged(const QSet<int> &states);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void update(bool notify);
    void fitWidth();

    QList<QAction *> m_actions;
    QAction *m_all;
    bool m_updating = false;
};
