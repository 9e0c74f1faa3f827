#pragma once

#include <QString>
#include <QStringView>

namespace oa {

// Text that a task or its folder can influence (a ScriptPath, a message in result.json, a lock's
// host name, a log line), made safe to show to a person on a terminal or in a widget: every
// character that would move the cursor, end a line, drive the terminal or reorder what is shown
// is written as a visible escape, so one record stays one line and nothing reaches a terminal raw.
//
// Escaped:
//  - C0 controls U+0000-U+001F: "\n", "\r", "\t", the others "\xHH" ("\x1b" for ESC, "\x07" BEL);
//  - DEL U+007F: "\x7f";
//  - C1 controls U+0080-U+009F: "\u0085" (a code point, never a byte: "\xHH" is kept for C0 and DEL);
//  - the line and paragraph separators U+2028, U+2029: "\u2028", "\u2029";
//  - every format character (Unicode category Cf), which draws nothing but changes how a name
//    reads: the bidi marks, embeddings, overrides and isolates (U+200E, U+200F, U+061C,
//    U+202A-U+202E, U+2066-U+2069), the zero-width characters U+200B-U+200D, U+2060-U+2064,
//    U+FEFF, U+180E, the soft hyphen U+00AD, ...: "\u200b", "\u202e"; above U+FFFF (the tag
//    characters U+E0000-U+E007F, ...) as "\U" and eight hex digits: "\U000e0041";
//  - a surrogate without its pair: "\ud800".
// Everything else (letters of every script, emoji, a lone backslash) stays as it is.
//
// A backslash stays a single backslash unless it could be read as the start of an escape: it is
// doubled ("\\") when the next character is a backslash, one of n r t x u, "U" followed by eight
// hex digits, or a character that is itself escaped. So the output reads back to exactly one input (a Windows path "C:\Users"
// stays as typed, while a name that literally spells "\x1b" shows as "\\x1b"). Applying it twice
// is not the same as once: escape once, where the text is shown.
QString printableText(QStringView text);

// True when printableText() would change `text`.
bool needsEscaping(QStringView text);

// Text that its writer escaped once already (result.json's ErrorSummary), to show as it is:
// escaping it again would double its backslashes. Only a text that printableText() cannot have
// written (a raw control or format character: a record forged by hand) is escaped here, whole.
QString printableAsWritten(QStringView text);

} // namespace oa
