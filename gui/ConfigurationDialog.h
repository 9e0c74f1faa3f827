#pragma once

#include "config/ExecutorSettings.h"

#include <QDialog>

class QLabel;
class QTableWidget;

// View › Configuration: the settings the executor runs with when the monitor starts a task
// (the same executor.conf, passed with --config), read-only: setting, value, source.
class ConfigurationDialog final : public QDialog {
    Q_OBJECT
public:
    // `baseDir` is the folder the monitor shows now: File › Open may have changed it since
    // `settings` were read, and a task it runs gets that folder.
    ConfigurationDialog(const oa::ExecutorSettings &settings, const QString &baseDir, QWidget *parent = nullptr);

    QLabel *fileLabel() const { return m_file; }
    QTableWidget *table() const { return m_table; }

    // "Configuration file: /etc/openautomate/executor.conf (default)", or that there is none.
    static QString describeFile(const oa::ExecutorSettings &settings);
    // What the monitor says when it cannot start because of a bad file (`message` is the executor's).
    static QString cannotUse(const QString &message);
    // Where a setting came from ("default", "file:12", "env OPENAUTOMATE_PYTHON", "command line"), translated.
    static QString sourceText(const oa::SettingSource &source);

private:
    QLabel *m_file;
    QTableWidget *m_table;
};
