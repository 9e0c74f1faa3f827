#include "EnvironmentKey.h"

#include "base/Digest.h"
#include "fs/AgentFolder.h"
#include "syntax/Requirement.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDateTime>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <QRegularExpression>
#include <QUuid>

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

// The settings that select what is installed; proxies, timeouts and verbosity do not.
const QStringList kKeyedPipVariables = {
    QStringLiteral("PIP_INDEX_URL"), QStringLiteral("PIP_EXTRA_INDEX_URL"), QStringLiteral("PIP_FIND_LINKS"),
    QStringLiteral("PIP_NO_INDEX"), QStringLiteral("PIP_CONSTRAINT"), QStringLiteral("PIP_PRE"),
    QStringLiteral("PIP_ONLY_BINARY"), QStringLiteral("PIP_NO_BINARY"), QStringLiteral("PIP_PREFER_BINARY"),
    QStringLiteral("PIP_PLATFORM"), QStringLiteral("PIP_IMPLEMENTATION"), QStringLiteral("PIP_ABI"),
    QStringLiteral("PIP_REQUIRE_HASHES"), QStringLiteral("PIP_CONFIG_FILE"),
};

QByteArray readSmall(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.read(1024 * 1024) : QByteArray();
}

} // namespace

QString EnvironmentKey::normalizeRequirement(const QString &requirement)
{
    // Written again by the one writer, with the name in PEP 503's form: "Requests >= 2.28" and
    // "requests>=2.28" are one key; a path or URL is kept exactly (escaped, never trimmed).
    auto parsed = Requirement::parseWithoutHashes(requirement);
    if (!parsed)
        return requirement; // refused before any key is made; kept whole, never merged with another
    Requirement r = std::move(parsed).value();
    r.name = r.name.isEmpty() ? QString() : r.canonicalName();
    return r.toArgument();
}

QByteArray EnvironmentKey::includedFiles(const QByteArray &text, const QString &path, QSet<QString> *visited, QList<QByteArray> *contents)
{
    static const QRegularExpression include(QRegularExpression::anchoredPattern(
        QStringLiteral("[ \t]*(?:-r|--requirement|-c|--constraint)(?:[ \t]*=[ \t]*|[ \t]+|(?=[^-\\s]))(\\S+)[ \t]*")));
    QSet<QString> seen;
    if (!visited)
        visited = &seen;
    QByteArray content;
    for (const QByteArray &raw : text.split('\n')) {
        const auto match = include.match(QString::fromUtf8(raw));
        if (!match.hasMatch())
            continue;
        const QString name = match.captured(1);
        const QString file = QDir::cleanPath(QDir::isAbsolutePath(name) || path.isEmpty() ? name : QFileInfo(path).dir().filePath(name));
        // Every file at any depth counts once; the tree was checked for cycles before.
        if (visited->contains(file)) {
            content += "include again " + file.toUtf8() + '\n';
            continue;
        }
        visited->insert(file);
        // Never blocks on a FIFO, never reads more than a real file needs.
        const auto read = AgentFolder::readRegularFile(file, 1024 * 1024);
        const QByteArray data = read ? read.value() : QByteArray("unreadable");
        if (contents)
            contents->append(data);
        content += "include " + file.toUtf8() + '\n' + QByteArray::number(data.size()) + ':' + data + '\n'
                   + includedFiles(data, file, visited, contents);
    }
    return content;
}

namespace {

// The SHA-256 of a regular file, opened without blocking (a FIFO is never waited on) and read
// in blocks, so that a large wheel costs no more memory than a small one. Empty when `path`
// is not a regular file that can be read.
QByteArray fileSha256(const QString &path, qint64 *size)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return {};
    struct stat st;
    QByteArray digest;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        Digest hash(QCryptographicHash::Sha256);
        char block[64 * 1024];
        ssize_t n = 0;
        qint64 total = 0;
        while ((n = ::read(fd, block, sizeof block)) > 0) {
            hash.addData(QByteArrayView(block, n));
            total += n;
        }
        if (n == 0) {
            digest = hash.result().toHex();
            *size = total;
        }
    }
    ::close(fd);
    return digest;
}

} // namespace

