#include "MarkerEvaluator.h"

#include "Pep440Version.h"
#include "Requirement.h"

#include <QRegularExpression>

namespace oa {

namespace {

// Three-valued, plus the poison of a comparison `packaging` cannot make: it evaluates every
// comparison of a marker before combining them, so one it raises on fails the whole marker.
enum class Truth { False, True, Unknown, Invalid };

struct Token {
    enum Kind { Open, Close, String, Word, Operator, End } kind = End;
    QString text;
};

// PEP 503's canonical name, as `packaging` compares extras: "Foo_Bar" == "foo-bar".
QString canonicalExtra(const QString &name)
{
    static const QRegularExpression runs(QStringLiteral("[-_.]+"));
    return QString(name).replace(runs, QStringLiteral("-")).toLower();
}

// Evaluates canonical marker text (Requirement::canonicalMarker's), which is known to parse.
class Evaluation {
public:
    Evaluation(const QString &text, const QHash<QString, QString> &environment, const QString &extra)
        : m_text(text), m_environment(environment), m_extra(extra)
    {
        next();
    }

    Truth run(QString *why)
    {
        const Truth truth = parseOr();
        if (m_token.kind != Token::End && m_why.isEmpty())
            m_why = QStringLiteral("unexpected \"%1\" in the marker").arg(m_token.text);
        *why = m_why;
        return m_token.kind == Token::End ? truth : Truth::Invalid;
    }

private:
    void next()
    {
        while (m_at < m_text.size() && m_text.at(m_at).isSpace())
            ++m_at;
        m_token = {};
        if (m_at >= m_text.size())
            return;
        const QChar c = m_text.at(m_at);
        if (c == u'(' || c == u')') {
            m_token = {c == u'(' ? Token::Open : Token::Close, QString(c)};
            ++m_at;
        } else if (c == u'"' || c == u'\'') {
            const qsizetype close = m_text.indexOf(c, m_at + 1);
            const qsizetype end = close < 0 ? m_text.size() : close;
            m_token = {Token::String, m_text.mid(m_at + 1, end - m_at - 1)};
            m_at = end + 1;
        } else {
            const bool symbol = QStringLiteral("=!<>~").contains(c);
            const qsizetype start = m_at;
            while (m_at < m_text.size() && !m_text.at(m_at).isSpace() && m_text.at(m_at) != u'(' && m_text.at(m_at) != u')'
                   && QStringLiteral("=!<>~").contains(m_text.at(m_at)) == symbol)
                ++m_at;
            m_token = {symbol ? Token::Operator : Token::Word, m_text.mid(start, m_at - start)};
        }
    }
    bool atWord(QLatin1String word) const { return m_token.kind == Token::Word && m_token.text == word; }

    Truth parseOr()
    {
        Truth truth = parseAnd();
        while (atWord(QLatin1String("or"))) {
            next();
            const Truth other = parseAnd();
            if (truth == Truth::Invalid || other == Truth::Invalid)
                truth = Truth::Invalid;
            else if (truth == Truth::True || other == Truth::True)
                truth = Truth::True;
            else if (truth == Truth::Unknown || other == Truth::Unknown)
                truth = Truth::Unknown;
        }
        return truth;
    }
    Truth parseAnd()
    {
        Truth truth = parseAtom();
        while (atWord(QLatin1String("and"))) {
            next();
            const Truth other = parseAtom();
            if (truth == Truth::Invalid || other == Truth::Invalid)
                truth = Truth::Invalid;
            else if (truth == Truth::False || other == Truth::False)
                truth = Truth::False;
            else if (truth == Truth::Unknown || other == Truth::Unknown)
                truth = Truth::Unknown;
        }
        return truth;
    }
    Truth parseAtom()
    {
        if (m_token.kind == Token::Open) {
            next();
            const Truth inner = parseOr();
            if (m_token.kind != Token::Close)
                return invalid(QStringLiteral("a \"(\" in the marker is not closed"));
            next();
            return inner;
        }
        const Token left = m_token;
        next();
        QString op = m_token.text;
        if (atWord(QLatin1String("not"))) {
            next();
            op = QStringLiteral("not in");
        } else if (!atWord(QLatin1String("in")) && m_token.kind != Token::Operator) {
            return invalid(QStringLiteral("expected a comparison after \"%1\"").arg(left.text));
        }
        next();
        const Token right = m_token;
        next();
        return compare(left, op, right);
    }

    Truth invalid(const QString &why)
    {
        if (m_why.isEmpty() || m_unknownOnly)
            m_why = why;
        m_unknownOnly = false;
        return Truth::Invalid;
    }
    Truth unknown(const QString &why)
    {
        if (m_why.isEmpty()) {
            m_why = why;
            m_unknownOnly = true;
        }
        return Truth::Unknown;
    }

