#pragma once

#include "KeyedRowsModel.h"
#include "TaskScanner.h"

struct TaskIdOf {
    QString operator()(const oa::TaskSummary &t) const { return t.id; }
};

// The task table: one row per task folder, merged in place on every refresh.
class TaskTableModel final : public KeyedRowsModel<oa::TaskSummary, TaskIdOf> {
    Q_OBJECT
public:
    enum Column { StateColumn, IdColumn, ProgressColumn, ScriptColumn, StartedColumn, DurationColumn, ExitCodeColumn,
                  RequirementsColumn, LockColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, StateRole, IdRole, PercentRole };

    using KeyedRowsModel::KeyedRowsModel;

    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
};
