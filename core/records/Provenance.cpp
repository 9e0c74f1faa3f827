#include "Provenance.h"

namespace oa {

namespace {

// The fields of Provenance in result.json and entry.json, each name with its member, so that
// writer and readers share one list. An empty text is written as null.
QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

const std::pair<const char *, QString InstalledDistribution::*> kTextFields[] = {
    {"Name", &InstalledDistribution::name},     {"Version", &InstalledDistribution::version}, {"File", &InstalledDistribution::file},
    {"Url", &InstalledDistribution::url},       {"Sha256", &InstalledDistribution::sha256},   {"Source", &InstalledDistribution::source},
};
const std::pair<const char *, bool InstalledDistribution::*> kFlagFields[] = {
    {"Requested", &InstalledDistribution::requested},
    {"Direct", &InstalledDistribution::direct},
};

} // namespace

QJsonObject InstalledDistribution::toJson() const
{
    QJsonObject object;
    for (const auto &[name, member] : kTextFields)
        object.insert(QLatin1String(name), orNull(this->*member));
    for (const auto &[name, member] : kFlagFields)
        object.insert(QLatin1String(name), this->*member);
    return object;
}

InstalledDistribution InstalledDistribution::fromJson(const QJsonObject &object)
{
    InstalledDistribution d;
    for (const auto &[name, member] : kTextFields)
        d.*member = object.value(QLatin1String(name)).toString();
    for (const auto &[name, member] : kFlagFields)
        d.*member = object.value(QLatin1String(name)).toBool();
    return d;
}

QJsonArray Provenance::toJson() const
{
    QJsonArray array;
    for (const InstalledDistribution &d : installed)
        array.append(d.toJson());
    return array;
}

QList<InstalledDistribution> Provenance::fromJson(const QJsonArray &array)
{
    QList<InstalledDistribution> list;
    for (const QJsonValue &v : array)
        if (v.isObject())
            list.append(InstalledDistribution::fromJson(v.toObject()));
    return list;
}

} // namespace oa
