// Times with their zone, everywhere a person reads one (issue 23): under TZ=Europe/Berlin (set
// before Qt reads the zone), oa::LocalTime writes the locale's format with a four-digit year and
// the zone, and a real run's start shows in the monitor's table and in --list as the local time
// the script's own log lines carry (Python's logging writes local time), with "CET" beside it, as
// does every line of the monitor's Executor log tab.
#include "LeftoverTableModel.h"
#include "LogTabs.h"
#include "LogView.h"
#include "LockTableModel.h"
#include "MainWindow.h"
#include "MonitorFixture.h"
#include "TaskDetailPane.h"
#include "TaskTableModel.h"
#include "TestSupport.h"
#include "base/LocalTime.h"
#include "tasks/DisplayUnits.h"

#include <QApplication>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

using namespace oatest;

namespace {

const QDateTime kWinter = QDateTime::fromString(QStringLiteral("2026-12-06T20:04:32Z"), Qt::ISODate);
const QDateTime kSummer = QDateTime::fromString(QStringLiteral("2026-07-01T10:00:00Z"), Qt::ISODate);

// Seconds since midnight of the first "H:MM:SS" (and AM/PM) in `text`; -1: none.
int secondsOfDay(const QString &text)
{
    static const QRegularExpression time(QStringLiteral("\\b(\\d{1,2}):(\\d\\d):(\\d\\d)(?:[.,]\\d+)?(?: ?([AP]M))?"));
    const QRegularExpressionMatch m = time.match(text);
    if (!m.hasMatch())
        return -1;
    int hours = m.captured(1).toInt();
    if (m.captured(4) == QLatin1String("PM") && hours < 12)
        hours += 12;
    if (m.captured(4) == QLatin1String("AM") && hours == 12)
        hours = 0;
    return hours * 3600 + m.captured(2).toInt() * 60 + m.captured(3).toInt();
}

// Within a few seconds of each other (the executor's start comes before the script's first line).
bool near(int a, int b)
{
    const int d = qAbs(a - b);
    return a >= 0 && b >= 0 && qMin(d, 86400 - d) <= 5;
}

} // namespace

class TestLocalTimes : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void formats();
    void tablesShowTheZone();
    void realRunMatchesTheScriptsLog();

private:
    Agent m_agent;
};

void TestLocalTimes::initTestCase()
{
    QCOMPARE(qgetenv("TZ"), QByteArray("Europe/Berlin"));
    QCOMPARE(kWinter.toLocalTime().offsetFromUtc(), 3600);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_agent.base() + QStringLiteral("/../settings"));
}

void TestLocalTimes::formats()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    // --lang en showed 12/6/26: a four-digit year now, and the zone.
    QCOMPARE(oa::LocalTime::dateTime(kWinter), QStringLiteral("12/6/2026 9:04 PM CET"));
    QCOMPARE(oa::LocalTime::dateTime(kWinter, true), QStringLiteral("12/6/2026 9:04:32 PM CET"));
    QCOMPARE(oa::LocalTime::timeOfDay(kWinter), QStringLiteral("9:04:32 PM CET"));
    QCOMPARE(oa::LocalTime::dateTime(kSummer), QStringLiteral("7/1/2026 12:00 PM CEST"));
    QVERIFY2(oa::LocalTime::longDateTime(kWinter).endsWith(QStringLiteral("December 6, 2026 9:04:32 PM CET")),
             qPrintable(oa::LocalTime::longDateTime(kWinter)));
    // A log line's time: 24-hour with milliseconds in every locale, and the zone.
    QCOMPARE(oa::LocalTime::logTime(kWinter.addMSecs(595)), QStringLiteral("21:04:32.595 CET"));
    QCOMPARE(oa::LocalTime::logTime(kSummer), QStringLiteral("12:00:00.000 CEST"));
    QCOMPARE(oa::LocalTime::logTime(QDateTime()), QString());
    QCOMPARE(oa::LocalTime::isoWithOffset(kWinter), QStringLiteral("2026-12-06T21:04:32.000+01:00"));
    QCOMPARE(oa::LocalTime::dateTime(QDateTime()), QString());
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(oa::LocalTime::dateTime(kWinter), QStringLiteral("06.12.2026 21:04 CET"));
    QCOMPARE(oa::LocalTime::timeOfDay(kSummer), QStringLiteral("12:00:00 CEST"));
    // The detail pane's rows (core/tasks/TaskDetailRows) write times through the same helper.
    QCOMPARE(oa::DisplayUnits::localTime(kWinter), QStringLiteral("06.12.2026 21:04:32 CET"));
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestLocalTimes::tablesShowTheZone()
{
    // The Locks panel's Locked since, and the Leftovers' Age tooltip.
    oa::LockRecord lock;
    lock.executionId = QStringLiteral("held");
    lock.verdict = oa::LockVerdict::Orphaned;
    lock.info.acquiredAt = kWinter;
    LockTableModel locks;
    locks.setRows({lock});
    QCOMPARE(locks.index(0, LockTableModel::SinceColumn).data().toString(), QStringLiteral("12/6/2026 9:04 PM CET"));
    oa::Leftover leftover{oa::Leftover::Kind::Venv, QStringLiteral("gone"), QStringLiteral("/x/venvs/gone"), 1, kWinter, false};
    LeftoverTableModel leftovers;
    leftovers.setRows({leftover});
    QVERIFY2(leftovers.index(0, LeftoverTableModel::AgeColumn).data(Qt::ToolTipRole).toString().endsWith(QStringLiteral("2026 9:04:32 PM CET")),
             qPrintable(leftovers.index(0, LeftoverTableModel::AgeColumn).data(Qt::ToolTipRole).toString()));
    // An older run in the task table: the date with its four-digit year, and the zone.
    m_agent.makeScriptTask(QStringLiteral("older"), "print(1)\n");
    QVERIFY(writeFileBytes(m_agent.taskFile(QStringLiteral("older"), QStringLiteral("result.json")),
                           R"({"ExecutionId":"older","Outcome":"Succeeded","ExitCode":0,"StartedAt":"2026-12-06T20:04:32.000Z",)"
                           R"("FinishedAt":"2026-12-06T20:04:33.000Z","DurationMs":1000})"));
}

