// The Pipfile.lock reader (core/dependencies/PipfileLock.h): a task's lock, untrusted JSON, turned
// into the requirements file pip installs from in hash-checking mode. Oracles, for any lock it
// accepts: every package has at least one hash (its own and its requirement()'s), and
// toRequirements() is one line per package, in order, each of which Requirement::parse reads
// back to exactly that package's requirement(); no line holds a carriage return.
#include "FuzzCheck.h"
#include "dependencies/PipfileLock.h"
#include "syntax/Requirement.h"

#include <cstddef>
#include <cstdint>

using oa::PipfileLock;
using oa::Requirement;
using oa::fuzz::shown;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto lock = PipfileLock::parse(json, QStringLiteral("Pipfile.lock"));
    if (!lock)
        return 0;

    const QByteArray text = lock->toRequirements();
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast(); // the last line's "\n"
    OA_FUZZ_CHECK(lines.size() == lock->packages.size(),
                  QStringLiteral("%1 packages, %2 lines: %3").arg(lock->packages.size()).arg(lines.size()).arg(shown(QString::fromUtf8(text))));
    for (qsizetype i = 0; i < lock->packages.size(); ++i) {
        const PipfileLock::Package &package = lock->packages.at(i);
        const Requirement requirement = package.requirement();
        OA_FUZZ_CHECK(!package.hashes.isEmpty() && !requirement.hashes.isEmpty(), QStringLiteral("package %1 has no hash").arg(shown(package.name)));
        const QString line = QString::fromUtf8(lines.at(i));
        OA_FUZZ_CHECK(!line.contains(u'\r'), QStringLiteral("line %1").arg(shown(line)));
        const auto back = Requirement::parse(line);
        OA_FUZZ_CHECK(back.ok(), QStringLiteral("package %1: line %2 is refused: %3").arg(shown(package.name), shown(line), back.ok() ? QString() : back.error().message));
        OA_FUZZ_CHECK(*back == requirement, QStringLiteral("package %1: line %2 reads back as %3, not %4")
                                                .arg(shown(package.name), shown(line), shown(back->toLine()), shown(requirement.toLine())));
    }
    return 0;
}
