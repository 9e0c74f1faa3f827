#include "Requirement.h"

#include <QDir>
#include <QRegularExpression>
#include <QUrl>

#include <optional>

namespace oa {

namespace {

Error invalid(const QString &why)
{
    return fail(ErrorKind::InvalidTask, why);
}

QString codePoint(QChar c)
{
    return QStringLiteral("U+%1").arg(QString::number(c.unicode(), 16).toUpper().rightJustified(4, u'0'));
}

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t';
}

bool isAsciiAlnum(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}

// Control characters (C0, DEL, C1), line and paragraph separators, and the byte order mark:
// Python splits lines or strips at some of them where Qt does not.
QString characterProblem(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\t') || (u >= 0x7f && u <= 0x9f) || u == 0x2028 || u == 0x2029 || u == 0xfeff || u == 0xfffd)
            return QStringLiteral("holds the character %1, which pip and this check could read differently").arg(codePoint(c));
    }
    return {};
}

QString trimmedBlanks(const QString &text)
{
    qsizetype from = 0;
    qsizetype to = text.size();
    while (from < to && isBlank(text.at(from)))
        ++from;
    while (to > from && isBlank(text.at(to - 1)))
        --to;
    return text.mid(from, to - from);
}

// The schemes pip takes a bare requirement for a URL by (pip's is_url, plus VCS schemes).
const QRegularExpression &urlStart()
{
    static const QRegularExpression re(QStringLiteral("\\A(?:(?:git|hg|svn|bzr)\\+[A-Za-z][A-Za-z0-9+.-]*:|[A-Za-z][A-Za-z0-9+.-]*://|file:)"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re;
}

bool isArchiveName(const QString &text)
{
    static const char *const suffixes[] = {".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".tlz", ".tar.lz"};
    for (const char *suffix : suffixes)
        if (text.endsWith(QLatin1String(suffix), Qt::CaseInsensitive))
            return true;
    return false;
}

// A URL as written: RFC 3986's ASCII characters, every "%" an escape. Not ";" (pip splits a
// bare URL's marker at "; ", and a named one at the first ";") and not "${" (pip's expansion).
QString urlProblem(const QString &url)
{
    static const QString allowed = QStringLiteral("-._~:/?#[]@!$&'()*+,=%");
    for (qsizetype i = 0; i < url.size(); ++i) {
        const QChar c = url.at(i);
        if (!isAsciiAlnum(c) && !allowed.contains(c))
            return QStringLiteral("the URL \"%1\" holds %2, which a URL cannot hold unescaped").arg(url, c == u';' ? QStringLiteral("\";\"") : codePoint(c));
        if (c == u'%' && !(i + 2 < url.size() && isxdigit(url.at(i + 1).toLatin1()) && isxdigit(url.at(i + 2).toLatin1())))
            return QStringLiteral("the URL \"%1\" holds a \"%\" that is not an escape such as %20").arg(url);
    }
    if (url.contains(QLatin1String("${")))
        return QStringLiteral("the URL \"%1\" holds \"${\", which pip would expand from its environment").arg(url);
    return {};
}

// A file: URL as a local path: "file:///abs" or "file://localhost/abs", decoded. Its query or
// fragment would be lost in the path, so it may have neither.
Result<QString> fileUrlPath(const QString &url)
{
    if (const QString problem = urlProblem(url); !problem.isEmpty())
        return invalid(problem);
    QString rest = url.mid(5);
    if (rest.startsWith(QLatin1String("//localhost/"), Qt::CaseInsensitive))
        rest = rest.mid(11);
    else if (rest.startsWith(QLatin1String("///")))
        rest = rest.mid(2);
    else
        return invalid(QStringLiteral("\"%1\" is not a file: URL of an absolute path (file:///folder/file)").arg(url));
    if (rest.contains(u'?') || rest.contains(u'#'))
        return invalid(QStringLiteral("the file: URL \"%1\" has a query or a fragment; refer to the file alone (and pin it with --hash)").arg(url));
    const QString path = QUrl::fromPercentEncoding(rest.toUtf8());
    if (const QString problem = characterProblem(path); !problem.isEmpty())
        return invalid(QStringLiteral("the file: URL \"%1\" %2 once decoded").arg(url, problem));
    return path;
}

// A URL as the requirement's reference: a file: URL becomes its path, any other stays as written.
std::optional<Error> takeReference(const QString &url, Requirement *r)
{
    if (url.startsWith(QLatin1String("file:"), Qt::CaseInsensitive)) {
        auto path = fileUrlPath(url);
        if (!path)
            return path.error();
        r->path = path.value();
        return std::nullopt;
    }
    if (const QString problem = urlProblem(url); !problem.isEmpty())
        return invalid(problem);
    r->url = url;
    return std::nullopt;
}

QString pathProblem(const QString &path)
{
    if (path.contains(u'\\'))
        return QStringLiteral("the path \"%1\" holds a backslash; write folders with \"/\"").arg(path);
    if (path.contains(u'[') || path.contains(u']'))
        return QStringLiteral("the path \"%1\" holds \"[\" or \"]\", which pip would read as extras; write name[extra] @ file:///…").arg(path);
    if (path.startsWith(u'~'))
        return QStringLiteral("the path \"%1\" starts with \"~\", which is not expanded; write the path out").arg(path);
    if (path.contains(QLatin1String("${")))
        return QStringLiteral("the path \"%1\" holds \"${\", which pip would expand from its environment").arg(path);
    return {};
}

// The marker after ";", if there is one, canonicalized (empty when there is none); `rest`
// starts at the ";" or is blank.
Result<QString> takeMarker(const QString &rest)
{
    const QString tail = trimmedBlanks(rest);
    if (tail.isEmpty())
        return QString();
    if (!tail.startsWith(u';'))
        return invalid(QStringLiteral("\"%1\" follows the requirement where only \"; marker\" may").arg(tail));
    const QString text = trimmedBlanks(tail.mid(1));
    if (text.isEmpty())
        return invalid(QStringLiteral("\";\" is followed by no marker"));
    return Requirement::canonicalMarker(text);
}

// A run of PEP 508 name characters at `at`; empty when there is none.
QString nameAt(const QString &text, qsizetype at)
{
    qsizetype end = at;
    while (end < text.size() && (isAsciiAlnum(text.at(end)) || text.at(end) == u'.' || text.at(end) == u'_' || text.at(end) == u'-'))
        ++end;
    return text.mid(at, end - at);
}

Result<Requirement> parseNamed(const QString &text)
{
    // Outside paths a requirement is ASCII: a look-alike letter cannot pose as a name or an operator.
    for (const QChar c : text)
        if (c.unicode() > 0x7e)
            return invalid(QStringLiteral("\"%1\" holds %2; a requirement is ASCII outside its paths").arg(text, codePoint(c)));
    Requirement r;
    qsizetype at = 0;
    r.name = nameAt(text, at);
    if (const QString problem = Requirement::nameProblem(r.name); !problem.isEmpty())
        return invalid(QStringLiteral("\"%1\" does not start with a package name: %2").arg(text, problem));
    at += r.name.size();
    const auto skip = [&] { while (at < text.size() && isBlank(text.at(at))) ++at; };
    skip();
    if (at < text.size() && text.at(at) == u'[') {
        const qsizetype close = text.indexOf(u']', at);
        if (close < 0)
            return invalid(QStringLiteral("\"%1\": the extras' \"[\" is not closed").arg(text));
        const QString inner = trimmedBlanks(text.mid(at + 1, close - at - 1));
        for (const QString &raw : inner.split(u',', Qt::KeepEmptyParts)) {
            const QString extra = trimmedBlanks(raw);
            if (inner.isEmpty())
                break;
            if (const QString problem = Requirement::nameProblem(extra); !problem.isEmpty())
                return invalid(QStringLiteral("\"%1\": the extra \"%2\" is not a name: %3").arg(text, extra, problem));
            if (!r.extras.contains(extra))
                r.extras.append(extra);
        }
        at = close + 1;
        skip();
    }
    if (at < text.size() && text.at(at) == u'@') {
        ++at;
        skip();
        qsizetype end = at;
        while (end < text.size() && !isBlank(text.at(end)))
            ++end;
        const QString url = text.mid(at, end - at);
        if (url.isEmpty() || !urlStart().match(url).hasMatch())
            return invalid(QStringLiteral("\"%1\": \"@\" must be followed by a URL (https://…, git+https://…, file:///…)").arg(text));
        if (auto refused = takeReference(url, &r))
            return *refused;
        if (end < text.size() && !trimmedBlanks(text.mid(end)).isEmpty() && !isBlank(text.at(end)))
            return invalid(QStringLiteral("\"%1\": a blank must separate the URL from its marker").arg(text));
        const Result<QString> marker = takeMarker(text.mid(end));
        if (!marker)
            return marker.error();
        r.marker = marker.value();
        return r;
    }
    const qsizetype semicolon = text.indexOf(u';', at);
    QString spec = trimmedBlanks(text.mid(at, semicolon < 0 ? -1 : semicolon - at));
    if (spec.startsWith(u'(') && spec.endsWith(u')'))
        spec = trimmedBlanks(spec.mid(1, spec.size() - 2));
    if (!spec.isEmpty()) {
        const Result<QString> specifier = Requirement::canonicalSpecifier(spec);
        if (!specifier)
            return specifier.error().within(QStringLiteral("\"%1\"").arg(text));
        r.specifier = specifier.value();
    }
    if (semicolon >= 0) {
        const Result<QString> marker = takeMarker(text.mid(semicolon));
        if (!marker)
            return marker.error();
        r.marker = marker.value();
    }
    return r;
}

} // namespace

QString Requirement::canonicalName() const
{
    static const QRegularExpression separators(QStringLiteral("[-_.]+"));
    return name.toLower().replace(separators, QStringLiteral("-"));
}

QString Requirement::nameProblem(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("a name is empty");
    for (const QChar c : name)
        if (!isAsciiAlnum(c) && c != u'.' && c != u'_' && c != u'-')
            return QStringLiteral("\"%1\" holds %2; a name is ASCII letters, digits, \".\", \"_\" and \"-\"").arg(name, codePoint(c));
    if (!isAsciiAlnum(name.front()) || !isAsciiAlnum(name.back()))
        return QStringLiteral("\"%1\" must start and end with a letter or a digit").arg(name);
    return {};
}

QString Requirement::hashProblem(const QString &hash)
{
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(
        QStringLiteral("(sha256:[0-9a-fA-F]{64}|sha384:[0-9a-fA-F]{96}|sha512:[0-9a-fA-F]{128})")));
    if (pattern.match(hash).hasMatch())
        return {};
    return QStringLiteral("\"%1\" is not a hash pip takes: sha256:, sha384: or sha512: and the digest's full hex").arg(hash);
}

Result<Requirement> Requirement::parseWithoutHashes(const QString &raw)
{
    if (const QString problem = characterProblem(raw); !problem.isEmpty())
        return invalid(QStringLiteral("the requirement %1").arg(problem));
    const QString text = trimmedBlanks(raw);
    if (text.isEmpty())
        return invalid(QStringLiteral("the requirement is empty"));
    if (text.startsWith(u'-'))
        return invalid(QStringLiteral("\"%1\" starts with \"-\": pip options are not requirements").arg(text));
    Requirement r;
    if (urlStart().match(text).hasMatch()) {
        qsizetype end = 0;
        while (end < text.size() && !isBlank(text.at(end)))
            ++end;
        const QString url = text.left(end);
        if (auto refused = takeReference(url, &r))
            return *refused;
        const Result<QString> marker = takeMarker(text.mid(end));
        if (!marker)
            return marker.error();
        r.marker = marker.value();
        return r;
    }
    const QString name = nameAt(text, 0);
    qsizetype afterName = name.size();
    while (afterName < text.size() && isBlank(text.at(afterName)))
        ++afterName;
    const bool named = !name.isEmpty() && afterName < text.size() && (text.at(afterName) == u'@' || text.at(afterName) == u'[');
    // pip takes what holds a "/", starts with "." or ends like an archive for a path.
    const QString head = trimmedBlanks(text.section(u';', 0, 0));
    if (!named && (head.contains(u'/') || head.contains(u'\\') || head.startsWith(u'.') || head.startsWith(u'~') || isArchiveName(head))) {
        if (const QString problem = pathProblem(head); !problem.isEmpty())
            return invalid(problem);
        r.path = head;
        const qsizetype semicolon = text.indexOf(u';');
        if (semicolon >= 0) {
            const Result<QString> marker = takeMarker(text.mid(semicolon));
            if (!marker)
                return marker.error();
            r.marker = marker.value();
        }
        return r;
    }
    return parseNamed(text);
}

Result<Requirement> Requirement::parse(const QString &raw)
{
    if (const QString problem = characterProblem(raw); !problem.isEmpty())
        return invalid(QStringLiteral("the line %1").arg(problem));
    // pip's break_args_options: words split at single spaces; the options begin at the first
    // word that starts with "-". Only --hash may be among them.
    const QStringList words = raw.split(u' ');
    qsizetype first = 0;
    while (first < words.size() && !words.at(first).startsWith(u'-'))
        ++first;
    if (first == 0)
        return invalid(QStringLiteral("\"%1\" starts with \"-\": pip options are not requirements").arg(trimmedBlanks(raw)));
    auto requirement = parseWithoutHashes(words.mid(0, first).join(u' '));
    if (!requirement)
        return requirement;
    Requirement r = std::move(requirement).value();
    QStringList options;
    for (const QString &word : words.mid(first))
        options += word.split(u'\t', Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < options.size(); ++i) {
        QString hash;
        if (options.at(i).startsWith(QLatin1String("--hash=")))
            hash = options.at(i).mid(7);
        else if (options.at(i) == QLatin1String("--hash") && i + 1 < options.size())
            hash = options.at(++i);
        else
            return invalid(QStringLiteral("\"%1\" after a requirement is not taken; only --hash=ALGORITHM:DIGEST may follow one").arg(options.at(i)));
        if (const QString problem = hashProblem(hash); !problem.isEmpty())
            return invalid(problem);
        if (!r.hashes.contains(hash.toLower()))
            r.hashes.append(hash.toLower());
    }
    return r;
}

Result<Requirement> Requirement::anchoredIn(const QString &base) const
{
    // A leading "/" only: QDir::isAbsolutePath also takes ":/x" (a Qt resource) for absolute.
    if (path.isEmpty() || path.startsWith(u'/'))
        return *this;
    const QString root = QDir::cleanPath(base);
    const QString absolute = QDir::cleanPath(root + u'/' + path);
    if (!absolute.startsWith(root + u'/'))
        return invalid(QStringLiteral("\"%1\" leads out of the task folder %2").arg(path, root));
    Requirement anchored = *this;
    anchored.path = absolute;
    return anchored;
}

QString Requirement::toArgument() const
{
    // Every character but the unreserved ones and "/" is escaped: a blank, "#", ";", "%" or a
    // non-ASCII letter in a folder name reaches pip as the same path, never as syntax.
    const QString reference = !url.isEmpty() ? url
                              : path.startsWith(u'/') ? QStringLiteral("file://") + QString::fromLatin1(QUrl::toPercentEncoding(path, "/"))
                                                           : path;
    QString line;
    if (!name.isEmpty()) {
        line = name;
        if (!extras.isEmpty())
            line += u'[' + extras.join(u',') + u']';
        line += isDirectReference() ? QStringLiteral(" @ ") + reference : specifier;
    } else {
        line = reference;
    }
    if (!marker.isEmpty())
        line += QStringLiteral(" ; ") + marker;
    return line;
}

QString Requirement::toLine() const
{
    QString line = toArgument();
    for (const QString &hash : hashes)
        line += QStringLiteral(" --hash=") + hash;
    return line;
}

bool Requirement::operator==(const Requirement &o) const
{
    return name == o.name && extras == o.extras && specifier == o.specifier && url == o.url && path == o.path && marker == o.marker
           && hashes == o.hashes;
}

} // namespace oa
