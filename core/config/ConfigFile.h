#pragma once

#include "base/Error.h"

#include <QList>
#include <QString>

namespace oa {

// The administrator's INI file (executor.conf), as QSettings reads it, with the line of every
// key: QSettings knows no line numbers, so the file's lines are scanned for them, which also
// catches what QSettings would silently drop or merge (a line that is not "Key = Value", the
// same key twice).
//
// The file is read once, bounded and never blocking (AgentFolder::readRegularFile: a FIFO or a
// device is refused at once, not waited on), and QSettings parses that copy. A symbolic link is
// followed, because the file and its folder are the administrator's; its target must be a
// regular file.
class ConfigFile {
public:
    static constexpr qint64 kMaxBytes = 1024 * 1024; // real ones are a few KiB

    struct Entry {
        QString group; // empty for the top level (QSettings' [General])
        QString key;
        QString value; // as QSettings gives it; a comma-separated list joined again with ","
        int line = 0;  // 1-based
        QString name() const { return group.isEmpty() ? key : group + u'/' + key; }
    };

    // Fails with ErrorKind::BadArgument and a message that names the file (and the line).
    // A missing file fails with systemError ENOENT, so that a caller may accept it.
    static Result<ConfigFile> read(const QString &path);

    QString path() const { return m_path; }
    const QList<Entry> &entries() const { return m_entries; } // in the file's order

private:
    QString m_path;
    QList<Entry> m_entries;
};

} // namespace oa
