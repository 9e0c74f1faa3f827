#pragma once

#include "base/Error.h"

#include <QByteArray>
#include <QString>

namespace oa {

// What a wheel's file name says (PEP 427): {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl
struct WheelFileName {
    QString name;    // as escaped in the file name ("zope.interface", "python_dateutil")
    QString version;
    QString build;   // empty when there is none
    QString tags;    // "py3-none-any"

    // Refuses anything that is not five or six non-empty parts of the characters PEP 427 allows.
    static Result<WheelFileName> parse(const QString &fileName);
};

// PEP 503's normalized project name: lower case, each run of "-", "_" and "." one "-".
QString canonicalProjectName(const QString &name);

// A member name from the central directory, checked and normalized: UTF-8, no control
// character, no backslash, not absolute, no ".." component, at most `maxDepth` components;
// "." and empty components ("a/./b", "a//b") are dropped, so that two spellings of one path
// are one name. `folder` is a name that ends in "/".
struct MemberPath {
    QString path;        // normalized, without a trailing "/"
    bool folder = false;
    QString problem;     // empty when the name is acceptable; else why not, for a message

    static MemberPath check(const QByteArray &raw, int maxDepth);
};

// The same rules for a path RECORD names (which must name a member exactly).
MemberPath checkRecordPath(const QString &path, int maxDepth);

// The lines of a dist-info text file (RECORD, METADATA, WHEEL, entry_points.txt), each without
// a trailing "\r"; an Install error naming `where` when the file is not UTF-8.
Result<QStringList> distInfoLines(const QByteArray &text, const QString &where);

} // namespace oa
