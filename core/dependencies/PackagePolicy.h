#pragma once

#include "syntax/Requirement.h"

#include <QString>
#include <QStringList>

namespace oa {

// The site's word on where a task's packages may come from (executor.conf's AllowDirectReferences,
// AllowedHosts, AllowRequirementsFileOptions and OnlyBinary), applied to what a task wrote before
// pip sees it. pip's own settings ([PipEnvironment], pip.conf) choose the index or wheel folder;
// this class stops a task from going around them: a direct reference (a URL, a VCS reference, a
// path) bypasses every index setting, and an option in a requirements.txt overrides them.
// Each check returns ok() when something is allowed, else an InvalidTask error saying why it is
// refused; the caller says where it was written (file:line, Requirements[2]).
class PackagePolicy {
public:
    bool allowDirectReferences = false;
    QStringList allowedHosts; // empty: any host, where direct references are allowed
    bool allowRequirementsFileOptions = false;
    bool onlyBinary = false;

    // The host of a requirement's reference ("git+https://git.example/x" -> "git.example");
    // "localhost" for a local path, so that AllowedHosts must list it to allow paths.
    static QString hostOf(const Requirement &requirement);

    // One requirement, parsed by Requirement's grammar (its hashes are all that may follow it).
    Status checkRequirement(const Requirement &requirement) const;

    // What an option line of a requirements.txt is.
    struct Option {
        QString name;  // "--index-url", "-r", …
        QString value; // its argument, if it takes one
        enum class Kind { Constraining, Include, SourceChanging, BuildChoosing, Unknown } kind = Kind::Unknown;
    };
    static Option classify(const QString &line);
    // An option line, -r and -c excepted: those are allowed when the file they name is inside the
    // task folder, which only the caller can tell (see checkInclude).
    Status checkOption(const Option &option) const;
    // -r/-c naming `resolved` (absolute, cleaned), from a file in `taskDir`.
    Status checkInclude(const Option &option, const QString &resolved, const QString &taskDir) const;
    // An option line holds one option and at most its value, with no quote or backslash: pip's
    // shlex and optparse would take every option of "--prefer-binary --find-links DIR", where
    // one check reads one, and read ".'.'" as "..".
    static Status checkOptionLine(const QString &line);
    // A control character: pip strips "\x1f" (Python's whitespace) where Qt does not, so
    // "\x1f--no-binary=:all:" would be a requirement here and an option to pip.
    static Status checkCharacters(const QString &line);
    // pip expands ${NAME} in a requirements file with its own environment: a task could send the
    // site's secrets (a token in PIP_INDEX_URL) to a host of its choosing, or hide a reference.
    static Status checkExpansion(const QString &line);
};

} // namespace oa
