#include "RequirementsTree.h"

#include "ExecutionInfo.h"
#include "RequirementsText.h"

#include <QDir>
#include <QFileInfo>

namespace oa {

namespace {

Failure refused(const QString &where, const QString &why)
{
    return fail(ExitCode::InvalidExecution, QStringLiteral("%1: %2").arg(where, why));
}

} // namespace

Result<RequirementsTree> RequirementsTree::check(const AgentFolder &folder, const PackagePolicy &policy, const QString &file,
                                                 const QString &taskDir, const QString &copyDir)
{
    RequirementsTree tree;
    tree.m_taskDir = QDir::cleanPath(taskDir);
    tree.m_copyDir = QDir::cleanPath(copyDir);
    tree.m_top = QDir::cleanPath(file);
    if (Status read = tree.read(folder, policy, tree.m_top); !read)
        return read.failure();
    return tree;
}

QString RequirementsTree::copyOf(const QString &file) const
{
    return m_copyDir + file.mid(m_taskDir.size());
}

Status RequirementsTree::read(const AgentFolder &folder, const PackagePolicy &policy, const QString &file)
{
    if (m_lines.contains(file)) // a file that includes itself, or is included twice
        return ok();
    m_lines.insert(file, {});
    auto content = folder.readFile(file, ExecutionInfo::kMaxFileBytes);
    if (!content)
        return fail(ExitCode::InvalidExecution, QStringLiteral("cannot read %1: %2").arg(file, content.failure().message));
    if (const auto encoding = RequirementsText::encodingProblem(content.value()))
        return refused(QStringLiteral("%1:%2").arg(file).arg(encoding->line), encoding->why);
    QStringList lines;
    for (const RequirementsText::Line &line : RequirementsText::parse(content.value())) {
        const QString where = QStringLiteral("%1:%2").arg(file).arg(line.number);
        if (auto problem = PackagePolicy::characterProblem(line.text))
            return refused(where, *problem);
        if (auto problem = PackagePolicy::expansionProblem(line.text))
            return refused(where, *problem);
        if (!line.isOption()) {
            const QString requirement = line.requirement();
            auto problem = policy.requirementProblem(requirement);
            if (!problem)
                problem = policy.requirementOptionsProblem(line.options());
            if (problem)
                return refused(where, *problem);
            // pip would take a relative path against its own (empty) working folder.
            QString escapes;
            const auto anchored = PackagePolicy::anchoredInTask(requirement, m_taskDir, &escapes);
            if (!escapes.isEmpty())
                return refused(where, escapes);
            lines.append(anchored ? *anchored + line.text.mid(requirement.size()) : line.text);
            continue;
        }
        if (auto problem = PackagePolicy::optionLineProblem(line.text))
            return refused(where, *problem);
        const PackagePolicy::Option option = PackagePolicy::classify(line.text);
        if (option.kind != PackagePolicy::Option::Kind::Include) {
            if (auto problem = policy.optionProblem(option))
                return refused(where, *problem);
            lines.append(line.text);
            continue;
        }
        // pip takes an included file relative to the file that names it.
        QString named = option.value;
        if (named.startsWith(QLatin1String("file://"), Qt::CaseInsensitive))
            named = named.mid(7);
        QString resolved = QDir::cleanPath(QDir(QFileInfo(file).path()).absoluteFilePath(named));
        // pip opens the path, and the kernel follows every link on it (/proc/self/root/…, a
        // link the task made): it is judged by where it leads, named under the task folder.
        const QString leadsTo = QFileInfo(resolved).canonicalFilePath();
        const QString canonicalTask = QFileInfo(m_taskDir).canonicalFilePath();
        if (!leadsTo.isEmpty() && !canonicalTask.isEmpty() && leadsTo.startsWith(canonicalTask + u'/'))
            resolved = m_taskDir + leadsTo.mid(canonicalTask.size());
        else if (!leadsTo.isEmpty())
            resolved = leadsTo;
        if (auto problem = policy.includeProblem(option, resolved, m_taskDir))
            return refused(where, *problem);
        if (!resolved.startsWith(m_taskDir + u'/')) { // allowed by AllowRequirementsFileOptions: pip reads it itself
            lines.append(line.text);
            continue;
        }
        if (Status checked = read(folder, policy, resolved); !checked)
            return checked;
        lines.append(QStringLiteral("%1 %2").arg(option.name, copyOf(resolved)));
    }
    m_lines.insert(file, lines);
    return ok();
}

Result<QString> RequirementsTree::writeCopy(const AgentFolder &folder) const
{
    for (auto it = m_lines.cbegin(); it != m_lines.cend(); ++it) {
        const QString copy = copyOf(it.key());
        if (Status made = folder.ensureDir(QFileInfo(copy).path()); !made)
            return fail(ExitCode::EnvironmentFailed, made.failure().message);
        if (Status written = folder.writeAtomically(copy, (it.value().join(u'\n') + u'\n').toUtf8()); !written)
            return fail(ExitCode::EnvironmentFailed, written.failure().message);
    }
    return copyOf(m_top);
}

} // namespace oa