QByteArray EnvironmentKey::contentDigest(const QString &path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return errno == ENOENT ? QByteArrayLiteral("missing") : QByteArrayLiteral("unreadable");
    qint64 size = 0;
    if (S_ISREG(st.st_mode)) {
        const QByteArray digest = fileSha256(path, &size);
        return digest.isEmpty() ? QByteArrayLiteral("unreadable") : "sha256 " + digest;
    }
    if (!S_ISDIR(st.st_mode))
        return QByteArrayLiteral("unreadable");
    // A project folder: every name in it, and every file's content. Links are named with their
    // target, never followed (pip's build copies the tree as it is).
    QList<QByteArray> lines;
    qint64 bytes = 0;
    QDirIterator it(path, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        const QByteArray name = QDir(path).relativeFilePath(info.filePath()).toUtf8();
        if (info.isSymLink()) {
            // A build backend reads through the link: what it leads to counts, not only its name.
            const QByteArray digest = info.isFile() ? fileSha256(info.filePath(), &size) : QByteArray();
            bytes += size;
            lines.append("link " + name + " -> " + info.symLinkTarget().toUtf8() + ' ' + digest);
        } else if (info.isDir()) {
            lines.append("folder " + name);
        } else {
            const QByteArray digest = fileSha256(info.filePath(), &size);
            bytes += size;
            lines.append("file " + name + ' ' + (digest.isEmpty() ? QByteArrayLiteral("unreadable") : digest));
        }
        if (lines.size() > kMaxTreeFiles || bytes > kMaxTreeBytes)
            return "uncacheable " + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    }
    std::sort(lines.begin(), lines.end());
    return "tree sha256 " + QCryptographicHash::hash(lines.join('\n'), QCryptographicHash::Sha256).toHex();
}

QString EnvironmentKey::referenceChangedDuringInstall(const QByteArray &references, const Provenance &provenance)
{
    static const QRegularExpression keyed(QRegularExpression::anchoredPattern(QStringLiteral("reference (.+) sha256 ([0-9a-f]{64})")));
    for (const QByteArray &line : references.split('\n')) {
        const auto match = keyed.match(QString::fromUtf8(line));
        if (!match.hasMatch())
            continue;
        for (const InstalledDistribution &d : provenance.installed) {
            const QUrl url(d.url);
            if (url.isLocalFile() && QDir::cleanPath(url.toLocalFile()) == QDir::cleanPath(match.captured(1)) && !d.sha256.isEmpty()
                && d.sha256 != match.captured(2))
                return QStringLiteral("%1 changed while pip installed it (SHA-256 %2 when the environment was keyed, %3 as pip installed it); "
                                      "the environment is not cached: run the task again once the file is final")
                    .arg(match.captured(1), match.captured(2), d.sha256);
        }
    }
    return {};
}

QByteArray EnvironmentKey::localReferences(const QStringList &requirements, const QList<QByteArray> &files)
{
    QList<Requirement> references;
    for (const QString &requirement : requirements)
        if (const auto r = Requirement::parseWithoutHashes(requirement); r && r->isDirectReference())
            references.append(r.value());
    for (const QByteArray &raw : files.join('\n').split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.startsWith(u'-') || line.isEmpty())
            continue;
        if (const auto r = Requirement::parse(line); r && r->isDirectReference())
            references.append(r.value());
    }
    QStringList lines;
    for (const Requirement &r : std::as_const(references)) {
        if (!r.path.isEmpty()) {
            lines.append(QStringLiteral("reference %1 %2").arg(r.path, QString::fromLatin1(contentDigest(r.path))));
            continue;
        }
        // A URL's content is known only when it is pinned: by --hash, or a hash in its fragment.
        // A VCS reference (a branch moves) or an unpinned URL is never shared.
        static const QRegularExpression pinned(QStringLiteral("#(.*&)?(sha256|sha384|sha512)="));
        static const QRegularExpression vcs(QStringLiteral("\\A(git|hg|svn|bzr)\\+"), QRegularExpression::CaseInsensitiveOption);
        if (vcs.match(r.url).hasMatch() || (r.hashes.isEmpty() && !pinned.match(r.url).hasMatch()))
            lines.append(QStringLiteral("reference %1 uncacheable %2").arg(r.url, QUuid::createUuid().toString(QUuid::WithoutBraces)));
    }
    lines.sort();
    lines.removeDuplicates();
    return lines.isEmpty() ? QByteArray() : lines.join(u'\n').toUtf8() + '\n';
}

