#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace oa {

// Tasks/{id}/status.json: the live state of a run, rewritten about once a second by the
// executor and read by --list and the monitor. This type is the one place that knows its
// fields, for the writer and the readers alike.
struct StatusRecord {
    QString executionId;
    QString state;          // Running, Stopping, Finished
    QString stage;          // a stageName()
    std::optional<double> percent;
    QString message;        // the script's last progress message
    qint64 pid = 0;         // the executor's
    QDateTime startedAt;    // when the executor started this run: an Interrupted task shows it
    QDateTime updatedAt;
    qint64 memoryBytes = 0;
    qint64 peakMemoryBytes = 0;
    double cpuSeconds = 0;
    int badProgressLines = 0;
    QString outcome;        // only when Finished
    QString runAsUser;      // who task code runs as
    QString stopReason;     // only while or after stopping

    QByteArray toJson() const;
    // Missing fields keep their defaults: a reader shows what there is.
    static StatusRecord fromJson(const QJsonObject &object);
};

} // namespace oa
