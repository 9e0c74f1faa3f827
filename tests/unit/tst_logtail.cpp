#include "fs/LogTail.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using oa::LogTail;

class TestLogTail : public QObject {
    Q_OBJECT
private slots:
    void init();
    void followsAppends();
    void tailStartsAtALine();
    void loadEarlierPagesBack();
    void forgetBeforeMovesWhereEarlierStarts();
    void truncationStartsOver();
    void rotationStartsOver();
    void missingFileThenCreated();
    void hugeFileReadsOnlyTheTail();

private:
    void append(const QByteArray &data);
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_path;
};

void TestLogTail::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    m_path = m_tmp->filePath(QStringLiteral("output.log"));
}

void TestLogTail::append(const QByteArray &data)
{
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append));
    file.write(data);
}

void TestLogTail::followsAppends()
{
    append("one\n");
    LogTail tail(m_path);
    QCOMPARE(tail.poll().data, QByteArray("one\n"));
    QCOMPARE(tail.poll().data, QByteArray());
    append("two\nthr");
    QCOMPARE(tail.poll().data, QByteArray("two\nthr"));
    append("ee\n");
    const LogTail::Update u = tail.poll();
    QCOMPARE(u.data, QByteArray("ee\n"));
    QVERIFY(!u.reset);
}

void TestLogTail::tailStartsAtALine()
{
    QByteArray content;
    for (int i = 0; i < 1000; ++i)
        content += "line " + QByteArray::number(i) + '\n';
    append(content);
    LogTail tail(m_path, 100);
    const QByteArray first = tail.poll().data;
    QVERIFY(first.size() <= 100);
    QVERIFY(first.startsWith("line "));
    QVERIFY(first.endsWith("line 999\n"));
    QVERIFY(tail.hasEarlier());
}

void TestLogTail::loadEarlierPagesBack()
{
    QByteArray content;
    for (int i = 0; i < 100; ++i)
        content += "line " + QByteArray::number(i) + '\n';
    append(content);
    LogTail tail(m_path, 50);
    QByteArray all = tail.poll().data;
    while (tail.hasEarlier()) {
        const QByteArray earlier = tail.loadEarlier(64);
        QVERIFY(!earlier.isEmpty());
        QVERIFY(earlier.endsWith('\n'));
        all.prepend(earlier);
    }
    QCOMPARE(all, content);
    QVERIFY(tail.loadEarlier().isEmpty());
}

void TestLogTail::forgetBeforeMovesWhereEarlierStarts()
{
    append("aaa\nbbb\nccc\n");
    LogTail tail(m_path);
    QCOMPARE(tail.poll().data, QByteArray("aaa\nbbb\nccc\n"));
    QVERIFY(!tail.hasEarlier());
    tail.forgetBefore(8); // a view dropped "aaa\nbbb\n"
    QCOMPARE(tail.start(), 8);
    QVERIFY(tail.hasEarlier());
    tail.forgetBefore(4); // never backwards
    QCOMPARE(tail.start(), 8);
    QCOMPARE(tail.loadEarlier(4), QByteArray("bbb\n"));
    QCOMPARE(tail.loadEarlier(), QByteArray("aaa\n"));
    tail.forgetBefore(1000); // never past what was read
    QCOMPARE(tail.start(), 12);
    QCOMPARE(tail.loadEarlier(), QByteArray("aaa\nbbb\nccc\n"));
}

void TestLogTail::truncationStartsOver()
{
    append("a long first run of output\n");
    LogTail tail(m_path);
    tail.poll();
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("new\n");
    file.close();
    const LogTail::Update u = tail.poll();
    QVERIFY(u.reset);
    QCOMPARE(u.data, QByteArray("new\n"));
}

void TestLogTail::rotationStartsOver()
{
    append("old content that is long\n");
    LogTail tail(m_path);
    tail.poll();
    QVERIFY(QFile::rename(m_path, m_path + QStringLiteral(".1")));
    append("rotated content, longer than the old one\n");
    const LogTail::Update u = tail.poll();
    QVERIFY(u.reset);
    QCOMPARE(u.data, QByteArray("rotated content, longer than the old one\n"));
}

void TestLogTail::missingFileThenCreated()
{
    LogTail tail(m_path);
    QVERIFY(tail.poll().data.isEmpty());
    QCOMPARE(tail.end(), -1);
    append("hello\n");
    QCOMPARE(tail.poll().data, QByteArray("hello\n"));
}

void TestLogTail::hugeFileReadsOnlyTheTail()
{
    // A sparse 1 GiB file: only the tail is ever read.
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.resize(qint64(1) << 30));
    QVERIFY(file.seek((qint64(1) << 30) - 1));
    file.write("\n");
    file.write("the end\n");
    file.close();
    LogTail tail(m_path, 4096);
    const QByteArray data = tail.poll().data;
    QVERIFY(data.size() <= 4096);
    QVERIFY(data.endsWith("the end\n"));
    QCOMPARE(tail.end(), (qint64(1) << 30) + 8);
    QVERIFY(tail.start() > (qint64(1) << 30) - 4096);
}

QTEST_GUILESS_MAIN(TestLogTail)
#include "tst_logtail.moc"
