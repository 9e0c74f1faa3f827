// The Details tab for people, offscreen, over real task folders: the summary and its order,
// units and local time, raw JSON one click away, the scroll position, the last stderr error,
// the live chart, cells that tick without any file changing, and the Requirements column.
#include "AgentRefresher.h"
#include "DetailsLoader.h"
#include "tasks/DisplayUnits.h"
#include "LockTableModel.h"
#include "ResourceChart.h"
#include "StageTimelineBar.h"
#include "TaskDetailPane.h"
#include "TaskDetailsView.h"
#include "TaskTableModel.h"
#include "TestSupport.h"

#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace oatest;
using Field = oa::TaskDetailRows::Field;

namespace {

void write(const QString &path, const QByteArray &data)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(data);
}

QJsonObject failedResult(const QString &id, const QString &message, int warnings)
{
    QJsonArray list;
    for (int i = 0; i < warnings; ++i)
        list.append(QStringLiteral("warning number %1 about something the operator should know").arg(i));
    return QJsonObject{{"ExecutionId", id}, {"Outcome", "Failed"}, {"ExitCode", 3}, {"ScriptExitCode", 3}, {"Stage", "Run"},
                       {"Message", message}, {"StartedAt", "2026-11-26T05:08:39.595Z"}, {"FinishedAt", "2026-11-26T05:08:41.776Z"},
                       {"DurationMs", 2181},
                       {"StageDurationsMs", QJsonObject{{"Cleanup", 1}, {"Environment", 1490}, {"Lock", 0}, {"Read", 0}, {"Run", 680}, {"Validate", 0}}},
                       {"Python", QJsonObject{{"Executable", "/usr/bin/python3.11"}, {"Version", "3.11.2"}}},
                       {"PeakMemoryBytes", 41234432}, {"CpuSeconds", 0.31}, {"Warnings", list}};
}

