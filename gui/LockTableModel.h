#pragma once

#include "KeyedRowsModel.h"
#include "lock/LockInspector.h"

struct LockIdOf {
    QString operator()(const oa::LockRecord &l) const { return l.executionId; }
};

// Every lock file with its holder and verdict.
class LockTableModel final : public KeyedRowsModel<oa::LockRecord, LockIdOf> {
    Q_OBJECT
public:
    enum Column { IdColumn, VerdictColumn, PidColumn, HostColumn, ProcessColumn, AgeColumn, SinceColumn, ColumnCount };
    enum Role { VerdictRole = Qt::UserRole + 1 };

    // Ages tick every second (ClockTicker).
    explicit LockTableModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
};
