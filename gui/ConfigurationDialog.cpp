#include "ConfigurationDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

ConfigurationDialog::ConfigurationDialog(const oa::ExecutorSettings &settings, const QString &baseDir, QWidget *parent)
    : QDialog(parent), m_file(new QLabel(describeFile(settings), this)), m_table(new QTableWidget(this))
{
    setWindowTitle(tr("Configuration"));
    m_file->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_file->setWordWrap(true);
    auto *note = new QLabel(tr("The settings a task run from this monitor gets, and where each came from: the command line, "
                               "an environment variable, a line of the file, or the built-in default."),
                            this);
    note->setWordWrap(true);

    m_table->setColumnCount(3);
    m_table->setHorizontalHeaderLabels({tr("Setting"), tr("Value"), tr("Source")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    const QList<oa::Setting> &all = settings.all();
    m_table->setRowCount(int(all.size()));
    for (int row = 0; row < all.size(); ++row) {
        const oa::Setting &setting = all.at(row);
        QString value = setting.text;
        QString source = sourceText(setting.source);
        if (setting.name == QLatin1String("BaseDir") && baseDir != settings.baseDir()) {
            value = baseDir;
            source = tr("chosen in the monitor");
        }
        const QStringList cells{setting.name, value, source};
        for (int column = 0; column < 3; ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            item->setToolTip(setting.description);
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_file);
    layout->addWidget(note);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(860, 520);
}

QString ConfigurationDialog::cannotUse(const QString &message)
{
    return tr("The executor's configuration cannot be used:\n%1").arg(message);
}

QString ConfigurationDialog::describeFile(const oa::ExecutorSettings &settings)
{
    if (settings.configFile().isEmpty())
        return tr("No configuration file: %1 is not present, so the built-in defaults apply.").arg(settings.configFileLookedAt());
    return tr("Configuration file: %1 (%2)").arg(settings.configFile(), sourceText(settings.configFileSource()));
}

QString ConfigurationDialog::sourceText(const oa::SettingSource &source)
{
    // SettingSource::describe() in the operator's language: the executor's --show-config keeps English.
    switch (source.kind) {
    case oa::SettingSource::Kind::Default: return tr("default");
    case oa::SettingSource::Kind::File: return tr("file:%1").arg(source.line);
    case oa::SettingSource::Kind::Environment: return tr("env %1").arg(source.name);
    case oa::SettingSource::Kind::CommandLine: return tr("command line");
    }
    return source.describe();
}
