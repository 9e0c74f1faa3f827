#include "EntryPoints.h"

#include "WheelNames.h"
#include "base/PrintableText.h"

#include <QRegularExpression>
#include <QSet>
#include <QStringList>

namespace oa {

namespace {

bool isDottedName(const QString &text)
{
    // Python's keywords cannot be names; refusing them keeps the generated import a statement
    // that says exactly what the entry point says.
    static const QSet<QString> keywords{
        QStringLiteral("False"), QStringLiteral("None"), QStringLiteral("True"), QStringLiteral("and"),
        QStringLiteral("as"), QStringLiteral("assert"), QStringLiteral("async"), QStringLiteral("await"),
        QStringLiteral("break"), QStringLiteral("class"), QStringLiteral("continue"), QStringLiteral("def"),
        QStringLiteral("del"), QStringLiteral("elif"), QStringLiteral("else"), QStringLiteral("except"),
        QStringLiteral("finally"), QStringLiteral("for"), QStringLiteral("from"), QStringLiteral("global"),
        QStringLiteral("if"), QStringLiteral("import"), QStringLiteral("in"), QStringLiteral("is"),
        QStringLiteral("lambda"), QStringLiteral("nonlocal"), QStringLiteral("not"), QStringLiteral("or"),
        QStringLiteral("pass"), QStringLiteral("raise"), QStringLiteral("return"), QStringLiteral("try"),
        QStringLiteral("while"), QStringLiteral("with"), QStringLiteral("yield")};
    static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*\\z"));
    if (text.isEmpty() || text.size() > 200)
        return false;
    for (const QString &part : text.split(u'.')) {
        if (!identifier.match(part).hasMatch() || keywords.contains(part))
            return false;
    }
    return true;
}

} // namespace

Result<QList<ScriptEntryPoint>> EntryPoints::parseScripts(const QByteArray &text, const QString &where)
{
    const auto lines = distInfoLines(text, where);
    if (!lines)
        return lines.error();
    static const QRegularExpression scriptName(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}\\z"));
    static const QRegularExpression reference(QStringLiteral("^([^:\\s\\[]+)\\s*:\\s*([^\\s\\[]+)\\s*(?:\\[([A-Za-z0-9._,\\s-]*)\\])?\\z"));
    QList<ScriptEntryPoint> scripts;
    QSet<QString> names;
    QString section;
    for (qsizetype n = 0; n < lines->size(); ++n) {
        const QString line = lines->at(n).trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        if (line.startsWith(u'[')) {
            if (!line.endsWith(u']'))
                return fail(ErrorKind::Install, QStringLiteral("%1, line %2: a section header without \"]\"").arg(where).arg(n + 1));
            section = line.mid(1, line.size() - 2).trimmed();
            continue;
        }
        const bool gui = section == QStringLiteral("gui_scripts");
        if (!gui && section != QStringLiteral("console_scripts"))
            continue;
        const auto bad = [&](const QString &why) {
            return fail(ErrorKind::Install, QStringLiteral("%1, line %2 (%3): %4").arg(where).arg(n + 1).arg(printableText(line), why));
        };
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0)
            return bad(QStringLiteral("not \"name = module:callable\""));
        ScriptEntryPoint entry;
        entry.gui = gui;
        entry.name = line.left(eq).trimmed();
        if (!scriptName.match(entry.name).hasMatch())
            return bad(QStringLiteral("the script name is not a plain file name"));
        const QRegularExpressionMatch m = reference.match(line.mid(eq + 1).trimmed());
        if (!m.hasMatch())
            return bad(QStringLiteral("not \"module:callable\" with an optional [extras]; a script needs a callable"));
        entry.module = m.captured(1);
        entry.attribute = m.captured(2);
        if (!isDottedName(entry.module) || !isDottedName(entry.attribute))
            return bad(QStringLiteral("the module and the callable must be dotted Python names"));
        if (names.contains(entry.name))
            return bad(QStringLiteral("the script %1 is named twice").arg(entry.name));
        names.insert(entry.name);
        scripts.append(entry);
    }
    return scripts;
}

QByteArray EntryPoints::wrapper(const ScriptEntryPoint &entry, const QString &python)
{
    const QString importName = entry.attribute.section(u'.', 0, 0);
    return QStringLiteral("#!%1\n"
                          "# -*- coding: utf-8 -*-\n"
                          "import re\n"
                          "import sys\n"
                          "from %2 import %3\n"
                          "if __name__ == '__main__':\n"
                          "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
                          "    sys.exit(%4())\n")
        .arg(python, entry.module, importName, entry.attribute)
        .toUtf8();
}

} // namespace oa