QByteArray status(int second, qint64 memory, double cpu)
{
    return QJsonDocument(QJsonObject{{"ExecutionId", "live"}, {"State", "Running"}, {"Stage", "Run"}, {"Percent", 10 * second},
                                     {"Message", "working"}, {"UpdatedAt", QStringLiteral("2026-11-26T05:00:%1.000Z").arg(second, 2, 10, QLatin1Char('0'))},
                                     {"MemoryBytes", memory}, {"PeakMemoryBytes", memory}, {"CpuSeconds", cpu}, {"RunAsUser", "oa-bot"}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class TestDetailPane : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void summaryForPeople();
    void rawJsonOneClickAway();
    void scrollResetsOnTaskChangeKeptOnRefresh();
    void detailsLoadOnlyOnChange();
    void chartCollectsSamplesWhileSelected();
    void runningCellsTick();
    void requirementsColumnForEachSource();
    void sameRowsUpdateTheirLabelsInPlace();

private:
    TaskDetailsView *view() const { return m_pane->detailsView(); }
    bool showAndWait(const QString &id);
    Agent m_agent;
    QProcess m_holder;
    std::unique_ptr<TaskDetailPane> m_pane;
};

bool TestDetailPane::showAndWait(const QString &id)
{
    m_pane->showTask(oa::AgentPaths(m_agent.base()), id);
    QElapsedTimer timer;
    timer.start();
    while (!view()->hasDetails() && timer.elapsed() < 10000)
        QTest::qWait(20);
    return view()->hasDetails() && view()->taskId() == id;
}

void TestDetailPane::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    m_agent.makeScriptTask(QStringLiteral("failed"), "print(1)\n");
    write(m_agent.taskFile(QStringLiteral("failed"), QStringLiteral("result.json")),
          QJsonDocument(failedResult(QStringLiteral("failed"), QStringLiteral("the script exited with code 3"), 40)).toJson());
    write(m_agent.taskFile(QStringLiteral("failed"), QStringLiteral("error.log")),
          "INFO:root:starting\nTraceback (most recent call last):\n  File \"main.py\", line 1, in <module>\nKeyError: 'total'\n"
          "INFO:root:shutting down\n");
    m_agent.makeScriptTask(QStringLiteral("other"), "print(1)\n");
    write(m_agent.taskFile(QStringLiteral("other"), QStringLiteral("result.json")),
          QJsonDocument(failedResult(QStringLiteral("other"), QStringLiteral("another"), 40)).toJson());
    m_agent.makeScriptTask(QStringLiteral("live"), "print(1)\n");
    write(m_agent.taskFile(QStringLiteral("live"), QStringLiteral("status.json")), status(1, 10 * 1024 * 1024, 0.5));
    QVERIFY(startLockHolder(m_holder, m_agent.lockFile(QStringLiteral("live"))));
    m_pane = std::make_unique<TaskDetailPane>();
    m_pane->resize(700, 260);
    m_pane->show();
}

void TestDetailPane::cleanupTestCase()
{
    m_pane.reset();
    m_holder.kill();
    m_holder.waitForFinished();
}

void TestDetailPane::summaryForPeople()
{
    QVERIFY(showAndWait(QStringLiteral("failed")));
    const QList<Field> fields = view()->shownFields();
    QCOMPARE(fields.mid(0, 7), (QList<Field>{Field::Outcome, Field::Message, Field::ExitCode, Field::Stage, Field::Started,
                                             Field::Duration, Field::LastError}));
    QCOMPARE(view()->outcomeLabel()->text(), QStringLiteral("Failed: the script exited with an error"));
    QVERIFY(!view()->outcomeIcon()->pixmap().isNull());
    QCOMPARE(view()->shownValue(Field::Message), QStringLiteral("the script exited with code 3"));
    QCOMPARE(view()->shownValue(Field::ExitCode), QStringLiteral("3"));
    QCOMPARE(view()->shownLabel(Field::Stage), QStringLiteral("Ended in stage"));
    QCOMPARE(view()->shownValue(Field::Stage), QStringLiteral("Run"));
    QCOMPARE(view()->shownValue(Field::Started),
             oa::DisplayUnits::localTime(QDateTime::fromString(QStringLiteral("2026-11-26T05:08:39.595Z"), Qt::ISODateWithMs)));
    QCOMPARE(view()->shownValue(Field::Duration), QStringLiteral("2.18 s"));
    QCOMPARE(view()->shownValue(Field::LastError), QStringLiteral("KeyError: 'total'"));
    QCOMPARE(view()->shownValue(Field::PeakMemory), QStringLiteral("39.3 MiB"));
    QCOMPARE(view()->shownValue(Field::CpuTime), QStringLiteral("0.31 s"));
    QCOMPARE(view()->shownValue(Field::Interpreter), QStringLiteral("Python 3.11.2 (/usr/bin/python3.11)"));
    QVERIFY(view()->shownLabel(Field::Warnings).contains(QStringLiteral("40")));
    // The timeline: pipeline order, Environment the widest.
    QStringList order;
    for (const auto &stage : view()->timeline()->stages())
        order << stage.stage;
    QCOMPARE(order, (QStringList{"Lock", "Read", "Validate", "Environment", "Run", "Cleanup"}));
    QVERIFY(view()->timeline()->isVisible());
    const QList<QRect> segments = view()->timeline()->segments();
    QVERIFY(segments.at(3).width() > segments.at(4).width());
    QVERIFY(segments.at(4).left() >= segments.at(3).right());
    QVERIFY(!view()->chart()->isVisible()); // a finished task has no live samples
}

void TestDetailPane::rawJsonOneClickAway()
{
    QVERIFY(showAndWait(QStringLiteral("failed")));
    QVERIFY(!view()->rawView()->isVisible());
    QTest::mouseClick(view()->rawButton(), Qt::LeftButton);
    QVERIFY(view()->rawView()->isVisible());
    QVERIFY(!view()->scrollArea()->isVisible());
    const QString raw = view()->rawView()->toPlainText();
    QVERIFY(raw.contains(QStringLiteral("\"Outcome\": \"Failed\"")));
    QVERIFY(raw.contains(QStringLiteral("\"PeakMemoryBytes\": 41234432")));
    QVERIFY(raw.contains(QStringLiteral("\"ScriptPath\": \"main.py\"")));
    QTest::mouseClick(view()->rawButton(), Qt::LeftButton);
    QVERIFY(view()->scrollArea()->isVisible());
}

void TestDetailPane::scrollResetsOnTaskChangeKeptOnRefresh()
{
    QVERIFY(showAndWait(QStringLiteral("failed")));
    QScrollBar *bar = view()->scrollArea()->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 100);
    bar->setValue(bar->maximum() - 10);
    const int kept = bar->value();
    QVERIFY(kept > 0);
    // A refresh of the same task with changed content keeps the position.
    const int loads = m_pane->detailsLoader()->loads();
    write(m_agent.taskFile(QStringLiteral("failed"), QStringLiteral("result.json")),
          QJsonDocument(failedResult(QStringLiteral("failed"), QStringLiteral("the script exited with code 3 (again)"), 40)).toJson());
    m_pane->reloadDetails();
    QTRY_VERIFY(m_pane->detailsLoader()->loads() > loads);
    QCOMPARE(view()->shownValue(Field::Message), QStringLiteral("the script exited with code 3 (again)"));
    QTest::qWait(50); // let any deferred layout pass run before looking
    QCOMPARE(bar->value(), kept);
    // Another task starts at the top.
    QVERIFY(showAndWait(QStringLiteral("other")));
    QTRY_VERIFY(bar->maximum() > 100);
    QCOMPARE(bar->value(), 0);
    bar->setValue(bar->maximum());
    QVERIFY(showAndWait(QStringLiteral("failed")));
    QCOMPARE(bar->value(), 0);
}

