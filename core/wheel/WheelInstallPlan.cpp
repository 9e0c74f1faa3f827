#include "WheelInstallPlan.h"

#include "base/PrintableText.h"

#include <QHash>
#include <QSet>

namespace oa {

namespace {

// Claims destinations, so that no two files share one and none is a folder of another.
class Destinations {
public:
    explicit Destinations(const WheelArchive &wheel) : m_wheel(wheel) {}

    Status claim(const QString &destination, const QString &what)
    {
        if (const auto it = m_files.constFind(destination); it != m_files.constEnd())
            return m_wheel.refusal(what, QStringLiteral("would be installed at %1, where %2 goes too").arg(printableText(destination), printableText(*it)));
        m_files.insert(destination, what);
        for (qsizetype slash = destination.indexOf(u'/'); slash > 0; slash = destination.indexOf(u'/', slash + 1))
            m_folders.insert(destination.left(slash), what);
        return ok();
    }

    Status checkFolders() const
    {
        for (auto it = m_files.constBegin(); it != m_files.constEnd(); ++it) {
            if (const auto folder = m_folders.constFind(it.key()); folder != m_folders.constEnd())
                return m_wheel.refusal(it.value(), QStringLiteral("would be installed at %1, which %2 needs as a folder").arg(printableText(it.key()), printableText(*folder)));
        }
        return ok();
    }

private:
    const WheelArchive &m_wheel;
    QHash<QString, QString> m_files;   // destination -> what goes there
    QHash<QString, QString> m_folders; // folder -> a file below it
};

} // namespace

Result<WheelInstallPlan> WheelInstallPlan::make(const WheelArchive &wheel, const QString &pythonVersion, bool requested, bool directUrl)
{
    WheelInstallPlan plan;
    plan.sitePackages = QStringLiteral("lib/python%1/site-packages").arg(pythonVersion);
    plan.distInfo = plan.sitePackages + u'/' + wheel.distInfo();
    plan.requested = requested;
    plan.directUrl = directUrl;
    const QString headers = QStringLiteral("include/site/python%1/%2").arg(pythonVersion, wheel.name());
    const QString dataPrefix = wheel.dataFolder() + u'/';
    const QString recordPrefix = wheel.distInfo() + QStringLiteral("/RECORD");
    Destinations destinations(wheel);

    for (const WheelMember &member : wheel.members()) {
        // The wheel's RECORD is rewritten; its signatures sign the old one and would not hold.
        if (member.folder || member.path == recordPrefix || member.path == recordPrefix + QStringLiteral(".jws")
            || member.path == recordPrefix + QStringLiteral(".p7s"))
            continue;
        PlannedFile file;
        file.member = &member;
        if (!member.path.startsWith(dataPrefix)) {
            file.destination = plan.sitePackages + u'/' + member.path;
        } else {
            const QString rest = member.path.mid(dataPrefix.size());
            const qsizetype slash = rest.indexOf(u'/');
            if (slash <= 0)
                return wheel.refusal(member.path, QStringLiteral("is directly in %1, not in a scheme folder").arg(wheel.dataFolder()));
            const QString scheme = rest.left(slash);
            const QString below = rest.mid(slash + 1);
            if (scheme == QStringLiteral("purelib") || scheme == QStringLiteral("platlib")) {
                file.destination = plan.sitePackages + u'/' + below;
            } else if (scheme == QStringLiteral("scripts")) {
                file.destination = QStringLiteral("bin/") + below;
                file.script = true;
            } else if (scheme == QStringLiteral("headers")) {
                file.destination = headers + u'/' + below;
            } else if (scheme == QStringLiteral("data")) {
                file.destination = below;
            } else {
                return wheel.refusal(member.path, QStringLiteral("is in %1/%2, which is no scheme (purelib, platlib, scripts, headers, data)")
                                                      .arg(wheel.dataFolder(), printableText(scheme)));
            }
        }
        if (const Status claimed = destinations.claim(file.destination, member.path); !claimed)
            return claimed.error();
        plan.files.append(file);
    }

    const auto scripts = EntryPoints::parseScripts(wheel.entryPoints(), printableText(wheel.fileName()) + QStringLiteral(": ") + wheel.distInfo()
                                                                            + QStringLiteral("/entry_points.txt"));
    if (!scripts)
        return scripts.error();
    for (const ScriptEntryPoint &script : *scripts) {
        if (const Status claimed = destinations.claim(QStringLiteral("bin/") + script.name, QStringLiteral("the entry point %1").arg(script.name)); !claimed)
            return claimed.error();
    }
    plan.wrappers = *scripts;

    QStringList generated{QStringLiteral("INSTALLER"), QStringLiteral("RECORD")};
    if (requested)
        generated.append(QStringLiteral("REQUESTED"));
    if (directUrl)
        generated.append(QStringLiteral("direct_url.json"));
    for (const QString &name : generated) {
        if (const Status claimed = destinations.claim(plan.distInfo + u'/' + name, QStringLiteral("the installer's %1").arg(name)); !claimed)
            return claimed.error();
    }
    if (const Status folders = destinations.checkFolders(); !folders)
        return folders.error();
    return plan;
}

} // namespace oa
