#include "fs/JsonFile.h"
#include "records/ResultRecord.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <iterator>
#include <tuple>
#include <utility>

using oa::ResultRecord;

class TestResultRecord : public QObject {
    Q_OBJECT
private slots:
    void fields();
    void optionalFieldsOmitted();
    void containment_data();
    void containment();
    void savedAtomically();
    void unwritableFolderFails();
    void readsBackWhatItWrote_data();
    void readsBackWhatItWrote();
    void readsWhatItCanOfOtherFiles();
};

static ResultRecord sample()
{
    ResultRecord r;
    r.executionId = QStringLiteral("job-1");
    r.outcome = oa::Outcome::Failed;
    r.exitCode = 3;
    r.scriptExitCode = 3;
    r.stage = oa::Stage::Run;
    r.message = QStringLiteral("the script exited with code 3");
    r.errorSummary = QStringLiteral("ValueError: bad input");
    r.startedAt = QDateTime::fromString(QStringLiteral("2026-01-01T00:00:00.000Z"), Qt::ISODateWithMs);
    r.finishedAt = r.startedAt.addMSecs(1500);
    r.stageDurationsMs = {{oa::Stage::Lock, 1}, {oa::Stage::Environment, 40}, {oa::Stage::Run, 1400}};
    r.pythonExecutable = QStringLiteral("/usr/bin/python3.11");
    r.pythonVersion = QStringLiteral("3.11.2");
    r.pipFreeze = {QStringLiteral("requests==2.28.1")};
    return r;
}

void TestResultRecord::fields()
{
    const QJsonObject json = QJsonDocument::fromJson(sample().toJson()).object();
    QCOMPARE(json.value("ExecutionId").toString(), QStringLiteral("job-1"));
    QCOMPARE(json.value("Outcome").toString(), QStringLiteral("Failed"));
    QCOMPARE(json.value("ExitCode").toInt(), 3);
    QCOMPARE(json.value("ScriptExitCode").toInt(), 3);
    QCOMPARE(json.value("Stage").toString(), QStringLiteral("Run"));
    QCOMPARE(json.value("Message").toString(), QStringLiteral("the script exited with code 3"));
    QCOMPARE(json.value("ErrorSummary").toString(), QStringLiteral("ValueError: bad input"));
    QCOMPARE(ResultRecord::summaryFromJson(json).errorSummary, QStringLiteral("ValueError: bad input"));
    QCOMPARE(json.value("StartedAt").toString(), QStringLiteral("2026-01-01T00:00:00.000Z"));
    QCOMPARE(json.value("FinishedAt").toString(), QStringLiteral("2026-01-01T00:00:01.500Z"));
    QCOMPARE(json.value("DurationMs").toInt(), 1500);
    QCOMPARE(json.value("StageDurationsMs").toObject().value("Environment").toInt(), 40);
    QCOMPARE(json.value("Python").toObject().value("Version").toString(), QStringLiteral("3.11.2"));
    QCOMPARE(json.value("PipFreeze").toArray().first().toString(), QStringLiteral("requests==2.28.1"));
}

void TestResultRecord::optionalFieldsOmitted()
{
    ResultRecord r = sample();
    r.scriptExitCode.reset();
    r.pipFreeze.clear();
    r.pythonExecutable.clear();
    r.errorSummary.clear(); // a success: null, written all the same, so the server reads one key one way
    const QJsonObject json = QJsonDocument::fromJson(r.toJson()).object();
    QVERIFY(json.contains("ErrorSummary") && json.value("ErrorSummary").isNull());
    QVERIFY(!json.contains("ScriptExitCode"));
    QVERIFY(!json.contains("PipFreeze"));
    QVERIFY(!json.contains("Python"));
    QVERIFY(!json.contains("ScriptSignal"));
    QVERIFY(!json.contains("Containment")); // no child ran
}

void TestResultRecord::containment_data()
{
    QTest::addColumn<QString>("cgroupV2");
    QTest::addColumn<QString>("cgroupV1Memory");
    QTest::addColumn<QString>("memoryLimit");
    QTest::newRow("kernel v1") << "/sys/fs/cgroup/unified/openautomate-1-job-1" << "/sys/fs/cgroup/memory/openautomate-1-job-1" << "cgroup-v1";
    QTest::newRow("kernel v2") << "/sys/fs/cgroup/openautomate-1-job-1" << QString() << "cgroup-v2";
    QTest::newRow("sampling") << QString() << QString() << "sampling";
    QTest::newRow("no limit") << "/sys/fs/cgroup/unified/openautomate-1-job-1" << QString() << QString();
}

