#include "AttentionMonitor.h"

#include "base/PrintableText.h"
#include "StateStyle.h"

#include <QCoreApplication>
#include <QIcon>
#include <QSystemTrayIcon>

AttentionMonitor::AttentionMonitor(QObject *parent) : QObject(parent)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return; // offscreen, a bare X server, a desktop without a tray: the title still counts
    m_tray = new QSystemTrayIcon(QIcon(QStringLiteral(":/icons/openautomate.png")), this);
    m_tray->setToolTip(tr("OpenAutomate Monitor"));
    connect(m_tray, &QSystemTrayIcon::activated, this, [this] { emit activated(QString()); });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] { emit activated(m_lastAnnounced); });
    m_tray->show();
}

void AttentionMonitor::reset()
{
    m_attention.clear();
    m_seeded = false;
    if (!m_unseen.isEmpty()) {
        m_unseen.clear();
        emit unseenChanged(m_unseen);
    }
    if (m_count != 0) {
        m_count = 0;
        updateTray();
        emit countChanged(0);
    }
}

void AttentionMonitor::acknowledge(const QString &id)
{
    if (m_unseen.remove(id))
        emit unseenChanged(m_unseen);
}

void AttentionMonitor::setTasks(const QList<oa::TaskSummary> &tasks)
{
    const QSet<QString> unseenBefore = m_unseen;
    QHash<QString, Seen> now;
    for (const oa::TaskSummary &t : tasks) {
        if (!StateStyle::needsAttention(t.state))
            continue;
        now.insert(t.id, {t.state, t.startedAt});
        if (!m_seeded)
            continue;
        // New: it did not need attention at the last scan, or it is another run that ended the
        // same way (a re-run that failed between two scans never shows as Running). An
        // Orphaned lock cleared to Failed is the same run, and its start may be read from
        // another file: a change of state alone announces nothing.
        const auto before = m_attention.constFind(t.id);
        const bool anotherRun = before != m_attention.cend() && before->state == t.state && before->startedAt.isValid()
                                && t.startedAt.isValid() && before->startedAt != t.startedAt;
        if (before != m_attention.cend() && !anotherRun)
            continue;
        const QString reason = oa::printableAsWritten(t.errorSummary);
        m_unseen.insert(t.id);
        emit newFailure(t.id, t.state, reason);
        if (m_tray) {
            m_lastAnnounced = t.id;
            m_tray->showMessage(QStringLiteral("%1: %2").arg(t.id, StateStyle::label(t.state)), reason, QSystemTrayIcon::Warning);
        }
    }
    m_attention = now;
    m_seeded = true;
    // One that no longer needs attention (run again, removed) is no news either.
    for (auto it = m_unseen.begin(); it != m_unseen.end();)
        it = now.contains(*it) ? std::next(it) : m_unseen.erase(it);
    if (m_unseen != unseenBefore)
        emit unseenChanged(m_unseen);
    if (int(now.size()) != m_count) {
        m_count = int(now.size());
        updateTray();
        emit countChanged(m_count);
    }
}

QString AttentionMonitor::countText(int count)
{
    if (count <= 0)
        return QString();
    // English has no translation file for its plural: its singular is a string of its own.
    // Each is a %n string, so a translation gives every count its language's form.
    return count == 1 ? tr("%n needs attention", nullptr, count) : tr("%n need attention", nullptr, count);
}

void AttentionMonitor::updateTray()
{
    if (!m_tray)
        return;
    const QString title = tr("OpenAutomate Monitor");
    m_tray->setToolTip(m_count > 0 ? QStringLiteral("%1 — %2").arg(title, countText(m_count)) : title);
}
