#pragma once

#include "base/Error.h"

#include <QString>
#include <QStringList>

namespace oa {

// One requirement, from any source (execution.json Requirements, a requirements.txt line, a
// Pipfile.lock entry, PEP 723 dependencies), parsed once by one strict grammar and written for
// pip by one writer. pip never sees the task's text: it reads toLine(), made from these fields,
// so wherever pip's grammar and this one could disagree (a marker holding an option, a newline
// in a field, a trailing backslash), the text is refused here instead of meaning two things.
//
// The grammar is PEP 508 (names and extras by PEP 503's characters, specifiers and versions by
// PEP 440, markers by PEP 508's marker grammar), plus what pip adds and tasks use: a bare URL or
// path to an archive or project, and --hash options. Only ASCII is taken outside paths, so a
// look-alike letter cannot pose as a name. Local paths and file: URLs become `path`, which
// toLine() writes as a percent-encoded file: URL, so that no space, "#" or ";" in a folder name
// can change how pip splits the line.
struct Requirement {
    QString name;        // as written; empty for a bare URL or path
    QStringList extras;  // as written, in order, without duplicates
    QString specifier;   // clauses joined with ",", no whitespace: ">=1.0,<2"
    QString url;         // a remote or VCS URL ("name @ URL" or bare), exactly as written
    QString path;        // a local path (bare, or a file: URL's, decoded); relative until anchored
    QString marker;      // canonical marker text ('python_version >= "3.8" and os_name == "posix"')
    QStringList hashes;  // "sha256:<lower-case hex>", in order, without duplicates

    bool isDirectReference() const { return !url.isEmpty() || !path.isEmpty(); }
    // The reference as a message or the policy names it: the URL, or the path.
    QString reference() const { return url.isEmpty() ? path : url; }
    // PEP 503: lower case, runs of "-", "_" and "." as one "-".
    QString canonicalName() const;

    // The requirement with a relative `path` made absolute against `base` (the task folder):
    // pip would take it against its own, empty, working folder. Fails (InvalidExecution) when
    // the path leads out of `base`.
    Result<Requirement> anchoredIn(const QString &base) const;

    // The one line pip reads, hashes included: 'name[a,b]>=1,<2 ; marker --hash=sha256:…',
    // 'name @ URL ; marker', 'file:///abs/my%20lib/x-1.0-py3-none-any.whl'. Requires an
    // anchored (absolute) path; parse(toLine()) gives the same requirement back.
    QString toLine() const;
    // toLine() without the hashes: a command-line argument to pip install, which takes no options.
    QString toArgument() const;

    bool operator==(const Requirement &other) const;
    bool operator!=(const Requirement &other) const { return !(*this == other); }

    // Parses a requirement with its hashes ("--hash=ALG:HEX" or "--hash ALG:HEX" after it, as a
    // requirements.txt line carries them, after its comment is removed). Fails with
    // ErrorKind::InvalidTask and why, without saying where: the caller names the source.
    static Result<Requirement> parse(const QString &text);
    // A requirement without options: execution.json Requirements, PEP 723 dependencies.
    static Result<Requirement> parseWithoutHashes(const QString &text);

    // Pieces for sources that hold requirements as fields (Pipfile.lock): each checks one
    // field by the same grammar and returns why it is not one, or an empty string.
    static QString nameProblem(const QString &name);
    static QString hashProblem(const QString &hash);
    // A PEP 508 marker expression in its canonical form, or InvalidTask saying why it is not one.
    static Result<QString> canonicalMarker(const QString &marker);
    // A PEP 440 specifier set (">=1.0, <2", "==1.*") in its canonical form, or InvalidTask saying
    // why it is not one.
    static Result<QString> canonicalSpecifier(const QString &specifier);
};

} // namespace oa
