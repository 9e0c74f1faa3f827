#include "BuildInfo.h"

#include "oa_git_commit.h"

#include <QtGlobal>

namespace oa {

QString versionText()
{
    return QStringLiteral(OA_VERSION " (commit " OA_GIT_COMMIT ", Qt ") + QString::fromLatin1(qVersion()) + u')';
}

} // namespace oa
