// The lexical pass behind TomlOutline.h: strings, comments, brackets and keys, line by line.
#include "TomlOutline.h"

#include "TomlReader.h"

#include <QList>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <cmath>

namespace oa {

namespace {

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

} // namespace

Outline outlineOf(const QString &toml)
{
    return Outliner(toml).run();
}

} // namespace oa
