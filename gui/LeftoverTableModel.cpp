#include "LeftoverTableModel.h"

#include "StateStyle.h"
#include "base/LocalTime.h"
#include "base/PrintableText.h"

#include <QApplication>
#include <QPalette>

void LeftoverTableModel::setLocks(const QList<oa::LockRecord> &locks)
{
    QHash<QString, oa::LockVerdict> verdicts;
    for (const oa::LockRecord &l : locks)
        verdicts.insert(l.executionId, l.verdict);
    if (verdicts == m_verdicts)
        return;
    m_verdicts = verdicts;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

std::optional<oa::LockVerdict> LeftoverTableModel::holder(const oa::Leftover &l) const
{
    const auto it = m_verdicts.constFind(l.executionId);
    return l.held && it != m_verdicts.cend() ? std::optional(*it) : std::nullopt;
}

QVariant LeftoverTableModel::data(const QModelIndex &index, int role) const
{
    const oa::Leftover *l = rowAt(index.row());
    if (!l)
        return {};
    const auto column = Column(index.column());
    if (role == Qt::DisplayRole) {
        switch (column) {
        case KindColumn: return l->kind == oa::Leftover::Kind::Venv ? tr("Virtual environment") : tr("Temporary files");
        case IdColumn: return l->executionId;
        case SizeColumn: return StateStyle::size(l->sizeBytes);
        case AgeColumn: return l->modifiedAt.isValid() ? StateStyle::age(l->modifiedAt.secsTo(QDateTime::currentDateTimeUtc())) : QString();
        case HeldColumn: {
            if (!l->held)
                return QString();
            const auto verdict = holder(*l);
            if (!verdict) // the lock appeared after the lock scan: the next scan names it
                return tr("a lock");
            switch (*verdict) {
            case oa::LockVerdict::Live: return tr("a running task");
            case oa::LockVerdict::Orphaned: return tr("a dead lock: clear it first");
            case oa::LockVerdict::Foreign: return tr("another host's lock");
            case oa::LockVerdict::Unreadable: return tr("an unreadable lock");
            }
            return QString();
        }
        case PathColumn: return oa::printableText(l->path); // a folder name below the base, escaped for people
        case ColumnCount: break;
        }
    }
    if (role == Qt::ToolTipRole && column == AgeColumn && l->modifiedAt.isValid())
        return tr("Last changed %1").arg(oa::LocalTime::longDateTime(l->modifiedAt));
    if (role == Qt::ToolTipRole && l->held)
        return tr("A lock for %1 exists, so the cleanup leaves this folder alone").arg(l->executionId);
    if (role == Qt::ForegroundRole && l->held) // not the cleanup's to delete
        return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
    if (role == Qt::TextAlignmentRole && (column == SizeColumn || column == AgeColumn))
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
    case AgeColumn: return tr("Age");
    case HeldColumn: return tr("Held by");
    case PathColumn: return tr("Folder");
    case ColumnCount: break;
    }
    return {};
}

QList<oa::Leftover> LeftoverTableModel::freeRows() const
{
    QList<oa::Leftover> free;
    for (const oa::Leftover &l : m_rows)
        if (!l.held)
            free.append(l);
    return free;
}

qint64 LeftoverTableModel::totalBytes() const
{
    qint64 total = 0;
    for (const oa::Leftover &l : m_rows)
        if (!l.held)
            total += l.sizeBytes;
    return total;
}
