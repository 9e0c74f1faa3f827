#pragma once

#include "base/Error.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QList>
#include <QString>

namespace oa {

// One row of a RECORD file (PEP 376, PEP 427): a path, its hash and its size. RECORD itself and
// its signatures (RECORD.jws, RECORD.p7s) are the only rows that may go without both.
struct RecordRow {
    QString path;
    QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256;
    QByteArray digest;  // raw bytes; empty when the row has no hash
    qint64 size = -1;   // -1 when the row has no size

    bool hasHash() const { return !digest.isEmpty(); }
};

// RECORD as the csv module reads and writes it (comma separated, fields with a comma or a quote
// quoted, quotes doubled), the hash as "<algorithm>=<urlsafe base64 without padding>". Only
// sha256 and stronger are accepted, as the wheel spec asks.
class WheelRecord {
public:
    // Parses `text`; `where` names the file in messages. Refuses a row that is not three fields,
    // an unknown or weak algorithm, a digest of the wrong length, a size that is not a number.
    static Result<QList<RecordRow>> parse(const QByteArray &text, const QString &where);
    // The rows written as pip writes them, one "\n"-terminated line each, in the given order.
    static QByteArray write(const QList<RecordRow> &rows);

    // "sha256=<urlsafe base64 without padding>"
    static QByteArray hashField(QCryptographicHash::Algorithm algorithm, const QByteArray &digest);
    static QString algorithmName(QCryptographicHash::Algorithm algorithm);
};

} // namespace oa
