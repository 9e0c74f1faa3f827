#pragma once

#include "KeyedRowsModel.h"
#include "tasks/TaskScanner.h"

struct TaskIdOf {
    QString operator()(const oa::TaskSummary &t) const { return t.id; }
};

// The task table: one row per task folder, merged in place on every refresh.
class TaskTableModel final : public KeyedRowsModel<oa::TaskSummary, TaskIdOf> {
    Q_OBJECT
public:
    enum Column { StateColumn, IdColumn, ProgressColumn, ScriptColumn, StartedColumn, DurationColumn, ResourcesColumn,
                  ExitCodeColumn, RequirementsColumn, LockColumn, ReasonColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, StateRole, IdRole, PercentRole };

    // Durations of running rows and lock ages tick every second (ClockTicker).
    explicit TaskTableModel(QObject *parent = nullptr);

    // "requirements.txt · 3", "script", "none", "?": where a task's packages come from, and how many.
    static QString requirementsText(const oa::DependencyPreview &dependencies);
    static QString requirementsToolTip(const oa::DependencyPreview &dependencies);

    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
};
