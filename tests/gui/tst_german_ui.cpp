// No English is left in the German monitor, Qt's own strings included: the same window over
// the same agent folder is built once without translators and once with the German ones that
// main() installs (ours and qtbase_de, MonitorTranslations), and every string a person can see
// in the German one must differ from the English one, unless it is an untranslatable token.
#include "config/ExecutorSettings.h"
#include "LeftoverTableModel.h"
#include "LeftoversPanel.h"
#include "LocksPanel.h"
#include "MainWindow.h"
#include "MonitorTranslations.h"
#include "TaskDetailPane.h"
#include "TaskDetailsView.h"
#include "TaskTableModel.h"
#include "TestSupport.h"
#include "UiStrings.h"

#include <QAbstractButton>
#include <QAction>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSysInfo>
#include <QTest>

using namespace oatest;

namespace {

const QStringList kTaskIds{"pending", "ok", "bad", "slow", "stopped", "broken", "live", "crashed", "remote"};
const QStringList kOtherIds{"gone"}; // a leftover venv's

// The fixture's data are chosen to be tokens no language translates (IDs, numbers, file names),
// so that any English word found is the monitor's or Qt's.
QJsonObject failedResult(const QString &requirementsFile)
{
    return QJsonObject{
        {"ExecutionId", "bad"}, {"Outcome", "Failed"}, {"ExitCode", 1}, {"ScriptExitCode", 3}, {"Message", "E-1042"},
        {"Stage", "Run"}, {"StartedAt", "2026-11-01T08:00:00.000Z"}, {"FinishedAt", "2026-11-01T08:00:02.500Z"},
        {"DurationMs", 2500},
        {"StageDurationsMs", QJsonObject{{"Lock", 3}, {"Read", 1}, {"Validate", 2}, {"Environment", 1200},
                                         {"Requirements", 800}, {"Run", 400}, {"Cleanup", 5}}},
        {"Python", QJsonObject{{"Version", "3.11.2"}, {"Executable", "/usr/bin/python3"}}},
        {"DependencySource", QJsonObject{{"Source", "requirements.txt"}, {"File", requirementsFile}}},
        {"PipFreeze", QJsonArray{"oa-greeter==1.0"}},
        {"Provenance", QJsonArray{QJsonObject{{"Name", "oa-greeter"}, {"Version", "1.0"}, {"File", "oa_greeter-1.0-py3-none-any.whl"},
                                              {"Sha256", "0123456789abcdef0123456789abcdef"}, {"Source", "/srv/wheels"},
                                              {"Url", "file:///srv/wheels/oa_greeter-1.0-py3-none-any.whl"}}}},
        {"Progress", QJsonObject{{"Percent", 40}, {"Message", "42/100"}, {"Updates", 3}, {"BadLines", 1}}},
        {"PeakMemoryBytes", 41234567}, {"CpuSeconds", 1.25},
        {"RunAs", QJsonObject{{"User", "oa-bot"}, {"Uid", 1001}, {"Gid", 1001}, {"Configured", true}}},
        {"EnvironmentCache", QJsonObject{{"Reused", true}, {"Entry", "0a1b-1700"}, {"Key", "0a1b"}}},
        {"Survivors", QJsonArray{4242}}, {"MachineName", "bot-01"}, {"ExecutorVersion", "1.4.0"}};
}

void writeJson(const QString &path, const QJsonObject &object)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(object).toJson());
}

// The executor's stable names in result.json and status.json: the Outcome and Stage rows'
// tooltips quote them as written, for an operator who searches the files.
const QStringList kStableNames{"Failed", "Run"};

} // namespace

class TestGermanUi : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void germanLeavesNoEnglish();

private:
    UiStrings collect();
    QString withoutTokens(const QString &text) const;
    QStringList sharedWords(const QString &text, const QString &english) const;
    Agent m_agent;
    QProcess m_holder;
};

