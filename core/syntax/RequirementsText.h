#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace oa {

// A requirements.txt as pip reads it, line by line: continuation lines ("\" at the end) joined
// to the line they continue, comments (a "#" at the start or after whitespace) and blank lines
// dropped. Each logical line keeps the number of its first physical line, so that a message
// can name it. The executor's checks of a task's requirements (RequireHashes, and what a
// file may choose) read it this way; pip reads the file itself.
class RequirementsText {
public:
    struct Line {
        int number = 0; // 1-based, the first physical line
        QString text;   // trimmed, without its comment

        // "-r other.txt", "--index-url …": an option line rather than a requirement.
        bool isOption() const { return text.startsWith(u'-'); }
        // The requirement carries at least one --hash (pip's hash-checking mode).
        bool hasHash() const;
        // As pip's break_args_options splits a line: at single spaces, the requirement is every
        // word before the first that starts with "-", the options are that word and the rest.
        // "pkg==1.0" and "--hash=…" of "pkg==1.0 --hash=…"; empty and the whole line for an
        // option line. pip then reads the options through shlex.
        QString requirement() const;
        QString options() const;
    };

    // A UTF-8 byte order mark at the start is dropped, as pip's auto_decode drops it.
    static QList<Line> parse(const QByteArray &content);

    // Why pip could decode `content` otherwise than parse() does: pip's auto_decode takes a
    // UTF-16 or UTF-32 byte order mark, then a "# -*- coding: X -*-" line among the first two,
    // then the locale. Only UTF-8 (with or without its BOM, declared or not) reads one way for
    // both, so anything else is named with its 1-based line; nullopt when the file is UTF-8.
    struct EncodingProblem {
        int line = 0;
        QString why;
    };
    static std::optional<EncodingProblem> encodingProblem(const QByteArray &content);
};

} // namespace oa
