#include "CommandLineSplitter.h"

namespace oa {

Result<QStringList> CommandLineSplitter::split(const QString &commandLine)
{
    enum class Mode { Plain, Single, Double };
    QStringList words;
    QString word;
    bool inWord = false; // distinguishes "" (an empty word) from no word at all
    Mode mode = Mode::Plain;
    qsizetype quoteStart = -1;

    for (qsizetype i = 0; i < commandLine.size(); ++i) {
        const QChar c = commandLine.at(i);
        switch (mode) {
        case Mode::Plain:
            if (c.isSpace()) {
                if (inWord)
                    words.append(word);
                word.clear();
                inWord = false;
            } else if (c == u'\'') {
                mode = Mode::Single;
                quoteStart = i;
                inWord = true;
            } else if (c == u'"') {
                mode = Mode::Double;
                quoteStart = i;
                inWord = true;
            } else if (c == u'\\') {
                if (i + 1 >= commandLine.size())
                    return fail(ErrorKind::InvalidTask,
                                QStringLiteral("a trailing backslash at position %1 escapes nothing").arg(i));
                word.append(commandLine.at(++i));
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
            break;
        case Mode::Single:
            if (c == u'\'')
                mode = Mode::Plain;
            else
                word.append(c);
            break;
        case Mode::Double:
            if (c == u'"') {
                mode = Mode::Plain;
            } else if (c == u'\\' && i + 1 < commandLine.size()) {
                const QChar next = commandLine.at(i + 1);
                if (next == u'"' || next == u'\\' || next == u'$' || next == u'`') {
                    word.append(next);
                    ++i;
                } else {
                    word.append(c);
                }
            } else {
                word.append(c);
            }
            break;
        }
    }
    if (mode != Mode::Plain)
        return fail(ErrorKind::InvalidTask,
                    QStringLiteral("the %1 quote opened at position %2 is never closed")
                        .arg(mode == Mode::Single ? QStringLiteral("single") : QStringLiteral("double"))
                        .arg(quoteStart));
    if (inWord)
        words.append(word);
    return words;
}

} // namespace oa
