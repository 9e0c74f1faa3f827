#include "TaskTableModel.h"

#include "StateStyle.h"

#include <QDateTime>
#include <QLocale>

namespace {

qint64 durationMs(const oa::TaskSummary &t)
{
    if (t.durationMs >= 0)
        return t.durationMs;
    if (t.state == oa::TaskState::Running && t.startedAt.isValid())
        return t.startedAt.msecsTo(QDateTime::currentDateTimeUtc()); // still going
    return -1;
}

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 10000)
        return TaskTableModel::tr("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 2));
    const qint64 s = ms / 1000;
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

QVariant TaskTableModel::data(const QModelIndex &index, int role) const
{
    const oa::TaskSummary *t = rowAt(index.row());
    if (!t || index.column() >= ColumnCount)
        return {};
    if (role == StateRole)
        return int(t->state);
    if (role == IdRole)
        return t->id;
    if (role == PercentRole)
        return t->percent ? QVariant(*t->percent) : QVariant();
    const auto column = Column(index.column());
    if (role == Qt::DisplayRole || role == SortRole) {
        const bool sort = role == SortRole;
        switch (column) {
        case StateColumn: return sort ? QVariant(int(t->state)) : QVariant(StateStyle::label(t->state));
        case IdColumn: return t->id;
        case ProgressColumn: {
            if (sort)
                return t->percent.value_or(-1);
            if (t->stage.isEmpty()) // only running, orphaned and interrupted runs have one
                return QString();
            QStringList parts{t->stage};
            if (!t->progressMessage.isEmpty())
                parts.append(t->progressMessage);
            return parts.join(QStringLiteral(" · "));
        }
        case ScriptColumn: return t->arguments.isEmpty() ? t->scriptPath : t->scriptPath + u' ' + t->arguments;
        case StartedColumn:
            if (sort)
                return t->startedAt;
            return t->startedAt.isValid() ? QLocale().toString(t->startedAt.toLocalTime(), QLocale::ShortFormat) : QString();
        case DurationColumn: return sort ? QVariant(durationMs(*t)) : QVariant(formatDuration(durationMs(*t)));
        case ExitCodeColumn: return t->exitCode ? QVariant(*t->exitCode) : QVariant(sort ? QVariant(-1) : QVariant());
        case RequirementsColumn: return t->requirementsCount;
        case LockColumn:
            if (!t->lock)
                return QString();
            if (sort)
                return t->lock->info.pid;
            if (t->state == oa::TaskState::Running && !t->runAsUser.isEmpty()) // who its task code runs as
                return tr("PID %1 on %2, %3, as %4")
                    .arg(t->lock->info.pid)
                    .arg(t->lock->info.hostName, StateStyle::age(t->lock->ageSeconds()), t->runAsUser);
            return tr("PID %1 on %2, %3").arg(t->lock->info.pid).arg(t->lock->info.hostName, StateStyle::age(t->lock->ageSeconds()));
        case ColumnCount: break;
        }
        return {};
    }
    if (role == Qt::DecorationRole && column == StateColumn)
        return StateStyle::icon(t->state);
    if (role == Qt::ForegroundRole && column == StateColumn) {
        const QColor c = StateStyle::color(t->state);
        return c.isValid() ? QVariant(c) : QVariant();
    }
    if (role == Qt::ToolTipRole)
        return t->message.isEmpty() ? QVariant() : QVariant(t->message);
    if (role == Qt::TextAlignmentRole && (column == ExitCodeColumn || column == RequirementsColumn || column == DurationColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case StateColumn: return tr("State");
    case IdColumn: return tr("Execution ID");
    case ProgressColumn: return tr("Progress");
    case ScriptColumn: return tr("Script and arguments");
    case StartedColumn: return tr("Started");
    case DurationColumn: return tr("Duration");
    case ExitCodeColumn: return tr("Exit code");
    case RequirementsColumn: return tr("Requirements");
    case LockColumn: return tr("Lock holder");
    case ColumnCount: break;
    }
    return {};
}
