#include "ConfigFile.h"

#include "fs/AgentFolder.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSettings>
#include <QTemporaryFile>

#include <cerrno>
#include <cstring>

#include <sys/stat.h>

namespace oa {

namespace {

Failure invalid(const QString &message, int error = 0)
{
    Failure failure{ExitCode::InvalidArguments, message};
    failure.systemError = error;
    return failure;
}

// QSettings decodes %XX and %UXXXX in key and group names ("Timeout%U0053econds" is its
// TimeoutSeconds), and turns '\' into '/'. The line scan sees names as they are written, so a
// name that QSettings would decode is refused: otherwise "set twice" and the line numbers would
// hold only for the names the scan and QSettings happen to agree on.
constexpr char kDecodedByQSettings[] = "QSettings would decode the escape into another name; write the name as it is meant";

} // namespace

Result<ConfigFile> ConfigFile::read(const QString &path)
{
    // Missing and unreachable are told apart: a folder the user cannot enter is not "missing".
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        const int error = errno;
        if (error == ENOENT || error == ENOTDIR)
            return invalid(QStringLiteral("%1: the configuration file does not exist").arg(path), ENOENT);
        return invalid(QStringLiteral("%1: cannot use the configuration file: %2").arg(path, QString::fromLocal8Bit(std::strerror(error))), error);
    }
    auto bytes = AgentFolder::readRegularFile(QFileInfo(path).canonicalFilePath(), kMaxBytes);
    if (!bytes)
        return invalid(QStringLiteral("%1: cannot use the configuration file: %2").arg(path, bytes.failure().message),
                       bytes.failure().systemError);

    // Where each key is, and what QSettings would not say: lines it ignores, keys it merges.
    QHash<QString, int> lines; // "Group/Key" -> line
    QString group;
    QList<QByteArray> raw = bytes->split('\n');
    for (int i = 0; i < raw.size(); ++i) {
        const int line = i + 1;
        const QString text = QString::fromUtf8(raw.at(i)).trimmed();
        const QString where = QStringLiteral("%1:%2: ").arg(path).arg(line);
        // QSettings knows only ';' comments: "#Key = value", the usual way to show a default in
        // a file under /etc, would be a key named "#Key" to it. Its copy gets ';' instead.
        if (text.startsWith(u'#'))
            raw[i][raw.at(i).indexOf('#')] = ';';
        if (text.isEmpty() || text.startsWith(u';') || text.startsWith(u'#'))
            continue;
        if (text.startsWith(u'[')) {
            if (!text.endsWith(u']') || text.size() < 3 || text.contains(u'/') || text.contains(u'\\'))
                return invalid(where + QStringLiteral("\"%1\" is not a group header such as [EnvironmentCache]").arg(text));
            if (text.contains(u'%'))
                return invalid(where + QStringLiteral("%1: a group name cannot contain '%'; %2").arg(text, QLatin1String(kDecodedByQSettings)));
            group = text.mid(1, text.size() - 2).trimmed();
            if (group == QLatin1String("General"))
                group.clear(); // QSettings' name for the top level
            continue;
        }
        const qsizetype equals = text.indexOf(u'=');
        if (equals < 0)
            return invalid(where + QStringLiteral("\"%1\" is not a Key = Value line, a [Group] or a comment (# or ;)").arg(text));
        const QString key = text.left(equals).trimmed();
        if (key.isEmpty())
            return invalid(where + QStringLiteral("there is no key before '='"));
        if (key.contains(u'/') || key.contains(u'\\'))
            return invalid(where + QStringLiteral("%1: a key cannot contain '/' or '\\'; put it under its [Group]").arg(key));
        if (key.contains(u'%'))
            return invalid(where + QStringLiteral("%1: a key cannot contain '%'; %2").arg(key, QLatin1String(kDecodedByQSettings)));
        const QString name = group.isEmpty() ? key : group + u'/' + key;
        if (const int first = lines.value(name); first > 0)
            return invalid(where + QStringLiteral("%1 is set twice (first on line %2); keep one").arg(name).arg(first));
        lines.insert(name, line);
    }

    // QSettings reads a file by name: it gets a private copy of the bytes checked above.
    const QByteArray forQSettings = raw.join('\n');
    QTemporaryFile copy;
    if (!copy.open() || copy.write(forQSettings) != forQSettings.size() || !copy.flush())
        return invalid(QStringLiteral("%1: cannot make a private copy to parse: %2").arg(path, copy.errorString()));
    QSettings settings(copy.fileName(), QSettings::IniFormat);
    if (settings.status() != QSettings::NoError)
        return invalid(QStringLiteral("%1: QSettings cannot parse it as an INI file").arg(path));

    ConfigFile file;
    file.m_path = path;
    const QStringList keys = settings.allKeys();
    for (const QString &name : keys) {
        Entry entry;
        const qsizetype slash = name.lastIndexOf(u'/');
        entry.group = slash < 0 ? QString() : name.left(slash);
        entry.key = name.mid(slash + 1);
        const QVariant value = settings.value(name);
        // An unquoted comma makes a list in QSettings; a variable such as NO_PROXY wants it back.
        entry.value = value.userType() == QMetaType::QStringList ? value.toStringList().join(u',') : value.toString();
        entry.line = lines.value(name);
        file.m_entries.append(entry);
    }
    std::sort(file.m_entries.begin(), file.m_entries.end(), [](const Entry &a, const Entry &b) { return a.line < b.line; });
    return file;
}

} // namespace oa
