#pragma once

#include <QRegularExpression>
#include <QString>

namespace oa {

// compileall's -x pattern for the test suites inside packages below `root` (a tests/ or test/
// folder at any depth), which are never imported and so never compiled. compileall searches the
// pattern in each file's whole path: anchored at `root`, a folder named tests above it (an
// EnvCache in /srv/tests/agent) does not exclude everything.
inline QString testSuitesBelow(const QString &root)
{
    return QStringLiteral("^%1/(?:.*/)?tests?/").arg(QRegularExpression::escape(root));
}

} // namespace oa
