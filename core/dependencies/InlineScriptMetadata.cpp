#include "InlineScriptMetadata.h"

#include "TomlReader.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>

#include <cmath>

namespace oa {

namespace {

Failure invalid(const QString &path, int line, const QString &what)
{
    return fail(ExitCode::InvalidExecution, QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(what));
}

// Where things are in a block's TOML, for messages only. tomllib (TomlReader) decides what the
// document is and what is refused; it says where by key path, never by line. This lexical pass
// (strings, comments, brackets, keys) finds the line of the first thing TomlReader would refuse
// and of each top-level key. It never decides on its own that a block is usable.
struct Outline {
    int problemLine = 0; // 1-based line of the TOML, 0 when none was found
    QString problem;
    QHash<QString, int> topLevelKeys; // as written, quotes removed -> the line first naming it
};

bool isBareKeyChar(QChar c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_' || c == u'-';
}

bool endsBareToken(QChar c)
{
    switch (c.unicode()) {
    case ' ': case '\t': case '\r': case '\n': case ',': case '[': case ']': case '{': case '}': case '#': case '=': case '"': case '\'':
        return true;
    default:
        return false;
    }
}

class Outliner {
public:
    explicit Outliner(const QString &toml) : m_s(toml) {}

    Outline run()
    {
        while (m_i < m_s.size()) {
            const QChar c = m_s.at(m_i);
            if (c == u'\n') {
                ++m_line;
                ++m_i;
                if (m_open.isEmpty())
                    m_expect = Expect::Key;
                continue;
            }
            if (c == u' ' || c == u'\t' || c == u'\r') {
                ++m_i;
                continue;
            }
            if (c == u'#') {
                while (m_i < m_s.size() && m_s.at(m_i) != u'\n')
                    ++m_i;
                continue;
            }
            // Every branch moves on by at least one character.
            switch (m_expect) {
            case Expect::Key: key(c); break;
            case Expect::Value: value(c); break;
            case Expect::After: after(c); break;
            }
        }
        return m_out;
    }

private:
    enum class Expect { Key, Value, After };
    struct Open {
        QChar kind; // '[' or '{'
        int depth;  // as TomlReader counts it: the document is 0, `a = [1]`'s array 1
    };

    void problem(const QString &what)
    {
        if (m_out.problemLine == 0) {
            m_out.problemLine = m_line;
            m_out.problem = what;
        }
    }
    void checkDepth(int depth)
    {
        if (depth > TomlReader::kMaxDepth)
            problem(QStringLiteral("tables and arrays nest deeper than %1 levels here, the most the executor reads").arg(TomlReader::kMaxDepth));
    }

    void key(QChar c)
    {
        if (m_open.isEmpty() && c == u'[') {
            header();
            return;
        }
        if (c == u'}') { // {} or a trailing ','
            close();
            return;
        }
        const int line = m_line;
        const QStringList parts = dottedKey();
        if (parts.isEmpty()) { // not a key: tomllib says what is wrong
            ++m_i;
            return;
        }
        skipBlanks();
        if (m_i < m_s.size() && m_s.at(m_i) == u'=')
            ++m_i;
        if (m_open.isEmpty() && !m_inTable && !m_out.topLevelKeys.contains(parts.first()))
            m_out.topLevelKeys.insert(parts.first(), line);
        m_valueBase = (m_open.isEmpty() ? m_tableDepth : m_open.last().depth) + int(parts.size()) - 1; // each part but the last is a table
        checkDepth(m_valueBase);
        m_expect = Expect::Value;
    }

    void header()
    {
        const bool arrayOfTables = m_i + 1 < m_s.size() && m_s.at(m_i + 1) == u'[';
        m_i += arrayOfTables ? 2 : 1;
        const QStringList parts = dottedKey();
        int depth = 0;
        QStringList path;
        for (qsizetype k = 0; k < parts.size(); ++k) {
            path.append(parts.at(k));
            ++depth;
            if (k + 1 < parts.size() && m_arraysOfTables.contains(path))
                ++depth; // [a.b] after [[a]] is in a's last element: a list, then a table
        }
        if (arrayOfTables) {
            ++depth;
            m_arraysOfTables.insert(path);
        }
        if (!parts.isEmpty() && !m_out.topLevelKeys.contains(parts.first()))
            m_out.topLevelKeys.insert(parts.first(), m_line);
        m_tableDepth = depth;
        m_inTable = true;
        checkDepth(depth);
        m_expect = Expect::After; // the closing brackets are read as stray ones
    }

