#pragma once

#include <QLocale>
#include <QObject>
#include <QTranslator>

// The monitor's language: its own strings and Qt's (QMessageBox's buttons, shortcut names such
// as "Strg+F"), each installed into the application for as long as this object lives. Both are
// looked for in the resources (:/i18n) first, where the build embeds them, so a fresh machine
// without Qt's translation package is German too; Qt's also in the system's Qt translations
// folder, for a language the build did not embed.
class MonitorTranslations final : public QObject {
    Q_OBJECT
public:
    // Each translator uninstalls itself when this object goes (~QTranslator does, while the
    // application still exists).
    explicit MonitorTranslations(const QLocale &locale, QObject *parent = nullptr);

    // The files that were loaded; empty when there is none for this locale (English needs none).
    QString ownFile() const { return m_own.filePath(); }
    QString qtFile() const { return m_qt.filePath(); }

private:
    QTranslator m_own;
    QTranslator m_qt;
};
