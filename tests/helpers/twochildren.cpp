// Test helper: a build's two children at once (pip's resolver, and the compile of the pip the
// store takes meanwhile). Usage: oa-test-twochildren DIR
// Runs two shells through oa::ChildProcess, one from the main thread and one from a QThread; each
// leaves a `sleep` in its process group and writes its PID to DIR/sleep-<n>.pid. Killed, this
// process leaves both groups to the process guardian (tst_childprocess). It writes DIR/ready once
// both children are listed in LiveChildren, which ChildProcess does after telling the guardian.
#include "process/ChildProcess.h"
#include "process/LiveChildren.h"

#include <QCoreApplication>
#include <QFile>
#include <QThread>

#include <memory>

namespace {

oa::ProcessSpec sleeper(const QString &dir, int n)
{
    oa::ProcessSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"),
                      QStringLiteral("sleep 300 & echo $! > '%1/sleep-%2.tmp' && mv '%1/sleep-%2.tmp' '%1/sleep-%2.pid'; wait").arg(dir).arg(n)};
    return spec;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 2)
        return 2;
    const QString dir = QString::fromLocal8Bit(argv[1]);
    std::unique_ptr<QThread> first(QThread::create([dir] { oa::ChildProcess::run(sleeper(dir, 1)); }));
    std::unique_ptr<QThread> second(QThread::create([dir] { oa::ChildProcess::run(sleeper(dir, 2)); }));
    first->start();
    second->start();
    while (oa::LiveChildren::instance().others(0).size() < 2)
        QThread::msleep(5);
    QFile ready(dir + QStringLiteral("/ready"));
    if (!ready.open(QIODevice::WriteOnly))
        return 1;
    ready.close();
    first->wait();
    second->wait();
    return 0;
}
