#pragma once

#include "base/Error.h"

#include <QByteArray>
#include <QString>

namespace oa {

// The dist-info files that say what a wheel is, in the email-header form both use ("Key: value"
// lines up to the first empty line; a line starting with white space continues the previous).
// `where` names the file in messages.

// WHEEL (PEP 427): the format version, and where the archive's root goes.
struct WheelFile {
    QString wheelVersion;     // "1.0"; only major version 1 is understood
    bool rootIsPurelib = true;

    static Result<WheelFile> parse(const QByteArray &text, const QString &where);
};

// The head of METADATA (core metadata): enough to tell the distribution it describes.
struct MetadataFile {
    QString metadataVersion;
    QString name;
    QString version;

    static Result<MetadataFile> parse(const QByteArray &text, const QString &where);
};

} // namespace oa