    Truth compare(const Token &left, const QString &op, const Token &right)
    {
        // `packaging` looks one side up in the environment and takes the other as written.
        const bool leftVariable = left.kind == Token::Word;
        if (leftVariable == (right.kind == Token::Word) || (left.kind != Token::String && right.kind != Token::String))
            return invalid(QStringLiteral("\"%1 %2 %3\" compares %4").arg(left.text, op, right.text,
                                                                          leftVariable ? QStringLiteral("two variables") : QStringLiteral("two strings")));
        const QString variable = leftVariable ? left.text : right.text;
        QString value;
        if (variable == QLatin1String("extra"))
            value = m_extra;
        else if (m_environment.contains(variable))
            value = m_environment.value(variable);
        else
            return unknown(QStringLiteral("the interpreter's environment does not say %1").arg(variable));
        const QString lhs = leftVariable ? value : left.text;
        const QString rhs = leftVariable ? right.text : value;
        QString problem;
        const Truth truth = compareValues(lhs, op, rhs, &problem);
        if (variable != QLatin1String("extra"))
            return truth == Truth::Invalid ? invalid(problem) : truth;
        // packaging 22 and later compare extras by canonical names, 21.3 (Debian's pip 23.0)
        // as written: decided only where both agree.
        const Truth canonical = compareValues(canonicalExtra(lhs), op, canonicalExtra(rhs), &problem);
        if (canonical == Truth::Invalid)
            return invalid(problem);
        if (canonical != truth)
            return invalid(QStringLiteral("\"%1\" %2 \"%3\" holds or not depending on whether pip compares extras by canonical names")
                               .arg(lhs, op, rhs));
        return truth;
    }

    static Truth compareValues(const QString &lhs, const QString &op, const QString &rhs, QString *problem)
    {
        const QString described = QStringLiteral("\"%1\" %2 \"%3\"").arg(lhs, op, rhs);
        if (Pep440Version::isClause(op, rhs)) {
            const auto holds = Pep440Version::clauseContains(op, rhs, lhs);
            if (!holds) {
                *problem = QStringLiteral("%1 compares \"%2\", no version, with a version").arg(described, lhs);
                return Truth::Invalid;
            }
            return *holds ? Truth::True : Truth::False;
        }
        bool holds = false;
        const int order = QString::compare(lhs, rhs);
        if (op == QLatin1String("in"))
            holds = rhs.contains(lhs);
        else if (op == QLatin1String("not in"))
            holds = !rhs.contains(lhs);
        else if (op == QLatin1String("=="))
            holds = order == 0;
        else if (op == QLatin1String("!="))
            holds = order != 0;
        else if (op == QLatin1String("<"))
            holds = order < 0;
        else if (op == QLatin1String("<="))
            holds = order <= 0;
        else if (op == QLatin1String(">"))
            holds = order > 0;
        else if (op == QLatin1String(">="))
            holds = order >= 0;
        else { // ~= and === compare versions only
            *problem = QStringLiteral("%1: %2 compares versions, and \"%3\" is none").arg(described, op, rhs);
            return Truth::Invalid;
        }
        return holds ? Truth::True : Truth::False;
    }

    const QString &m_text;
    const QHash<QString, QString> &m_environment;
    const QString &m_extra;
    qsizetype m_at = 0;
    Token m_token;
    QString m_why;
    bool m_unknownOnly = false; // m_why names an unknown variable, which a poison outranks
};

} // namespace

const QStringList &MarkerEvaluator::environmentNames()
{
    static const QStringList names = {
        QStringLiteral("implementation_name"), QStringLiteral("implementation_version"), QStringLiteral("os_name"),
        QStringLiteral("platform_machine"), QStringLiteral("platform_release"), QStringLiteral("platform_system"),
        QStringLiteral("platform_version"), QStringLiteral("python_full_version"), QStringLiteral("platform_python_implementation"),
        QStringLiteral("python_version"), QStringLiteral("sys_platform")};
    return names;
}

std::optional<bool> MarkerEvaluator::evaluate(const QString &marker, const QString &extra, QString *why) const
{
    QString problem;
    std::optional<bool> decided;
    // The grammar first: what Requirement refuses is no marker, whatever it would evaluate to.
    if (const Result<QString> canonical = Requirement::canonicalMarker(marker); !canonical) {
        problem = canonical.error().message;
    } else {
        const Truth truth = Evaluation(*canonical, m_environment, extra).run(&problem);
        if (truth == Truth::True || truth == Truth::False)
            decided = truth == Truth::True;
    }
    if (why)
        *why = decided ? QString() : problem;
    return decided;
}

} // namespace oa
