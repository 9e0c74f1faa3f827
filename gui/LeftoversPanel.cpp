#include "LeftoversPanel.h"

#include "ColumnFit.h"
#include "LeftoverTableModel.h"
#include "StateStyle.h"
#include "TableViews.h"

#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

LeftoversPanel::LeftoversPanel(QWidget *parent) : QWidget(parent), m_model(new LeftoverTableModel(this))
{
    m_view = makeListTable(m_model, this);
    // Refitted when longer kinds, IDs or ages arrive; hand-set widths stay.
    new ColumnFit::Refitter(m_view, [this](const QSet<int> &keep) { ColumnFit::fit(m_view, {}, {}, keep); });
    m_total = new QLabel(this);
    m_progressText = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(200);
    m_clean = new QPushButton(tr("Clean &up…"), this);
    m_clean->setToolTip(tr("Deletes the selected folders, or all of them when none is selected"));
    connect(m_clean, &QPushButton::clicked, this, &LeftoversPanel::cleanUp);
    m_clearCache = new QPushButton(tr("Clear environment &cache…"), this);
    m_clearCache->setToolTip(tr("Removes every cached environment that no running task uses; its files are immutable, "
                                "so rm -rf cannot remove them"));
    connect(m_clearCache, &QPushButton::clicked, this, &LeftoversPanel::clearEnvironmentCache);
    connect(&m_cleaner, &LeftoversCleaner::deleting, this, &LeftoversPanel::showDeleting);
    connect(&m_cleaner, &LeftoversCleaner::clearing, this, &LeftoversPanel::showClearing);
    connect(&m_cleaner, &LeftoversCleaner::finished, this, &LeftoversPanel::jobFinished);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_total, 1);
    bottom->addWidget(m_progressText);
    bottom->addWidget(m_progress);
    bottom->addWidget(m_clearCache);
    bottom->addWidget(m_clean);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addLayout(bottom);
    confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(this, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
               == QMessageBox::Yes;
    };
    m_progressText->hide();
    m_progress->hide();
    setLeftovers(QString(), {});
    setCache(0, 0);
}

QString LeftoversPanel::cacheDir() const
{
    if (!m_cacheDir.isEmpty())
        return m_cacheDir;
    return m_baseDir.isEmpty() ? QString() : m_baseDir + QStringLiteral("/EnvCache");
}

void LeftoversPanel::updateButtons()
{
    // A scan that arrives while a job runs must not offer the same deletion a second time.
    const bool idle = !m_cleaner.isBusy();
    m_clean->setEnabled(idle && !m_model->freeRows().isEmpty());
    m_clearCache->setEnabled(idle && (m_cacheEntries > 0 || m_cacheDistributions > 0) && !m_baseDir.isEmpty());
}

void LeftoversPanel::setCache(int entries, qint64 bytes, int distributions)
{
    m_cacheEntries = entries;
    m_cacheDistributions = distributions;
    m_cacheBytes = bytes;
    updateButtons();
}

void LeftoversPanel::setLeftovers(const QString &baseDir, const QList<oa::Leftover> &leftovers)
{
    m_baseDir = baseDir;
    m_model->setRows(leftovers);
    updateTotal();
    updateButtons();
}

void LeftoversPanel::setLocks(const QList<oa::LockRecord> &locks)
{
    m_model->setLocks(locks);
    updateTotal();
}

void LeftoversPanel::updateTotal()
{
    // What the cleanup may delete, then what a lock still holds, by kind of lock: a folder that
    // a dead lock holds is the operator's to free (clear the lock), a running task's is not.
    const int free = int(m_model->freeRows().size());
    QStringList parts{free == 1 ? tr("%n folder to clean up, %1", nullptr, free).arg(StateStyle::size(m_model->totalBytes()))
                                : tr("%n folders to clean up, %1 in all", nullptr, free).arg(StateStyle::size(m_model->totalBytes()))};
    int live = 0;
    int dead = 0;
    int other = 0;
    for (const oa::Leftover &l : m_model->rows()) {
        if (!l.held)
            continue;
        const auto verdict = m_model->holder(l);
        ++(verdict == oa::LockVerdict::Live ? live : verdict == oa::LockVerdict::Orphaned ? dead : other);
    }
    if (dead > 0)
        parts.append(dead == 1 ? tr("%n folder held by a dead lock: clear the lock first", nullptr, dead)
                               : tr("%n folders held by dead locks: clear the locks first", nullptr, dead));
    if (live > 0)
        parts.append(live == 1 ? tr("%n in use by a running task", nullptr, live) : tr("%n in use by running tasks", nullptr, live));
    if (other > 0)
        parts.append(other == 1 ? tr("%n held by another host's or an unreadable lock", nullptr, other)
                                : tr("%n held by other hosts' or unreadable locks", nullptr, other));
    m_total->setText(parts.join(QStringLiteral("; ")));
    m_total->setToolTip(m_total->text());
}

