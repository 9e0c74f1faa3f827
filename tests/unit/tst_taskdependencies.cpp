// TaskDependencies in-process, on a real task folder: the source chosen, completed with a real
// interpreter under a fake RunControl, and checked (RequireHashes, the package policy) before
// pip would see it. No pip runs here.
#include "run/TaskDependencies.h"
#include "records/ExecutionInfo.h"
#include "FakeRunControl.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using oa::AgentPaths;
using oa::TaskDependencies;

namespace {
const QString kId = QStringLiteral("deps");
}

class TestTaskDependencies : public QObject {
    Q_OBJECT
private slots:
    void requirementsAreWrittenAgainFromWhatWasParsed();
    void directReferenceRefusedByThePolicy();
    void requireHashesRefusesUnhashedPackages();
    void requirementsTxtIsReadFromACheckedCopy();
    void noDependenciesNeedNoPackages();

private:
    // A task with `execution` (ScriptPath main.py added) and `files`, selected and completed.
    static std::unique_ptr<TaskDependencies> resolved(const oatest::Agent &agent, QJsonObject execution,
                                                      const QMap<QString, QByteArray> &files, TaskDependencies::Policy policy);
};

std::unique_ptr<TaskDependencies> TestTaskDependencies::resolved(const oatest::Agent &agent, QJsonObject execution,
                                                                 const QMap<QString, QByteArray> &files, TaskDependencies::Policy policy)
{
    execution.insert(QStringLiteral("ExecutionId"), kId);
    execution.insert(QStringLiteral("ScriptPath"), QStringLiteral("main.py"));
    QMap<QString, QByteArray> all = files;
    all.insert(QStringLiteral("main.py"), "print(1)\n");
    agent.makeTask(kId, execution, all);
    const AgentPaths paths(agent.base());
    QFile file(paths.executionFile(kId));
    if (!file.open(QIODevice::ReadOnly))
        return nullptr;
    auto info = oa::ExecutionInfo::parse(file.readAll(), kId, paths.taskDir(kId));
    if (!info) {
        qWarning() << info.error().message;
        return nullptr;
    }
    auto deps = std::make_unique<TaskDependencies>(paths, kId, std::move(policy));
    if (const oa::Status selected = deps->select(info.value()); !selected) {
        qWarning() << selected.error().message;
        return nullptr;
    }
    QDir().mkpath(paths.tempDir(kId));
    FakeRunControl control;
    if (const oa::Status completed = deps->complete(oatest::python(), paths.tempDir(kId) + QStringLiteral("/lock.txt"),
                                                    QProcessEnvironment::systemEnvironment(), &control, nullptr);
        !completed) {
        qWarning() << completed.error().message;
        return nullptr;
    }
    return deps;
}

void TestTaskDependencies::requirementsAreWrittenAgainFromWhatWasParsed()
{
    oatest::Agent agent;
    auto deps = resolved(agent, {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("Requests  >= 2.0")}}}, {}, {});
    QVERIFY(deps);
    QCOMPARE(deps->resolved().source, oa::DependencySource::Requirements);
    QVERIFY(deps->resolved().needsPackages());
    QVERIFY(deps->check(QDir(agent.base()).filePath(QStringLiteral("checked"))));
    QCOMPARE(deps->resolved().requirements.size(), 1);
    QVERIFY2(!deps->resolved().requirements.first().contains(QStringLiteral("  ")), qPrintable(deps->resolved().requirements.first()));
}

void TestTaskDependencies::directReferenceRefusedByThePolicy()
{
    oatest::Agent agent;
    auto deps = resolved(agent, {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("pkg @ https://example.com/pkg-1.0.tar.gz")}}},
                         {}, {});
    QVERIFY(deps);
    const oa::Status checked = deps->check(QDir(agent.base()).filePath(QStringLiteral("checked")));
    QVERIFY(!checked);
    QCOMPARE(checked.error().kind, oa::ErrorKind::InvalidTask);
    QVERIFY2(checked.error().message.startsWith(QStringLiteral("execution.json: Requirements[0]: ")),
             qPrintable(checked.error().message));

    oatest::Agent allowing;
    TaskDependencies::Policy policy;
    policy.packages.allowDirectReferences = true;
    auto allowed = resolved(allowing, {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("pkg @ https://example.com/pkg-1.0.tar.gz")}}},
                            {}, policy);
    QVERIFY(allowed);
    QVERIFY(allowed->check(QDir(allowing.base()).filePath(QStringLiteral("checked"))));
}

void TestTaskDependencies::requireHashesRefusesUnhashedPackages()
{
    oatest::Agent agent;
    TaskDependencies::Policy policy;
    policy.requireHashes = true;
    policy.requireHashesOrigin = QStringLiteral("executor.conf:3: RequireHashes");
    auto deps = resolved(agent, {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("requests==2.31.0")}}}, {}, policy);
    QVERIFY(deps);
    const oa::Status checked = deps->check(QDir(agent.base()).filePath(QStringLiteral("checked")));
    QVERIFY(!checked);
    QCOMPARE(checked.error().kind, oa::ErrorKind::InvalidTask);
    QVERIFY2(checked.error().message.startsWith(QStringLiteral("executor.conf:3: RequireHashes is on")), qPrintable(checked.error().message));
}

void TestTaskDependencies::requirementsTxtIsReadFromACheckedCopy()
{
    oatest::Agent agent;
    auto deps = resolved(agent, {}, {{QStringLiteral("requirements.txt"), "requests==2.31.0\n"}}, {});
    QVERIFY(deps);
    QCOMPARE(deps->resolved().source, oa::DependencySource::RequirementsTxt);
    const QString checkedDir = AgentPaths(agent.base()).tempDir(kId) + QStringLiteral("/requirements");
    const oa::Status checked = deps->check(checkedDir);
    QVERIFY2(checked, checked ? "" : qPrintable(checked.error().message));
    QVERIFY2(deps->resolved().requirementsFile.startsWith(checkedDir + u'/'), qPrintable(deps->resolved().requirementsFile));
    QFile copy(deps->resolved().requirementsFile);
    QVERIFY(copy.open(QIODevice::ReadOnly));
    QVERIFY(copy.readAll().contains("requests==2.31.0"));
}

void TestTaskDependencies::noDependenciesNeedNoPackages()
{
    oatest::Agent agent;
    auto deps = resolved(agent, {}, {}, {});
    QVERIFY(deps);
    QCOMPARE(deps->resolved().source, oa::DependencySource::None);
    QVERIFY(!deps->resolved().needsPackages());
    QVERIFY(deps->check(QString()));
    QVERIFY(deps->takeWarnings().isEmpty());
}

QTEST_GUILESS_MAIN(TestTaskDependencies)
#include "tst_taskdependencies.moc"