void TestResultRecord::containment()
{
    QFETCH(QString, cgroupV2);
    QFETCH(QString, cgroupV1Memory);
    QFETCH(QString, memoryLimit);
    ResultRecord r = sample();
    r.containment = oa::ContainmentReport{true, true, cgroupV2, cgroupV1Memory, memoryLimit, true, memoryLimit.isEmpty() ? QString() : QStringLiteral("oa-bot")};
    const QJsonObject c = QJsonDocument::fromJson(r.toJson()).object().value("Containment").toObject();
    QCOMPARE(c.value("ProcessGroup"), QJsonValue(true));
    QCOMPARE(c.value("Subreaper"), QJsonValue(true));
    // An absent mechanism is null, never missing or "": readers test one key the same way always.
    const auto expected = [](const QString &text) { return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text); };
    QVERIFY(c.contains("CgroupV2") && c.contains("CgroupV1Memory") && c.contains("MemoryLimit"));
    QCOMPARE(c.value("CgroupV2"), expected(cgroupV2));
    QCOMPARE(c.value("CgroupV1Memory"), expected(cgroupV1Memory));
    QCOMPARE(c.value("MemoryLimit"), expected(memoryLimit));
    QCOMPARE(c.value("NoNewPrivileges"), QJsonValue(true));
    QVERIFY(c.contains("RunAsUser"));
    QCOMPARE(c.value("RunAsUser"), expected(memoryLimit.isEmpty() ? QString() : QStringLiteral("oa-bot")));
}

void TestResultRecord::savedAtomically()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("result.json"));
    QFile old(path);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("{\"Outcome\":\"Old\"}");
    old.close();
    QVERIFY(sample().save(oa::AgentFolder(tmp.path()), path));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{"result.json"}); // no temporary left
    QVERIFY(QFile::exists(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value("Outcome").toString(), QStringLiteral("Failed"));
}

void TestResultRecord::unwritableFolderFails()
{
    const oa::Status saved = sample().save(oa::AgentFolder(QStringLiteral("/proc")), QStringLiteral("/proc/no-such-dir/result.json"));
    QVERIFY(!saved);
    QVERIFY(saved.error().message.contains(QStringLiteral("/proc/no-such-dir/result.json")));
}