// What Clear environment cache asks: about the entries, or, when the store of distributions is
// all that is left (entries evicted, their distributions not yet), about those.
QString LeftoversPanel::clearQuestion() const
{
    const QString size = StateStyle::size(m_cacheBytes);
    if (m_cacheEntries == 0)
        return (m_cacheDistributions == 1
                    ? tr("Remove %n stored distribution, %1? Distributions that a running task uses are kept.", nullptr, m_cacheDistributions)
                    : tr("Remove %n stored distributions, %1 in all? Distributions that a running task uses are kept.", nullptr,
                         m_cacheDistributions))
            .arg(size);
    return (m_cacheEntries == 1 ? tr("Remove %n cached environment, %1? Environments that a running task uses are kept. "
                                     "The next run that needs packages builds its environment again.", nullptr, m_cacheEntries)
                                : tr("Remove %n cached environments, %1 in all? Environments that a running task uses are kept. "
                                     "The next run that needs packages builds its environment again.", nullptr, m_cacheEntries))
        .arg(size);
}

void LeftoversPanel::clearEnvironmentCache()
{
    if (m_baseDir.isEmpty() || m_cleaner.isBusy() || !confirm(tr("Clear environment cache"), clearQuestion()))
        return;
    m_cleaner.clearCache(cacheDir(), m_baseDir);
    updateButtons();
    showClearing(cacheDir()); // at once, not only when the job's first word arrives
}

void LeftoversPanel::cleanUp()
{
    if (m_cleaner.isBusy())
        return;
    QList<oa::Leftover> targets;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        if (const oa::Leftover *l = m_model->rowAt(index.row()); l && !l->held) // a held one is never offered
            targets.append(*l);
    if (targets.isEmpty())
        targets = m_model->freeRows();
    if (targets.isEmpty())
        return;
    qint64 bytes = 0;
    QStringList lines;
    for (const oa::Leftover &l : targets) {
        bytes += l.sizeBytes;
        lines.append(QStringLiteral("• %1 (%2)").arg(l.path, StateStyle::size(l.sizeBytes)));
    }
    if (!confirm(tr("Clean up leftovers"),
                 (targets.size() == 1 ? tr("Delete %n folder, %1? No running task uses it.", nullptr, int(targets.size()))
                                      : tr("Delete %n folders, %1 in all? No running task uses them.", nullptr, int(targets.size())))
                         .arg(StateStyle::size(bytes))
                     + QStringLiteral("\n\n") + lines.join(u'\n')))
        return;
    m_cleaner.removeFolders(m_baseDir, targets);
    updateButtons();
    showDeleting(0, int(targets.size()), targets.first().path); // at once, not only when the job's first word arrives
}

QString LeftoversPanel::shownPath(const QString &path) const
{
    // Named as an operator reads the Folder column: below the agent folder when it is inside it.
    return !m_baseDir.isEmpty() && path.startsWith(m_baseDir + u'/') ? QDir(m_baseDir).relativeFilePath(path)
                                                                     : QDir::toNativeSeparators(path);
}

void LeftoversPanel::showDeleting(int done, int total, const QString &path)
{
    m_progress->setRange(0, total);
    m_progress->setValue(done);
    showProgress(tr("Deleting %1 of %2: %3…").arg(done + 1).arg(total).arg(shownPath(path)));
}

void LeftoversPanel::showClearing(const QString &cacheDir)
{
    m_progress->setRange(0, 0); // a busy bar
    showProgress(tr("Clearing the environment cache %1…").arg(shownPath(cacheDir)));
}

void LeftoversPanel::showProgress(const QString &text)
{
    m_progressText->setText(text);
    m_progressText->show();
    m_progress->show();
}

void LeftoversPanel::jobFinished(const CleanupReport &report)
{
    m_progressText->hide();
    m_progress->hide();
    m_progressText->clear();
    updateButtons();
    if (report.job == CleanupReport::Job::Folders)
        emit message((report.removed == 1 ? tr("Deleted %n folder.", nullptr, report.removed) : tr("Deleted %n folders.", nullptr, report.removed))
                     + (report.failures.isEmpty() ? QString() : u' ' + tr("Not deleted: %1").arg(report.failures.join(QStringLiteral("; ")))));
    else if (!report.failures.isEmpty())
        emit message(report.failures.join(QStringLiteral("; ")));
    else
        emit message((report.removed == 1 ? tr("Removed %n cached environment.", nullptr, report.removed)
                                          : tr("Removed %n cached environments.", nullptr, report.removed))
                     + (report.keptInUse == 0 ? QString() : u' ' + tr("Kept %n in use.", nullptr, report.keptInUse))
                     + (report.warnings.isEmpty() ? QString() : u' ' + report.warnings.join(QStringLiteral("; "))));
    emit leftoversChanged();
}
