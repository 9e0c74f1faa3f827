#include "EnvironmentKey.h"

#include "AgentFolder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDateTime>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <QRegularExpression>

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
    static const QRegularExpression name(QStringLiteral("^\\s*([A-Za-z0-9][A-Za-z0-9._-]*)"));
    static const QRegularExpression separators(QStringLiteral("[-_.]+"));
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    const auto match = name.match(requirement);
    if (!match.hasMatch())
        return QString(requirement).remove(whitespace);
    const QString canonical = match.captured(1).toLower().replace(separators, QStringLiteral("-"));
    return canonical + requirement.mid(match.capturedEnd(1)).remove(whitespace);
}

QByteArray EnvironmentKey::includedFiles(const QByteArray &text, const QString &path, int depth)
{
    static const QRegularExpression include(QStringLiteral("^\\s*(?:-r|--requirement|-c|--constraint)(?:\\s*=\\s*|\\s+|(?=[^-\\s]))(\\S+)"));
    QByteArray content;
    int count = 0;
    for (const QByteArray &raw : text.split('\n')) {
        const auto match = include.match(QString::fromUtf8(raw));
        if (!match.hasMatch() || depth > 4 || ++count > kMaxIncludes)
            continue;
        const QString name = match.captured(1);
        const QString file = QDir::isAbsolutePath(name) || path.isEmpty() ? name : QFileInfo(path).dir().filePath(name);
        // Never blocks on a FIFO, never reads more than a real file needs.
        const auto read = AgentFolder::readRegularFile(file, 1024 * 1024);
        const QByteArray data = read ? read.value() : QByteArray("unreadable");
        content += "include " + file.toUtf8() + '\n' + data + '\n' + includedFiles(data, file, depth + 1);
    }
    return content;
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
    // A nested -r or -c decides what is installed as much as the file itself does.
    key.requirementsFile += includedFiles(requirementsFile, requirementsPath);
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
    for (const QString &dir : localFindLinks(env, key.pipConfig, requirementsFile))
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
    add("openautomate-env-v1");
    add(interpreter.toUtf8());
    add(version.toUtf8());
    add(requirements.join(u'\n').toUtf8());
    add(requirementsFile);
    for (auto it = pipSettings.begin(); it != pipSettings.end(); ++it)
        add((it.key() + u'=' + it.value()).toUtf8());
    add(pipConfig);
    add(findLinks);
    return QString::fromLatin1(hash.result().toHex().left(kDigestLength));
}

} // namespace oa
