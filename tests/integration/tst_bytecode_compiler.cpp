// BytecodeCompiler: the store's and pip-built entries' compile step, a script of ours run by the
// real interpreter. It must compile what `compileall -q -x` compiles, no more (no link followed,
// no excluded path, nothing in __pycache__), say which file failed, and exit 1 then.
#include "environment/BytecodeCompiler.h"
#include "environment/PythonInterpreter.h"
#include "process/ChildProcess.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QDateTime>
#include <QTest>

#include <sys/stat.h>

using oa::BytecodeCompiler;
using oa::ChildProcess;
using oa::PythonInterpreter;

class TestBytecodeCompiler : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        auto probed = PythonInterpreter::probe(oatest::python());
        QVERIFY2(probed, qPrintable(probed ? QString() : probed.error().message));
        m_python = *probed;
        QVERIFY(!m_python.cacheTag.isEmpty());
    }

    void compilesWhatCompileallWould_data()
    {
        QTest::addColumn<int>("modules");
        QTest::newRow("a few (compiled by the script itself)") << 5;
        QTest::newRow("many (a pool of workers)") << 300;
    }

    void compilesWhatCompileallWould()
    {
        QFETCH(int, modules);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString a = tmp.filePath(QStringLiteral("a/site-packages"));
        const QString b = tmp.filePath(QStringLiteral("b/site-packages"));
        const QString outside = tmp.filePath(QStringLiteral("outside"));
        for (int i = 0; i < modules; ++i)
            QVERIFY(write(QStringLiteral("%1/pkg/m%2.py").arg(i % 2 ? a : b).arg(i), QStringLiteral("VALUE = %1\n").arg(i).toUtf8()));
        QVERIFY(write(a + QStringLiteral("/pkg/tests/test_x.py"), "x = 1\n"));   // excluded by the pattern
        QVERIFY(write(a + QStringLiteral("/pkg/__pycache__/stray.py"), "x = 1\n")); // never compiled
        QVERIFY(write(a + QStringLiteral("/pkg/data.txt"), "not python\n"));
        QVERIFY(write(outside + QStringLiteral("/planted.py"), "x = 1\n"));
        QVERIFY(QFile::link(outside, a + QStringLiteral("/linked")));                          // a folder link: not followed
        QVERIFY(QFile::link(outside + QStringLiteral("/planted.py"), b + QStringLiteral("/alias.py"))); // a file link: not compiled
        const QString log = tmp.filePath(QStringLiteral("compile.log"));

        const oa::ProcessExit exit = ChildProcess::run(BytecodeCompiler::command(m_python, {a, b}, QStringLiteral("/tests/"), log,
                                                                                 QStringLiteral("Compiling two folders")));
        QVERIFY2(exit.succeeded(), qPrintable(exit.exitMessage() + oatest::readFile(log)));
        QCOMPARE(oatest::readFile(log), QByteArray("Compiling two folders\n")); // quiet but for the announcement
        for (int i = 0; i < modules; ++i)
            QVERIFY2(QFile::exists(pycOf(QStringLiteral("%1/pkg/m%2.py").arg(i % 2 ? a : b).arg(i))), qPrintable(QString::number(i)));
        QVERIFY(!QFile::exists(pycOf(a + QStringLiteral("/pkg/tests/test_x.py"))));
        QVERIFY(!QDir(outside + QStringLiteral("/__pycache__")).exists());
        QVERIFY(!QFile::exists(pycOf(b + QStringLiteral("/alias.py"))));
        QVERIFY(!QDir(a + QStringLiteral("/pkg/__pycache__/__pycache__")).exists());
        // A .pyc the interpreter itself takes: its magic number, for the source beside it.
        const QByteArray pyc = oatest::readFile(pycOf(a + QStringLiteral("/pkg/m1.py")));
        const QByteArray magic = runPython(QStringLiteral("import importlib.util, sys; sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER)"));
        QVERIFY(!magic.isEmpty());
        QVERIFY(pyc.startsWith(magic));
    }

    // A module that does not compile fails the step, naming it; the others are compiled all the same.
    void failureNamesTheFile()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString site = tmp.filePath(QStringLiteral("site-packages"));
        for (int i = 0; i < 100; ++i)
            QVERIFY(write(QStringLiteral("%1/pkg/m%2.py").arg(site).arg(i), "x = 1\n"));
        QVERIFY(write(site + QStringLiteral("/pkg/broken.py"), "def f(:\n"));
        const QString log = tmp.filePath(QStringLiteral("compile.log"));
        const oa::ProcessExit exit = ChildProcess::run(BytecodeCompiler::command(m_python, {site}, QString(), log));
        QVERIFY(exit.started);
        QCOMPARE(exit.exitCode, 1);
        const QByteArray output = oatest::readFile(log);
        QVERIFY2(output.contains("*** Error compiling") && output.contains("broken.py"), output.constData());
        QVERIFY(QFile::exists(pycOf(site + QStringLiteral("/pkg/m99.py"))));
    }

    // Once the yield flag exists no further file is compiled, by the script or by a worker: exit
    // 3 (kYielded), saying how many were. (A file that failed before the flag appeared still
    // fails the step; one never compiled is judged by the folder's next compile.)
    void stopsAtTheYieldFlag_data()
    {
        QTest::addColumn<int>("modules");
        QTest::newRow("a few") << 5;
        QTest::newRow("many (a pool of workers)") << 300;
    }

    void stopsAtTheYieldFlag()
    {
        QFETCH(int, modules);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString site = tmp.filePath(QStringLiteral("site-packages"));
        for (int i = 0; i < modules; ++i)
            QVERIFY(write(QStringLiteral("%1/pkg/m%2.py").arg(site).arg(i), "x = 1\n"));
        const QString flag = tmp.filePath(QStringLiteral("yield"));
        const QString log = tmp.filePath(QStringLiteral("compile.log"));
        QVERIFY(QDir().mkpath(flag));
        const oa::ProcessExit exit = ChildProcess::run(BytecodeCompiler::command(m_python, {site}, QString(), log, QString(), flag));
        QVERIFY(exit.started);
        QCOMPARE(exit.exitCode, BytecodeCompiler::kYielded);
        QCOMPARE(oatest::readFile(log), QStringLiteral("Stopped at the build's request: 0 of %1 files compiled; the folder's next user compiles the rest\n").arg(modules).toUtf8());
        QVERIFY(!QDir(site + QStringLiteral("/pkg/__pycache__")).exists());
        // Without the flag, the same folder compiles whole.
        QVERIFY(QDir(flag).removeRecursively());
        QVERIFY(ChildProcess::run(BytecodeCompiler::command(m_python, {site}, QString(), log, QString(), flag)).succeeded());
        QVERIFY(QFile::exists(pycOf(site + QStringLiteral("/pkg/m0.py"))));
    }

    // What is up to date already is left as it is (compileall's rule: the .pyc's header names
    // the source's modification time); a changed source is compiled again.
    void upToDateIsSkipped()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString site = tmp.filePath(QStringLiteral("site-packages"));
        QVERIFY(write(site + QStringLiteral("/kept.py"), "x = 1\n"));
        QVERIFY(write(site + QStringLiteral("/changed.py"), "x = 1\n"));
        const QString log = tmp.filePath(QStringLiteral("compile.log"));
        QVERIFY(ChildProcess::run(BytecodeCompiler::command(m_python, {site}, QString(), log)).succeeded());
        const quint64 keptBefore = inode(pycOf(site + QStringLiteral("/kept.py")));
        const quint64 changedBefore = inode(pycOf(site + QStringLiteral("/changed.py")));
        QVERIFY(keptBefore != 0 && changedBefore != 0);
        QFile changed(site + QStringLiteral("/changed.py"));
        QVERIFY(changed.open(QIODevice::ReadWrite));
        QVERIFY(changed.setFileTime(QDateTime::currentDateTime().addSecs(-3600), QFileDevice::FileModificationTime));
        changed.close();
        QVERIFY(ChildProcess::run(BytecodeCompiler::command(m_python, {site}, QString(), log)).succeeded());
        // py_compile writes a new .pyc aside and renames it over the old one: a new inode.
        QCOMPARE(inode(pycOf(site + QStringLiteral("/kept.py"))), keptBefore);
        const quint64 changedAfter = inode(pycOf(site + QStringLiteral("/changed.py")));
        QVERIFY(changedAfter != 0 && changedAfter != changedBefore);
    }

private:
    static bool write(const QString &path, const QByteArray &content)
    {
        return QDir().mkpath(QFileInfo(path).path()) && oatest::writeFileBytes(path, content);
    }
    static quint64 inode(const QString &path)
    {
        struct stat st {};
        return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? quint64(st.st_ino) : 0;
    }
    QString pycOf(const QString &source) const
    {
        const QFileInfo info(source);
        return QStringLiteral("%1/__pycache__/%2.%3.pyc").arg(info.path(), info.completeBaseName(), m_python.cacheTag);
    }
    QByteArray runPython(const QString &code) const
    {
        oa::ProcessSpec spec;
        spec.program = m_python.executable;
        spec.arguments = {QStringLiteral("-I"), QStringLiteral("-c"), code};
        return ChildProcess::run(spec).capturedStdout;
    }

    PythonInterpreter m_python;
};

QTEST_GUILESS_MAIN(TestBytecodeCompiler)
#include "tst_bytecode_compiler.moc"
