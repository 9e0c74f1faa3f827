// The requirement grammar (core/syntax/Requirement.h), which every dependency source goes
// through before pip sees a line. Oracles, for any input:
//  - parse(text) accepts it and anchoredIn("/task") accepts that: the anchored requirement has
//    no relative path, and its toLine() holds no control character but a tab (so no line
//    break), parses back to an equal requirement (operator==), and is written again unchanged.
//    The same for parseWithoutHashes(text), which also must give no hashes.
//  - canonicalMarker(text) accepts: the canonical marker is accepted again and is its own
//    canonical form, and a requirement "x ; <canonical>" parses with exactly that marker.
//  - canonicalSpecifier(text) accepts: the canonical specifier canonicalizes to itself.
//  - MarkerEvaluator decides any text as it decides its canonical marker, and says why whenever
//    it does not decide (for an environment of Debian's python3.11, with and without an extra).
#include "FuzzCheck.h"
#include "syntax/MarkerEvaluator.h"
#include "syntax/Requirement.h"

#include <cstddef>
#include <cstdint>

using oa::Requirement;
using oa::fuzz::shown;

namespace {

// C0 (but the tab), DEL, C1 and the line and paragraph separators. A tab is a blank to this
// grammar and to pip's, as in PEP 508; it can survive only inside a marker's quoted string
// (os_name == "a<TAB>b"), where the marker grammar refuses it before "-" or "#".
bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\t') || (u >= 0x7f && u <= 0x9f) || u == 0x2028 || u == 0x2029)
            return true;
    }
    return false;
}

void checkRoundTrip(const Requirement &parsed, const QString &input)
{
    const auto anchored = parsed.anchoredIn(QStringLiteral("/task"));
    if (!anchored)
        return; // a relative path that leads out of the task folder: refused, with the reason
    OA_FUZZ_CHECK(anchored->path.isEmpty() || anchored->path.startsWith(u'/'), QStringLiteral("anchored path %1 of input %2").arg(shown(anchored->path), shown(input)));
    const QString line = anchored->toLine();
    OA_FUZZ_CHECK(!hasControlCharacter(line), QStringLiteral("toLine() %1 of input %2").arg(shown(line), shown(input)));
    const auto again = Requirement::parse(line);
    OA_FUZZ_CHECK(again.ok(), QStringLiteral("toLine() %1 of input %2 is refused: %3").arg(shown(line), shown(input), again.ok() ? QString() : again.error().message));
    OA_FUZZ_CHECK(*again == *anchored, QStringLiteral("toLine() %1 of input %2 parses back as %3").arg(shown(line), shown(input), shown(again->toLine())));
    OA_FUZZ_CHECK(again->toLine() == line, QStringLiteral("toLine() %1 is written again as %2").arg(shown(line), shown(again->toLine())));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));

    if (const auto parsed = Requirement::parse(text))
        checkRoundTrip(*parsed, text);
    if (const auto parsed = Requirement::parseWithoutHashes(text)) {
        OA_FUZZ_CHECK(parsed->hashes.isEmpty(), QStringLiteral("parseWithoutHashes(%1) has hashes").arg(shown(text)));
        checkRoundTrip(*parsed, text);
    }

    if (const oa::Result<QString> marker = Requirement::canonicalMarker(text)) {
        const QString canonical = marker.value();
        const oa::Result<QString> again = Requirement::canonicalMarker(canonical);
        OA_FUZZ_CHECK(again.ok(), QStringLiteral("marker %1, canonical %2, is refused: %3").arg(shown(text), shown(canonical), again.ok() ? QString() : again.error().message));
        OA_FUZZ_CHECK(again.value() == canonical, QStringLiteral("marker %1: canonical %2 canonicalizes to %3").arg(shown(text), shown(canonical), shown(again.value())));
        const auto withMarker = Requirement::parse(QStringLiteral("x ; ") + canonical);
        OA_FUZZ_CHECK(withMarker.ok() && withMarker->marker == canonical,
                      QStringLiteral("marker %1, canonical %2, is not the marker of \"x ; %2\"").arg(shown(text), shown(canonical)));
    }
    static const oa::MarkerEvaluator markers({{QStringLiteral("implementation_name"), QStringLiteral("cpython")},
                                              {QStringLiteral("implementation_version"), QStringLiteral("3.11.2")},
                                              {QStringLiteral("os_name"), QStringLiteral("posix")},
                                              {QStringLiteral("platform_machine"), QStringLiteral("x86_64")},
                                              {QStringLiteral("platform_release"), QStringLiteral("6.1.0-18-amd64")},
                                              {QStringLiteral("platform_system"), QStringLiteral("Linux")},
                                              {QStringLiteral("platform_version"), QStringLiteral("#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1")},
                                              {QStringLiteral("python_full_version"), QStringLiteral("3.11.2")},
                                              {QStringLiteral("platform_python_implementation"), QStringLiteral("CPython")},
                                              {QStringLiteral("python_version"), QStringLiteral("3.11")},
                                              {QStringLiteral("sys_platform"), QStringLiteral("linux")}});
    for (const QString &extra : {QString(), QStringLiteral("socks")}) {
        QString why;
        const std::optional<bool> decided = markers.evaluate(text, extra, &why);
        OA_FUZZ_CHECK(decided || !why.isEmpty(), QStringLiteral("marker %1 is undecided without a reason").arg(shown(text)));
        if (const oa::Result<QString> marker = Requirement::canonicalMarker(text))
            OA_FUZZ_CHECK(markers.evaluate(marker.value(), extra) == decided,
                          QStringLiteral("marker %1 and its canonical %2 are decided differently").arg(shown(text), shown(marker.value())));
    }

    if (const oa::Result<QString> canonical = Requirement::canonicalSpecifier(text)) {
        const QString specifier = canonical.value();
        const oa::Result<QString> again = Requirement::canonicalSpecifier(specifier);
        OA_FUZZ_CHECK(again.ok() && again.value() == specifier,
                      QStringLiteral("specifier %1: canonical %2 is refused or changes (%3)").arg(shown(text), shown(specifier), again.ok() ? shown(again.value()) : again.error().message));
    }
    return 0;
}
