#pragma once

#include <QLoggingCategory>

// One category per area, so that QT_LOGGING_RULES can silence or reveal each part of the
// pipeline on its own (for example "oa.pip.debug=true").
Q_DECLARE_LOGGING_CATEGORY(lcExecutor)
Q_DECLARE_LOGGING_CATEGORY(lcLock)
Q_DECLARE_LOGGING_CATEGORY(lcConfig)
Q_DECLARE_LOGGING_CATEGORY(lcVenv)
Q_DECLARE_LOGGING_CATEGORY(lcPip)
Q_DECLARE_LOGGING_CATEGORY(lcRun)
Q_DECLARE_LOGGING_CATEGORY(lcProcess)
Q_DECLARE_LOGGING_CATEGORY(lcCleanup)