    void value(QChar c)
    {
        if (c == u'[' || c == u'{') {
            const int depth = m_valueBase + 1;
            checkDepth(depth);
            m_open.append({c, depth});
            ++m_i;
            m_valueBase = depth;
            m_expect = c == u'[' ? Expect::Value : Expect::Key;
            return;
        }
        if (c == u']' || c == u'}') { // [] or a trailing ','
            close();
            return;
        }
        if (c == u'"' || c == u'\'') {
            skipString();
            m_expect = Expect::After;
            return;
        }
        const QString token = bareToken();
        if (token.isEmpty()) {
            ++m_i;
            return;
        }
        checkNumber(token);
        m_expect = Expect::After;
    }

    void after(QChar c)
    {
        if (c == u',' && !m_open.isEmpty()) {
            ++m_i;
            m_valueBase = m_open.last().depth;
            m_expect = m_open.last().kind == u'[' ? Expect::Value : Expect::Key;
            return;
        }
        if (c == u']' || c == u'}') {
            close();
            return;
        }
        // The rest of a value, such as the time of a date-time after its space.
        if (c == u'"' || c == u'\'')
            skipString();
        else if (bareToken().isEmpty())
            ++m_i;
    }

    void close()
    {
        ++m_i;
        if (!m_open.isEmpty())
            m_open.removeLast();
        m_expect = Expect::After;
    }

    // What TomlReader refuses among numbers: inf and nan, a float that overflows to infinity, an
    // integer past 64 bits.
    void checkNumber(const QString &token)
    {
        static const QStringList nonFinite = {QStringLiteral("inf"), QStringLiteral("+inf"), QStringLiteral("-inf"),
                                              QStringLiteral("nan"), QStringLiteral("+nan"), QStringLiteral("-nan")};
        if (nonFinite.contains(token)) {
            problem(QStringLiteral("%1 is not a finite number (the executor reads TOML as JSON, which has no inf or nan)").arg(token));
            return;
        }
        QString digits = token;
        digits.remove(u'_');
        static const QRegularExpression decimal(QRegularExpression::anchoredPattern(QStringLiteral("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?")));
        static const QRegularExpression prefixed(QRegularExpression::anchoredPattern(QStringLiteral("0([xob])([0-9A-Fa-f]+)")));
        bool ok = true;
        if (decimal.match(digits).hasMatch()) {
            if (digits.contains(u'.') || digits.contains(u'e') || digits.contains(u'E')) {
                if (std::isinf(QLocale::c().toDouble(digits))) // Python's float() overflows the same way
                    problem(QStringLiteral("%1 is too large for a number and would be infinity (the executor reads TOML as JSON, which has "
                                           "no inf)").arg(token));
                return;
            }
            digits.toLongLong(&ok);
        } else if (const auto match = prefixed.match(digits); match.hasMatch()) {
            const QChar base = match.captured(1).at(0);
            match.captured(2).toLongLong(&ok, base == u'x' ? 16 : base == u'o' ? 8 : 2);
        }
        if (!ok)
            problem(QStringLiteral("%1 is an integer outside the 64 bits TOML allows").arg(token.size() > 40 ? token.left(40) + QStringLiteral("…") : token));
    }

    QStringList dottedKey()
    {
        QStringList parts;
        for (;;) {
            skipBlanks();
            if (m_i >= m_s.size())
                break;
            const QChar c = m_s.at(m_i);
            if (c == u'"' || c == u'\'') {
                parts.append(singleLineString());
            } else if (isBareKeyChar(c)) {
                const qsizetype from = m_i;
                while (m_i < m_s.size() && isBareKeyChar(m_s.at(m_i)))
                    ++m_i;
                parts.append(m_s.mid(from, m_i - from));
            } else {
                break;
            }
            skipBlanks();
            if (m_i < m_s.size() && m_s.at(m_i) == u'.') {
                ++m_i;
                continue;
            }
            break;
        }
        return parts;
    }

