#include "TaskTableModel.h"

#include "ClockTicker.h"
#include "base/LocalTime.h"
#include "base/PrintableText.h"
#include "tasks/DisplayUnits.h"
#include "StateStyle.h"
#include "tasks/TaskDetailRows.h"

#include <QDateTime>

namespace {

qint64 durationMs(const oa::TaskSummary &t)
{
    if (t.durationMs >= 0)
        return t.durationMs;
    if (t.state == oa::TaskState::Running && t.startedAt.isValid())
        return t.startedAt.msecsTo(QDateTime::currentDateTimeUtc()); // still going
    return -1;
}

// Today's runs by their time alone, older ones with the date, both with the zone: the column
// stays narrow enough for the table to fit the default window. The tooltip has the long form.
QString startedText(const QDateTime &startedAt)
{
    if (startedAt.isValid() && startedAt.toLocalTime().date() == QDate::currentDate())
        return oa::LocalTime::timeOfDay(startedAt);
    return oa::LocalTime::dateTime(startedAt);
}

} // namespace

TaskTableModel::TaskTableModel(QObject *parent) : KeyedRowsModel(parent)
{
    new ClockTicker(this, [this](int row) {
        const oa::TaskSummary *t = rowAt(row);
        return t && (t->lock || (t->state == oa::TaskState::Running && t->durationMs < 0));
    }, {DurationColumn, LockColumn});
}

// Every cell and tooltip text a task or its folder wrote (a ScriptPath, a message, a lock's host
// name, a package) is escaped for people (printableText): one task is one line in its cell, and no
// control or bidi character reaches the table. A tooltip's own line breaks stay.
QString TaskTableModel::requirementsText(const oa::DependencyPreview &d)
{
    if (d.source.isEmpty()) // "?" when the folder was read and is ambiguous or broken; blank when it was not read
        return d.problem.isEmpty() ? QString() : QStringLiteral("?");
    if (d.source == QLatin1String("none"))
        return tr("none");
    if (!d.counted)
        return oa::printableText(d.source);
    return QStringLiteral("%1 · %2").arg(oa::printableText(d.source)).arg(d.packages.size());
}

