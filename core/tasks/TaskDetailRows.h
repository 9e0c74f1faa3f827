#pragma once

#include "records/ResultRecord.h"
#include "records/StatusRecord.h"
#include "TaskScanner.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace oa {

// The detail pane's content for people, built from execution.json, result.json and status.json
// with no widget: labels and values in words and units (MiB, s, local time), in a fixed order,
// so that the pane only lays them out and the tests read exactly what an operator reads.
class TaskDetailRows {
    Q_DECLARE_TR_FUNCTIONS(TaskDetailRows)
public:
    // Every row the pane may show, in the order it shows them; rows without a value are left out.
    enum class Field {
        // The summary at the top.
        Outcome, Finding, Message, ExitCode, Stage, Started, LastUpdate, Duration, LastError,
        // The rest.
        StageTimings, Script, Interpreter, DependencySource, Requirements, InstalledPackages, Provenance, Progress,
        Memory, PeakMemory, CpuTime, RunAs, EnvironmentCache, Limits, Warnings, Survivors, Machine,
    };
    struct Row {
        Field field;
        QString label;
        QString value;   // may hold several lines
        QString toolTip; // the exact figure or path behind a rounded or shortened value
    };
    struct StageTiming {
        QString stage;   // stageName(): "Environment"
        QString label;   // for people: "Environment"/"Umgebung"
        qint64 ms = 0;
    };

    QList<Row> summary;
    QList<Row> rows;
    QList<StageTiming> stages; // pipeline order: Lock, Read, Validate, Environment, Requirements, Run, Cleanup

    struct Input {
        QJsonObject execution;          // empty when unreadable
        std::optional<ResultRecord> result;  // this run's result.json through ResultRecord::fromJson
                                             // (not an earlier run's while one runs)
        std::optional<StatusRecord> status;  // the live status, while a run is in progress or was interrupted
        QString lastErrorLine;          // stderr's last problem line (LastErrorLine), read as it is
        QString errorSummary;           // why the run did not succeed (TaskSummary::errorSummary), escaped once
        QDateTime runStartedAt;         // a run in progress: when its lock was taken
        qint64 elapsedMs = -1;          // a run in progress: its time so far
        TaskState state = TaskState::Pending; // what the scan decided (Interrupted and Invalid say why)
        QString scanFinding;            // Interrupted, Invalid: the scan's explanation (TaskSummary::message)
    };
    static TaskDetailRows build(const Input &input);

    const Row *find(Field field) const;
    QString value(Field field) const { const Row *r = find(field); return r ? r->value : QString(); }

    static QString outcomeLabel(const QString &outcome);
    static QString stageLabel(const QString &stage);

private:
    static void add(QList<Row> &list, Field field, const QString &label, const QString &value, const QString &toolTip = QString());
    void addSummary(const Input &in, const ResultRecord &result);
    void addFinding(const Input &in);
    void addRunRows(const Input &in, const ResultRecord &result);
    void addProvenance(const ResultRecord &result);
    void addProgress(const Input &in, const ResultRecord &result);
    void addResources(const Input &in, const ResultRecord &result);
    void addNotes(const ResultRecord &result);
};

} // namespace oa