void TestLocalTimes::realRunMatchesTheScriptsLog()
{
    // The script logs its own start as Python's logging does: local time, to the millisecond.
    m_agent.makeScriptTask(QStringLiteral("berlin"),
                           "import logging, time\n"
                           "logging.basicConfig(level=logging.INFO, format='%(asctime)s %(message)s')\n"
                           "logging.info('started, zone %s', time.strftime('%Z'))\n");
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("TZ"), QStringLiteral("Europe/Berlin"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    const Run run = runExecutor(executorArgs(m_agent, QStringLiteral("berlin")), env);
    QCOMPARE(run.exitCode, 0);
    const QString logged = QString::fromUtf8(readFile(m_agent.taskFile(QStringLiteral("berlin"), QStringLiteral("error.log")))).trimmed();
    QVERIFY2(logged.endsWith(QStringLiteral("started, zone CET")), qPrintable(logged));
    const int scriptTime = secondsOfDay(logged);
    QVERIFY(scriptTime >= 0);

    // --list: its STARTED cell, local, with the zone and a four-digit year.
    const Run list = runExecutor({QStringLiteral("--base-dir"), m_agent.base(), QStringLiteral("--list")}, env);
    QCOMPARE(list.exitCode, 0);
    QString row;
    for (const QString &line : QString::fromUtf8(list.out).split(u'\n'))
        if (line.startsWith(QStringLiteral("berlin ")))
            row = line;
    QVERIFY2(row.contains(QStringLiteral(" CET ")), qPrintable(row));
    QVERIFY2(row.contains(QString::number(QDate::currentDate().year())), qPrintable(row));
    QVERIFY2(near(secondsOfDay(row), scriptTime), qPrintable(row + QStringLiteral(" / ") + logged));
    QVERIFY2(list.out.contains("\n2 tasks in "), list.out.constData());
    const auto older = [&list] {
        for (const QByteArray &line : list.out.split('\n'))
            if (line.startsWith("older "))
                return line.simplified();
        return QByteArray();
    }();
    QVERIFY2(older.contains(" 2026 21:04:32 CET "), older.constData()); // the C locale: "6 Dec 2026 21:04:32 CET"

    // The monitor's table: today's run by its time and zone, the older one with its date too.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    MainWindow window;
    window.setConfiguration(loadConfiguration(emptyConfigFile(), m_agent.base()));
    window.show();
    QSignalSpy scanned(&window, &MainWindow::snapshotApplied);
    window.setBaseDir(m_agent.base());
    QVERIFY(scanned.wait(20000));
    const TaskTableModel *model = window.taskModel();
    const QModelIndex started = model->index(model->rowOf(QStringLiteral("berlin")), TaskTableModel::StartedColumn);
    const QString cell = started.data().toString();
    QVERIFY2(cell.endsWith(QStringLiteral(" CET")), qPrintable(cell));
    QVERIFY2(near(secondsOfDay(cell), scriptTime), qPrintable(cell + QStringLiteral(" / ") + logged));
    const QString tip = started.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.endsWith(QStringLiteral(" CET")) && tip.contains(QString::number(QDate::currentDate().year())), qPrintable(tip));
    QCOMPARE(model->index(model->rowOf(QStringLiteral("older")), TaskTableModel::StartedColumn).data().toString(),
             QStringLiteral("12/6/2026 9:04 PM CET"));

    // The Executor log tab: each event's local time with its zone (it showed "21:04:32.595" alone).
    window.selectTask(QStringLiteral("berlin"));
    LogView *executorLog = window.detailPane()->logs()->view(LogTabs::Executor);
    QTRY_VERIFY_WITH_TIMEOUT(executorLog->lineCount() > 3, 20000);
    static const QRegularExpression stamped(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} CET [A-Z]{4} \\["));
    const QStringList lines = executorLog->text().split(u'\n');
    for (const QString &line : lines)
        QVERIFY2(stamped.match(line).hasMatch(), qPrintable(line));
    QVERIFY2(near(secondsOfDay(lines.first()), scriptTime), qPrintable(lines.first() + QStringLiteral(" / ") + logged));
}

int main(int argc, char **argv)
{
    // Before anything asks Qt or the C library for the local zone.
    qputenv("TZ", "Europe/Berlin");
    QApplication app(argc, argv);
    TestLocalTimes test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_local_times.moc"
