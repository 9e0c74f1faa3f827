#include "LockTableModel.h"

#include "ClockTicker.h"
#include "StateStyle.h"
#include "base/LocalTime.h"
#include "base/PrintableText.h"


LockTableModel::LockTableModel(QObject *parent) : KeyedRowsModel(parent)
{
    new ClockTicker(this, [this](int row) { return rowAt(row) && rowAt(row)->info.acquiredAt.isValid(); }, {AgeColumn});
}

QVariant LockTableModel::data(const QModelIndex &index, int role) const
{
    const oa::LockRecord *l = rowAt(index.row());
    if (!l)
        return {};
    if (role == VerdictRole)
        return int(l->verdict);
    const auto column = Column(index.column());
    if (role == Qt::DisplayRole) {
        switch (column) {
        case IdColumn: return l->executionId;
        case VerdictColumn: return StateStyle::verdictLabel(l->verdict);
        case PidColumn: return l->verdict == oa::LockVerdict::Unreadable ? QVariant() : QVariant(l->info.pid);
        // A lock file is below the base, so what it says is escaped for people (printableText).
        case HostColumn: return oa::printableText(l->info.hostName);
        case ProcessColumn: return oa::printableText(l->info.appName);
        case AgeColumn: return StateStyle::age(l->ageSeconds());
        case SinceColumn:
            return oa::LocalTime::dateTime(l->info.acquiredAt);
        case ColumnCount: break;
        }
        return {};
    }
    if (role == Qt::DecorationRole && column == VerdictColumn)
        return StateStyle::verdictIcon(l->verdict);
    if (role == Qt::ToolTipRole) // an Unreadable lock also says why (core's wording, untranslated)
        return l->problem.isEmpty() ? oa::printableText(l->path) : oa::printableText(l->path) + u'\n' + oa::printableText(l->problem);
    return {};
}

QVariant LockTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case IdColumn: return tr("Execution ID");
    case VerdictColumn: return tr("Verdict");
    case PidColumn: return tr("PID");
    case HostColumn: return tr("Host");
    case ProcessColumn: return tr("Process");
    case AgeColumn: return tr("Age");
    case SinceColumn: return tr("Locked since");
    case ColumnCount: break;
    }
    return {};
}
