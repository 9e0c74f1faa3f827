#include "ConfigFile.h"

#include "fs/AgentFolder.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSettings>
#include <QStringDecoder>
#include <QTemporaryFile>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/stat.h>

namespace oa {

namespace {

Error invalid(const QString &message, int error = 0)
{
    Error failure{ErrorKind::BadArgument, message};
    failure.systemError = error;
    return failure;
}

// QSettings decodes %XX and %UXXXX in key and group names ("Timeout%U0053econds" is its
// TimeoutSeconds), and turns '\' into '/'. The line scan sees names as they are written, so a
// name that QSettings would decode is refused: otherwise "set twice" and the line numbers would
// hold only for the names the scan and QSettings happen to agree on.
constexpr char kDecodedByQSettings[] = "QSettings would decode the escape into another name; write the name as it is meant";

// Spaces and tabs only, as QSettings trims: QString::trimmed() would also take U+00A0 or
// U+3000 for a blank, and see a group header or a key where QSettings sees none.
QString blankTrimmed(const QString &text)
{
    qsizetype from = 0;
    qsizetype to = text.size();
    while (from < to && (text.at(from) == u' ' || text.at(from) == u'\t'))
        ++from;
    while (to > from && (text.at(to - 1) == u' ' || text.at(to - 1) == u'\t'))
        --to;
    return text.mid(from, to - from);
}

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
        return invalid(QStringLiteral("%1: cannot use the configuration file: %2").arg(path, bytes.error().message),
                       bytes.error().systemError);

    // Where each key is, and what QSettings would not say: lines it ignores, keys it merges.
    QHash<QString, int> lines; // "Group/Key" -> line
    QString group;
    QList<QByteArray> raw = bytes->split('\n');
    for (int i = 0; i < raw.size(); ++i) {
        const int line = i + 1;
        const QString where = QStringLiteral("%1:%2: ").arg(path).arg(line);
        // The scan and QSettings must split the file alike: QSettings ends a line at a lone
        // "\r" too, and does not take a vertical tab or a form feed for a blank, where
        // QString::trimmed() does. Such characters have no place in a configuration.
        QByteArray bytesOfLine = raw.at(i);
        if (bytesOfLine.endsWith('\r'))
            bytesOfLine.chop(1); // a Windows line end
        for (const char c : std::as_const(bytesOfLine))
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
                return invalid(where + QStringLiteral("the line holds the control character U+%1, which QSettings and this check read "
                                                      "differently; remove it").arg(QString::number(static_cast<unsigned char>(c), 16).toUpper().rightJustified(4, u'0')));
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = blankTrimmed(utf8.decode(bytesOfLine));
        if (utf8.hasError())
            return invalid(where + QStringLiteral("the line is not valid UTF-8; write the file in UTF-8"));
        // QSettings knows only ';' comments: "#Key = value", the usual way to show a default in
        // a file under /etc, would be a key named "#Key" to it. Its copy gets ';' instead.
        if (text.startsWith(u'#'))
            raw[i][raw.at(i).indexOf('#')] = ';';
        if (text.isEmpty() || text.startsWith(u';') || text.startsWith(u'#'))
            continue;
        if (text.startsWith(u'[')) {
            // One "[", one "]": QSettings reads "[A]]" and "[A][B]" otherwise than a header.
            if (!text.endsWith(u']') || text.size() < 3 || text.contains(u'/') || text.contains(u'\\') || text.count(u'[') != 1
                || text.count(u']') != 1)
                return invalid(where + QStringLiteral("\"%1\" is not a group header such as [EnvironmentCache]").arg(text));
            if (text.contains(u'%'))
                return invalid(where + QStringLiteral("%1: a group name cannot contain '%'; %2").arg(text, QLatin1String(kDecodedByQSettings)));
            group = blankTrimmed(text.mid(1, text.size() - 2));
            if (const auto wide = std::find_if(group.cbegin(), group.cend(), [](QChar c) { return c.unicode() > 0x7e; }); wide != group.cend())
                return invalid(where + QStringLiteral("%1: a group name is ASCII (QSettings escapes other characters in names)").arg(text));
            if (group.compare(QLatin1String("General"), Qt::CaseInsensitive) == 0) // so does QSettings, in any case
                group.clear(); // QSettings' name for the top level
            continue;
        }
        const qsizetype equals = text.indexOf(u'=');
        if (equals < 0)
            return invalid(where + QStringLiteral("\"%1\" is not a Key = Value line, a [Group] or a comment (# or ;)").arg(text));
        const QString key = blankTrimmed(text.left(equals));
        if (key.isEmpty())
            return invalid(where + QStringLiteral("there is no key before '='"));
        if (key.contains(u'/') || key.contains(u'\\'))
            return invalid(where + QStringLiteral("%1: a key cannot contain '/' or '\\'; put it under its [Group]").arg(key));
        if (key.contains(u'%'))
            return invalid(where + QStringLiteral("%1: a key cannot contain '%'; %2").arg(key, QLatin1String(kDecodedByQSettings)));
        if (const auto wide = std::find_if(key.cbegin(), key.cend(), [](QChar c) { return c.unicode() > 0x7e; }); wide != key.cend())
            return invalid(where + QStringLiteral("%1: a key is ASCII (QSettings escapes other characters in names)").arg(key));
        // QSettings takes a quoted key whole, "=" included, where this scan would split it.
        if (key.contains(u'"'))
            return invalid(where + QStringLiteral("%1: a key cannot contain '\"'; write it without quotes").arg(key));
        // QSettings reads a quoted value, and one ending in "\", on into the next lines: the keys
        // there would be part of a value to it and keys to this scan.
        const QString value = text.mid(equals + 1);
        qsizetype quotes = 0;
        for (qsizetype at = 0; at < value.size(); ++at) {
            if (value.at(at) == u'\\')
                ++at; // an escaped character, "\"" included
            else if (value.at(at) == u'"')
                ++quotes;
        }
        if (quotes % 2 != 0)
            return invalid(where + QStringLiteral("%1: the value's quote is not closed on its line").arg(key));
        if (value.endsWith(u'\\'))
            return invalid(where + QStringLiteral("%1: the value ends in '\\', which would continue it on the next line").arg(key));
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
