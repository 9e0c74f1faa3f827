#pragma once

#include "KeyedRowsModel.h"
#include "tasks/Leftovers.h"

struct LeftoverKeyOf {
    QString operator()(const oa::Leftover &l) const { return l.path; }
};

// venvs/ and Temp/ folders that no running execution owns.
class LeftoverTableModel final : public KeyedRowsModel<oa::Leftover, LeftoverKeyOf> {
    Q_OBJECT
public:
    enum Column { KindColumn, IdColumn, SizeColumn, PathColumn, ColumnCount };

    using KeyedRowsModel::KeyedRowsModel;

    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    qint64 totalBytes() const;
};
