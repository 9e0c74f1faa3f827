#include "RequirementsTree.h"

#include "records/ExecutionInfo.h"
#include "syntax/Requirement.h"
#include "syntax/RequirementsText.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace oa {

namespace {

Error refused(const QString &where, const QString &why)
{
    return fail(ErrorKind::InvalidTask, QStringLiteral("%1: %2").arg(where, why));
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
        return read.error();
    return tree;
}

QString RequirementsTree::copyOf(const QString &file) const
{
    return m_copyDir + file.mid(m_taskDir.size());
}

Status RequirementsTree::read(const AgentFolder &folder, const PackagePolicy &policy, const QString &file)
{
    // The includes are a graph: a file met again while it is still being read closes a cycle,
    // which pip would follow until Python's recursion limit; met again after, it is shared.
    if (const qsizetype at = m_reading.indexOf(file); at >= 0) {
        QStringList cycle = m_reading.mid(at);
        cycle.append(file);
        return refused(m_reading.constLast(), QStringLiteral("the files include each other in a cycle: %1")
                                                  .arg(cycle.join(QStringLiteral(" -> "))));
    }
    if (m_lines.contains(file))
        return ok();
    if (m_lines.size() >= kMaxFiles)
        return refused(file, QStringLiteral("more than %1 requirements files are included; that is the most the executor reads").arg(kMaxFiles));
    m_reading.append(file);
    m_lines.insert(file, {});
    auto content = folder.readFile(file, ExecutionInfo::kMaxFileBytes);
    if (!content)
        return fail(ErrorKind::InvalidTask, QStringLiteral("cannot read %1: %2").arg(file, content.error().message));
    if (const auto encoding = RequirementsText::encodingProblem(content.value()))
        return refused(QStringLiteral("%1:%2").arg(file).arg(encoding->line), encoding->why);
    QStringList lines;
    for (const RequirementsText::Line &line : RequirementsText::parse(content.value())) {
        const QString where = QStringLiteral("%1:%2").arg(file).arg(line.number);
        if (const Status allowed = PackagePolicy::checkCharacters(line.text); !allowed)
            return allowed.error().within(where);
        if (const Status allowed = PackagePolicy::checkExpansion(line.text); !allowed)
            return allowed.error().within(where);
        if (!line.isOption()) {
            // pip reads the line written from what was parsed, never the task's text.
            auto parsed = Requirement::parse(line.text);
            if (!parsed)
                return refused(where, parsed.error().message);
            // pip would take a relative path against its own (empty) working folder.
            auto anchored = parsed->anchoredIn(m_taskDir);
            if (!anchored)
                return refused(where, anchored.error().message);
            if (const Status allowed = policy.checkRequirement(anchored.value()); !allowed)
                return allowed.error().within(where);
            lines.append(anchored->toLine());
            continue;
        }
        if (const Status allowed = PackagePolicy::checkOptionLine(line.text); !allowed)
            return allowed.error().within(where);
        const PackagePolicy::Option option = PackagePolicy::classify(line.text);
        const QString written = option.value.isEmpty() ? option.name : option.name + u' ' + option.value;
        if (option.kind != PackagePolicy::Option::Kind::Include) {
            if (const Status allowed = policy.checkOption(option); !allowed)
                return allowed.error().within(where);
            lines.append(written);
            continue;
        }
        // pip takes a value that starts with a scheme for a URL (its SCHEME_RE is "http:",
        // "https:" or "file:", whatever follows): "-r file:/etc/x" is /etc/x to pip, never the
        // task's folder named "file:". A file: URL is its path; any other scheme is a URL.
        QString named = option.value;
        static const QRegularExpression scheme(QStringLiteral("\\A[A-Za-z][A-Za-z0-9+.-]*:"));
        if (named.startsWith(QLatin1String("file:"), Qt::CaseInsensitive)) {
            auto asPath = Requirement::parseWithoutHashes(named);
            if (!asPath || asPath->path.isEmpty())
                return refused(where, QStringLiteral("%1 %2 is not a file: URL of an absolute path (file:///folder/file)").arg(option.name, named));
            named = asPath->path;
        } else if (scheme.match(named).hasMatch()) {
            if (const Status allowed = policy.checkInclude(option, named, m_taskDir); !allowed)
                return allowed.error().within(where);
            lines.append(written); // a URL, allowed by AllowRequirementsFileOptions: pip fetches it itself
            continue;
        }
        QString resolved = QDir::cleanPath(QDir(QFileInfo(file).path()).absoluteFilePath(named));
        // pip opens the path, and the kernel follows every link on it (/proc/self/root/…, a
        // link the task made): it is judged by where it leads, named under the task folder.
        const QString leadsTo = QFileInfo(resolved).canonicalFilePath();
        const QString canonicalTask = QFileInfo(m_taskDir).canonicalFilePath();
        if (!leadsTo.isEmpty() && !canonicalTask.isEmpty() && leadsTo.startsWith(canonicalTask + u'/'))
            resolved = m_taskDir + leadsTo.mid(canonicalTask.size());
        else if (!leadsTo.isEmpty())
            resolved = leadsTo;
        if (const Status allowed = policy.checkInclude(option, resolved, m_taskDir); !allowed)
            return allowed.error().within(where);
        if (!resolved.startsWith(m_taskDir + u'/')) { // allowed by AllowRequirementsFileOptions: pip reads it itself
            lines.append(written);
            continue;
        }
        if (Status checked = read(folder, policy, resolved); !checked)
            return checked;
        // Relative, as pip resolves it from the copy that names it: the copies' folder (which
        // differs from run to run) is nowhere in what pip reads, nor in the cache key.
        // A name such as "http:x" or "file:x" would read as a URL to pip: "./" before it.
        QString relative = QDir(QFileInfo(copyOf(file)).path()).relativeFilePath(copyOf(resolved));
        if (scheme.match(relative).hasMatch())
            relative.prepend(QStringLiteral("./"));
        if (relative.contains(u' ') || relative.contains(u'\t') || relative.contains(u'#'))
            return refused(where, QStringLiteral("%1 leads to %2, whose name holds a blank or \"#\", which pip would split").arg(option.value, resolved));
        lines.append(option.name + u' ' + relative);
    }
    m_lines.insert(file, lines);
    m_reading.removeLast();
    return ok();
}

Result<QString> RequirementsTree::writeCopy(const AgentFolder &folder) const
{
    for (auto it = m_lines.cbegin(); it != m_lines.cend(); ++it) {
        const QString copy = copyOf(it.key());
        if (Status made = folder.ensureDir(QFileInfo(copy).path()); !made)
            return fail(ErrorKind::Environment, made.error().message);
        if (Status written = folder.writeAtomically(copy, (it.value().join(u'\n') + u'\n').toUtf8()); !written)
            return fail(ErrorKind::Environment, written.error().message);
    }
    return copyOf(m_top);
}

} // namespace oa
