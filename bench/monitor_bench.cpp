// Benchmarks for the monitor's two heavy reads, each against a baseline measured in the same run:
//  1. scanning 10,000 task folders (TaskScanner::scan) vs. only listing the folders;
//  2. opening a 1 GiB log (LogTail's first poll) vs. reading the file whole;
//  3. with EXECUTOR given, `openautomate-executor --list --json` over 10,000 pending tasks (each
//     with its script, Requirements in execution.json) vs. the same process listing the folders
//     only (`ls -f`'s work: one readdir of Tasks/, from a process start as heavy);
//  4. the monitor's refresh of the same 10,000 tasks as 1. when nothing changed (TaskRescanner:
//     a stamp per folder and record, nothing read) vs. its first refresh, which reads them all;
//  5. the status line's count of a store of 400 distributions when nothing changed
//     (CacheSummarizer: seven fstatat per folder, nothing read) vs. reading every folder's marker
//     and METADATA, as each refresh did before.
// Medians of several runs. Usage: oa-bench-monitor [WORKDIR] [RUNS] [EXECUTOR]
#include "fs/AgentPaths.h"
#include "environment/CacheLayout.h"
#include "environment/StoreFolder.h"
#include "fs/LogTail.h"
#include "tasks/CacheSummarizer.h"
#include "tasks/TaskRescanner.h"
#include "tasks/TaskScanner.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <functional>

namespace {

QTextStream out(stdout);

double medianMs(int runs, const std::function<void()> &body)
{
    QList<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        body();
        times.append(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times.at(times.size() / 2);
}

void write(const QString &path, const QByteArray &data)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(data);
}

void makeAgent(const QString &base, int count)
{
    QDir().mkpath(base + QStringLiteral("/Locks"));
    for (int i = 0; i < count; ++i) {
        const QString id = QStringLiteral("task-%1").arg(i, 5, 10, QLatin1Char('0'));
        const QString dir = base + QStringLiteral("/Tasks/") + id;
        QDir().mkpath(dir);
        write(dir + QStringLiteral("/execution.json"),
              QStringLiteral(R"({"ExecutionId":"%1","ScriptPath":"main.py","Arguments":"--n %2","Requirements":["requests","openpyxl"]})")
                  .arg(id).arg(i).toUtf8());
        if (i % 3 != 0) // two thirds have finished
            write(dir + QStringLiteral("/result.json"),
                  QStringLiteral(R"({"ExecutionId":"%1","Outcome":"%2","ExitCode":%3,"StartedAt":"2026-11-01T08:00:00.000Z","FinishedAt":"2026-11-01T08:00:02.000Z","DurationMs":2000,"Message":"done"})")
                      .arg(id, i % 7 == 0 ? QStringLiteral("Failed") : QStringLiteral("Succeeded")).arg(i % 7 == 0 ? 1 : 0).toUtf8());
        if (i % 500 == 0) // a few orphaned locks
            write(base + QStringLiteral("/Locks/") + id + QStringLiteral(".lock"),
                  QStringLiteral("999999\nopenautomate-executor\n%1\n").arg(QSysInfo::machineHostName()).toUtf8());
    }
}

void makePendingAgent(const QString &base, int count)
{
    QDir().mkpath(base + QStringLiteral("/Locks"));
    for (int i = 0; i < count; ++i) {
        const QString id = QStringLiteral("task-%1").arg(i, 5, 10, QLatin1Char('0'));
        const QString dir = base + QStringLiteral("/Tasks/") + id;
        QDir().mkpath(dir);
        write(dir + QStringLiteral("/execution.json"),
              QStringLiteral(R"({"ExecutionId":"%1","ScriptPath":"main.py","Arguments":"--n %2","Requirements":["requests","openpyxl"]})")
                  .arg(id).arg(i).toUtf8());
        write(dir + QStringLiteral("/main.py"), "print('hello')\n");
    }
}

// A store of `count` published folders as DistributionStore lays them out (a marker, METADATA, a
// module), each the executor's and writable by nobody else; nothing to compile, nothing to unpack.
void makeStore(const QString &cacheDir, const QString &python, int count)
{
    const oa::AgentFolder folder(cacheDir);
    for (int i = 0; i < count; ++i) {
        const QString name = QStringLiteral("oa_bench%1").arg(i);
        const QString sha256 = QString::fromLatin1(QByteArray::number(1000000 + i).toHex().leftJustified(64, '0'));
        oa::StoredDistribution d;
        d.name = name;
        d.version = QStringLiteral("1.0");
        d.sha256 = sha256;
        d.file = name + QStringLiteral("-1.0-py3-none-any.whl");
        d.python = python;
        d.dir = cacheDir + QStringLiteral("/store/") + oa::StoreFolder::nameFor(name, d.version, sha256);
        d.sitePackages = d.dir + QStringLiteral("/lib/python3.11/site-packages");
        d.sizeBytes = 4096;
        const QString distInfo = d.sitePackages + u'/' + name + QStringLiteral("-1.0.dist-info");
        QDir().mkpath(distInfo);
        write(distInfo + QStringLiteral("/METADATA"), "Metadata-Version: 2.1\nName: " + name.toUtf8() + "\nVersion: 1.0\n\n" + QByteArray(2000, 'x'));
        write(d.sitePackages + u'/' + name + QStringLiteral(".py"), QByteArray(4096, '#'));
        oa::StoreFolder::writeMarker(folder, d.dir, d);
    }
}

// Wall time of one run of `program args`, its output read whole (as a caller of --json does).
void runProcess(const QString &program, const QStringList &args, qsizetype *outputBytes)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(-1);
    *outputBytes = p.readAllStandardOutput().size();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTemporaryDir tmp(args.size() > 1 ? args.at(1) + QStringLiteral("/oa-bench-XXXXXX") : QDir::tempPath() + QStringLiteral("/oa-bench-XXXXXX"));
    const int runs = args.size() > 2 ? args.at(2).toInt() : 5;
    const QString base = tmp.path() + QStringLiteral("/agent");
    constexpr int kTasks = 10000;

