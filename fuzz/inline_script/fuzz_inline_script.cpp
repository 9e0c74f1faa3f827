// The PEP 723 block finder (core/dependencies/InlineScriptMetadata.h), over any script. Oracles,
// when it finds a block: its firstLine is a line of the script (2 ≤ firstLine ≤ the number of
// lines, counted at "\n" bytes as an editor does), and the line before it is the block's
// opening "# /// script" (a "\r" before the "\n" allowed), so that every message names the
// right line.
#include "FuzzCheck.h"
#include "dependencies/InlineScriptMetadata.h"

#include <cstddef>
#include <cstdint>

using oa::InlineScriptMetadata;
using oa::fuzz::shown;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray script(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto found = InlineScriptMetadata::find(script, QStringLiteral("main.py"));
    if (!found || !found->has_value())
        return 0;
    const oa::InlineScriptBlock &block = **found;
    const QList<QByteArray> lines = script.split('\n');
    OA_FUZZ_CHECK(block.firstLine >= 2 && block.firstLine <= lines.size(),
                  QStringLiteral("firstLine %1 of a script of %2 lines").arg(block.firstLine).arg(lines.size()));
    QString opening = QString::fromUtf8(lines.at(block.firstLine - 2));
    if (opening.endsWith(u'\r'))
        opening.chop(1);
    OA_FUZZ_CHECK(opening == QLatin1String("# /// script"), QStringLiteral("line %1, before firstLine %2, is %3").arg(block.firstLine - 1).arg(block.firstLine).arg(shown(opening)));
    OA_FUZZ_CHECK(block.toml.endsWith(u'\n'), QStringLiteral("the block's TOML %1").arg(shown(block.toml)));
    return 0;
}
