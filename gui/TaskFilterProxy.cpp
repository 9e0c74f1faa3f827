#include "TaskFilterProxy.h"

#include "TaskTableModel.h"

TaskFilterProxy::TaskFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(TaskTableModel::SortRole);
    setDynamicSortFilter(true);
}

void TaskFilterProxy::setStateFilter(std::optional<int> state)
{
    m_state = state;
    invalidateFilter();
}

void TaskFilterProxy::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

bool TaskFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    if (m_state && model->index(sourceRow, 0, sourceParent).data(TaskTableModel::StateRole).toInt() != *m_state)
        return false;
    if (m_text.isEmpty())
        return true;
    for (const int column : {TaskTableModel::IdColumn, TaskTableModel::ScriptColumn, TaskTableModel::LockColumn, TaskTableModel::ReasonColumn}) {
        if (model->index(sourceRow, column, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}
