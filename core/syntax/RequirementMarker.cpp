// PEP 508's environment markers, for Requirement: parsed by the marker grammar, so that nothing
// but a marker survives (no option such as "--no-binary=x", no "-r", no comment), and written
// back in one canonical form.
#include "Requirement.h"

namespace oa {

namespace {

// PEP 508's variables; the legacy dotted names ("os.name") are not taken.
const QStringList &markerVariables()
{
    static const QStringList names = {
        QStringLiteral("python_version"), QStringLiteral("python_full_version"), QStringLiteral("os_name"),
        QStringLiteral("sys_platform"), QStringLiteral("platform_release"), QStringLiteral("platform_system"),
        QStringLiteral("platform_version"), QStringLiteral("platform_machine"), QStringLiteral("platform_python_implementation"),
        QStringLiteral("implementation_name"), QStringLiteral("implementation_version"), QStringLiteral("extra")};
    return names;
}

// Nesting past this is refused: no real marker needs it, and a parser must not recurse without bound.
constexpr int kMaxMarkerDepth = 16;

class MarkerParser {
public:
    explicit MarkerParser(const QString &text) : m_text(text) {}

    // The canonical marker, or the problem with it as the error's message.
    Result<QString> parse()
    {
        QString out;
        if (!parseOr(&out, 0))
            return fail(ErrorKind::InvalidTask, m_problem);
        skipSpace();
        if (m_at < m_text.size())
            return fail(ErrorKind::InvalidTask,
                        QStringLiteral("unexpected \"%1\" at column %2 of the marker").arg(m_text.mid(m_at, 12)).arg(m_at + 1));
        return out;
    }

private:
    bool failWith(const QString &why)
    {
        if (m_problem.isEmpty())
            m_problem = why;
        return false;
    }
    void skipSpace()
    {
        while (m_at < m_text.size() && (m_text.at(m_at) == u' ' || m_text.at(m_at) == u'\t'))
            ++m_at;
    }
    // A keyword ("and", "or", "in", "not") as a whole word.
    bool takeWord(QLatin1String word)
    {
        skipSpace();
        if (!QStringView(m_text).mid(m_at).startsWith(word))
            return false;
        const qsizetype end = m_at + word.size();
        if (end < m_text.size() && (m_text.at(end).isLetterOrNumber() || m_text.at(end) == u'_' || m_text.at(end) == u'.'))
            return false;
        m_at = end;
        return true;
    }

