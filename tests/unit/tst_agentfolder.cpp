#include "AgentPaths.h"
#include "AgentFolder.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using oa::AgentPaths;
using oa::AgentFolder;

class TestAgentFolder : public QObject {
    Q_OBJECT
private slots:
    void init();
    void removesNestedTree();
    void missingIsFine();
    void symlinkedEntryIsUnlinkedNotFollowed();
    void symlinkInsideIsNotFollowed();
    void refusesOutside_data();
    void refusesOutside();

private:
    void touch(const QString &path);
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_base;
    QString m_outside;
};

void TestAgentFolder::touch(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("x");
}

void TestAgentFolder::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    m_base = m_tmp->path() + QStringLiteral("/agent");
    m_outside = m_tmp->path() + QStringLiteral("/precious");
    QVERIFY(QDir().mkpath(m_base + QStringLiteral("/venvs")));
    touch(m_outside + QStringLiteral("/keep.txt"));
}

void TestAgentFolder::removesNestedTree()
{
    const AgentPaths paths(m_base);
    touch(m_base + QStringLiteral("/venvs/a/lib/python3/site-packages/x.py"));
    touch(m_base + QStringLiteral("/venvs/a/.hidden"));
    QFile ro(m_base + QStringLiteral("/venvs/a/readonly"));
    touch(ro.fileName());
    ro.setPermissions(QFileDevice::ReadOwner);
    QVERIFY(AgentFolder(m_base).removeTree(m_base + QStringLiteral("/venvs/a")));
    QVERIFY(!QFile::exists(m_base + QStringLiteral("/venvs/a")));
    QVERIFY(QFile::exists(m_base + QStringLiteral("/venvs")));
}

void TestAgentFolder::missingIsFine()
{
    QVERIFY(AgentFolder(m_base).removeTree(m_base + QStringLiteral("/venvs/none")));
}

void TestAgentFolder::symlinkedEntryIsUnlinkedNotFollowed()
{
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/venvs/b")));
    QVERIFY(AgentFolder(m_base).removeTree(m_base + QStringLiteral("/venvs/b")));
    QVERIFY(!QFileInfo(m_base + QStringLiteral("/venvs/b")).isSymLink());
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
}

void TestAgentFolder::symlinkInsideIsNotFollowed()
{
    touch(m_base + QStringLiteral("/venvs/c/file"));
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/venvs/c/escape")));
    QVERIFY(QFile::link(m_outside + QStringLiteral("/keep.txt"), m_base + QStringLiteral("/venvs/c/file-link")));
    QVERIFY(AgentFolder(m_base).removeTree(m_base + QStringLiteral("/venvs/c")));
    QVERIFY(!QFile::exists(m_base + QStringLiteral("/venvs/c")));
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
}

void TestAgentFolder::refusesOutside_data()
{
    QTest::addColumn<QString>("relative"); // to the temporary folder that holds agent/ and precious/
    QTest::newRow("a folder outside") << "precious";
    QTest::newRow("dot-dot out of the base") << "agent/venvs/../../precious";
    QTest::newRow("the base itself") << "agent";
    QTest::newRow("through a symlinked parent") << "agent/Temp/keep.txt";
}

void TestAgentFolder::refusesOutside()
{
    QFETCH(QString, relative);
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/Temp")));
    const QString target = m_tmp->path() + u'/' + relative;
    const oa::Status removed = AgentFolder(m_base).removeTree(target);
    QVERIFY(!removed);
    QVERIFY2(removed.failure().message.startsWith(QStringLiteral("refusing")), qPrintable(removed.failure().message));
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
    QVERIFY(QFile::exists(m_base + QStringLiteral("/venvs")));
}

QTEST_GUILESS_MAIN(TestAgentFolder)
#include "tst_agentfolder.moc"
