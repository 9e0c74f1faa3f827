// EnvironmentFolders in-process: Temp/<id> and the venv made new on a real agent folder (a venv
// without pip is written directly, with a real interpreter), handed over, and removed; and
// InterpreterSelection choosing that interpreter under a fake RunControl. No pip runs here.
#include "run/EnvironmentFolders.h"
#include "run/InterpreterSelection.h"
#include "run/RunAsGrants.h"
#include "environment/PythonEnvironment.h"
#include "FakeRunControl.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QTest>

using oa::AgentPaths;
using oa::EnvironmentFolders;

namespace {
const QString kId = QStringLiteral("env-folders");

void writeFile(const QString &path)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("planted\n");
}
} // namespace

class TestEnvironmentFolders : public QObject {
    Q_OBJECT
private slots:
    void tempIsMadeNew();
    void venvIsMadeNewWithHelpers();
    void removeTakesOnlyWhatThisRunMade();
    void keptVenvStays();
    void stoppedVenvCreationIsTheStop();
    void interpreterProbedUnderTheControl();
    void interpreterForAVersion();
    void probeStoppedByTheControl();

private:
    oa::PythonInterpreter interpreter(FakeRunControl *control, const QString &probeCache);
};

oa::PythonInterpreter TestEnvironmentFolders::interpreter(FakeRunControl *control, const QString &probeCache)
{
    oa::InterpreterSelection selection({oatest::python(), QStringLiteral("the test"), {}, {}}, probeCache, control, std::nullopt);
    auto found = selection.defaultInterpreter();
    if (!found)
        qWarning() << found.error().message;
    return found ? found.value() : oa::PythonInterpreter{};
}

void TestEnvironmentFolders::tempIsMadeNew()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    QVERIFY(QDir().mkpath(paths.tempDir(kId)));
    writeFile(paths.tempDir(kId) + QStringLiteral("/left-by-the-last-script"));
    EnvironmentFolders folders(paths, kId);
    QVERIFY(!folders.ownsTemp());
    QVERIFY(folders.makeTemp());
    QVERIFY(folders.ownsTemp());
    QCOMPARE(folders.tempDir(), paths.tempDir(kId));
    QCOMPARE(QDir(folders.tempDir()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
}

void TestEnvironmentFolders::venvIsMadeNewWithHelpers()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    QVERIFY(QDir().mkpath(paths.venvDir(kId)));
    writeFile(paths.venvDir(kId) + QStringLiteral("/planted.pth"));
    FakeRunControl control;
    const oa::PythonInterpreter python = interpreter(&control, agent.base() + QStringLiteral("/interpreters.json"));
    QVERIFY(!python.executable.isEmpty());
    EnvironmentFolders folders(paths, kId);
    oa::RunAsGrants grants(paths, kId, std::nullopt);
    const oa::Status made = folders.makeVenv(python, false, &control, grants);
    QVERIFY2(made, made ? "" : qPrintable(made.error().message));
    QVERIFY(folders.ownsVenv());
    QVERIFY(!QFile::exists(paths.venvDir(kId) + QStringLiteral("/planted.pth")));
    const oa::PythonEnvironment venv(python, paths.venvDir(kId));
    QVERIFY(QFileInfo(venv.pythonExecutable()).isExecutable());
    QVERIFY(QFile::exists(venv.sitePackages() + QStringLiteral("/openautomate/__init__.py")));
}

void TestEnvironmentFolders::removeTakesOnlyWhatThisRunMade()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    // A venv this run did not make (another run's, kept) is never removed.
    QVERIFY(QDir().mkpath(paths.venvDir(kId)));
    EnvironmentFolders folders(paths, kId);
    QVERIFY(folders.makeTemp());
    QVERIFY(folders.remove(false).isEmpty());
    QVERIFY(!QFile::exists(paths.tempDir(kId)));
    QVERIFY(QFile::exists(paths.venvDir(kId)));
}

