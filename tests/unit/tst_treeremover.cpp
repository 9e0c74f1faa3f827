#include "AgentPaths.h"
#include "TreeRemover.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using oa::AgentPaths;
using oa::TreeRemover;

class TestTreeRemover : public QObject {
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

void TestTreeRemover::touch(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("x");
}

void TestTreeRemover::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    m_base = m_tmp->path() + QStringLiteral("/agent");
    m_outside = m_tmp->path() + QStringLiteral("/precious");
    QVERIFY(QDir().mkpath(m_base + QStringLiteral("/venvs")));
    touch(m_outside + QStringLiteral("/keep.txt"));
}

void TestTreeRemover::removesNestedTree()
{
    const AgentPaths paths(m_base);
    touch(m_base + QStringLiteral("/venvs/a/lib/python3/site-packages/x.py"));
    touch(m_base + QStringLiteral("/venvs/a/.hidden"));
    QFile ro(m_base + QStringLiteral("/venvs/a/readonly"));
    touch(ro.fileName());
    ro.setPermissions(QFileDevice::ReadOwner);
    QVERIFY(TreeRemover(paths).remove(m_base + QStringLiteral("/venvs/a")));
    QVERIFY(!QFile::exists(m_base + QStringLiteral("/venvs/a")));
    QVERIFY(QFile::exists(m_base + QStringLiteral("/venvs")));
}

void TestTreeRemover::missingIsFine()
{
    QVERIFY(TreeRemover(AgentPaths(m_base)).remove(m_base + QStringLiteral("/venvs/none")));
}

void TestTreeRemover::symlinkedEntryIsUnlinkedNotFollowed()
{
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/venvs/b")));
    QVERIFY(TreeRemover(AgentPaths(m_base)).remove(m_base + QStringLiteral("/venvs/b")));
    QVERIFY(!QFileInfo(m_base + QStringLiteral("/venvs/b")).isSymLink());
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
}

void TestTreeRemover::symlinkInsideIsNotFollowed()
{
    touch(m_base + QStringLiteral("/venvs/c/file"));
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/venvs/c/escape")));
    QVERIFY(QFile::link(m_outside + QStringLiteral("/keep.txt"), m_base + QStringLiteral("/venvs/c/file-link")));
    QVERIFY(TreeRemover(AgentPaths(m_base)).remove(m_base + QStringLiteral("/venvs/c")));
    QVERIFY(!QFile::exists(m_base + QStringLiteral("/venvs/c")));
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
}

void TestTreeRemover::refusesOutside_data()
{
    QTest::addColumn<QString>("relative"); // to the temporary folder that holds agent/ and precious/
    QTest::newRow("a folder outside") << "precious";
    QTest::newRow("dot-dot out of the base") << "agent/venvs/../../precious";
    QTest::newRow("the base itself") << "agent";
    QTest::newRow("through a symlinked parent") << "agent/Temp/keep.txt";
}

void TestTreeRemover::refusesOutside()
{
    QFETCH(QString, relative);
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/Temp")));
    const QString target = m_tmp->path() + u'/' + relative;
    const oa::Status removed = TreeRemover(AgentPaths(m_base)).remove(target);
    QVERIFY(!removed);
    QVERIFY2(removed.failure().message.contains(QStringLiteral("outside the agent folder")), qPrintable(removed.failure().message));
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
    QVERIFY(QFile::exists(m_base + QStringLiteral("/venvs")));
}

QTEST_GUILESS_MAIN(TestTreeRemover)
#include "tst_treeremover.moc"