void TestDetailPane::detailsLoadOnlyOnChange()
{
    QVERIFY(showAndWait(QStringLiteral("other")));
    const int loads = m_pane->detailsLoader()->loads();
    for (int i = 0; i < 5; ++i) {
        m_pane->reloadDetails();
        QTRY_VERIFY(!m_pane->detailsLoader()->isBusy());
    }
    QCOMPARE(m_pane->detailsLoader()->loads(), loads);
}

void TestDetailPane::chartCollectsSamplesWhileSelected()
{
    QVERIFY(showAndWait(QStringLiteral("live")));
    ResourceChart *chart = view()->chart();
    QTRY_COMPARE(chart->samples().size(), 1);
    QVERIFY(chart->isVisible());
    QCOMPARE(view()->outcomeLabel()->text(), QStringLiteral("Running"));
    QCOMPARE(view()->shownValue(Field::Memory), QStringLiteral("10.0 MiB"));
    // Its duration runs on with the clock, with no file changing.
    const QString running = view()->shownValue(Field::Duration);
    QVERIFY(!running.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(view()->shownValue(Field::Duration) != running, 2500);
    // The executor rewrites status.json; the pane picks each version up on its own.
    write(m_agent.taskFile(QStringLiteral("live"), QStringLiteral("status.json")), status(2, 20 * 1024 * 1024, 1.0));
    QTRY_COMPARE_WITH_TIMEOUT(chart->samples().size(), 2, 5000);
    write(m_agent.taskFile(QStringLiteral("live"), QStringLiteral("status.json")), status(3, 30 * 1024 * 1024, 2.0));
    QTRY_COMPARE_WITH_TIMEOUT(chart->samples().size(), 3, 5000);
    QCOMPARE(chart->samples().last().memoryBytes, 30 * 1024 * 1024);
    QCOMPARE(chart->cpuPercent(1), 50.0);  // 0.5 s of CPU in one second
    QCOMPARE(chart->cpuPercent(2), 100.0);
    QTRY_COMPARE(view()->shownValue(Field::Memory), QStringLiteral("30.0 MiB"));
    QCOMPARE(chart->grab().isNull(), false); // paints
    // Another task: the samples were this task's.
    QVERIFY(showAndWait(QStringLiteral("failed")));
    QVERIFY(chart->samples().isEmpty());
}

void TestDetailPane::runningCellsTick()
{
    TaskTableModel tasks;
    const AgentSnapshot snapshot = AgentRefresher::scan(m_agent.base(), false);
    tasks.setRows(snapshot.tasks);
    const int live = tasks.rowOf(QStringLiteral("live"));
    QVERIFY(live >= 0);
    QCOMPARE(tasks.index(live, 0).data(TaskTableModel::StateRole).toInt(), int(oa::TaskState::Running));
    QVERIFY(tasks.index(live, TaskTableModel::ResourcesColumn).data().toString().contains(QStringLiteral("MiB · CPU")));
    QVERIFY(tasks.index(tasks.rowOf(QStringLiteral("failed")), TaskTableModel::ResourcesColumn).data().toString().isEmpty());
    QSignalSpy changed(&tasks, &QAbstractItemModel::dataChanged);
    const QModelIndex duration = tasks.index(live, TaskTableModel::DurationColumn);
    const QString before = duration.data().toString();
    QVERIFY(!before.isEmpty());
    // No file changes and no refresh: the clock alone moves the cell.
    QTRY_VERIFY_WITH_TIMEOUT(duration.data().toString() != before, 2500);
    QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 2500);
    for (const QList<QVariant> &signal : std::as_const(changed)) {
        const QModelIndex from = signal.at(0).toModelIndex();
        const QModelIndex to = signal.at(1).toModelIndex();
        QCOMPARE(from.column(), to.column());
        QVERIFY(from.column() == TaskTableModel::DurationColumn || from.column() == TaskTableModel::LockColumn);
        QVERIFY(from.row() <= live && to.row() >= live); // only the running row (the only one with a lock)
        QCOMPARE(from.row(), to.row());
    }
    LockTableModel locks;
    locks.setRows(snapshot.locks);
    QSignalSpy ages(&locks, &QAbstractItemModel::dataChanged);
    QTRY_VERIFY_WITH_TIMEOUT(!ages.isEmpty(), 2500);
    QCOMPARE(ages.first().at(0).toModelIndex().column(), int(LockTableModel::AgeColumn));
}