void TestEnvironmentFolders::keptVenvStays()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    FakeRunControl control;
    const oa::PythonInterpreter python = interpreter(&control, QString());
    EnvironmentFolders folders(paths, kId);
    oa::RunAsGrants grants(paths, kId, std::nullopt);
    QVERIFY(folders.makeTemp());
    QVERIFY(folders.makeVenv(python, false, &control, grants));
    QVERIFY(folders.remove(true).isEmpty());
    QVERIFY(!QFile::exists(paths.tempDir(kId)));
    QVERIFY(QFile::exists(paths.venvDir(kId)));
    QVERIFY(folders.remove(false).isEmpty());
    QVERIFY(!QFile::exists(paths.venvDir(kId)));
}

void TestEnvironmentFolders::stoppedVenvCreationIsTheStop()
{
    // A venv with pip, where the interpreter has no bundled wheel to unpack, runs `-m venv`
    // under the control: a stop at its first tick ends the step with the stop's code. Without
    // pip the venv is written directly, and no child (and so no tick) is involved.
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    FakeRunControl control;
    oa::PythonInterpreter python = interpreter(&control, QString());
    python.bundledPipWheel.clear();
    control.stopAll = true;
    control.checks = 0;
    EnvironmentFolders folders(paths, kId);
    oa::RunAsGrants grants(paths, kId, std::nullopt);
    const oa::Status made = folders.makeVenv(python, true, &control, grants);
    QVERIFY(!made);
    QCOMPARE(made.error().kind, oa::ErrorKind::Cancelled);
    QVERIFY(control.checks > 0);
    QVERIFY(folders.ownsVenv()); // made, so removed at cleanup
    QVERIFY(folders.remove(false).isEmpty());
    QVERIFY(!QFile::exists(paths.venvDir(kId)));
}

void TestEnvironmentFolders::interpreterProbedUnderTheControl()
{
    QTemporaryDir dir;
    const QString probeCache = dir.path() + QStringLiteral("/interpreters.json");
    FakeRunControl control;
    oa::InterpreterSelection selection({oatest::python(), QStringLiteral("the test"), {}, {}}, probeCache, &control, std::nullopt);
    auto found = selection.defaultInterpreter();
    QVERIFY2(found, found ? "" : qPrintable(found.error().message));
    QVERIFY(!found->version.isEmpty());
    QVERIFY(QFileInfo(found->executable).isAbsolute());
    QVERIFY(control.checks > 0); // the probe is a child of the run, ticked like the others
    QVERIFY(selection.checkRunnable(found.value()));
    QVERIFY(selection.unrunnableBecause(found->executable).isEmpty());
    QVERIFY(selection.takeWarnings().isEmpty());
}

void TestEnvironmentFolders::interpreterForAVersion()
{
    FakeRunControl control;
    oa::InterpreterSelection selection({oatest::python(), QStringLiteral("the test"), {}, {}}, QString(), &control, std::nullopt);
    auto current = selection.defaultInterpreter();
    QVERIFY(current);
    // No version asked for: the default stays.
    auto same = selection.forVersion(current.value(), QString(), QString());
    QVERIFY(same);
    QCOMPARE(same->executable, current->executable);
    auto matching = selection.forVersion(current.value(), QStringLiteral(">=3"), QStringLiteral("main.py"));
    QVERIFY2(matching, matching ? "" : qPrintable(matching.error().message));
    QCOMPARE(matching->executable, current->executable);
    // A version no offered interpreter has is the environment's fault; a bad specifier the task's.
    auto none = selection.forVersion(current.value(), QStringLiteral("<2"), QStringLiteral("main.py"));
    QVERIFY(!none);
    QCOMPARE(none.error().kind, oa::ErrorKind::Environment);
    auto bad = selection.forVersion(current.value(), QStringLiteral("not a version"), QStringLiteral("main.py"));
    QVERIFY(!bad);
    QCOMPARE(bad.error().kind, oa::ErrorKind::InvalidTask);
}

void TestEnvironmentFolders::probeStoppedByTheControl()
{
    // No probe cache: the interpreter must be asked, and the run's stop ends the probe.
    FakeRunControl control;
    control.stopAll = true;
    oa::InterpreterSelection selection({oatest::python(), QStringLiteral("the test"), {}, {}}, QString(), &control, std::nullopt);
    auto found = selection.defaultInterpreter();
    QVERIFY(!found);
    QCOMPARE(found.error().kind, oa::ErrorKind::Cancelled);
}

QTEST_GUILESS_MAIN(TestEnvironmentFolders)
#include "tst_environmentfolders.moc"
