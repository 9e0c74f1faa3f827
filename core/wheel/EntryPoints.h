#pragma once

#include "base/Error.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace oa {

// One console_scripts or gui_scripts entry of entry_points.txt: `name = module:attr [extras]`.
struct ScriptEntryPoint {
    QString name;      // the script's file name in bin/
    QString module;    // dotted identifiers
    QString attribute; // dotted identifiers: the callable
    bool gui = false;
};

// The scripts a wheel asks for, parsed strictly, because each becomes Python source: a script
// name is a plain file name (letters, digits, ".", "_", "-", not starting with "." or "-"), the
// module and the callable are dotted ASCII identifiers that are no keyword, an extras list holds
// only names; a script named twice (in either section) is refused. Sections other than
// console_scripts and gui_scripts are not read. `where` names the file in messages.
class EntryPoints {
public:
    static Result<QList<ScriptEntryPoint>> parseScripts(const QByteArray &text, const QString &where);

    // The wrapper pip and distlib write for an entry point, run by `python` (an absolute path):
    //   #!<python>
    //   # -*- coding: utf-8 -*-
    //   import re
    //   import sys
    //   from <module> import <first part of attr>
    //   if __name__ == '__main__':
    //       sys.argv[0] = re.sub(r'(-script\.pyw|\.exe)?$', '', sys.argv[0])
    //       sys.exit(<attr>())
    static QByteArray wrapper(const ScriptEntryPoint &entry, const QString &python);
};

} // namespace oa