void TestDetailPane::requirementsColumnForEachSource()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("txt"), "print(1)\n");
    write(agent.taskFile(QStringLiteral("txt"), QStringLiteral("requirements.txt")),
          "# the invoice bot\nrequests==2.28.1\nidna>=3 \\\n    --hash=sha256:00ff\n\nrich\n");
    agent.makeScriptTask(QStringLiteral("lock"), "print(1)\n");
    write(agent.taskFile(QStringLiteral("lock"), QStringLiteral("Pipfile.lock")), R"({"_meta": {"hash": {"sha256": "abc"}},
        "default": {"oa-demo": {"hashes": ["sha256:0000000000000000000000000000000000000000000000000000000000000000"], "version": "==1.0"}, "oa-two": {"hashes": ["sha256:1111111111111111111111111111111111111111111111111111111111111111"], "version": "==2.0"}},
        "develop": {"oa-dev": {"hashes": ["sha256:44dd"], "version": "==9.9"}}})");
    agent.makeScriptTask(QStringLiteral("inline"), "# /// script\n# requires-python = \">=3.11\"\n# dependencies = [\n#   \"requests<3\",\n"
                                                   "#   \"rich\",\n# ]\n# ///\nprint(1)\n");
    agent.makeScriptTask(QStringLiteral("listed"), "print(1)\n", QJsonObject{{"Requirements", QJsonArray{"oa-demo==1.0"}}});
    agent.makeScriptTask(QStringLiteral("plain"), "print(1)\n");
    // A finished run: the source as result.json names it.
    agent.makeScriptTask(QStringLiteral("ran"), "print(1)\n");
    write(agent.taskFile(QStringLiteral("ran"), QStringLiteral("requirements.txt")), "requests\n");
    QJsonObject result = failedResult(QStringLiteral("ran"), QStringLiteral("done"), 0);
    result.insert("Outcome", "Succeeded");
    result.insert("DependencySource", QJsonObject{{"Source", "requirements.txt"}, {"File", agent.taskFile(QStringLiteral("ran"), QStringLiteral("requirements.txt"))}});
    write(agent.taskFile(QStringLiteral("ran"), QStringLiteral("result.json")), QJsonDocument(result).toJson());

    // Two sources and no RequirementsSource: the executor would refuse it (exit 4), and the column says why.
    agent.makeScriptTask(QStringLiteral("both"), "print(1)\n");
    write(agent.taskFile(QStringLiteral("both"), QStringLiteral("requirements.txt")), "requests\n");
    write(agent.taskFile(QStringLiteral("both"), QStringLiteral("Pipfile.lock")), R"({"_meta": {}, "default": {}, "develop": {}})");

    oa::TaskRescanner rescanner;
    QTest::qWait(80); // older than the refresh's "just written" margin
    const AgentSnapshot snapshot = AgentRefresher::scan(agent.base(), false, QString(), &rescanner);
    TaskTableModel tasks;
    tasks.setRows(snapshot.tasks);
    const auto text = [&](const char *id) { return tasks.index(tasks.rowOf(QString::fromLatin1(id)), TaskTableModel::RequirementsColumn).data().toString(); };
    const auto tip = [&](const char *id) {
        return tasks.index(tasks.rowOf(QString::fromLatin1(id)), TaskTableModel::RequirementsColumn).data(Qt::ToolTipRole).toString();
    };
    QCOMPARE(text("txt"), QStringLiteral("requirements.txt · 3"));
    QVERIFY(tip("txt").contains(QStringLiteral("• requests==2.28.1")) && tip("txt").contains(QStringLiteral("• idna>=3"))
            && tip("txt").contains(QStringLiteral("• rich")));
    QVERIFY(!tip("txt").contains(QStringLiteral("hash")));
    QCOMPARE(text("lock"), QStringLiteral("Pipfile.lock · 2"));
    QVERIFY(tip("lock").contains(QStringLiteral("• oa-demo==1.0")) && tip("lock").contains(QStringLiteral("• oa-two==2.0")));
    QVERIFY(!tip("lock").contains(QStringLiteral("oa-dev")));
    QCOMPARE(text("inline"), QStringLiteral("script · 2"));
    QVERIFY(tip("inline").contains(QStringLiteral("• requests<3")) && tip("inline").contains(QStringLiteral("• rich")));
    QCOMPARE(text("listed"), QStringLiteral("execution.json · 1"));
    QVERIFY(tip("listed").contains(QStringLiteral("• oa-demo==1.0")));
    QCOMPARE(text("plain"), QStringLiteral("none"));
    QVERIFY(!tip("plain").isEmpty());
    QCOMPARE(text("ran"), QStringLiteral("requirements.txt · 1"));
    QVERIFY(tip("ran").contains(QStringLiteral("• requests")));
    QCOMPARE(text("both"), QStringLiteral("?"));
    QVERIFY2(tip("both").contains(QStringLiteral("RequirementsSource")), qPrintable(tip("both")));
    // A second scan of the unchanged folder reads no task's files again.
    const int reads = rescanner.reads();
    AgentRefresher::scan(agent.base(), false, QString(), &rescanner);
    QCOMPARE(rescanner.reads(), reads);
}