    // A quoted key or a one-line string, from its opening quote; its text with escapes as written.
    QString singleLineString()
    {
        const QChar quote = m_s.at(m_i++);
        QString text;
        while (m_i < m_s.size() && m_s.at(m_i) != quote && m_s.at(m_i) != u'\n') {
            if (quote == u'"' && m_s.at(m_i) == u'\\' && m_i + 1 < m_s.size() && m_s.at(m_i + 1) != u'\n')
                text += m_s.at(m_i++); // an escaped quote does not end the string
            text += m_s.at(m_i++);
        }
        if (m_i < m_s.size() && m_s.at(m_i) == quote)
            ++m_i;
        return text;
    }

    bool tripleAt(qsizetype at, QChar quote) const
    {
        return at + 2 < m_s.size() && m_s.at(at) == quote && m_s.at(at + 1) == quote && m_s.at(at + 2) == quote;
    }

    void skipString()
    {
        const QChar quote = m_s.at(m_i);
        if (!tripleAt(m_i, quote)) {
            singleLineString();
            return;
        }
        m_i += 3;
        while (m_i < m_s.size()) {
            const QChar c = m_s.at(m_i);
            if (quote == u'"' && c == u'\\') { // the escaped character, a line break included
                ++m_i;
                if (m_i < m_s.size() && m_s.at(m_i) == u'\n')
                    ++m_line;
                ++m_i;
                continue;
            }
            if (c == u'\n')
                ++m_line;
            if (tripleAt(m_i, quote)) {
                m_i += 3;
                for (int extra = 0; extra < 2 && m_i < m_s.size() && m_s.at(m_i) == quote; ++extra)
                    ++m_i; // """a"""" is a" : up to two quotes before the closing three belong to the text
                return;
            }
            ++m_i;
        }
    }

    QString bareToken()
    {
        const qsizetype from = m_i;
        while (m_i < m_s.size() && !endsBareToken(m_s.at(m_i)))
            ++m_i;
        return m_s.mid(from, m_i - from);
    }

    void skipBlanks()
    {
        while (m_i < m_s.size() && (m_s.at(m_i) == u' ' || m_s.at(m_i) == u'\t'))
            ++m_i;
    }

    const QString &m_s;
    qsizetype m_i = 0;
    int m_line = 1;
    Expect m_expect = Expect::Key;
    QList<Open> m_open;      // the arrays and inline tables the scan is in
    int m_tableDepth = 0;    // of the table the last [header] opened
    int m_valueBase = 0;     // the depth of what holds the value being read
    bool m_inTable = false;  // a [header] was seen: keys are no longer top-level
    QSet<QStringList> m_arraysOfTables;
    Outline m_out;
};

Outline outlineOf(const QString &toml)
{
    return Outliner(toml).run();
}

} // namespace

Result<std::optional<InlineScriptBlock>> InlineScriptMetadata::find(const QByteArray &script, const QString &path)
{
    // The reference implementation: (?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$
    // read line by line, so that an unclosed block can be named by its line.
    const QStringList lines = QString::fromUtf8(script).split(u'\n');
    static const QRegularExpression opening(QRegularExpression::anchoredPattern(QStringLiteral("# /// ([a-zA-Z0-9-]+)")));
    std::optional<InlineScriptBlock> found;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(u'\r'))
            line.chop(1);
        const auto open = opening.match(line);
        if (!open.hasMatch())
            continue;
        const int openedAt = int(i) + 1;
        QStringList content;
        qsizetype j = i + 1;
        bool closed = false;
        for (; j < lines.size(); ++j) {
            QString inner = lines.at(j);
            if (inner.endsWith(u'\r'))
                inner.chop(1);
            if (inner == QLatin1String("# ///")) {
                closed = true;
                break;
            }
            if (inner == QLatin1String("#"))
                content.append(QString());
            else if (inner.startsWith(QLatin1String("# ")))
                content.append(inner.mid(2));
            else
                break; // not a comment line: the block ended without its closing line
        }
        if (open.captured(1) != QLatin1String("script")) {
            i = closed ? j : i; // other block types are not ours; skip a closed one whole
            continue;
        }
        if (!closed)
            return invalid(path, openedAt, QStringLiteral("the inline script metadata block opened here (\"# /// script\") has no closing \"# ///\" line"));
        if (found)
            return invalid(path, openedAt, QStringLiteral("a second \"# /// script\" block; a script may have only one"));
        found = InlineScriptBlock{content.join(u'\n') + u'\n', openedAt + 1};
        i = j;
    }
    return found;
}

