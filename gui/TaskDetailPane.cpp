#include "TaskDetailPane.h"

#include "DetailsLoader.h"
#include "LogTabs.h"
#include "RunSelector.h"
#include "StateStyle.h"
#include "TaskDetailsView.h"
#include "base/PrintableText.h"
#include "tasks/DisplayUnits.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QAbstractItemView>
#include <QLabel>
#include <QPainter>
#include <QTimer>

namespace {

// The reason in an entry is one short line: the whole one is in the entry's tooltip and the
// details.
constexpr int kReasonChars = 48;

bool sameRuns(const QList<oa::RunHistory::Run> &a, const QList<oa::RunHistory::Run> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a[i].generation != b[i].generation || a[i].startedAt != b[i].startedAt || a[i].outcome != b[i].outcome
            || a[i].errorSummary != b[i].errorSummary || a[i].problem != b[i].problem)
            return false;
    return true;
}

// Where kept run `generation` of `before` is in `after`: a new run moves every kept run one
// number up (previous/ becomes previous.2/, …). Told by its start and outcome; -1 when gone.
int renumbered(const QList<oa::RunHistory::Run> &before, const QList<oa::RunHistory::Run> &after, int generation)
{
    for (const oa::RunHistory::Run &old : before) {
        if (old.generation != generation || !old.startedAt.isValid())
            continue;
        for (const oa::RunHistory::Run &run : after)
            if (run.generation > 0 && run.startedAt == old.startedAt && run.outcome == old.outcome)
                return run.generation;
    }
    return -1;
}

} // namespace

TaskDetailPane::TaskDetailPane(QWidget *parent) : QTabWidget(parent)
{
    m_details = new TaskDetailsView(this);
    m_loader = new DetailsLoader(this);
    connect(m_loader, &DetailsLoader::loaded, m_details, &TaskDetailsView::setDetails);
    auto *corner = new QWidget(this);
    m_runsLabel = new QLabel(tr("&Run:"), corner);
    m_runs = new RunSelector(corner);
    m_runsLabel->setBuddy(m_runs);
    m_runs->setToolTip(tr("The last run and the earlier runs the task folder keeps (KeepRuns): choose one to read its details "
                          "and logs"));
    m_runs->setEnabled(false);
    auto *row = new QHBoxLayout(corner);
    row->setContentsMargins(4, 0, 0, 0);
    row->addWidget(m_runsLabel);
    row->addWidget(m_runs, 1);
    setCornerWidget(corner, Qt::TopRightCorner);
    corner->hide(); // until a task has more than one run
    // Programmatic changes block its signals: a change that comes through is the reader's choice.
    connect(m_runs, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            showRun(m_runs->itemData(index).toInt());
    });
    connect(m_loader, &DetailsLoader::loaded, this, &TaskDetailPane::fillRuns);
    // A running task's status.json changes every second; the scan polls only every two.
    auto *poll = new QTimer(this);
    poll->setInterval(1000);
    connect(poll, &QTimer::timeout, this, &TaskDetailPane::reloadDetails);
    poll->start();
    addTab(m_details, tr("&Details"));
    m_logs = new LogTabs(this);
}

LogView *TaskDetailPane::errorView() const
{
    return m_logs->view(LogTabs::Errors);
}

QString TaskDetailPane::runText(const oa::RunHistory::Run &run, bool withReason)
{
    QStringList parts;
    if (run.generation == 0 && !run.recorded)
        return tr("Last run");
    parts.append(run.startedAt.isValid() ? oa::DisplayUnits::localTime(run.startedAt) : tr("start unknown"));
    if (!run.recorded) {
        const bool scanned = run.scannedState && *run.scannedState != oa::TaskState::Pending; // e.g. Interrupted
        parts.append(scanned ? StateStyle::label(*run.scannedState) : tr("no result"));
        return parts.join(QStringLiteral(" · "));
    }
    parts.append(StateStyle::label(oa::TaskScanner::stateFromOutcome(run.outcome)));
    QString reason = oa::printableAsWritten(run.errorSummary);
    if (reason.size() > kReasonChars)
        reason = reason.left(kReasonChars - 1) + u'…';
    if (!reason.isEmpty() && withReason)
        parts.append(reason);
    return parts.join(QStringLiteral(" · "));
}