void TestGermanUi::initTestCase()
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_agent.base() + QStringLiteral("/../settings"));
    m_agent.makeScriptTask("pending", "print(1)\n");
    for (const auto &[id, outcome] : {std::pair{"ok", "Succeeded"}, std::pair{"slow", "TimedOut"}, std::pair{"stopped", "Cancelled"}}) {
        m_agent.makeScriptTask(QString::fromLatin1(id), "print(1)\n");
        writeJson(m_agent.taskFile(id, "result.json"),
                  {{"ExecutionId", id}, {"Outcome", outcome}, {"ExitCode", 1}, {"Message", "E-1042"}, {"DurationMs", 2500},
                   {"StartedAt", "2026-11-01T08:00:00.000Z"}, {"FinishedAt", "2026-11-01T08:00:02.500Z"}});
    }
    m_agent.makeScriptTask("bad", "print(1)\n",
                           {{"Arguments", QJsonArray{"7", "42"}}, {"Requirements", QJsonArray{"oa-greeter"}}, {"TimeoutSeconds", 600},
                            {"MaxMemoryMB", 512}, {"MaxCpuSeconds", 120}});
    writeJson(m_agent.taskFile("bad", "result.json"), failedResult(m_agent.taskFile("bad", "requirements.txt")));
    QFile requirements(m_agent.taskFile("bad", "requirements.txt"));
    QVERIFY(requirements.open(QIODevice::WriteOnly));
    requirements.write("oa-greeter\n");
    requirements.close();
    QFile errors(m_agent.taskFile("bad", "error.log"));
    QVERIFY(errors.open(QIODevice::WriteOnly));
    errors.write("Traceback (most recent call last):\nValueError: 1042\n");
    errors.close();
    m_agent.makeTaskRaw("broken", "{");
    m_agent.makeScriptTask("live", "print(1)\n");
    QVERIFY(startLockHolder(m_holder, m_agent.lockFile("live")));
    QFile status(m_agent.taskFile("live", "status.json"));
    QVERIFY(status.open(QIODevice::WriteOnly));
    status.write(R"({"ExecutionId":"live","State":"Running","Stage":"Requirements","Percent":40,"Message":"42/100","RunAsUser":"oa-bot",)"
                 R"("MemoryBytes":41234567,"CpuSeconds":1.25})");
    status.close();
    QVERIFY(makeOrphanedLock(m_agent, "crashed")); // an Interrupted task with an orphaned lock
    // A run that ended long ago and left its venv, with no lock: a leftover.
    QVERIFY(QDir().mkpath(m_agent.base() + "/venvs/gone/bin"));
    m_agent.makeScriptTask("remote", "print(1)\n");
    writeForeignLock(m_agent, "remote");
}

void TestGermanUi::cleanupTestCase()
{
    m_holder.kill();
    m_holder.waitForFinished();
}

// The window with every tab filled, the failed task's details and logs loaded, a message box.
UiStrings TestGermanUi::collect()
{
    oa::ExecutorSettings::Inputs inputs;
    inputs.configFile = emptyConfigFile();
    inputs.commandLine.insert("BaseDir", {"--base-dir", m_agent.base()});
    inputs.environment = QProcessEnvironment();
    UiStrings strings;
    MainWindow window;
    window.setConfiguration(oa::ExecutorSettings::load(inputs).value());
    window.resize(1200, 800);
    window.show();
    window.setBaseDir(m_agent.base());
    window.refresher()->setLeftoversWanted(true);
    // QTRY_* return from a void function on failure: the lambdas let this one return its value.
    [&] { QTRY_VERIFY_WITH_TIMEOUT(window.leftoversPanel()->model()->rowCount() > 0, 20000); }();
    [&] { QTRY_COMPARE_WITH_TIMEOUT(window.taskModel()->rowCount(), int(kTaskIds.size()), 20000); }();
    window.selectTask("bad");
    TaskDetailsView *details = window.detailPane()->detailsView();
    [&] { QTRY_VERIFY_WITH_TIMEOUT(details->hasDetails() && details->taskId() == "bad", 20000); }();
    [&] { QTRY_VERIFY_WITH_TIMEOUT(window.detailPane()->tabText(2).contains(u'1'), 20000); }(); // stderr read: one problem
    strings.addWidgetTree(&window);
    for (const oa::TaskDetailRows::Field field : details->shownFields())
        strings.add(QStringLiteral("details/%1").arg(int(field)), {details->shownLabel(field), details->shownValue(field)});
    QMessageBox box(QMessageBox::Question, "t", "x", QMessageBox::Yes | QMessageBox::No | QMessageBox::Cancel | QMessageBox::Ok | QMessageBox::Close,
                    &window);
    for (QAbstractButton *button : box.buttons())
        strings.add("QMessageBox/button", {button->text()});
    return strings;
}

