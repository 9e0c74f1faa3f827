#include "LoggingCategories.h"

Q_LOGGING_CATEGORY(lcExecutor, "oa.executor", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLock, "oa.lock", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConfig, "oa.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcVenv, "oa.venv", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPip, "oa.pip", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRun, "oa.run", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProcess, "oa.process", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCleanup, "oa.cleanup", QtInfoMsg)
