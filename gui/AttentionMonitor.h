#pragma once

#include "tasks/TaskScanner.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QSet>

class QSystemTrayIcon;

// Counts the tasks that need the operator (StateStyle::needsAttention) after every scan, and
// tells of each new one: a task that enters such a state after the first scan of the folder.
// Those there at the first scan are counted, never announced: opening the monitor on a folder
// with 40 old failures must not pop up 40 notifications. Where the desktop has a tray, a tray
// icon carries the count in its tooltip and shows a notification per new failure.
class AttentionMonitor final : public QObject {
    Q_OBJECT
public:
    explicit AttentionMonitor(QObject *parent = nullptr);

    // Another folder: its first scan again counts without announcing.
    void reset();
    void setTasks(const QList<oa::TaskSummary> &tasks);
    int count() const { return m_count; }
    // "3 need attention", "1 needs attention"; empty when nothing does.
    static QString countText(int count);
    // The new failures the operator has not selected yet (the table shows them in bold).
    const QSet<QString> &unseen() const { return m_unseen; }
    // The operator selected this task: it is no longer news.
    void acknowledge(const QString &id);
    // Null where there is no system tray (QSystemTrayIcon::isSystemTrayAvailable()).
    QSystemTrayIcon *trayIcon() const { return m_tray; }

signals:
    void countChanged(int count);
    void unseenChanged(const QSet<QString> &ids);
    // A task entered an attention state since the window opened; `reason` is its Reason cell.
    void newFailure(const QString &id, oa::TaskState state, const QString &reason);
    // The tray icon or its notification was clicked: the window should come to the front.
    void activated(const QString &id);

private:
    struct Seen {
        oa::TaskState state;
        QDateTime startedAt;
    };
    void updateTray();

    QSystemTrayIcon *m_tray = nullptr;
    QHash<QString, Seen> m_attention; // the last scan's tasks that needed attention
    bool m_seeded = false;
    int m_count = 0;
    QSet<QString> m_unseen; // announced, not selected since, still needing attention
    QString m_lastAnnounced; // the notification's task, for a click on it
};