void TaskDetailPane::fillRuns(const oa::TaskDetails &details)
{
    if (details.id != m_id)
        return;
    QList<oa::RunHistory::Run> runs = details.runs;
    // The last run is always there to go back to, also while it runs (no result.json yet).
    if (runs.isEmpty() || runs.first().generation != 0)
        runs.prepend(oa::RunHistory::Run{});
    int follow = -1; // a new run renumbered the kept ones: the one shown, by its new number
    if (!sameRuns(runs, m_shownRuns)) {
        if (m_generation != oa::AgentPaths::Generation::Current)
            follow = renumbered(m_shownRuns, runs, int(m_generation));
        m_shownRuns = runs;
        const QSignalBlocker quiet(m_runs);
        m_runs->clear();
        for (const oa::RunHistory::Run &run : runs) {
            m_runs->addItem(runText(run), run.generation);
            m_runs->setItemData(m_runs->count() - 1, runText(run, false), RunSelector::ShortTextRole);
            QString tip = run.generation == 0 ? tr("The last run, in the task folder")
                                              : tr("Kept run %1, in %2").arg(run.generation).arg(oa::printableText(run.folder));
            if (!run.errorSummary.isEmpty())
                tip += u'\n' + oa::printableAsWritten(run.errorSummary);
            if (!run.problem.isEmpty())
                tip += u'\n' + oa::printableText(run.problem);
            m_runs->setItemData(m_runs->count() - 1, tip, Qt::ToolTipRole);
        }
    }
    const QSignalBlocker quiet(m_runs);
    // The last run without a result (it runs, or its executor died) is named by its state.
    if (!runs.first().recorded && details.generation == oa::AgentPaths::Generation::Current) {
        m_runs->setItemText(0, tr("Last run · %1").arg(StateStyle::label(details.state)));
        m_runs->setItemData(0, m_runs->itemText(0), RunSelector::ShortTextRole);
    }
    m_runs->setCurrentIndex(qMax(0, m_runs->findData(int(m_generation))));
    if (follow > 0 && follow != int(m_generation))
        showRun(follow);
    // Nothing to choose with one run: the selector is not shown then.
    m_runs->setEnabled(m_runs->count() > 1);
    cornerWidget(Qt::TopRightCorner)->setVisible(m_runs->count() > 1);
}

void TaskDetailPane::showTask(const oa::AgentPaths &paths, const QString &id)
{
    const bool same = id == m_id && paths.baseDir() == m_base;
    m_base = paths.baseDir();
    m_id = id;
    if (!same) {
        m_details->setTask(id);
        m_generation = oa::AgentPaths::Generation::Current;
        m_shownRuns.clear();
        const QSignalBlocker quiet(m_runs);
        m_runs->clear();
        m_runs->setEnabled(false);
        cornerWidget(Qt::TopRightCorner)->hide();
    }
    if (id.isEmpty()) {
        m_loader->clear();
        m_logs->showTask(paths, id, m_generation);
        return;
    }
    if (!same)
        m_logs->showTask(paths, id, m_generation);
    m_loader->request(paths, id, m_generation);
}

void TaskDetailPane::showRun(int generation)
{
    const auto chosen = oa::AgentPaths::keptRun(generation);
    if (chosen == m_generation || m_id.isEmpty())
        return;
    m_generation = chosen;
    {
        const QSignalBlocker quiet(m_runs);
        m_runs->setCurrentIndex(qMax(0, m_runs->findData(generation)));
    }
    const oa::AgentPaths paths(m_base);
    m_details->setTask(m_id); // back to the top, an empty chart: another run
    m_logs->showTask(paths, m_id, m_generation);
    m_loader->request(paths, m_id, m_generation);
}

void TaskDetailPane::reloadDetails()
{
    if (!m_id.isEmpty())
        m_loader->request(oa::AgentPaths(m_base), m_id, m_generation);
}

QPixmap TaskDetailPane::grabWithRunList()
{
    // Drawn where a drop-down list opens, under the selector and ending at its right edge: the
    // style may open it elsewhere (over the selector), and the screen may move it.
    m_runs->showPopup();
    QWidget *popup = m_runs->view()->window();
    const QPixmap list = popup->grab();
    m_runs->hidePopup();
    const QRect selector(m_runs->mapTo(this, QPoint(0, 0)), m_runs->size());
    const QRect listRect(QPoint(selector.right() + 1 - popup->width(), selector.bottom() + 1), popup->size());
    const QRect all = rect().united(listRect);
    QPixmap picture(all.size() * devicePixelRatioF());
    picture.setDevicePixelRatio(devicePixelRatioF());
    picture.fill(palette().color(QPalette::Window));
    QPainter painter(&picture);
    painter.drawPixmap(-all.topLeft(), grab());
    painter.drawPixmap(listRect.topLeft() - all.topLeft(), list);
    return picture;
}
