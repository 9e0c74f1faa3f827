// pip's installation report reader (core/environment/InstallReport.h), InstallReport::parse over
// any bytes (read() only adds the file checks around it). Oracles, for every distribution of a
// report it accepts: a sha256 is empty or exactly 64 lower-case hex characters, the name and
// the version are not empty, and the URL carries no user name or password.
#include "FuzzCheck.h"
#include "environment/InstallReport.h"

#include <QUrl>

#include <cstddef>
#include <cstdint>

using oa::InstallReport;
using oa::fuzz::shown;

namespace {

bool isLowerHex64(const QString &text)
{
    if (text.size() != 64)
        return false;
    for (const QChar c : text)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto installed = InstallReport::parse(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!installed)
        return 0;
    for (const oa::InstalledDistribution &d : *installed) {
        OA_FUZZ_CHECK(d.sha256.isEmpty() || isLowerHex64(d.sha256), QStringLiteral("%1: sha256 %2").arg(shown(d.name), shown(d.sha256)));
        OA_FUZZ_CHECK(!d.name.isEmpty() && !d.version.isEmpty(), QStringLiteral("name %1, version %2").arg(shown(d.name), shown(d.version)));
        OA_FUZZ_CHECK(QUrl(d.url).userInfo().isEmpty(), QStringLiteral("%1: URL %2 has a user or password").arg(shown(d.name), shown(d.url)));
    }
    return 0;
}
