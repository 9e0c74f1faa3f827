#pragma once

// Shared by the two halves of WheelArchive: WheelArchive.cpp opens the archive and checks its
// members, WheelContents.cpp checks the dist-info files and RECORD. Not part of the interface.

#include "WheelArchive.h"
#include "WheelNames.h"

#include "fs/AgentFolder.h"

#include <zip.h>

namespace oa {

struct WheelArchive::State {
    ~State()
    {
        // Read-only: discarding never writes the archive back.
        if (zip)
            zip_discard(zip);
    }

    QString path;
    QString fileName;
    WheelBounds bounds;
    UniqueFd fd; // the wheel itself, for its whole-file hash; libzip reads a duplicate
    zip_t *zip = nullptr;
    WheelFileName parsedName;
    QString name;
    QString version;
    QList<WheelMember> members;
    QHash<QString, qsizetype> byPath;
    QHash<QString, RecordRow> record;
    WheelFile wheel;
    MetadataFile metadata;
    QByteArray entryPoints;
    qint64 totalBytes = 0;
};

namespace wheeldetail {

// Finds the dist-info folder, checks it against the file name, reads and checks RECORD, WHEEL,
// METADATA and entry_points.txt (WheelContents.cpp).
Status checkContents(const WheelArchive &archive, WheelArchive::State &state);

} // namespace wheeldetail

} // namespace oa
