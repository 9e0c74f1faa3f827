#pragma once

#include "lock/LockInspector.h"
#include "tasks/TaskScanner.h"

#include <QColor>
#include <QIcon>
#include <QString>

// How each task state and lock verdict looks: a translated name, an icon from the resources,
// and a colour for text that must stand out.
namespace StateStyle {

QString label(oa::TaskState state);
QIcon icon(oa::TaskState state);
QColor color(oa::TaskState state);
// Failed, Timed out, Interrupted, Orphaned, Invalid: a run that went wrong, or a task that cannot
// run, and nothing will change that without the operator ("Needs attention").
bool needsAttention(oa::TaskState state);
// Sorting by State: 0 is the most urgent, so an ascending sort puts what needs attention first.
int severity(oa::TaskState state);
// The task table's mark for a task with earlier runs kept: two stacked pages, drawn (no file).
QIcon earlierRunsIcon();
QString verdictLabel(oa::LockVerdict verdict);
QIcon verdictIcon(oa::LockVerdict verdict);
// "42 s", "3 min", "5 h", "2 d"
QString age(qint64 seconds);
QString size(qint64 bytes);

} // namespace StateStyle
