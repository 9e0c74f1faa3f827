// Test helper: plays "another executor" holding a task lock. Usage: oa-test-lockholder LOCKFILE
// Prints "locked" once it holds the lock, then sleeps until it is killed.
#include <QCoreApplication>
#include <QLockFile>
#include <QTextStream>
#include <QThread>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 2)
        return 2;
    QLockFile lock(QString::fromLocal8Bit(argv[1]));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(5000)) {
        QTextStream(stdout) << "failed " << int(lock.error()) << Qt::endl;
        return 1;
    }
    QTextStream(stdout) << "locked" << Qt::endl;
    for (;;)
        QThread::sleep(1);
}
