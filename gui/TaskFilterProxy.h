#pragma once

#include <QSet>
#include <QSortFilterProxyModel>

#include <optional>

// Sorts the task table by each column's natural value and filters it by state and by text
// (execution ID, script, arguments, lock holder, the reason a run did not succeed), and sets
// the rows of new failures in bold.
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
    // New failures (AttentionMonitor::unseen()): their rows are bold until the operator selects them.
    void setHighlighted(const QSet<QString> &ids);
    bool isHighlighted(const QString &id) const { return m_highlighted.contains(id); }
    QVariant data(const QModelIndex &index, int role) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QSet<int> m_states;
    QString m_text;
    QSet<QString> m_highlighted;
};
