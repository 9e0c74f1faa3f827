#pragma once

#include "fs/AgentFolder.h"
#include "base/Error.h"
#include "PackagePolicy.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace oa {

// A task's requirements.txt and every file it includes with -r or -c, read as pip reads them
// and checked against the PackagePolicy line by line (exit 4 naming the file and line). Files
// are read through the gatekeeper, so a link never leads out of the task folder.
//
// pip always reads a copy, written again below `copyDir` (each file at its place relative to the
// task folder) from the lines that were checked: the task cannot change a file after the check,
// and pip cannot decode a file otherwise than the check did (a file that is not UTF-8 is exit 4,
// see RequirementsText::encodingProblem). pip runs in an empty folder of its own, where a
// relative path in a requirement would mean nothing, so the copy has every relative path made
// absolute against the task folder.
//
// Includes (-r, -c) are read as a graph: a cycle is exit 4 naming it, and so is a tree of more
// than kMaxFiles files; neither is ever cut short silently. Requirement lines are parsed by
// Requirement's grammar and written again from it (Requirement::toLine), option lines as one
// option and its value; an include names its copy relative to the copy that includes it.
class RequirementsTree {
public:
    static constexpr int kMaxFiles = 256;

    static Result<RequirementsTree> check(const AgentFolder &folder, const PackagePolicy &policy, const QString &file,
                                          const QString &taskDir, const QString &copyDir);

    // Writes the copy, in UTF-8 without a byte order mark; returns the top file's copy, for pip -r.
    Result<QString> writeCopy(const AgentFolder &folder) const;

private:
    Status read(const AgentFolder &folder, const PackagePolicy &policy, const QString &file);
    QString copyOf(const QString &file) const;

    QString m_taskDir;
    QString m_copyDir;
    QString m_top;
    QMap<QString, QStringList> m_lines; // by the task's file: its lines as pip will read them
    QStringList m_reading;              // the includes being read, outermost first
};

} // namespace oa
