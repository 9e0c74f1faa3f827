#include "LocksPanel.h"

#include "ColumnFit.h"
#include "LockTableModel.h"
#include "StateStyle.h"
#include "base/PrintableText.h"
#include "TableViews.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

LocksPanel::LocksPanel(QWidget *parent) : QWidget(parent), m_model(new LockTableModel(this))
{
    m_view = makeListTable(m_model, this);
    // Refitted as ages grow ("3 s" to "3 min") and new holders arrive; hand-set widths stay.
    new ColumnFit::Refitter(m_view, [this](const QSet<int> &keep) { ColumnFit::fit(m_view, {}, {}, keep); });

    m_clear = new QPushButton(tr("&Clear orphaned locks…"), this);
    m_clear->setToolTip(tr("Removes locks whose process is dead on this host; the selected ones, or all when none is selected"));
    m_force = new QPushButton(tr("F&orce clear…"), this);
    m_force->setToolTip(tr("Removes the selected lock from another host or an unreadable lock"));
    connect(m_clear, &QPushButton::clicked, this, &LocksPanel::clearOrphaned);
    connect(m_force, &QPushButton::clicked, this, &LocksPanel::forceClearSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LocksPanel::updateButtons);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_clear);
    buttons->addWidget(m_force);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);

    confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::warning(this, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
               == QMessageBox::Yes;
    };
    updateButtons();
}

void LocksPanel::setLocks(const QString &baseDir, const QList<oa::LockRecord> &locks)
{
    m_baseDir = baseDir;
    m_model->setRows(locks);
    updateButtons();
}

QList<oa::LockRecord> LocksPanel::selected() const
{
    QList<oa::LockRecord> records;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        if (const oa::LockRecord *r = m_model->rowAt(index.row()))
            records.append(*r);
    return records;
}

void LocksPanel::updateButtons()
{
    const QList<oa::LockRecord> chosen = selected();
    bool anyOrphaned = false;
    for (const oa::LockRecord &r : (chosen.isEmpty() ? m_model->rows() : chosen))
        anyOrphaned = anyOrphaned || r.verdict == oa::LockVerdict::Orphaned;
    // A scan that arrives while a clear runs must not offer the same clear a second time.
    const bool idle = !m_job.isBusy();
    m_clear->setEnabled(idle && anyOrphaned);
    m_force->setEnabled(idle && chosen.size() == 1
                        && (chosen.first().verdict == oa::LockVerdict::Foreign || chosen.first().verdict == oa::LockVerdict::Unreadable));
}

void LocksPanel::clearOrphaned()
{
    QList<oa::LockRecord> targets;
    const QList<oa::LockRecord> chosen = selected();
    for (const oa::LockRecord &r : (chosen.isEmpty() ? m_model->rows() : chosen))
        if (r.verdict == oa::LockVerdict::Orphaned)
            targets.append(r);
    if (targets.isEmpty() || m_job.isBusy())
        return;
    QStringList lines;
    for (const oa::LockRecord &r : targets)
        lines.append(tr("• %1 (PID %2, locked %3 ago)").arg(r.executionId).arg(r.info.pid).arg(StateStyle::age(r.ageSeconds())));
    if (!confirm(tr("Clear orphaned locks"),
                 (targets.size() == 1 ? tr("The process that held this lock is dead on this host. Remove %n lock?", nullptr, 1)
                                      : tr("The processes that held these locks are dead on this host. Remove %n locks?", nullptr, int(targets.size())))
                     + QStringLiteral("\n\n") + lines.join(u'\n')))
        return;
    const oa::AgentPaths paths(m_baseDir);
    // The job may wait on the Locks/ guard; the window closing stops the wait (BackgroundJob's
    // destructor waits for the job, so the pointer outlives it).
    const BackgroundJob *job = &m_job;
    const int count = int(targets.size());
    m_job.start(count == 1 ? tr("Clearing %n orphaned lock…", nullptr, count) : tr("Clearing %n orphaned locks…", nullptr, count),
                [paths, targets, job] {
        const oa::LockInspector inspector(paths);
        const auto stop = [job] { return job->stopRequested(); };
        std::pair<int, QStringList> outcome; // removed, and why the others were not
        for (const oa::LockRecord &r : targets) {
            if (stop())
                break;
            const oa::Status cleared = inspector.clear(r.executionId, false, r, stop); // judged again, and still the lock listed
            if (cleared)
                ++outcome.first;
            else
                outcome.second.append(cleared.error().text());
        }
        return outcome;
    }, [this](const std::pair<int, QStringList> &outcome) {
        const auto &[removed, failures] = outcome;
        cleared((removed == 1 ? tr("Removed %n orphaned lock.", nullptr, removed) : tr("Removed %n orphaned locks.", nullptr, removed))
                + (failures.isEmpty() ? QString() : u' ' + tr("Not removed: %1").arg(failures.join(QStringLiteral("; ")))));
    });
    updateButtons();
}

void LocksPanel::forceClearSelected()
{
    const QList<oa::LockRecord> chosen = selected();
    if (chosen.size() != 1 || m_job.isBusy())
        return;
    const oa::LockRecord r = chosen.first();
    if (r.verdict == oa::LockVerdict::Live || r.verdict == oa::LockVerdict::Orphaned)
        return;
    const QString risk =
        r.verdict == oa::LockVerdict::Foreign
            ? tr("The lock of %1 was taken by PID %2 on the host \"%3\" %4 ago. This machine cannot tell whether that "
                 "executor still runs. If it does, removing the lock lets the same execution start a second time.")
                  .arg(r.executionId).arg(r.info.pid).arg(oa::printableText(r.info.hostName), StateStyle::age(r.ageSeconds()))
            : tr("The lock file of %1 cannot be read, so nobody can tell who holds it. If an executor still runs it, "
                 "removing the lock lets the same execution start a second time.").arg(r.executionId);
    if (!confirm(tr("Force-clear a lock"), risk + QStringLiteral("\n\n") + tr("Remove this lock anyway?")))
        return;
    const oa::AgentPaths paths(m_baseDir);
    const BackgroundJob *job = &m_job;
    m_job.start(tr("Removing the lock of %1…").arg(r.executionId), [paths, r, job] {
        // Only the lock the confirmation described: one that changed holder since is refused.
        const oa::Status cleared = oa::LockInspector(paths).clear(r.executionId, true, r, [job] { return job->stopRequested(); });
        return cleared ? QString() : cleared.error().text();
    }, [this, id = r.executionId](const QString &failure) { cleared(failure.isEmpty() ? tr("Removed the lock of %1.").arg(id) : failure); });
    updateButtons();
}

void LocksPanel::cleared(const QString &text)
{
    updateButtons();
    emit message(text);
    emit locksChanged();
}
