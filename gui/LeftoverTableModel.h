#pragma once

#include "KeyedRowsModel.h"
#include "lock/LockInspector.h"
#include "tasks/Leftovers.h"

#include <QHash>

struct LeftoverKeyOf {
    QString operator()(const oa::Leftover &l) const { return l.path; }
};

// venvs/ and Temp/ folders that no running execution owns, and those a lock still holds (greyed,
// with the lock's verdict in Held by): what the cleanup may delete, and what it may not yet.
class LeftoverTableModel final : public KeyedRowsModel<oa::Leftover, LeftoverKeyOf> {
    Q_OBJECT
public:
    enum Column { KindColumn, IdColumn, SizeColumn, AgeColumn, HeldColumn, PathColumn, ColumnCount };

    using KeyedRowsModel::KeyedRowsModel;

    // The verdicts of the scan's locks, by execution ID: what holds a held folder.
    void setLocks(const QList<oa::LockRecord> &locks);
    std::optional<oa::LockVerdict> holder(const oa::Leftover &l) const;

    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    // The folders the cleanup may delete (no lock), and their bytes.
    QList<oa::Leftover> freeRows() const;
    qint64 totalBytes() const;

private:
    QHash<QString, oa::LockVerdict> m_verdicts;
};
