#include "TasksPanel.h"

#include "fs/AgentPaths.h"
#include "ColumnFit.h"
#include "ProgressDelegate.h"
#include "StateFilterButton.h"
#include "StateStyle.h"
#include "TaskDetailPane.h"
#include "TaskFilterProxy.h"
#include "TaskTableModel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace {
// The free-text columns, in the order they give width back when the window is narrow. The
// Reason goes last: it is what an operator scans the table for (issue 23), and it keeps at least
// kReasonRoom characters' worth while its reasons are that long.
const QList<int> kGiveWay{TaskTableModel::LockColumn, TaskTableModel::ScriptColumn, TaskTableModel::ProgressColumn, TaskTableModel::ReasonColumn};
constexpr int kReasonRoom = 40;
} // namespace

TasksPanel::TasksPanel(QWidget *parent)
    : QWidget(parent), m_tasks(new TaskTableModel(this)), m_proxy(new TaskFilterProxy(this))
{
    m_proxy->setSourceModel(m_tasks);

    // Filter bar: what needs attention, any states, free text. "Needs attention" adds every
    // state the window title counts to the states chosen in the menu; with neither, every
    // task shows. Both are remembered with the other view settings.
    m_attentionFilter = new QToolButton(this);
    m_attentionFilter->setText(tr("Needs atte&ntion"));
    m_attentionFilter->setIcon(StateStyle::icon(oa::TaskState::Failed));
    m_attentionFilter->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_attentionFilter->setCheckable(true);
    m_attentionFilter->setToolTip(tr("Shows only what needs attention: Failed, Timed out, Interrupted, Orphaned and Invalid tasks, "
                                     "with any states chosen beside it"));
    m_stateFilter = new StateFilterButton(this);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search ID, script, arguments, lock holder, reason (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    auto *stateLabel = new QLabel(tr("&In state:"), this);
    stateLabel->setBuddy(m_stateFilter);
    restoreStateFilter();
    connect(m_stateFilter, &StateFilterButton::statesChanged, this, &TasksPanel::stateFilterChanged);
    connect(m_attentionFilter, &QToolButton::toggled, this, &TasksPanel::stateFilterChanged);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &TaskFilterProxy::setText);

    m_view = new QTableView(this);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TaskTableModel::StartedColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->setItemDelegateForColumn(TaskTableModel::ProgressColumn, new ProgressDelegate(m_view));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &TasksPanel::followSelection);
    m_refit = new ColumnFit::Refitter(m_view, [this](const QSet<int> &keep) {
        // A progress bar needs room for "60% Requirements · …" whatever the rows say now.
        const int reasonRoom = qMin(ColumnFit::needed(m_view, TaskTableModel::ReasonColumn),
                                    fontMetrics().averageCharWidth() * kReasonRoom);
        ColumnFit::fit(m_view, kGiveWay,
                       {{TaskTableModel::ProgressColumn, fontMetrics().horizontalAdvance(QStringLiteral("100% Requirements")) + 24},
                        {TaskTableModel::ReasonColumn, reasonRoom}},
                       keep);
    }, kGiveWay);

    auto *taskSide = new QWidget(this);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_attentionFilter);
    filterRow->addWidget(stateLabel);
    filterRow->addWidget(m_stateFilter);
    filterRow->addWidget(m_search, 1);
    auto *taskLayout = new QVBoxLayout(taskSide);
    taskLayout->setContentsMargins(0, 0, 0, 0);
    taskLayout->addLayout(filterRow);
    taskLayout->addWidget(m_view, 1);

    m_details = new TaskDetailPane(this);
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(taskSide);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    // The splitter fills the tab edge to edge, as it did when it was the tab itself.
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);
}

namespace {
const QString kStatesKey = QStringLiteral("view/stateFilter");
const QString kAttentionKey = QStringLiteral("view/needsAttention");
} // namespace

void TasksPanel::restoreStateFilter()
{
    // By the states' stable names, which outlive a reordering of the enum.
    const QSettings settings;
    QSet<int> states;
    for (const QString &name : settings.value(kStatesKey).toStringList())
        for (int s = 0; s < oa::kTaskStateCount; ++s)
            if (oa::taskStateName(oa::TaskState(s)) == name)
                states.insert(s);
    m_stateFilter->setStates(states);
    m_attentionFilter->setChecked(settings.value(kAttentionKey, false).toBool());
    applyStateFilter();
}

void TasksPanel::stateFilterChanged()
{
    QStringList names;
    for (int s = 0; s < oa::kTaskStateCount; ++s)
        if (m_stateFilter->states().contains(s))
            names.append(oa::taskStateName(oa::TaskState(s)));
    QSettings settings;
    settings.setValue(kStatesKey, names);
    settings.setValue(kAttentionKey, m_attentionFilter->isChecked());
    applyStateFilter();
}

void TasksPanel::applyStateFilter()
{
    QSet<int> shown = m_stateFilter->states();
    if (m_attentionFilter->isChecked())
        shown.unite(TaskFilterProxy::attentionStates());
    m_proxy->setStatesFilter(shown);
}

void TasksPanel::setBaseDir(const QString &baseDir)
{
    m_baseDir = baseDir;
    m_tasks->setRows({});
    m_details->showTask(oa::AgentPaths(baseDir), QString());
}

void TasksPanel::setTasks(const QList<oa::TaskSummary> &tasks)
{
    // Merged in place: the selection and scroll position survive (KeyedRowsModel).
    m_tasks->setRows(tasks);
    m_details->reloadDetails();
    followSelection();
}

bool TasksPanel::selectTask(const QString &id)
{
    const int row = m_tasks->rowOf(id);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_tasks->index(row, 0));
    if (index.isValid()) { // else filtered out: it is there, only not shown
        m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_view->scrollTo(index);
    }
    return true;
}

QString TasksPanel::selectedTaskId() const
{
    return m_view->selectionModel()->currentIndex().data(TaskTableModel::IdRole).toString();
}

std::optional<oa::TaskState> TasksPanel::selectedTaskState() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? std::optional(oa::TaskState(current.data(TaskTableModel::StateRole).toInt())) : std::nullopt;
}

void TasksPanel::addTaskActions(const QList<QAction *> &actions)
{
    m_view->addActions(actions);
}

void TasksPanel::focusSearch()
{
    m_search->setFocus();
    m_search->selectAll();
}

void TasksPanel::fitColumns()
{
    m_refit->fitAll();
}

void TasksPanel::saveLayout(QByteArray &splitter, QByteArray &columns) const
{
    splitter = m_splitter->saveState();
    columns = m_view->horizontalHeader()->saveState();
}

bool TasksPanel::restoreLayout(const QByteArray &splitter, const QByteArray &columns)
{
    m_splitter->restoreState(splitter);
    const bool restored = m_view->horizontalHeader()->restoreState(columns);
    m_refit->forgetHandWidths();
    return restored;
}

void TasksPanel::followSelection()
{
    const QString id = selectedTaskId();
    if (id != m_details->taskId())
        m_details->showTask(oa::AgentPaths(m_baseDir), id);
    emit selectionChanged();
}
