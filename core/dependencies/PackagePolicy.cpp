#include "PackagePolicy.h"

#include <QDir>
#include <QRegularExpression>
#include <QUrl>

namespace oa {

namespace {

// Every refusal is the task's: what it wrote is not allowed here.
Error refused(const QString &why)
{
    return fail(ErrorKind::InvalidTask, why);
}

// What pip takes for a URL in -r/-c: any scheme ("http:x" too, not only "http://x").
const QRegularExpression &urlScheme()
{
    static const QRegularExpression re(QStringLiteral("\\A[A-Za-z][A-Za-z0-9+.-]*:"));
    return re;
}

} // namespace

QString PackagePolicy::hostOf(const Requirement &requirement)
{
    if (requirement.url.isEmpty())
        return QStringLiteral("localhost");
    QString url = requirement.url;
    static const QRegularExpression vcs(QStringLiteral("^(git|hg|svn|bzr)\\+"), QRegularExpression::CaseInsensitiveOption);
    url.remove(vcs);
    return QUrl(url).host().toLower();
}

Status PackagePolicy::checkRequirement(const Requirement &r) const
{
    if (!r.isDirectReference())
        return ok();
    const QString requirement = r.toArgument();
    const QString reference = r.reference();
    if (!allowDirectReferences)
        return refused(QStringLiteral("\"%1\" is a direct reference (%2), which bypasses the agent's index settings; AllowDirectReferences is off, so "
                              "packages come only from the configured index or wheel folder: name the package and its version instead")
            .arg(requirement, r.url.isEmpty() ? QStringLiteral("a path") : QStringLiteral("a URL")));
    // PIP_ONLY_BINARY covers what pip finds, not what a task points at: an sdist, a project
    // folder or a VCS checkout named directly would still be built.
    if (onlyBinary && !reference.section(u'#', 0, 0).section(u'?', 0, 0).endsWith(QLatin1String(".whl"), Qt::CaseInsensitive))
        return refused(QStringLiteral("\"%1\" is not a wheel, and OnlyBinary is on: pip would run its build code; refer to a .whl file instead")
            .arg(requirement));
    if (allowedHosts.isEmpty())
        return ok();
    const QString host = hostOf(r);
    for (const QString &allowed : allowedHosts)
        if (allowed.compare(host, Qt::CaseInsensitive) == 0)
            return ok();
    return refused(QStringLiteral("\"%1\" refers to the host %2, which AllowedHosts (%3) does not list%4")
        .arg(requirement, host.isEmpty() ? QStringLiteral("(none)") : host, allowedHosts.join(QStringLiteral(", ")),
             host == QLatin1String("localhost") ? QStringLiteral(" (paths and file: URLs count as localhost)") : QString()));
}

PackagePolicy::Option PackagePolicy::classify(const QString &line)
{
    Option option;
    const QString text = line.trimmed();
    // "--name=value", "--name value", "-r file", "-rfile" (pip takes the short forms joined, too).
    // Anchored at the true end (\z): "$" would also match before a final newline.
    static const QRegularExpression longForm(QStringLiteral("^(--[A-Za-z0-9-]+)(?:\\s*=\\s*|\\s+|\\z)(.*)\\z"));
    static const QRegularExpression shortForm(QStringLiteral("^(-[A-Za-z])\\s*=?\\s*(.*)\\z"));
    const auto match = text.startsWith(QLatin1String("--")) ? longForm.match(text) : shortForm.match(text);
    if (!match.hasMatch()) {
        option.name = text.section(u' ', 0, 0);
        return option;
    }
    option.name = match.captured(1);
    option.value = match.captured(2).trimmed();
    static const QStringList constraining = {QStringLiteral("--hash"), QStringLiteral("--only-binary"), QStringLiteral("--prefer-binary"),
                                             QStringLiteral("--require-hashes")};
    static const QStringList include = {QStringLiteral("-r"), QStringLiteral("--requirement"), QStringLiteral("-c"), QStringLiteral("--constraint")};
    static const QStringList sourceChanging = {QStringLiteral("-i"), QStringLiteral("--index-url"), QStringLiteral("--extra-index-url"),
                                               QStringLiteral("-f"), QStringLiteral("--find-links"), QStringLiteral("--trusted-host"),
                                               QStringLiteral("--no-index"), QStringLiteral("-e"), QStringLiteral("--editable")};
    if (constraining.contains(option.name))
        option.kind = Option::Kind::Constraining;
    else if (include.contains(option.name))
        option.kind = Option::Kind::Include;
    else if (sourceChanging.contains(option.name))
        option.kind = Option::Kind::SourceChanging;
    else if (option.name == QLatin1String("--no-binary"))
        option.kind = Option::Kind::BuildChoosing;
    return option;
}

Status PackagePolicy::checkOption(const Option &option) const
{
    switch (option.kind) {
    case Option::Kind::Include:
        return ok(); // see checkInclude
    case Option::Kind::Constraining:
        // ":none:" empties pip's binary-only set, and would undo OnlyBinary.
        if (onlyBinary && option.name == QLatin1String("--only-binary") && option.value.contains(QLatin1String(":none:")))
            return refused(QStringLiteral("%1 %2 would let pip build sdists, and OnlyBinary is on").arg(option.name, option.value));
        return ok();
    case Option::Kind::BuildChoosing:
        // --no-binary makes pip build from sdists: their build code runs.
        if (onlyBinary)
            return refused(QStringLiteral("%1 would make pip build sdists, and OnlyBinary is on").arg(option.name));
        if (allowRequirementsFileOptions)
            return ok();
        return refused(QStringLiteral("%1 makes pip build sdists (their build code runs); AllowRequirementsFileOptions is off").arg(option.name));
    case Option::Kind::SourceChanging:
        if (allowRequirementsFileOptions)
            return ok();
        return refused(QStringLiteral("%1 chooses where packages come from or what is trusted; AllowRequirementsFileOptions is off, so they come "
                              "only from the agent's configuration").arg(option.name));
    case Option::Kind::Unknown:
        break;
    }
    return refused(QStringLiteral("%1 is an option the executor does not know, so it cannot tell what it changes, and refuses it; a "
                          "requirements.txt may use -r, -c, --hash, --only-binary, --prefer-binary and --require-hashes").arg(option.name));
}

Status PackagePolicy::checkInclude(const Option &option, const QString &resolved, const QString &taskDir) const
{
    const QString base = QDir::cleanPath(taskDir) + u'/';
    if (allowRequirementsFileOptions) {
        // A file outside the task folder is left for pip to read, unchecked: it may name any
        // option or reference, so it is taken only where no other setting would be undone.
        const bool url = urlScheme().match(option.value).hasMatch() && !option.value.startsWith(QLatin1String("file:"), Qt::CaseInsensitive);
        const bool outside = url || !resolved.startsWith(base);
        if (outside && (onlyBinary || !allowDirectReferences || !allowedHosts.isEmpty()))
            return refused(QStringLiteral("%1 %2 names %3, outside the task folder, which pip would read without the executor's check; "
                                  "with OnlyBinary on, AllowDirectReferences off or AllowedHosts set, a requirements file may "
                                  "include only files in the task folder")
                .arg(option.name, option.value, resolved));
        return ok();
    }
    if (urlScheme().match(option.value).hasMatch() && !option.value.startsWith(QLatin1String("file:"), Qt::CaseInsensitive))
        return refused(QStringLiteral("%1 %2 names a URL, not a file in the task folder; AllowRequirementsFileOptions is off").arg(option.name, option.value));
    if (!resolved.startsWith(base))
        return refused(QStringLiteral("%1 %2 names %3, outside the task folder %4; AllowRequirementsFileOptions is off")
            .arg(option.name, option.value, resolved, QDir::cleanPath(taskDir)));
    return ok();
}

namespace {
// shlex's words, for text without quotes or backslashes (those are refused before).
QStringList shellWords(const QString &text)
{
    static const QRegularExpression blanks(QStringLiteral("[ \\t\\r\\n]+"));
    return text.split(blanks, Qt::SkipEmptyParts);
}

bool hasShellQuoting(const QString &text)
{
    return text.contains(u'\'') || text.contains(u'"') || text.contains(u'\\');
}
} // namespace

Status PackagePolicy::checkOptionLine(const QString &line)
{
    // pip reads an option line through shlex: a quote or a backslash would make it read another
    // value (".'.'" is ".." to pip) than the one checked here.
    if (hasShellQuoting(line))
        return refused(QStringLiteral("\"%1\" holds a quote or a backslash, which pip would read through shell quoting rules; "
                              "write the option without them").arg(line));
    const QStringList words = shellWords(line);
    // "--name", "--name=value", "-r", "-rvalue": then at most one value after a bare name.
    static const QRegularExpression bareName(QStringLiteral("^(--[A-Za-z0-9-]+|-[A-Za-z])\\z"));
    if (words.size() <= 1 || (words.size() == 2 && bareName.match(words.first()).hasMatch() && !words.at(1).startsWith(u'-')))
        return ok();
    return refused(QStringLiteral("\"%1\" holds more than one option or value, and pip would take each of them; write one option a line")
        .arg(line));
}

Status PackagePolicy::checkCharacters(const QString &line)
{
    for (const QChar c : line)
        if ((c.unicode() < 0x20 && c != u'\t') || c.unicode() == 0x7f)
            return refused(QStringLiteral("the line holds the control character U+%1, which pip and this check would read differently; "
                                  "remove it").arg(QString::number(c.unicode(), 16).toUpper().rightJustified(4, u'0')));
    return ok();
}

Status PackagePolicy::checkExpansion(const QString &line)
{
    if (line.contains(QLatin1String("${")))
        return refused(QStringLiteral("\"%1\" holds ${…}, which pip would replace with a variable of its own environment; write the value out")
            .arg(line));
    return ok();
}

} // namespace oa