// Tokens that read the same in German: the fixture's IDs and data, file names, paths and URLs,
// numbers, times and units, product and program names, key names, log levels, and the few
// words German spells as English does (Status, Details, Interpreter, Limits, Executor, Exit,
// OK, ID, Monitor, in, and four months), the folder previous/ and the zone UTC in a long date. A Python exception's name in the last error line is the script's
// output, as the log views are. What is left of `text` without them.
QString TestGermanUi::withoutTokens(const QString &text) const
{
    static const QRegularExpression tokens(
        QStringLiteral(R"(([a-z]+://\S*)|(/\S*)|([\w.-]+\.(py|json|log|txt|lock|whl|conf))|(\d{4}-\d\d-\d\dT[\d:.]+Z)|)"
                       R"(\b(std(out|err)|PID|CPU|MiB|KiB|GiB|ms|min|s|h|OpenAutomate|openautomate-executor|oa-test-lockholder|)"
                       R"(Python|logging|pip|Traceback|ValueError|ERROR|CRITICAL|rm -rf|Alt|Esc|F\d+|JSON|)"
                       R"(Status|Details|Interpreter|Limits|Executor|Exit|OK|ID|Monitor|in|previous|UTC|April|August|September|November|)"
                       R"(sha256|[0-9a-f]{12,}|oa-greeter|oa-bot|bot-01|bot-07\.other-site|E-1042)\b)"));
    QString rest = QString(text).remove(u'&').remove(tokens);
    for (const QString &id : kTaskIds + kOtherIds)
        rest.remove(QRegularExpression(QStringLiteral("\\b%1\\b").arg(id)));
    return rest.remove(QSysInfo::machineHostName());
}

// The words of `text` (without tokens) that are in `english` too, spelled alike.
QStringList TestGermanUi::sharedWords(const QString &text, const QString &english) const
{
    static const QRegularExpression word(QStringLiteral("[A-Za-zÄÖÜäöüß]{2,}"));
    QSet<QString> englishWords;
    for (const auto &m : word.globalMatch(withoutTokens(english)))
        englishWords.insert(m.captured());
    QStringList shared;
    for (const auto &m : word.globalMatch(withoutTokens(text)))
        if (englishWords.contains(m.captured()))
            shared.append(m.captured());
    return shared;
}

void TestGermanUi::germanLeavesNoEnglish()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    const UiStrings english = collect();
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    MonitorTranslations german(QLocale(QLocale::German, QLocale::Germany));
    QVERIFY2(german.ownFile().startsWith(":/i18n/"), qPrintable(german.ownFile()));
    QCOMPARE(german.qtFile(), QStringLiteral(":/i18n/qtbase_de.qm")); // embedded, not the system's
    const UiStrings translated = collect();
    QVERIFY(english.size() > 200);
    QCOMPARE(translated.size(), english.size()); // the same window, string for string

    // The same string anywhere in both; and, at the same place, an English word inside an
    // otherwise German string (a message with an untranslated part).
    QStringList left;
    static const QRegularExpression letter(QStringLiteral("[A-Za-z]"));
    for (const auto &[where, text] : translated.all()) {
        if (where.contains(" tooltip") && kStableNames.contains(text))
            continue;
        if (english.contains(text) && withoutTokens(text).contains(letter))
            left.append(QStringLiteral("%1: \"%2\"").arg(where, text));
        else if (const QStringList words = sharedWords(text, english.at(where)); !words.isEmpty())
            left.append(QStringLiteral("%1: \"%2\" (%3)").arg(where, text, words.join(QStringLiteral(", "))));
    }
    left.removeDuplicates();
    for (const QString &line : left) // each on its own line: QVERIFY2's message is cut short
        qWarning().noquote() << "still English:" << line;
    QVERIFY2(left.isEmpty(), qPrintable(QStringLiteral("%1 string(s) of the German UI are still English (listed above)").arg(left.size())));
    // Qt's own: the standard buttons and the shortcut names.
    QVERIFY(translated.contains(QStringLiteral("&Ja")));
    QVERIFY(translated.contains(QStringLiteral("Strg+O")));
}

QTEST_MAIN(TestGermanUi)
#include "tst_german_ui.moc"
