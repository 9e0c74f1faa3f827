// Plays a quick-tier test that breaks the tier's rule, for the tests quick_tier_*: linked with
// support/NoProcesses.cpp, it tries what its argument says. "thread" must work (quick tests use
// QtConcurrent); "qprocess" and "fork" must end it with the filter's message.
#include <QCoreApplication>
#include <QProcess>
#include <QThread>

#include <cstdio>

#include <unistd.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString what = app.arguments().value(1);
    if (what == QLatin1String("thread")) {
        bool ran = false;
        QThread *thread = QThread::create([&ran] { ran = true; });
        thread->start();
        thread->wait();
        delete thread;
        std::puts(ran ? "thread ran" : "thread did not run");
        return ran ? 0 : 1;
    }
    if (what == QLatin1String("qprocess")) {
        QProcess process;
        process.start(QStringLiteral("/bin/true"), {});
        process.waitForFinished(5000);
        std::puts("the process was started");
        return 0;
    }
    if (what == QLatin1String("fork")) {
        const pid_t child = ::fork();
        if (child == 0)
            _exit(0);
        std::puts("the fork went through");
        return 0;
    }
    return 2;
}
