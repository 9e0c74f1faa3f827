#include "StoreComposition.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cerrno>

#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

// A script is a wrapper of a few hundred bytes or a .data script; more is not a script.
constexpr qint64 kMaxComposedScriptBytes = 16 * 1024 * 1024;

Error composeFailure(const QString &what, const Error &cause)
{
    Error failure = fail(ErrorKind::Environment, QStringLiteral("%1: %2").arg(what, cause.message));
    failure.systemError = cause.systemError;
    return failure;
}

Status shebangFor(const QString &venvPython)
{
    if (venvPython.contains(QRegularExpression(QStringLiteral("\\s"))))
        return fail(ErrorKind::Environment, QStringLiteral("the venv's python %1 has white space in its path, which a #! line cannot hold").arg(venvPython));
    return ok();
}

} // namespace

QByteArray StoreComposition::pthLine(const QList<StoredDistribution> &distributions)
{
    QStringList folders;
    for (const StoredDistribution &d : distributions)
        folders.append(d.sitePackages);
    // A JSON array of strings is a Python list literal (JSON escapes every control character).
    // One line: site executes a .pth line that starts with "import", and only that one line.
    return "import site; list(map(site.addsitedir, " + QJsonDocument(QJsonArray::fromStringList(folders)).toJson(QJsonDocument::Compact)
           + "))\n";
}

Status StoreComposition::copyScript(const AgentFolder &venv, const QString &to, const QByteArray &content)
{
    auto fd = venv.openForWriting(to, AgentFolder::WriteMode::Truncate);
    if (!fd)
        return composeFailure(QStringLiteral("cannot write the script %1").arg(to), fd.error());
    for (qsizetype done = 0; done < content.size();) {
        const ssize_t n = ::write(fd->get(), content.constData() + done, size_t(content.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return composeFailure(QStringLiteral("cannot write the script %1").arg(to), fileFailure(QStringLiteral("cannot write"), to, errno));
        done += n;
    }
    if (::fchmod(fd->get(), 0755) != 0)
        return composeFailure(QStringLiteral("cannot make the script %1 executable").arg(to), fileFailure(QStringLiteral("cannot chmod"), to, errno));
    return ok();
}

Status StoreComposition::compose(const AgentFolder &store, const AgentFolder &venv, const QList<StoredDistribution> &distributions,
                                 const QString &venvSitePackages, const QString &venvBin, const QString &venvPython,
                                 AgentFolder::Durability durability)
{
    if (Status usable = shebangFor(venvPython); !usable)
        return usable;
    if (Status written = writePth(venv, distributions, venvSitePackages, durability); !written)
        return written;
    return copyScripts(store, venv, distributions, venvBin, venvPython);
}

Status StoreComposition::writePth(const AgentFolder &venv, const QList<StoredDistribution> &distributions, const QString &venvSitePackages,
                                  AgentFolder::Durability durability)
{
    const QString pth = venvSitePackages + u'/' + QLatin1String(kPthFile);
    if (Status written = venv.writeAtomically(pth, pthLine(distributions), nullptr, durability); !written)
        return composeFailure(QStringLiteral("cannot give the venv its packages"), written.error());
    return ok();
}

Status StoreComposition::copyScripts(const AgentFolder &store, const AgentFolder &venv, const QList<StoredDistribution> &distributions,
                                     const QString &venvBin, const QString &venvPython)
{
    if (Status usable = shebangFor(venvPython); !usable)
        return usable;
    QStringList ours; // written here: a later distribution's script of the same name replaces it, as pip's would
    for (const StoredDistribution &d : distributions) {
        const QString bin = d.dir + QStringLiteral("/bin");
        const QByteArray storedShebang = "#!" + d.python.toUtf8();
        for (const AgentFolder::Entry &script : store.list(bin)) {
            if (script.kind != AgentFolder::Kind::Regular)
                continue; // the installer writes only files there; anything else is no script of it
            const QString to = venvBin + u'/' + script.name;
            if (!ours.contains(script.name) && venv.kindOf(to) != AgentFolder::Kind::Missing)
                return fail(ErrorKind::Install, QStringLiteral("%1 (%2): its script %3 would replace the venv's own").arg(d.file, d.folderName, script.name));
            auto content = store.readFile(bin + u'/' + script.name, kMaxComposedScriptBytes);
            if (!content)
                return composeFailure(QStringLiteral("cannot read the stored script"), content.error());
            QByteArray text = std::move(content).value();
            const qsizetype end = storedShebang.size();
            if (text.startsWith(storedShebang) && (text.size() == end || text.at(end) == '\n' || text.at(end) == ' '))
                text.replace(0, end, QByteArray(QByteArray("#!") + venvPython.toUtf8()));
            if (Status copied = copyScript(venv, to, text); !copied)
                return copied;
            ours.append(script.name);
        }
    }
    return ok();
}

} // namespace oa
