#pragma once

#include <QSortFilterProxyModel>

#include <optional>

// Sorts the task table by each column's natural value and filters it by state and by text
// (execution ID, script, arguments, lock holder, the reason a run did not succeed).
class TaskFilterProxy final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TaskFilterProxy(QObject *parent = nullptr);

    void setStateFilter(std::optional<int> state);
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    std::optional<int> m_state;
    QString m_text;
};
