#pragma once

#include <QSet>
#include <QSortFilterProxyModel>

#include <optional>

// Sorts the task table by each column's natural value and filters it by state and by text
// (execution ID, script, arguments, lock holder, the reason a run did not succeed).
class TaskFilterProxy final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TaskFilterProxy(QObject *parent = nullptr);

    void setStateFilter(std::optional<int> state);
    // Only rows in one of these states ("Needs attention"); empty: every state.
    void setStatesFilter(const QSet<int> &states);
    // The states of StateStyle::needsAttention.
    static QSet<int> attentionStates();
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QSet<int> m_states;
    QString m_text;
};
