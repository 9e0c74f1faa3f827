#pragma once

#include <QString>
#include <QtGlobal>

namespace oatest {

// A system user made for one test program with useradd, with a private primary group and one
// supplementary group, and removed again (userdel, groupdel) when the object goes. Needs root:
// isValid() is false, and why() says why, when the account could not be made.
class ThrowawayUser {
public:
    ThrowawayUser();
    ~ThrowawayUser();
    ThrowawayUser(const ThrowawayUser &) = delete;
    ThrowawayUser &operator=(const ThrowawayUser &) = delete;

    bool isValid() const { return m_uid > 0; }
    QString why() const { return m_why; }
    QString name() const { return m_name; }
    QString supplementaryGroup() const { return m_group; }
    qint64 uid() const { return m_uid; }
    qint64 gid() const { return m_gid; }
    qint64 supplementaryGid() const { return m_supplementaryGid; }
    QString home() const { return QStringLiteral("/nonexistent-") + m_name; }

private:
    QString m_name;
    QString m_group;
    QString m_why;
    qint64 m_uid = -1;
    qint64 m_gid = -1;
    qint64 m_supplementaryGid = -1;
};

// Makes `dir` and every folder above it searchable by everyone (o+x), as a real agent folder
// is: QTemporaryDir makes 0700 folders, which a run-as user could not enter.
void openToOthers(const QString &dir);

} // namespace oatest
