#include "TaskFilterProxy.h"

#include "StateStyle.h"
#include "TaskTableModel.h"

#include <QFont>

TaskFilterProxy::TaskFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(TaskTableModel::SortRole);
    setDynamicSortFilter(true);
}

void TaskFilterProxy::setStateFilter(std::optional<int> state)
{
    setStatesFilter(state ? QSet<int>{*state} : QSet<int>());
}

void TaskFilterProxy::setStatesFilter(const QSet<int> &states)
{
    m_states = states;
    invalidateFilter();
}

QSet<int> TaskFilterProxy::attentionStates()
{
    QSet<int> states;
    for (int s = 0; s < oa::kTaskStateCount; ++s)
        if (StateStyle::needsAttention(oa::TaskState(s)))
            states.insert(s);
    return states;
}

void TaskFilterProxy::setHighlighted(const QSet<QString> &ids)
{
    if (ids == m_highlighted)
        return;
    m_highlighted = ids;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::FontRole});
}

QVariant TaskFilterProxy::data(const QModelIndex &index, int role) const
{
    if (role == Qt::FontRole && !m_highlighted.isEmpty() && m_highlighted.contains(index.data(TaskTableModel::IdRole).toString())) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return QSortFilterProxyModel::data(index, role);
}

void TaskFilterProxy::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

bool TaskFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    if (!m_states.isEmpty() && !m_states.contains(model->index(sourceRow, 0, sourceParent).data(TaskTableModel::StateRole).toInt()))
        return false;
    if (m_text.isEmpty())
        return true;
    for (const int column : {TaskTableModel::IdColumn, TaskTableModel::ScriptColumn, TaskTableModel::LockColumn, TaskTableModel::ReasonColumn}) {
        if (model->index(sourceRow, column, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}
