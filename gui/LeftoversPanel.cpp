#include "LeftoversPanel.h"

#include "EnvironmentCache.h"
#include "LeftoverTableModel.h"
#include "StateStyle.h"
#include "TableViews.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

LeftoversPanel::LeftoversPanel(QWidget *parent) : QWidget(parent), m_model(new LeftoverTableModel(this))
{
    m_view = makeListTable(m_model, this);
    m_total = new QLabel(this);
    m_clean = new QPushButton(tr("Clean &up…"), this);
    m_clean->setToolTip(tr("Deletes the selected folders, or all of them when none is selected"));
    connect(m_clean, &QPushButton::clicked, this, &LeftoversPanel::cleanUp);
    m_clearCache = new QPushButton(tr("Clear environment &cache…"), this);
    m_clearCache->setToolTip(tr("Removes every cached environment that no running task uses; its files are immutable, "
                                "so rm -rf cannot remove them"));
    connect(m_clearCache, &QPushButton::clicked, this, &LeftoversPanel::clearEnvironmentCache);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_total, 1);
    bottom->addWidget(m_clearCache);
    bottom->addWidget(m_clean);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addLayout(bottom);
    confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(this, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
               == QMessageBox::Yes;
    };
    setLeftovers(QString(), {});
    setCache(0, 0);
}

void LeftoversPanel::setCache(int entries, qint64 bytes)
{
    m_cacheEntries = entries;
    m_cacheBytes = bytes;
    m_clearCache->setEnabled(entries > 0 && !m_baseDir.isEmpty());
}

void LeftoversPanel::clearEnvironmentCache()
{
    if (m_baseDir.isEmpty()
        || !confirm(tr("Clear environment cache"),
                    tr("Remove %n cached environment(s), %1 in all? Environments that a running task uses are kept. "
                       "The next run that needs packages builds its environment again.", nullptr, m_cacheEntries)
                        .arg(StateStyle::size(m_cacheBytes))))
        return;
    oa::EnvironmentCache::Settings settings;
    settings.dir = m_baseDir + QStringLiteral("/EnvCache");
    settings.agentBase = m_baseDir;
    const auto cleared = oa::EnvironmentCache(settings).clear();
    if (!cleared)
        emit message(cleared.failure().message);
    else
        emit message(tr("Removed %n cached environment(s).", nullptr, int(cleared->removed.size()))
                     + (cleared->keptInUse.isEmpty() ? QString() : u' ' + tr("Kept %n in use.", nullptr, int(cleared->keptInUse.size())))
                     + (cleared->warnings.isEmpty() ? QString() : u' ' + cleared->warnings.join(QStringLiteral("; "))));
    emit leftoversChanged();
}

void LeftoversPanel::setLeftovers(const QString &baseDir, const QList<oa::Leftover> &leftovers)
{
    m_baseDir = baseDir;
    m_model->setRows(leftovers);
    m_total->setText(tr("%n folder(s), %1 in all", nullptr, int(leftovers.size())).arg(StateStyle::size(m_model->totalBytes())));
    m_clean->setEnabled(!leftovers.isEmpty());
}

void LeftoversPanel::cleanUp()
{
    QList<oa::Leftover> targets;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        if (const oa::Leftover *l = m_model->rowAt(index.row()))
            targets.append(*l);
    if (targets.isEmpty())
        targets = m_model->rows();
    if (targets.isEmpty())
        return;
    qint64 bytes = 0;
    QStringList lines;
    for (const oa::Leftover &l : targets) {
        bytes += l.sizeBytes;
        lines.append(QStringLiteral("• %1 (%2)").arg(l.path, StateStyle::size(l.sizeBytes)));
    }
    if (!confirm(tr("Clean up leftovers"),
                 tr("Delete %n folder(s), %1 in all? No running task uses them.", nullptr, int(targets.size())).arg(StateStyle::size(bytes))
                     + QStringLiteral("\n\n") + lines.join(u'\n')))
        return;
    const oa::Leftovers leftovers{oa::AgentPaths(m_baseDir)};
    int removed = 0;
    QStringList failures;
    for (const oa::Leftover &l : targets) {
        const oa::Status done = leftovers.remove(l);
        if (done)
            ++removed;
        else
            failures.append(done.failure().message);
    }
    emit message(tr("Deleted %n folder(s).", nullptr, removed)
                 + (failures.isEmpty() ? QString() : u' ' + tr("Not deleted: %1").arg(failures.join(QStringLiteral("; ")))));
    emit leftoversChanged();
}
