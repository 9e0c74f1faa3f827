// The configuration reader (core/config/ConfigFile.h), over any file: each input is written to
// executor.conf in a folder of this process's own (under $TMPDIR), which is removed at exit
// (after a crash, by the next run).
// Oracles, for a file it accepts: every entry's line is a line of the file (1 to the number of
// lines, counted at "\n" as the messages count them) and that line holds the entry's key, and no
// two entries share a name, so that "set twice" and every message's line number hold.
#include "config/ConfigFile.h"
#include "FuzzCheck.h"

#include <QDir>
#include <QFile>
#include <QSet>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <signal.h>
#include <unistd.h>

using oa::ConfigFile;
using oa::fuzz::shown;

namespace {

QByteArray g_folder; // this process's folder, made once
QByteArray g_file;   // g_folder/executor.conf

void removeFolder()
{
    ::unlink(g_file.constData());
    // QSettings' private copies (QTemporaryFile, under TMPDIR, which points here) are removed by
    // ConfigFile::read; whatever a crash left behind goes with the folder.
    QDir(QFile::decodeName(g_folder)).removeRecursively();
}

// A crash ends the process without atexit: the folders of processes that are gone are removed
// by the next run (oa-fuzz-config-<pid>-XXXXXX).
void removeFoldersOfEndedRuns(const QString &tmp)
{
    const QStringList folders = QDir(tmp).entryList({QStringLiteral("oa-fuzz-config-*-*")}, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : folders) {
        bool ok = false;
        const pid_t pid = pid_t(name.section(u'-', 3, 3).toInt(&ok));
        if (ok && pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH)
            QDir(tmp + u'/' + name).removeRecursively();
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    const char *tmpEnv = std::getenv("TMPDIR");
    const QByteArray tmp = tmpEnv && *tmpEnv ? QByteArray(tmpEnv) : QByteArray("/tmp");
    removeFoldersOfEndedRuns(QFile::decodeName(tmp));
    QByteArray pattern = tmp + "/oa-fuzz-config-" + QByteArray::number(::getpid()) + "-XXXXXX";
    if (!::mkdtemp(pattern.data())) {
        std::perror("mkdtemp");
        std::abort();
    }
    g_folder = pattern;
    g_file = g_folder + "/executor.conf";
    ::setenv("TMPDIR", g_folder.constData(), 1);
    std::atexit(removeFolder);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    {
        QFile file(QFile::decodeName(g_file));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size()) {
            std::perror("executor.conf");
            std::abort();
        }
    }
    const auto config = ConfigFile::read(QFile::decodeName(g_file));
    if (!config)
        return 0;
    const QList<QByteArray> lines = bytes.split('\n');
    QSet<QString> names;
    for (const ConfigFile::Entry &entry : config->entries()) {
        OA_FUZZ_CHECK(entry.line > 0 && entry.line <= lines.size(),
                      QStringLiteral("%1 on line %2 of %3 lines").arg(shown(entry.name())).arg(entry.line).arg(lines.size()));
        const QString line = QString::fromUtf8(lines.at(entry.line - 1));
        OA_FUZZ_CHECK(line.contains(entry.key), QStringLiteral("%1 on line %2, which is %3").arg(shown(entry.name())).arg(entry.line).arg(shown(line)));
        OA_FUZZ_CHECK(!names.contains(entry.name()), QStringLiteral("%1 twice").arg(shown(entry.name())));
        names.insert(entry.name());
    }
    return 0;
}
