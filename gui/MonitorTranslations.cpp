#include "MonitorTranslations.h"

#include <QCoreApplication>
#include <QLibraryInfo>

namespace {
const QString kResources = QStringLiteral(":/i18n");
}

MonitorTranslations::MonitorTranslations(const QLocale &locale, QObject *parent) : QObject(parent)
{
    if (m_own.load(locale, QStringLiteral("openautomate-monitor"), QStringLiteral("_"), kResources))
        QCoreApplication::installTranslator(&m_own);
    if (m_qt.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), kResources)
        || m_qt.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&m_qt);
}