EnvironmentKey EnvironmentKey::build(const QString &interpreter, const QString &version, const QStringList &requirements,
                                     const QByteArray &requirementsFile, const QProcessEnvironment &env, const QString &requirementsPath,
                                     const QString &copyDir)
{
    EnvironmentKey key;
    key.interpreter = interpreter;
    key.version = version;
    for (const QString &r : requirements)
        key.requirements.append(normalizeRequirement(r));
    key.requirements.sort();
    key.requirements.removeDuplicates();
    key.requirementsFile = requirementsFile;
    // A nested -r or -c decides what is installed as much as the file itself does, at any depth.
    QList<QByteArray> requirementsFiles{requirementsFile};
    key.requirementsFile += includedFiles(requirementsFile, requirementsPath, nullptr, &requirementsFiles);
    // What a path refers to is keyed by its content: a wheel rebuilt in place is a new key.
    key.references = localReferences(requirements, requirementsFiles);
    if (!copyDir.isEmpty())
        key.requirementsFile.replace(QByteArray(QDir::cleanPath(copyDir).toUtf8() + '/'), QByteArrayLiteral("{copies}/"));
    for (const QString &name : kKeyedPipVariables)
        if (env.contains(name))
            key.pipSettings.insert(name, env.value(name));
    // A constraints file decides versions: its content counts, not only its name.
    if (env.contains(QStringLiteral("PIP_CONSTRAINT")))
        for (const QString &file : env.value(QStringLiteral("PIP_CONSTRAINT")).split(u' ', Qt::SkipEmptyParts))
            key.pipConfig += "constraint " + file.toUtf8() + '\n' + readSmall(file);
    // pip's configuration files, in pip's own order (site, XDG, user, PIP_CONFIG_FILE).
    const QString home = env.value(QStringLiteral("HOME"), QDir::homePath());
    const QString xdg = env.value(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    QStringList files{QStringLiteral("/etc/pip.conf"), QStringLiteral("/etc/xdg/pip/pip.conf"),
                      home + QStringLiteral("/.pip/pip.conf"), xdg + QStringLiteral("/pip/pip.conf")};
    if (env.contains(QStringLiteral("PIP_CONFIG_FILE")))
        files.append(env.value(QStringLiteral("PIP_CONFIG_FILE")));
    for (const QString &file : files) {
        const QByteArray content = readSmall(file);
        if (!content.isEmpty())
            key.pipConfig += "file " + file.toUtf8() + '\n' + content;
    }
    // A --find-links line counts in an included file as much as in the top one.
    for (const QString &dir : localFindLinks(env, key.pipConfig, requirementsFiles.join('\n')))
        key.findLinks += "find-links " + dir.toUtf8() + '\n' + folderFingerprint(dir);
    return key;
}

QStringList EnvironmentKey::localFindLinks(const QProcessEnvironment &env, const QByteArray &pipConfig, const QByteArray &requirementsFile)
{
    QStringList values = env.value(QStringLiteral("PIP_FIND_LINKS")).split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    // pip.conf: "find-links = a b", possibly continued on indented lines.
    static const QRegularExpression option(QStringLiteral("^\\s*find[-_]links\\s*[=:]\\s*(.*)$"));
    bool continued = false;
    for (const QByteArray &raw : pipConfig.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (const auto match = option.match(line); match.hasMatch()) {
            values += match.captured(1).split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
            continued = true;
        } else if (continued && !line.isEmpty() && line.at(0).isSpace()) {
            values += line.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        } else {
            continued = false;
        }
    }
    static const QRegularExpression requirementsOption(QStringLiteral("^\\s*(?:--find-links(?:\\s*=\\s*|\\s+)|-f\\s*)(\\S+)"));
    for (const QByteArray &raw : requirementsFile.split('\n'))
        if (const auto match = requirementsOption.match(QString::fromUtf8(raw)); match.hasMatch())
            values.append(match.captured(1));
    QStringList dirs;
    for (const QString &value : std::as_const(values)) {
        const QUrl url(value);
        const QString path = url.isLocalFile() ? url.toLocalFile() : value;
        if (QDir::isAbsolutePath(path) && QFileInfo(path).isDir() && !dirs.contains(QDir::cleanPath(path)))
            dirs.append(QDir::cleanPath(path));
    }
    return dirs;
}

QStringList EnvironmentKey::configuredFindLinks() const
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PIP_FIND_LINKS"), pipSettings.value(QStringLiteral("PIP_FIND_LINKS")));
    return localFindLinks(env, pipConfig, {});
}

