#pragma once

// The refused wheel shapes, shared by tst_wheel_archive (which stage refuses each) and
// tst_wheel_installer (that an install of each writes nothing): one row per shape.

#include "WheelBuilder.h"

#include "wheel/WheelBounds.h"

#include <QList>
#include <QStringList>

#include <functional>

namespace oatest {

struct WheelShape {
    enum Stage { Open, Verify, Install }; // the first step that refuses it
    const char *row;
    Stage stage;
    std::function<void(WheelBuilder &, oa::WheelBounds &)> make;
    QStringList expected; // each in the error's message, besides the wheel's file name
    QString fileName = {}; // when the wheel is written under another name
};

inline QByteArray zeros(qsizetype size) { return QByteArray(size, '\0'); }

inline const QList<WheelShape> &wheelShapes()
{
    using B = WheelBuilder;
    using W = oa::WheelBounds;
    using S = WheelShape;
    const auto base = [](B &b) { b.file("pkg/__init__.py", "").file("pkg/mod.py", "print(1)\n"); };
    static const QList<WheelShape> shapes{
        {"dot-dot path", S::Open, [](B &b, W &) { b.file("pkg/../../evil.py", "x"); }, {"pkg/../../evil.py", "\"..\""}},
        {"dot-dot at the top", S::Open, [](B &b, W &) { b.file("../evil.py", "x"); }, {"../evil.py", "\"..\""}},
        {"absolute path", S::Open, [](B &b, W &) { b.file("/tmp/evil.py", "x"); }, {"/tmp/evil.py", "absolute"}},
        {"backslash", S::Open, [](B &b, W &) { b.file("pkg\\..\\evil.py", "x"); }, {"backslash"}},
        {"control character", S::Open, [](B &b, W &) { b.file("pkg/\x1b[2Jevil.py", "x"); }, {"pkg/\\x1b[2Jevil.py", "control character"}},
        {"not UTF-8", S::Open, [](B &b, W &) { b.file("pkg/\xff.py", "x"); }, {"not UTF-8"}},
        {"symlink entry", S::Open, [](B &b, W &) { b.symlink("pkg/link.py", "/etc/passwd"); }, {"pkg/link.py", "symbolic link"}},
        {"fifo entry", S::Open, [](B &b, W &) { b.file("pkg/fifo", "", 010644); }, {"pkg/fifo", "neither a regular file nor a folder"}},
        {"duplicate name", S::Open, [=](B &b, W &) { base(b); b.file("pkg/twin.py", "1").file("pkg/twix.py", "2").patch("pkg/twix.py", "pkg/twin.py"); }, {"pkg/twin.py", "duplicate"}},
        {"duplicate after normalization", S::Open, [=](B &b, W &) { base(b); b.file("pkg/./mod.py", "print(2)\n"); }, {"pkg/./mod.py", "duplicate"}},
        {"duplicate with a double slash", S::Open, [=](B &b, W &) { base(b); b.file("pkg//mod.py", "print(2)\n"); }, {"pkg//mod.py", "duplicate"}},
        {"file and folder of one name", S::Open, [=](B &b, W &) { base(b); b.file("pkg/x", "1").folder("pkg/x/"); }, {"pkg/x", "both a file and a folder"}},
        {"file used as a folder", S::Open, [=](B &b, W &) { base(b); b.file("pkg/x", "1").file("pkg/x/y.py", "2"); }, {"pkg/x", "both a file and a folder"}},
        {"zip bomb past the total bound", S::Open, [=](B &b, W &w) { base(b); w.maxTotalBytes = 1 << 20; w.maxRatio = 100000; b.file("pkg/zeros.bin", zeros(2 << 20)); }, {"pkg/zeros.bin", "unpacked total past the bound of 1048576 bytes", "zip bomb"}},
        {"zip bomb past the file bound", S::Open, [=](B &b, W &w) { base(b); w.maxFileBytes = 1 << 20; w.maxRatio = 100000; b.file("pkg/zeros.bin", zeros(2 << 20)); }, {"pkg/zeros.bin", "bound of 1048576 per file"}},
        {"zip bomb past the ratio", S::Open, [=](B &b, W &) { base(b); b.file("pkg/zeros.bin", zeros(4 << 20)); }, {"pkg/zeros.bin", "times its compressed size", "zip bomb"}},
        {"header declares less than it unpacks", S::Verify, [=](B &b, W &) {
             base(b);
             b.file("pkg/big.py", QByteArray(65536, 'a')).recordRow("pkg/big.py", "pkg/big.py," + B::recordHash(QByteArray(100, 'a'))).declaredSize("pkg/big.py", 100);
         }, {"pkg/big.py", "more than the 100 bytes its header declares"}},
        {"header declares more than it unpacks", S::Verify, [=](B &b, W &) {
             base(b);
             b.stored().file("pkg/big.py", QByteArray(65536, 'a')).recordRow("pkg/big.py", "pkg/big.py," + B::recordHash(QByteArray(65600, 'a'))).declaredSize("pkg/big.py", 65600);
         }, {"pkg/big.py"}},
        {"RECORD hash mismatch", S::Verify, [=](B &b, W &) { base(b); b.recordRow("pkg/mod.py", "pkg/mod.py," + B::recordHash("print(2)\n")); }, {"pkg/mod.py", "does not match its sha256 in RECORD"}},
        {"RECORD size mismatch", S::Open, [=](B &b, W &) { base(b); b.recordRow("pkg/mod.py", "pkg/mod.py," + B::recordHash("print(1)\n").replace(",9", ",999")); }, {"pkg/mod.py", "RECORD says 999"}},
        {"file missing from RECORD", S::Open, [=](B &b, W &) { base(b); b.unlisted("pkg/extra.py", "x = 1\n"); }, {"pkg/extra.py", "not listed in RECORD"}},
        {"RECORD entry without a file", S::Open, [=](B &b, W &) { base(b); b.extraRecordLine("pkg/ghost.py," + B::recordHash("x")); }, {"pkg/ghost.py", "listed in RECORD but missing"}},
        {"RECORD entry without a hash", S::Open, [=](B &b, W &) { base(b); b.recordRow("pkg/mod.py", "pkg/mod.py,,9"); }, {"pkg/mod.py", "no hash"}},
        {"RECORD with md5", S::Open, [=](B &b, W &) { base(b); b.recordRow("pkg/mod.py", "pkg/mod.py,md5=AAAAAAAAAAAAAAAAAAAAAA,9"); }, {"RECORD, line", "is not sha256"}},
        {"RECORD lists a file twice", S::Open, [=](B &b, W &) { base(b); b.extraRecordLine("pkg/./mod.py," + B::recordHash("print(1)\n")); }, {"pkg/mod.py", "listed twice"}},
        {"RECORD path with dot-dot", S::Open, [=](B &b, W &) { base(b); b.extraRecordLine("../../etc/passwd," + B::recordHash("x")); }, {"../../etc/passwd", "\"..\""}},
        {"bad dist-info name", S::Open, [=](B &b, W &) { base(b); b.distInfoName("other-1.0.dist-info"); }, {"other-1.0.dist-info", "does not match the file name"}},
        {"bad dist-info version", S::Open, [=](B &b, W &) { base(b); b.distInfoName("demo-2.0.dist-info"); }, {"demo-2.0.dist-info", "does not match the file name"}},
        {"two dist-info folders", S::Open, [=](B &b, W &) { base(b); b.file("extra-1.0.dist-info/METADATA", "Name: extra\n"); }, {"exactly one top-level .dist-info", "extra-1.0.dist-info"}},
        {"no WHEEL", S::Open, [=](B &b, W &) { base(b); b.wheelFile(""); }, {"demo-1.0.dist-info/WHEEL", "missing"}},
        {"Wheel-Version 2", S::Open, [=](B &b, W &) { base(b); b.wheelFile("Wheel-Version: 2.0\nRoot-Is-Purelib: true\n"); }, {"WHEEL", "is not 1.x"}},
        {"no Root-Is-Purelib", S::Open, [=](B &b, W &) { base(b); b.wheelFile("Wheel-Version: 1.0\n"); }, {"WHEEL", "Root-Is-Purelib"}},
        {"no METADATA", S::Open, [=](B &b, W &) { base(b); b.metadata(""); }, {"demo-1.0.dist-info/METADATA", "missing"}},
        {"METADATA of another distribution", S::Open, [=](B &b, W &) { base(b); b.metadata("Metadata-Version: 2.1\nName: other\nVersion: 1.0\n"); }, {"METADATA", "names other 1.0"}},
        {"foreign .data folder", S::Open, [=](B &b, W &) { base(b); b.file("other-1.0.data/purelib/x.py", "x"); }, {"other-1.0.data/purelib/x.py", "not demo-1.0.data"}},
        {"too deep", S::Open, [=](B &b, W &w) { base(b); w.maxDepth = 4; b.file("a/b/c/d/e/f.py", "x"); }, {"a/b/c/d/e/f.py", "more than 4 folders deep"}},
        {"too many members", S::Open, [=](B &b, W &w) { base(b); w.maxMembers = 4; }, {"members, more than the bound of 4"}},
        {"not a wheel file name", S::Open, [=](B &b, W &) { base(b); }, {"not a wheel file name"}, QStringLiteral("demo-1.0.zip")},
        {"file name of another version", S::Open, [=](B &b, W &) { base(b); }, {"demo-1.0.dist-info", "demo-2.0.dist-info"}, QStringLiteral("demo-2.0-py3-none-any.whl")},
        {"unknown .data scheme", S::Install, [=](B &b, W &) { base(b); b.file("demo-1.0.data/etc/passwd", "x"); }, {"demo-1.0.data/etc/passwd", "no scheme"}},
        {"member directly in .data", S::Install, [=](B &b, W &) { base(b); b.file("demo-1.0.data/x.py", "x"); }, {"demo-1.0.data/x.py", "not in a scheme folder"}},
        {"purelib and the root collide", S::Install, [=](B &b, W &) { base(b); b.file("demo-1.0.data/purelib/pkg/mod.py", "print(2)\n"); }, {"demo-1.0.data/purelib/pkg/mod.py", "where pkg/mod.py goes too"}},
        {"the wheel ships INSTALLER", S::Install, [=](B &b, W &) { base(b); b.file("demo-1.0.dist-info/INSTALLER", "pip\n"); }, {"INSTALLER", "where demo-1.0.dist-info/INSTALLER goes too"}},
        {"script and entry point collide", S::Install, [=](B &b, W &) { base(b); b.file("demo-1.0.data/scripts/tool", "#!python\n").entryPoints("[console_scripts]\ntool = pkg.mod:main\n"); }, {"tool", "bin/tool"}},
        {"entry point with code", S::Install, [=](B &b, W &) { base(b); b.entryPoints("[console_scripts]\nevil = os:system('id')\n"); }, {"entry_points.txt, line 2", "evil"}},
        {"entry point injecting a line", S::Install, [=](B &b, W &) { base(b); b.entryPoints("[console_scripts]\nevil = pkg.mod:main;import os\n"); }, {"entry_points.txt, line 2", "main;import os"}},
        {"entry point named as a path", S::Install, [=](B &b, W &) { base(b); b.entryPoints("[gui_scripts]\n../../evil = pkg.mod:main\n"); }, {"entry_points.txt, line 2", "not a plain file name"}},
        {"entry point without a callable", S::Install, [=](B &b, W &) { base(b); b.entryPoints("[console_scripts]\ntool = pkg.mod\n"); }, {"entry_points.txt, line 2", "needs a callable"}},
        {"entry point naming a keyword", S::Install, [=](B &b, W &) { base(b); b.entryPoints("[console_scripts]\ntool = import:main\n"); }, {"entry_points.txt, line 2", "dotted Python names"}},
        {"entry point named twice", S::Install, [=](B &b, W &) { base(b); b.entryPoints("[console_scripts]\ntool = pkg.mod:main\n[gui_scripts]\ntool = pkg.mod:gui\n"); }, {"entry_points.txt, line 4", "named twice"}},
    };
    return shapes;
}

} // namespace oatest
