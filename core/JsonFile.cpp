#include "JsonFile.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace oa {

namespace {

constexpr qint64 kMaxBytes = 4 * 1024 * 1024;

void report(QString *problem, const QString &why)
{
    if (problem)
        *problem = why;
}

} // namespace

std::optional<QJsonObject> readJsonObject(const QString &path, QString *problem, Symlinks symlinks)
{
    QFile file;
#ifdef Q_OS_UNIX
    // O_NONBLOCK: opening a FIFO with no writer returns at once (a regular file reads as usual).
    const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (symlinks == Symlinks::Refuse ? O_NOFOLLOW : 0);
    const int fd = ::open(QFile::encodeName(path).constData(), flags);
    if (fd < 0) {
        const int error = errno;
        report(problem, error == ENOENT ? QStringLiteral("missing")
                        : error == ELOOP ? QStringLiteral("a symlink, which is not followed")
                                         : QStringLiteral("cannot read: %1").arg(qt_error_string(error)));
        return std::nullopt;
    }
    struct stat info = {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        report(problem, QStringLiteral("not a regular file"));
        return std::nullopt;
    }
    if (!file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        report(problem, QStringLiteral("cannot read: %1").arg(file.errorString()));
        return std::nullopt;
    }
#else
    Q_UNUSED(symlinks)
    file.setFileName(path);
    if (!file.open(QIODevice::ReadOnly)) {
        report(problem, file.exists() ? QStringLiteral("cannot read: %1").arg(file.errorString()) : QStringLiteral("missing"));
        return std::nullopt;
    }
#endif
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(kMaxBytes), &error);
    if (!document.isObject()) {
        report(problem, QStringLiteral("not a JSON object: %1")
                            .arg(error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("another JSON value")));
        return std::nullopt;
    }
    return document.object();
}

} // namespace oa