    out << "machine: " << QSysInfo::prettyProductName() << ", " << QThread::idealThreadCount() << " cores; medians of " << runs << " runs\n";
    makeAgent(base, kTasks);
    const oa::AgentPaths paths(base);
    qsizetype seen = 0;
    const double list = medianMs(runs, [&] {
        seen = QDir(paths.tasksDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size();
    });
    const double scan = medianMs(runs, [&] { seen = oa::TaskScanner(paths).scan().size(); });
    out << QStringLiteral("scan %1 tasks:      %2 ms   (baseline, listing the folders only: %3 ms; ratio %4)\n")
               .arg(seen).arg(scan, 0, 'f', 1).arg(list, 0, 'f', 1).arg(scan / list, 0, 'f', 1);

    // The monitor: a first refresh reads every folder; once the files are older than the settle
    // margin, a refresh of the unchanged folder reads none.
    oa::TaskRescanner rescanner;
    const double firstRefresh = medianMs(1, [&] { seen = rescanner.refresh(paths).tasks.size(); });
    QThread::msleep(oa::TaskRescanner::kSettleMs + 100);
    rescanner.refresh(paths); // the rows read while their files were younger than the margin
    const int readsBefore = rescanner.reads();
    const double unchanged = medianMs(runs, [&] { seen = rescanner.refresh(paths).tasks.size(); });
    out << QStringLiteral("monitor refresh, %1 unchanged tasks: %2 ms   (%3 task folders read; baseline, its first refresh: %4 ms)\n")
               .arg(seen).arg(unchanged, 0, 'f', 1).arg(rescanner.reads() - readsBefore).arg(firstRefresh, 0, 'f', 1);
    out.flush();

    // The status line's count of the store: every folder read each time (a summarizer with
    // nothing kept, as before) vs. an unchanged store once its stamps settled.
    constexpr int kStored = 400;
    const QString cache = tmp.path() + QStringLiteral("/EnvCache");
    makeStore(cache, QStringLiteral("/usr/bin/python3"), kStored);
    QThread::msleep(oa::CacheSummarizer::kSettleMs + 100);
    int counted = 0;
    const double readAll = medianMs(runs, [&] { counted = oa::CacheSummarizer().summarize(cache).distributions; });
    oa::CacheSummarizer summarizer;
    summarizer.summarize(cache);
    const int storeReadsBefore = summarizer.reads();
    const double unchangedStore = medianMs(runs, [&] { counted = summarizer.summarize(cache).distributions; });
    out << QStringLiteral("status line, store of %1 distributions unchanged: %2 ms   (%3 folders read; baseline, reading every folder: %4 ms; ratio %5)\n")
               .arg(counted).arg(unchangedStore, 0, 'f', 2).arg(summarizer.reads() - storeReadsBefore).arg(readAll, 0, 'f', 2)
               .arg(unchangedStore / readAll, 0, 'f', 2);
    out.flush();

    if (args.size() > 3) {
        const QString executor = args.at(3);
        const QString pending = tmp.path() + QStringLiteral("/pending");
        makePendingAgent(pending, kTasks);
        qsizetype bytes = 0;
        const double listing = medianMs(runs, [&] { runProcess(QStringLiteral("/bin/ls"), {QStringLiteral("-f"), pending + QStringLiteral("/Tasks")}, &bytes); });
        const double listJson = medianMs(runs, [&] {
            runProcess(executor, {QStringLiteral("--base-dir"), pending, QStringLiteral("--list"), QStringLiteral("--json")}, &bytes);
        });
        out << QStringLiteral("--list --json, %1 pending tasks: %2 ms   (%3 KiB of JSON; baseline, ls -f of Tasks/: %4 ms)\n")
                   .arg(kTasks).arg(listJson, 0, 'f', 1).arg(bytes / 1024).arg(listing, 0, 'f', 1);
        out.flush();
    }

    const QString log = tmp.path() + QStringLiteral("/big.log");
    {
        QFile f(log);
        f.open(QIODevice::WriteOnly);
        const QByteArray line = QByteArray(127, 'x') + '\n';
        QByteArray block;
        for (int i = 0; i < 8192; ++i)
            block += line; // 1 MiB
        for (int i = 0; i < 1024; ++i)
            f.write(block);
    }
    qint64 tailBytes = 0;
    const double tail = medianMs(runs, [&] {
        oa::LogTail t(log);
        tailBytes = t.poll().data.size();
    });
    qint64 wholeBytes = 0;
    const double whole = medianMs(qMin(runs, 3), [&] {
        QFile f(log);
        if (f.open(QIODevice::ReadOnly))
            wholeBytes = f.readAll().size();
    });
    out << QStringLiteral("(the tail view reads %1 KiB of %2 MiB)\n").arg(tailBytes / 1024).arg(wholeBytes >> 20);
    out << QStringLiteral("open a 1 GiB log:   %1 ms   (baseline, reading it whole: %2 ms; %3x faster)\n")
               .arg(tail, 0, 'f', 2).arg(whole, 0, 'f', 1).arg(whole / tail, 0, 'f', 0);
    out.flush();
    return 0;
}
