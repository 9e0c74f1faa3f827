#pragma once

#include "fs/LogTail.h"

#include <QString>

#include <optional>

namespace oa {

// Reads the progress a script reports: JSON lines such as {"percent": 40, "message": "Reading
// invoices"} appended to the file named by OPENAUTOMATE_PROGRESS_FILE. A line that is not such
// an object is counted and ignored; it never stops a run.
class ProgressReader {
public:
    struct Progress {
        std::optional<double> percent;
        QString message;
        int updates = 0;
        int badLines = 0;
    };

    explicit ProgressReader(const QString &path);

    // Reads what was appended since the last call; true when the progress changed.
    bool poll();
    const Progress &progress() const { return m_progress; }

    // Applies one line; false when it is not a valid progress line.
    bool apply(const QByteArray &line);

private:
    LogTail m_tail;
    QByteArray m_partial;
    Progress m_progress;
};

} // namespace oa