QByteArray EnvironmentKey::folderFingerprint(const QString &dir)
{
    QList<QByteArray> lines;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    while (it.hasNext() && lines.size() < kMaxListed) {
        const QFileInfo info(it.next());
        lines.append(info.fileName().toUtf8() + ' ' + QByteArray::number(info.size()) + ' '
                     + QByteArray::number(info.lastModified().toMSecsSinceEpoch()));
    }
    std::sort(lines.begin(), lines.end());
    return lines.join('\n') + '\n';
}

QString EnvironmentKey::describe() const
{
    QStringList lines{QStringLiteral("interpreter %1 %2").arg(interpreter, version),
                      QStringLiteral("requirements %1").arg(requirements.join(QStringLiteral(", ")))};
    if (!requirementsFile.isEmpty())
        lines.append(QStringLiteral("requirements.txt sha256 %1")
                         .arg(QString::fromLatin1(QCryptographicHash::hash(requirementsFile, QCryptographicHash::Sha256).toHex().left(16))));
    for (auto it = pipSettings.begin(); it != pipSettings.end(); ++it)
        lines.append(QStringLiteral("%1=%2").arg(it.key(), it.value()));
    if (!pipConfig.isEmpty())
        lines.append(QStringLiteral("pip configuration sha256 %1")
                         .arg(QString::fromLatin1(QCryptographicHash::hash(pipConfig, QCryptographicHash::Sha256).toHex().left(16))));
    if (!references.isEmpty())
        lines.append(QStringLiteral("local references sha256 %1")
                         .arg(QString::fromLatin1(QCryptographicHash::hash(references, QCryptographicHash::Sha256).toHex().left(16))));
    if (!findLinks.isEmpty())
        lines.append(QStringLiteral("find-links folders sha256 %1")
                         .arg(QString::fromLatin1(QCryptographicHash::hash(findLinks, QCryptographicHash::Sha256).toHex().left(16))));
    return lines.join(u'\n');
}

QString EnvironmentKey::digest() const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    // Length-prefixed fields: no two different inputs can produce the same byte stream.
    const auto add = [&hash](const QByteArray &field) {
        hash.addData(QByteArray(QByteArray::number(field.size()) + ':'));
        hash.addData(field);
    };
    add("openautomate-env-v2");
    add(interpreter.toUtf8());
    add(version.toUtf8());
    add(requirements.join(u'\n').toUtf8());
    add(requirementsFile);
    for (auto it = pipSettings.begin(); it != pipSettings.end(); ++it)
        add((it.key() + u'=' + it.value()).toUtf8());
    add(pipConfig);
    add(findLinks);
    add(references);
    return QString::fromLatin1(hash.result().toHex().left(kDigestLength));
}

} // namespace oa
