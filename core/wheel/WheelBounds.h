#pragma once

#include <QtGlobal>

namespace oa {

// How much a wheel may unpack to. A wheel is untrusted input: a few kilobytes of deflate can
// claim, or really unpack to, gigabytes (a zip bomb), and overlapping members can repeat one
// compressed stream many times. Every bound is checked against the sizes the central directory
// declares before anything is written, and again against the bytes that really come out of the
// decompressor, which are never trusted beyond the declared size. Tests pass small bounds.
struct WheelBounds {
    // All members together, as unpacked. Real wheels stay far below (pandas 1.5.3: ~60 MiB).
    qint64 maxTotalBytes = qint64(4) << 30;
    // One member, as unpacked (the largest shared libraries of numeric wheels are ~100 MiB).
    qint64 maxFileBytes = qint64(1) << 30;
    // Members in the archive (directories included); a central directory of millions of empty
    // names costs memory and inodes without costing bytes.
    qint64 maxMembers = 100000;
    // Unpacked bytes per compressed byte of one member, checked only for members larger than
    // ratioFloorBytes: deflate cannot exceed ~1032:1, so a member past this ratio is almost all
    // one repeated byte, which no real wheel ships at that size.
    qint64 maxRatio = 200;
    qint64 ratioFloorBytes = qint64(1) << 20;
    // Folders in one member path; also bounds the installer's descriptors while it removes a
    // failed staging folder.
    int maxDepth = 64;
    // The dist-info files read into memory whole (WHEEL, METADATA, RECORD, entry_points.txt).
    qint64 maxMetadataBytes = qint64(16) << 20;
};

} // namespace oa