    bool parseOr(QString *out, int depth)
    {
        if (!parseAnd(out, depth))
            return false;
        while (takeWord(QLatin1String("or"))) {
            QString next;
            if (!parseAnd(&next, depth))
                return false;
            *out += QStringLiteral(" or ") + next;
        }
        return true;
    }
    bool parseAnd(QString *out, int depth)
    {
        if (!parseAtom(out, depth))
            return false;
        while (takeWord(QLatin1String("and"))) {
            QString next;
            if (!parseAtom(&next, depth))
                return false;
            *out += QStringLiteral(" and ") + next;
        }
        return true;
    }
    bool parseAtom(QString *out, int depth)
    {
        skipSpace();
        if (m_at < m_text.size() && m_text.at(m_at) == u'(') {
            if (depth >= kMaxMarkerDepth)
                return failWith(QStringLiteral("the marker nests parentheses deeper than %1 levels").arg(kMaxMarkerDepth));
            ++m_at;
            QString inner;
            if (!parseOr(&inner, depth + 1))
                return false;
            skipSpace();
            if (m_at >= m_text.size() || m_text.at(m_at) != u')')
                return failWith(QStringLiteral("a \"(\" in the marker is not closed"));
            ++m_at;
            *out = u'(' + inner + u')';
            return true;
        }
        QString left, op, right;
        if (!parseValue(&left) || !parseOperator(&op) || !parseValue(&right))
            return false;
        *out = left + u' ' + op + u' ' + right;
        return true;
    }
    bool parseOperator(QString *op)
    {
        skipSpace();
        static const char *const symbols[] = {"===", "==", "!=", "<=", ">=", "~=", "<", ">"};
        for (const char *symbol : symbols) {
            if (QStringView(m_text).mid(m_at).startsWith(QLatin1String(symbol))) {
                *op = QLatin1String(symbol);
                m_at += qsizetype(qstrlen(symbol));
                return true;
            }
        }
        if (takeWord(QLatin1String("in"))) {
            *op = QStringLiteral("in");
            return true;
        }
        if (takeWord(QLatin1String("not"))) {
            if (!takeWord(QLatin1String("in")))
                return failWith(QStringLiteral("\"not\" in a marker must be followed by \"in\""));
            *op = QStringLiteral("not in");
            return true;
        }
        return failWith(QStringLiteral("expected a comparison (==, !=, <, <=, >, >=, ~=, ===, in, not in) at column %1 of the marker")
                            .arg(m_at + 1));
    }
    bool parseValue(QString *value)
    {
        skipSpace();
        if (m_at >= m_text.size())
            return failWith(QStringLiteral("the marker ends where a variable or a quoted string was expected"));
        const QChar quote = m_text.at(m_at);
        if (quote == u'"' || quote == u'\'') {
            const qsizetype close = m_text.indexOf(quote, m_at + 1);
            if (close < 0)
                return failWith(QStringLiteral("a quoted string in the marker is not closed"));
            const QString content = m_text.mid(m_at + 1, close - m_at - 1);
            if (const QString problem = stringProblem(content); !problem.isEmpty())
                return failWith(problem);
            m_at = close + 1;
            const QChar written = content.contains(u'"') ? u'\'' : u'"';
            *value = written + content + written;
            return true;
        }
        qsizetype end = m_at;
        while (end < m_text.size() && ((m_text.at(end) >= u'a' && m_text.at(end) <= u'z') || m_text.at(end) == u'_'
                                       || m_text.at(end) == u'.'))
            ++end;
        const QString name = m_text.mid(m_at, end - m_at);
        if (!markerVariables().contains(name))
            return failWith(name.isEmpty() ? QStringLiteral("expected a marker variable or a quoted string at column %1, not \"%2\"")
                                                 .arg(m_at + 1).arg(m_text.mid(m_at, 12))
                                           : QStringLiteral("\"%1\" is not a marker variable of PEP 508").arg(name));
        m_at = end;
        *value = name;
        return true;
    }

    // PEP 508's python_str_c: ASCII letters, digits, blanks and these marks. And what a
    // requirements file would read otherwise: a blank then "#" (a comment), a blank then "-"
    // (pip's options start there), "${" (pip expands its own variables).
    static QString stringProblem(const QString &content)
    {
        static const QString marks = QStringLiteral("().{}-_*#:;,/?[]!~`@$%^&=+|<>");
        for (const QChar c : content) {
            const bool allowed = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u' '
                                 || c == u'\t' || marks.contains(c);
            if (!allowed)
                return QStringLiteral("the marker string \"%1\" holds U+%2, which PEP 508 does not allow in a marker")
                    .arg(content, QString::number(c.unicode(), 16).toUpper().rightJustified(4, u'0'));
        }
        for (qsizetype i = 1; i < content.size(); ++i) {
            const bool blank = content.at(i - 1) == u' ' || content.at(i - 1) == u'\t';
            if (blank && content.at(i) == u'#')
                return QStringLiteral("the marker string \"%1\" holds a blank before \"#\", where a requirements file's comment starts").arg(content);
            if (blank && content.at(i) == u'-')
                return QStringLiteral("the marker string \"%1\" holds a blank before \"-\", where pip would read an option").arg(content);
        }
        if (content.contains(QLatin1String("${")))
            return QStringLiteral("the marker string \"%1\" holds \"${\", which pip would expand from its environment").arg(content);
        return {};
    }

    const QString &m_text;
    qsizetype m_at = 0;
    QString m_problem;
};

} // namespace

Result<QString> Requirement::canonicalMarker(const QString &marker)
{
    for (const QChar c : marker)
        if (c.unicode() < 0x20 && c != u'\t')
            return fail(ErrorKind::InvalidTask, QStringLiteral("the marker holds the control character U+%1")
                                                    .arg(QString::number(c.unicode(), 16).toUpper().rightJustified(4, u'0')));
    const Result<QString> canonical = MarkerParser(marker).parse();
    if (!canonical)
        return canonical.error().within(QStringLiteral("\"%1\" is not an environment marker").arg(marker));
    return canonical;
}

} // namespace oa
