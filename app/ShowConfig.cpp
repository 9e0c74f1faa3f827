#include "ShowConfig.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace ShowConfig {

int print(const oa::ExecutorSettings &settings, bool json)
{
    QTextStream out(stdout);
    const bool read = !settings.configFile().isEmpty();
    if (json) {
        QJsonObject all;
        for (const oa::Setting &setting : settings.all())
            all.insert(setting.name, QJsonObject{{QStringLiteral("Value"), QJsonValue::fromVariant(setting.value)},
                                                 {QStringLiteral("Source"), setting.source.describe()}});
        const QJsonObject file{{QStringLiteral("Path"), settings.configFileLookedAt()},
                               {QStringLiteral("Source"), settings.configFileSource().describe()},
                               {QStringLiteral("Read"), read}};
        out << QJsonDocument(QJsonObject{{QStringLiteral("ConfigFile"), file}, {QStringLiteral("Settings"), all}}).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << "Configuration file: " << settings.configFileLookedAt() << " (" << settings.configFileSource().describe()
        << (read ? QStringLiteral(")\n") : QStringLiteral("; not present: built-in defaults)\n"));
    QList<QStringList> rows{{QStringLiteral("SETTING"), QStringLiteral("VALUE"), QStringLiteral("SOURCE")}};
    for (const oa::Setting &setting : settings.all())
        rows.append({setting.name, setting.text, setting.source.describe()});
    qsizetype nameWidth = 0;
    qsizetype valueWidth = 0;
    for (const QStringList &row : rows) {
        nameWidth = qMax(nameWidth, row.at(0).size());
        valueWidth = qMax(valueWidth, row.at(1).size());
    }
    for (const QStringList &row : rows)
        out << row.at(0).leftJustified(nameWidth + 2) << row.at(1).leftJustified(valueWidth + 2) << row.at(2) << '\n';
    return 0;
}

} // namespace ShowConfig