QString TaskTableModel::requirementsToolTip(const oa::DependencyPreview &d)
{
    if (d.source.isEmpty())
        return oa::printableText(d.problem);
    if (d.source == QLatin1String("none"))
        return tr("No packages: the script runs with the interpreter's standard library.");
    QStringList lines{tr("From %1").arg(oa::printableText(d.file.isEmpty() ? d.source : d.file))};
    if (!d.counted)
        lines.append(d.problem.isEmpty() ? tr("The packages are read when the task runs.") : oa::printableText(d.problem));
    else if (d.packages.isEmpty())
        lines.append(tr("no packages"));
    for (const QString &package : d.packages)
        lines.append(QStringLiteral("• ") + oa::printableText(package));
    return lines.join(u'\n');
}

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
        case StateColumn: return sort ? QVariant(StateStyle::severity(t->state)) : QVariant(StateStyle::label(t->state));
        case IdColumn: return t->id;
        case ProgressColumn: {
            if (sort)
                return t->percent.value_or(-1);
            if (t->stage.isEmpty()) // only running, orphaned and interrupted runs have one
                return QString();
            QStringList parts{oa::TaskDetailRows::stageLabel(t->stage)}; // status.json's stable name, for people
            if (!t->progressMessage.isEmpty())
                parts.append(oa::printableText(t->progressMessage));
            return parts.join(QStringLiteral(" · "));
        }
        case ScriptColumn: return oa::printableText(t->arguments.isEmpty() ? t->scriptPath : t->scriptPath + u' ' + t->arguments);
        case StartedColumn:
            if (sort)
                return t->startedAt;
            return startedText(t->startedAt);
        case DurationColumn: return sort ? QVariant(durationMs(*t)) : QVariant(oa::DisplayUnits::duration(durationMs(*t)));
        case ExitCodeColumn: return t->exitCode ? QVariant(*t->exitCode) : QVariant(sort ? QVariant(-1) : QVariant());
        case ResourcesColumn:
            if (t->state != oa::TaskState::Running || t->memoryBytes < 0)
                return sort ? QVariant(qint64(-1)) : QVariant(QString());
            if (sort)
                return t->memoryBytes;
            return tr("%1 · CPU %2").arg(oa::DisplayUnits::mebibytes(t->memoryBytes), oa::DisplayUnits::cpuSeconds(t->cpuSeconds));
        case RequirementsColumn:
            return sort ? QVariant(t->dependencies.source + u' ' + QString::number(t->dependencies.packages.size()).rightJustified(6, u'0'))
                        : QVariant(requirementsText(t->dependencies));
        case LockColumn:
            if (!t->lock)
                return QString();
            if (sort)
                return t->lock->info.pid;
            if (t->state == oa::TaskState::Running && !t->runAsUser.isEmpty()) // who its task code runs as
                return tr("PID %1 on %2, %3, as %4")
                    .arg(t->lock->info.pid)
                    .arg(oa::printableText(t->lock->info.hostName), StateStyle::age(t->lock->ageSeconds()), oa::printableText(t->runAsUser));
            return tr("PID %1 on %2, %3").arg(t->lock->info.pid).arg(oa::printableText(t->lock->info.hostName), StateStyle::age(t->lock->ageSeconds()));
        case ReasonColumn: // escaped once where it was decided (result.json's ErrorSummary)
            return oa::printableAsWritten(t->errorSummary);
        case ColumnCount: break;
        }
        return {};
    }
    if (role == Qt::DecorationRole && column == StateColumn)
        return StateStyle::icon(t->state);
    // Earlier runs kept (previous/ exists, one fstatat in the scan): a mark beside the ID.
    if (column == IdColumn && t->hasEarlierRuns && role == Qt::DecorationRole)
        return StateStyle::earlierRunsIcon();
    if (column == IdColumn && t->hasEarlierRuns && role == Qt::ToolTipRole)
        return tr("%1\nEarlier runs are kept: choose one with Run in the detail pane").arg(t->id);
    if (role == Qt::ForegroundRole && column == StateColumn) {
        const QColor c = StateStyle::color(t->state);
        return c.isValid() ? QVariant(c) : QVariant();
    }
    if (role == Qt::ToolTipRole && column == RequirementsColumn && !requirementsText(t->dependencies).isEmpty())
        return requirementsToolTip(t->dependencies);
    // The columns whose text may elide in a narrow window carry all of it in their tooltips.
    if (role == Qt::ToolTipRole && column == StartedColumn && t->startedAt.isValid())
        return oa::LocalTime::longDateTime(t->startedAt);
    if (role == Qt::ToolTipRole && (column == ScriptColumn || column == ProgressColumn || column == LockColumn || column == ReasonColumn)) {
        const QString text = data(index, Qt::DisplayRole).toString();
        if (!text.isEmpty())
            return t->message.isEmpty() || column != ProgressColumn ? text : text + u'\n' + oa::printableText(t->message);
    }
    if (role == Qt::ToolTipRole && column == ResourcesColumn && t->state == oa::TaskState::Running && t->memoryBytes >= 0)
        return tr("Memory of the script's process tree now, and the CPU time it has used so far (status.json)");
    if (role == Qt::ToolTipRole)
        return t->message.isEmpty() ? QVariant() : QVariant(oa::printableText(t->message));
    if (role == Qt::TextAlignmentRole && (column == ExitCodeColumn || column == DurationColumn || column == ResourcesColumn))
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
    case ScriptColumn: return tr("Script"); // and its arguments: a short header leaves room for Reason at 1280 pixels
    case StartedColumn: return tr("Started");
    case DurationColumn: return tr("Duration");
    case ResourcesColumn: return tr("Memory · CPU");
    case ExitCodeColumn: return tr("Exit code");
    case RequirementsColumn: return tr("Requirements");
    case LockColumn: return tr("Lock holder");
    case ReasonColumn: return tr("Reason");
    case ColumnCount: break;
    }
    return {};
}