void TestDetailPane::sameRowsUpdateTheirLabelsInPlace()
{
    // A running task is reloaded every second: its labels must not be torn down and built again
    // each time (the pane would flicker, and a selection in a value would be lost).
    TaskDetailsView view;
    view.show();
    view.setTask(QStringLiteral("t"));
    oa::TaskDetails details;
    details.id = QStringLiteral("t");
    details.state = oa::TaskState::Running;
    details.rows.summary = {{Field::Outcome, QStringLiteral("Outcome"), QStringLiteral("Running"), QString()},
                            {Field::Message, QStringLiteral("Message"), QStringLiteral("step 1"), QString()}};
    details.rows.rows = {{Field::Memory, QStringLiteral("Memory now"), QStringLiteral("10 MiB"), QStringLiteral("10485760 bytes")},
                         {Field::Warnings, QStringLiteral("Warnings (1)"), QStringLiteral("one"), QString()}};
    view.setDetails(details);
    const QPointer<QLabel> message = view.valueLabel(Field::Message);
    const QPointer<QLabel> memory = view.valueLabel(Field::Memory);
    const QPointer<QLabel> warnings = view.valueLabel(Field::Warnings);
    QVERIFY(message && memory && warnings);

    // The same rows, other values and labels: the same widgets show them.
    details.rows.summary[1].value = QStringLiteral("step 2");
    details.rows.rows[0] = {Field::Memory, QStringLiteral("Memory now"), QStringLiteral("12 MiB"), QStringLiteral("12582912 bytes")};
    details.rows.rows[1] = {Field::Warnings, QStringLiteral("Warnings (2)"), QStringLiteral("one\ntwo"), QString()};
    view.setDetails(details);
    QCOMPARE(view.valueLabel(Field::Message), message.data());
    QCOMPARE(view.valueLabel(Field::Memory), memory.data());
    QCOMPARE(view.valueLabel(Field::Warnings), warnings.data());
    QCOMPARE(view.shownValue(Field::Message), QStringLiteral("step 2"));
    QCOMPARE(memory->text(), QStringLiteral("12 MiB"));
    QCOMPARE(memory->toolTip(), QStringLiteral("12582912 bytes"));
    QCOMPARE(view.shownLabel(Field::Warnings), QStringLiteral("Warnings (2)"));
    QCOMPARE(view.shownValue(Field::Warnings), QStringLiteral("one\ntwo"));
    QCOMPARE(view.shownFields(), (QList<Field>{Field::Outcome, Field::Message, Field::Memory, Field::Warnings}));

    // A row appears: built afresh, in order.
    details.rows.rows.insert(1, {Field::CpuTime, QStringLiteral("CPU time"), QStringLiteral("0.5 s"), QString()});
    view.setDetails(details);
    QVERIFY(!message); // the old widgets are gone
    QCOMPARE(view.shownFields(), (QList<Field>{Field::Outcome, Field::Message, Field::Memory, Field::CpuTime, Field::Warnings}));
    QCOMPARE(view.shownValue(Field::CpuTime), QStringLiteral("0.5 s"));
    QCOMPARE(view.shownValue(Field::Message), QStringLiteral("step 2"));
    // And one goes.
    const QPointer<QLabel> cpu = view.valueLabel(Field::CpuTime);
    details.rows.rows.removeAt(1);
    view.setDetails(details);
    QVERIFY(!cpu);
    QCOMPARE(view.shownFields(), (QList<Field>{Field::Outcome, Field::Message, Field::Memory, Field::Warnings}));
    QVERIFY(view.valueLabel(Field::CpuTime) == nullptr);
}

QTEST_MAIN(TestDetailPane)
#include "tst_detailpane.moc"
