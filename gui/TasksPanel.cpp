#include "TasksPanel.h"

#include "fs/AgentPaths.h"
#include "ColumnFit.h"
#include "ProgressDelegate.h"
#include "StateStyle.h"
#include "TaskDetailPane.h"
#include "TaskFilterProxy.h"
#include "TaskTableModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace {
// The free-text columns, in the order they give width back when the window is narrow.
const QList<int> kGiveWay{TaskTableModel::ReasonColumn, TaskTableModel::ScriptColumn, TaskTableModel::LockColumn, TaskTableModel::ProgressColumn};
} // namespace

TasksPanel::TasksPanel(QWidget *parent)
    : QWidget(parent), m_tasks(new TaskTableModel(this)), m_proxy(new TaskFilterProxy(this))
{
    m_proxy->setSourceModel(m_tasks);

    // Filter bar: state and free text.
    m_stateFilter = new QComboBox(this);
    m_stateFilter->addItem(tr("All states"));
    // Every state that needs the operator at once (the window title counts the same); its data
    // is the list of their numbers, a single state's is its number.
    QVariantList attention;
    for (const int s : TaskFilterProxy::attentionStates())
        attention.append(s);
    m_stateFilter->addItem(StateStyle::icon(oa::TaskState::Failed), tr("Needs attention"), attention);
    m_stateFilter->insertSeparator(m_stateFilter->count());
    for (int s = 0; s < oa::kTaskStateCount; ++s)
        m_stateFilter->addItem(StateStyle::icon(oa::TaskState(s)), StateStyle::label(oa::TaskState(s)), s);
    // As wide as its longest item ("Running elsewhere", German's longer words), and the search
    // field may not squeeze it: a cut-off state name reads as another state.
    m_stateFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_stateFilter->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    // Its list shows every item at once: past Qt's 10 it would scroll, and hide the last states.
    m_stateFilter->setMaxVisibleItems(m_stateFilter->count());
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search ID, script, arguments, lock holder, reason (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    auto *stateLabel = new QLabel(tr("&State:"), this);
    stateLabel->setBuddy(m_stateFilter);
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this](int index) {
        const QVariant state = m_stateFilter->itemData(index);
        if (state.typeId() == QMetaType::QVariantList) {
            QSet<int> states;
            for (const QVariant &s : state.toList())
                states.insert(s.toInt());
            m_proxy->setStatesFilter(states);
        } else {
            m_proxy->setStateFilter(state.isValid() ? std::optional<int>(state.toInt()) : std::nullopt);
        }
    });
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

    auto *taskSide = new QWidget(this);
    auto *filterRow = new QHBoxLayout;
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
    // A progress bar needs room for "60% Requirements · …" whatever the rows say now.
    ColumnFit::fit(m_view, kGiveWay, {{TaskTableModel::ProgressColumn, fontMetrics().horizontalAdvance(QStringLiteral("100% Requirements")) + 24}});
}

void TasksPanel::saveLayout(QByteArray &splitter, QByteArray &columns) const
{
    splitter = m_splitter->saveState();
    columns = m_view->horizontalHeader()->saveState();
}

bool TasksPanel::restoreLayout(const QByteArray &splitter, const QByteArray &columns)
{
    m_splitter->restoreState(splitter);
    return m_view->horizontalHeader()->restoreState(columns);
}

void TasksPanel::followSelection()
{
    const QString id = selectedTaskId();
    if (id != m_details->taskId())
        m_details->showTask(oa::AgentPaths(m_baseDir), id);
    emit selectionChanged();
}
