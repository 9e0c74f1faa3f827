#include "LeftoverTableModel.h"

#include "StateStyle.h"
#include "base/PrintableText.h"

QVariant LeftoverTableModel::data(const QModelIndex &index, int role) const
{
    const oa::Leftover *l = rowAt(index.row());
    if (!l)
        return {};
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case KindColumn: return l->kind == oa::Leftover::Kind::Venv ? tr("Virtual environment") : tr("Temporary files");
        case IdColumn: return l->executionId;
        case SizeColumn: return StateStyle::size(l->sizeBytes);
        case PathColumn: return oa::printableText(l->path); // a folder name below the base, escaped for people
        case ColumnCount: break;
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() == SizeColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant LeftoverTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case KindColumn: return tr("Kind");
    case IdColumn: return tr("Execution ID");
    case SizeColumn: return tr("Size");
    case PathColumn: return tr("Folder");
    case ColumnCount: break;
    }
    return {};
}

qint64 LeftoverTableModel::totalBytes() const
{
    qint64 total = 0;
    for (const oa::Leftover &l : m_rows)
        total += l.sizeBytes;
    return total;
}