namespace {

// Field-by-field equality for the record's types; the provenance and containment types have no
// operator==, so they are taken apart here the same way as the record itself.
bool same(const oa::ContainmentReport &a, const oa::ContainmentReport &b);
bool same(const oa::InstalledDistribution &a, const oa::InstalledDistribution &b);
bool same(const oa::Provenance &a, const oa::Provenance &b);

template <typename T>
bool same(const T &a, const T &b)
{
    return a == b;
}

template <typename T>
bool same(const std::optional<T> &a, const std::optional<T> &b)
{
    return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

template <typename T>
bool same(const QList<T> &a, const QList<T> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (!same(a.at(i), b.at(i)))
            return false;
    return true;
}

// The structured bindings name every member: a member added to one of these types and not here
// stops this test from compiling, so that nobody adds a field the round trip does not check.
bool same(const oa::ContainmentReport &a, const oa::ContainmentReport &b)
{
    const auto &[group, reaper, v2, v1, limit, noNewPrivs, user] = a;
    return std::tie(group, reaper, v2, v1, limit, noNewPrivs, user)
           == std::tie(b.processGroup, b.subreaper, b.cgroupV2, b.cgroupV1Memory, b.memoryLimit, b.noNewPrivileges, b.runAsUser);
}

bool same(const oa::InstalledDistribution &a, const oa::InstalledDistribution &b)
{
    const auto &[name, version, file, url, sha256, source, requested, direct] = a;
    return std::tie(name, version, file, url, sha256, source, requested, direct)
           == std::tie(b.name, b.version, b.file, b.url, b.sha256, b.source, b.requested, b.direct);
}

bool same(const oa::Provenance &a, const oa::Provenance &b)
{
    const auto &[installed, unavailable] = a;
    return same(installed, b.installed) && unavailable == b.unavailable;
}

// Every member of ResultRecord but asRead (which only fromJson fills), by name.
constexpr const char *kFieldNames[] = {
    "executionId", "outcome", "exitCode", "scriptExitCode", "scriptSignal", "stage", "message", "errorSummary", "startedAt",
    "finishedAt", "stageDurationsMs", "pythonExecutable", "pythonVersion", "pipFreeze", "provenance", "warnings",
    "peakMemoryBytes", "cpuSeconds", "progressPercent", "progressMessage", "progressUpdates", "badProgressLines",
    "survivors", "cacheKey", "cacheEntry", "cacheReused", "dependencySource", "dependencyFile", "runAsUser",
    "runAsUid", "runAsGid", "runAsConfigured", "runAsDynamic", "containment", "sandboxMechanism", "sandboxNetwork", "machineName", "executorVersion",
};

auto fields(const ResultRecord &r)
{
    // Fails to compile when ResultRecord gains a member: add it to the writer, the reader,
    // full() below and here.
    const auto &[executionId, outcome, exitCode, scriptExitCode, scriptSignal, stage, message, errorSummary, startedAt,
                 finishedAt, stageDurationsMs, pythonExecutable, pythonVersion, pipFreeze, provenance, warnings, peakMemoryBytes,
                 cpuSeconds, progressPercent, progressMessage, progressUpdates, badProgressLines, survivors, cacheKey,
                 cacheEntry, cacheReused, dependencySource, dependencyFile, runAsUser, runAsUid, runAsGid, runAsConfigured,
                 runAsDynamic, containment, sandboxMechanism, sandboxNetwork, machineName, executorVersion, asRead] = r;
    (void)asRead;
    return std::tie(executionId, outcome, exitCode, scriptExitCode, scriptSignal, stage, message, errorSummary, startedAt,
                    finishedAt, stageDurationsMs, pythonExecutable, pythonVersion, pipFreeze, provenance, warnings, peakMemoryBytes,
                    cpuSeconds, progressPercent, progressMessage, progressUpdates, badProgressLines, survivors, cacheKey,
                    cacheEntry, cacheReused, dependencySource, dependencyFile, runAsUser, runAsUid, runAsGid, runAsConfigured,
                    runAsDynamic, containment, sandboxMechanism, sandboxNetwork, machineName, executorVersion);
}

template <typename Tuple, std::size_t... I>
QStringList differences(const Tuple &a, const Tuple &b, std::index_sequence<I...>)
{
    static_assert(sizeof...(I) == std::size(kFieldNames), "a name for every field");
    QStringList names;
    ((same(std::get<I>(a), std::get<I>(b)) ? void() : names.append(QString::fromLatin1(kFieldNames[I]))), ...);
    return names;
}

QStringList differences(const ResultRecord &a, const ResultRecord &b)
{
    using Fields = decltype(fields(a));
    return differences(fields(a), fields(b), std::make_index_sequence<std::tuple_size_v<Fields>>());
}

// Every field set, none to its default, no two alike: a field the reader drops or confuses
// with another shows.
ResultRecord full(bool provenanceUnavailable)
{
    ResultRecord r;
    r.executionId = QStringLiteral("round-trip-7");
    r.outcome = oa::Outcome::ResourceLimitExceeded;
    r.exitCode = 9;
    r.scriptExitCode = 137;
    r.scriptSignal = 9 + 6;
    r.stage = oa::Stage::Requirements;
    r.message = QStringLiteral("the memory limit was reached");
    r.errorSummary = QStringLiteral("the memory limit of 64 MiB was reached \\x1b");
    r.startedAt = QDateTime::fromString(QStringLiteral("2026-03-04T05:06:07.089Z"), Qt::ISODateWithMs);
    r.finishedAt = r.startedAt.addMSecs(98765);
    // In pipeline order, as fromJson gives them back.
    for (int s = int(oa::Stage::Lock); s <= int(oa::Stage::Cleanup); ++s)
        r.stageDurationsMs.append({oa::Stage(s), 11 * (s + 1)});
    r.pythonExecutable = QStringLiteral("/opt/python3.12/bin/python3.12");
    r.pythonVersion = QStringLiteral("3.12.1");
    r.pipFreeze = {QStringLiteral("requests==2.31.0"), QStringLiteral("idna==3.6")};
    oa::Provenance provenance;
    if (provenanceUnavailable) {
        provenance.unavailable = QStringLiteral("pip 21.1 writes no installation report");
    } else {
        provenance.installed = {
            oa::InstalledDistribution{QStringLiteral("requests"), QStringLiteral("2.31.0"), QStringLiteral("requests-2.31.0-py3-none-any.whl"),
                                      QStringLiteral("https://files.example/requests-2.31.0-py3-none-any.whl"), QStringLiteral("58cd2187"),
                                      QStringLiteral("https://pypi.example/simple"), true, false},
            oa::InstalledDistribution{QStringLiteral("oa-local"), QStringLiteral("0.3"), QString(), QStringLiteral("file:///srv/oa-local"),
                                      QString(), QStringLiteral("/srv"), false, true},
        };
    }
    r.provenance = provenance;
    r.warnings = {QStringLiteral("MaxMemoryMB held to 512"), QStringLiteral("a survivor was killed")};
    r.peakMemoryBytes = 123456789;
    r.cpuSeconds = 4.25;
    r.progressPercent = 62.5;
    r.progressMessage = QStringLiteral("invoice 5 of 8");
    r.progressUpdates = 17;
    r.badProgressLines = 2;
    r.survivors = {4242, 4343};
    r.cacheKey = QStringLiteral("c0ffee");
    r.cacheEntry = QStringLiteral("c0ffee-1700000000");
    r.cacheReused = true;
    r.dependencySource = QStringLiteral("Pipfile.lock");
    r.dependencyFile = QStringLiteral("/srv/agent/Tasks/round-trip-7/Pipfile.lock");
    r.runAsUser = QStringLiteral("oa-bot");
    r.runAsUid = 1001;
    r.runAsGid = 1002;
    r.runAsConfigured = true;
    r.runAsDynamic = true;
    r.containment = oa::ContainmentReport{true, true, QStringLiteral("/sys/fs/cgroup/oa-7"), QStringLiteral("/sys/fs/cgroup/memory/oa-7"),
                                          QStringLiteral("cgroup-v2"), true, QStringLiteral("oa-bot-2")};
    r.sandboxMechanism = QStringLiteral("bubblewrap");
    r.sandboxNetwork = QStringLiteral("none");
    r.machineName = QStringLiteral("bot-elsewhere");
    r.executorVersion = QStringLiteral("9.8.7");
    return r;
}

} // namespace

void TestResultRecord::readsBackWhatItWrote_data()
{
    QTest::addColumn<bool>("provenanceUnavailable");
    QTest::newRow("provenance") << false;
    QTest::newRow("provenance unavailable") << true;
}

// The writer's path (save) and the monitor's (readJsonObject, fromJson), field by field.
void TestResultRecord::readsBackWhatItWrote()
{
    QFETCH(bool, provenanceUnavailable);
    const ResultRecord written = full(provenanceUnavailable);
    QVERIFY(differences(written, ResultRecord()).size() == int(std::size(kFieldNames))); // nothing left at its default
    QTemporaryDir tmp;
    const oa::AgentFolder folder(tmp.path());
    const QString path = tmp.filePath(QStringLiteral("result.json"));
    QVERIFY(written.save(folder, path));
    const oa::Result<QJsonObject> json = oa::readJsonObject(folder, path);
    QVERIFY2(json, qPrintable(json ? QString() : json.error().message));
    const ResultRecord read = ResultRecord::fromJson(*json);

    const QStringList differ = differences(written, read);
    QVERIFY2(differ.isEmpty(), qPrintable(QStringLiteral("read back differently: ") + differ.join(QStringLiteral(", "))));
    QCOMPARE(read.asRead.outcome, QStringLiteral("ResourceLimitExceeded"));
    QCOMPARE(read.asRead.stage, QStringLiteral("Requirements"));
    QVERIFY(read.asRead.hasExitCode);
    QVERIFY(read.asRead.hasTimes);
    // And the JSON: a key the writer gains and the reader does not know is lost on the way back.
    QCOMPARE(QString::fromUtf8(read.toJson()), QString::fromUtf8(written.toJson()));
    QCOMPARE(ResultRecord::fromJson(QJsonDocument::fromJson(read.toJson()).object()).toJson(), written.toJson());
}

// A file another executor wrote, or a hand: what is there is read, and names this build does
// not know are kept as written.
void TestResultRecord::readsWhatItCanOfOtherFiles()
{
    const ResultRecord r = ResultRecord::fromJson(QJsonObject{{"Outcome", "Quarantined"}, {"Stage", "Sandbox"}, {"Message", "later"},
                                                              {"StageDurationsMs", QJsonObject{{"Sandbox", 5}, {"Run", 7}}},
                                                              {"PeakMemoryBytes", "a lot"}, {"RunAs", QJsonObject{{"User", "x"}}}});
    QCOMPARE(r.asRead.outcome, QStringLiteral("Quarantined"));
    QCOMPARE(r.asRead.stage, QStringLiteral("Sandbox"));
    QCOMPARE(r.message, QStringLiteral("later"));
    QVERIFY(!r.asRead.hasExitCode);
    QVERIFY(!r.asRead.hasTimes);
    QCOMPARE(r.stageDurationsMs.size(), 1);
    QCOMPARE(r.stageDurationsMs.first().first, oa::Stage::Run);
    QVERIFY(!r.peakMemoryBytes);        // a text where a figure belongs says nothing
    QCOMPARE(r.runAsUid, -1);           // no uid: not who it ran as
    QVERIFY(r.machineName.isEmpty());   // never this machine's name for another's run
    QVERIFY(r.executorVersion.isEmpty());
    QVERIFY(!r.provenance && !r.containment && !r.scriptExitCode && !r.scriptSignal);
}

QTEST_GUILESS_MAIN(TestResultRecord)
#include "tst_resultrecord.moc"
