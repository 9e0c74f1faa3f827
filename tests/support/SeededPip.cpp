#include "TestSupport.h"

#include <QDir>
#include <QProcess>
#include <QtGlobal>

#include <atomic>
#include <memory>

namespace oatest {

namespace {

std::atomic<bool> g_seed{false};

// The pip folder a --no-env-cache hello world leaves in a template agent's store (StoredPip puts
// the interpreter's bundled pip wheel there), made on first use; empty when that run failed.
QString storedPipTemplate()
{
    static std::unique_ptr<Agent> agent; // lives to the end of the process: the copies' source
    static const QString folder = [] {
        agent = std::make_unique<Agent>(Agent::Seed::Nothing);
        agent->makeScriptTask(QStringLiteral("template"), "print('ok')\n");
        const Run run = runExecutor(executorArgs(*agent, QStringLiteral("template"), {QStringLiteral("--no-env-cache")}));
        const QString store = agent->base() + QStringLiteral("/EnvCache/store");
        const QStringList pips = QDir(store).entryList({QStringLiteral("pip-*")}, QDir::Dirs | QDir::NoDotAndDotDot);
        if (run.exitCode != 0 || pips.size() != 1) {
            // Not a failure of the test: its builds then store pip themselves, only slower.
            qWarning("seedStoredPip: the template run exited %d with %lld pip folder(s); agents start without one:\n%s",
                     run.exitCode, qlonglong(pips.size()), run.err.constData());
            return QString();
        }
        return store + u'/' + pips.first();
    }();
    return folder;
}

} // namespace

void Agent::seedStoredPip(bool on)
{
    g_seed = on;
}

void Agent::seedStoredPipInto(const QString &base)
{
    if (!g_seed)
        return;
    const QString source = storedPipTemplate();
    if (source.isEmpty())
        return;
    // What CacheLayout makes (0755 folders), and a copy that keeps owner, modes and times: the
    // .pyc files stay valid for their sources, and the store finds the folder plausible.
    const QString store = base + QStringLiteral("/EnvCache/store");
    QDir().mkpath(store);
    if (QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), source, store + u'/'}) != 0)
        qWarning("seedStoredPip: cannot copy %s into %s", qPrintable(source), qPrintable(store));
}

} // namespace oatest