QString InlineScriptMetadata::scriptLineError(const QString &tomlError, const InlineScriptBlock &block, const QString &path)
{
    static const QRegularExpression at(QStringLiteral("\\(at line (\\d+), column (\\d+)\\)"));
    const auto match = at.match(tomlError);
    if (!match.hasMatch()) {
        if (tomlError.endsWith(QLatin1String("(at end of document)")))
            return QStringLiteral("%1:%2: the inline script metadata is not valid TOML: %3").arg(path).arg(block.firstLine).arg(tomlError);
        // Not tomllib's (it always says where): TomlReader refused a document tomllib read, and
        // named the key path; the line is found here, else the block's opening line is named.
        const Outline outline = outlineOf(block.toml);
        if (outline.problemLine > 0)
            return QStringLiteral("%1:%2: inline script metadata: %3").arg(path).arg(block.firstLine + outline.problemLine - 1).arg(outline.problem);
        return QStringLiteral("%1:%2: inline script metadata: %3").arg(path).arg(block.firstLine - 1).arg(tomlError);
    }
    const int line = block.firstLine + match.captured(1).toInt() - 1;
    QString what = tomlError;
    what.remove(at);
    return QStringLiteral("%1:%2: the inline script metadata is not valid TOML: %3 (column %4 of the TOML, after \"# \")")
        .arg(path).arg(line).arg(what.trimmed(), match.captured(2));
}

Result<InlineScriptMetadata::Metadata> InlineScriptMetadata::fromParsedJson(const QByteArray &json, const InlineScriptBlock &block, const QString &path)
{
    const int opening = block.firstLine - 1; // "# /// script"
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return invalid(path, opening, QStringLiteral("inline script metadata: the TOML reader's answer is not a JSON object (%1)")
                                          .arg(error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("another JSON value")));
    const QJsonObject root = document.object();
    // Whole or not at all: a field PEP 723 does not define would be one the run ignores.
    static const QStringList known = {QStringLiteral("dependencies"), QStringLiteral("requires-python"), QStringLiteral("tool")};
    const Outline outline = outlineOf(block.toml);
    const auto lineOf = [&](const QString &key) {
        const auto found = outline.topLevelKeys.constFind(key);
        return found == outline.topLevelKeys.constEnd() ? opening : block.firstLine + *found - 1;
    };
    std::optional<QString> unknown; // the first in the block, as far as its line is found
    int unknownLine = 0;
    for (auto it = root.constBegin(); it != root.constEnd(); ++it) {
        if (known.contains(it.key()))
            continue;
        const int line = lineOf(it.key());
        if (!unknown || line < unknownLine) {
            unknown = it.key();
            unknownLine = line;
        }
    }
    if (unknown)
        return invalid(path, unknownLine, QStringLiteral("inline script metadata: \"%1\" is not a field of PEP 723 (dependencies, requires-python, "
                                                         "[tool]); the executor does not run a script whose metadata it cannot honour whole")
                                              .arg(*unknown));
    if (root.contains(QStringLiteral("tool")) && !root.value(QStringLiteral("tool")).isObject())
        return invalid(path, lineOf(QStringLiteral("tool")), QStringLiteral("inline script metadata: \"tool\" must be a table ([tool])"));
    Metadata metadata;
    const QJsonValue dependencies = root.value(QStringLiteral("dependencies"));
    if (!dependencies.isUndefined()) {
        if (!dependencies.isArray())
            return invalid(path, block.firstLine, QStringLiteral("inline script metadata: \"dependencies\" must be an array of strings"));
        for (const QJsonValue &d : dependencies.toArray()) {
            if (!d.isString())
                return invalid(path, block.firstLine, QStringLiteral("inline script metadata: \"dependencies\" must hold only strings"));
            metadata.dependencies.append(d.toString());
        }
    }
    const QJsonValue python = root.value(QStringLiteral("requires-python"));
    if (!python.isUndefined()) {
        if (!python.isString())
            return invalid(path, block.firstLine, QStringLiteral("inline script metadata: \"requires-python\" must be a string"));
        metadata.requiresPython = python.toString();
    }
    return metadata;
}

} // namespace oa
