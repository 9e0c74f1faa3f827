#include "InterpreterSelection.h"

#include "syntax/VersionSpecifier.h"

#include <unistd.h>

namespace oa {

InterpreterSelection::InterpreterSelection(OfferedPythons offered, QString probeCache, RunControl *control,
                                           std::optional<RunAsUser> runAs)
    : m_offered(std::move(offered)), m_probeCache(std::move(probeCache)), m_control(control), m_runAs(std::move(runAs))
{
}

OfferedPythons::Locator InterpreterSelection::locator()
{
    return [this](const QString &program, const QString &origin) {
        auto found = PythonInterpreter::locate(program, m_probeCache, m_control, origin);
        if (found)
            m_warnings += found->warnings;
        return found;
    };
}

Result<PythonInterpreter> InterpreterSelection::defaultInterpreter()
{
    return m_offered.defaultInterpreter(locator());
}

Status InterpreterSelection::checkRunnable(const PythonInterpreter &interpreter) const
{
    if (const QString why = unrunnableBecause(interpreter.executable); !why.isEmpty())
        return fail(ErrorKind::Environment,
                    QStringLiteral("the interpreter %1 %2; choose one it can run with --python "
                                   "(a pyenv interpreter under /root is out of its reach; /usr/bin/python3 is not)")
                        .arg(interpreter.executable, why));
    return ok();
}

QString InterpreterSelection::unrunnableBecause(const QString &executable) const
{
    if (!m_runAs)
        return {};
    if (const int error = m_runAs->access(executable, X_OK); error != 0)
        return QStringLiteral("cannot be run by the run-as user %1: %2").arg(m_runAs->name(), qt_error_string(error));
    return {};
}

Result<PythonInterpreter> InterpreterSelection::forVersion(const PythonInterpreter &current, const QString &requiresPython,
                                                           const QString &requiresPythonFrom)
{
    if (requiresPython.isEmpty())
        return current;
    auto wanted = VersionSpecifier::parse(requiresPython, requiresPythonFrom);
    if (!wanted)
        return wanted.error();
    QStringList warnings;
    auto chosen = m_offered.choose(*wanted, requiresPythonFrom, current, locator(),
                                   [this](const QString &executable) { return unrunnableBecause(executable); }, &warnings);
    m_warnings += warnings;
    return chosen;
}

QStringList InterpreterSelection::takeWarnings()
{
    return std::exchange(m_warnings, {});
}

} // namespace oa
