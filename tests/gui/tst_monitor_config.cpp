// The monitor's configuration, offscreen, over the fixture agent folder with a task in every
// state: the Configuration view, a run that uses the configured file, a bad file, --screenshot,
// --help and --version without a display. Split from tst_monitor by concern.
#include "ConfigurationDialog.h"
#include "MainWindow.h"
#include "MonitorWindowFixture.h"
#include "TaskActions.h"
#include "TaskFilterProxy.h"
#include "TaskTableModel.h"
#include "TestSupport.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QProcess>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace oatest;

class TestMonitorConfig : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_monitor.start()); }
    void cleanupTestCase() { m_monitor.stop(); }
    void configurationView();
    void runPendingTaskUsesTheConfiguration();
    void badConfigurationStopsTheMonitor();
    void screenshotOption();
    void helpAndVersionWithoutDisplay();

private:
    bool waitForScan() { return m_monitor.waitForScan(); }
    MonitorOverEveryState m_monitor;
    Agent &m_agent = m_monitor.agent;
    std::unique_ptr<MainWindow> &m_window = m_monitor.window;
};

namespace {

QString writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return QFileInfo(path).canonicalFilePath();
}

} // namespace

void TestMonitorConfig::configurationView()
{
    const QString file = writeFile(m_agent.base() + QStringLiteral("/../view.conf"),
                                   "TimeoutSeconds = 900\n"
                                   "[PipEnvironment]\n"
                                   "PIP_INDEX_URL = https://pypi.example.corp/simple\n");
    m_window->setConfiguration(loadConfiguration(file, m_agent.base()));
    // The status bar names the file.
    bool named = false;
    for (const QLabel *label : m_window->statusBar()->findChildren<QLabel *>())
        named = named || label->text().contains(file);
    QVERIFY(named);
    // View › Configuration…
    QAction *open = nullptr;
    for (QAction *menu : m_window->menuBar()->actions())
        if (menu->menu())
            for (QAction *action : menu->menu()->actions())
                if (action->text() == MainWindow::tr("&Configuration…"))
                    open = action;
    QVERIFY(open);
    open->trigger();
    auto *dialog = m_window->findChild<ConfigurationDialog *>(QStringLiteral("configurationDialog"));
    QVERIFY(dialog);
    QVERIFY2(dialog->fileLabel()->text().contains(file), qPrintable(dialog->fileLabel()->text()));
    const QTableWidget *table = dialog->table();
    QCOMPARE(table->columnCount(), 3);
    QMap<QString, QStringList> rows;
    for (int row = 0; row < table->rowCount(); ++row)
        rows.insert(table->item(row, 0)->text(), {table->item(row, 1)->text(), table->item(row, 2)->text()});
    QCOMPARE(rows.value("TimeoutSeconds"), (QStringList{"900", "file:1"}));
    QCOMPARE(rows.value("PipEnvironment/PIP_INDEX_URL"), (QStringList{"https://pypi.example.corp/simple", "file:3"}));
    QCOMPARE(rows.value("BaseDir"), (QStringList{m_agent.base(), "command line"}));
    QCOMPARE(rows.value("GraceSeconds"), (QStringList{"10", "default"}));
    QVERIFY(rows.contains("EnvironmentCache/MaxSize"));
    dialog->close();

    // A task run from the monitor gets exactly this file, and none of the operator's settings.
    QCOMPARE(m_window->taskActions()->executorArguments(QStringLiteral("pending")),
             (QStringList{"--config", file, "--base-dir", m_agent.base(), "pending"}));
    QProcessEnvironment operatorEnvironment;
    for (const char *name : {"OPENAUTOMATE_PYTHON", "OPENAUTOMATE_RUN_AS", "OPENAUTOMATE_EXECUTOR_CONFIG", "PIP_INDEX_URL", "PYTHONPATH", "HOME"})
        operatorEnvironment.insert(QString::fromLatin1(name), QStringLiteral("operator's"));
    QCOMPARE(TaskActions::executorEnvironment(operatorEnvironment).keys(), QStringList{"HOME"});
}

void TestMonitorConfig::runPendingTaskUsesTheConfiguration()
{
    // The file names the interpreter and a script variable; the operator's own environment
    // (here, this test's) has other ideas, which must not reach the task.
    const QString file = writeFile(m_agent.base() + QStringLiteral("/../run.conf"),
                                   "Python = " + python().toUtf8() + "\n[ScriptEnvironment]\nSITE_NAME = plant-7\n");
    qputenv("SITE_NAME", "operator's");
    qputenv("OPENAUTOMATE_PYTHON", "/nonexistent/python3");
    m_window->setConfiguration(loadConfiguration(file, m_agent.base()));
    m_agent.makeScriptTask(QStringLiteral("configured"), "import os\nprint(os.environ['SITE_NAME'])\n");
    QVERIFY(waitForScan());
    m_window->selectTask(QStringLiteral("configured"));
    QAction *run = m_window->taskActions()->runAction();
    QVERIFY(m_window->taskView()->actions().contains(run));
    QVERIFY(run->isEnabled());
    QString asked;
    m_window->taskActions()->confirm = [&asked](const QString &, const QString &text) {
        asked = text;
        return true;
    };
    run->trigger();
    // The confirmation named what runs, with what.
    QVERIFY2(asked.contains(file) && asked.contains(python()) && asked.contains(m_agent.base()), qPrintable(asked));
    const QString result = m_agent.taskFile(QStringLiteral("configured"), QStringLiteral("result.json"));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(result), 60000);
    qunsetenv("SITE_NAME");
    qunsetenv("OPENAUTOMATE_PYTHON");
    QTRY_COMPARE_WITH_TIMEOUT(readJson(result).value("Outcome").toString(), QStringLiteral("Succeeded"), 10000);
    QCOMPARE(readJson(result).value("Python").toObject().value("Executable").toString(), python());
    QCOMPARE(readFile(m_agent.taskFile(QStringLiteral("configured"), QStringLiteral("output.log"))).trimmed(), QByteArray("plant-7"));
}

void TestMonitorConfig::badConfigurationStopsTheMonitor()
{
    const QString file = writeFile(m_agent.base() + QStringLiteral("/../bad.conf"), "# a typo\nMaxMemory = 512\n");
    QProcess monitor;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_agent.base() + QStringLiteral("/../config"));
    monitor.setProcessEnvironment(env);
    monitor.start(QStringLiteral(OA_MONITOR_PATH), {QStringLiteral("--base-dir"), m_agent.base(), QStringLiteral("--config"), file,
                                                    QStringLiteral("--screenshot"), m_agent.base() + QStringLiteral("/../never.png")});
    QVERIFY(monitor.waitForFinished(60000));
    QCOMPARE(monitor.exitCode(), 1);
    const QByteArray err = monitor.readAllStandardError();
    QVERIFY2(err.contains(file.toUtf8() + ":2: MaxMemory: unknown key"), err.constData());
}

void TestMonitorConfig::screenshotOption()
{
    const QString png = m_agent.base() + QStringLiteral("/../shot.png");
    QProcess monitor;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_agent.base() + QStringLiteral("/../config"));
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), emptyConfigFile());
    monitor.setProcessEnvironment(env);
    monitor.start(QStringLiteral(OA_MONITOR_PATH), {QStringLiteral("--base-dir"), m_agent.base(), QStringLiteral("--select"),
                                                    QStringLiteral("bad"), QStringLiteral("--screenshot"), png});
    QVERIFY(monitor.waitForFinished(60000));
    QCOMPARE(monitor.exitCode(), 0);
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);
    // Not a blank canvas: a rendered window has many distinct colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY(colours.size() > 20);
}

// --help and --version answer with no display at all (over ssh, or help2man in the build), and
// name the commit and the Qt version like the executor's.
void TestMonitorConfig::helpAndVersionWithoutDisplay()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
        env.remove(QString::fromLatin1(name));
    for (const QString &option : {QStringLiteral("--version"), QStringLiteral("--help")}) {
        QProcess monitor;
        monitor.setProcessEnvironment(env);
        monitor.start(QStringLiteral(OA_MONITOR_PATH), {option});
        QVERIFY(monitor.waitForFinished(30000));
        const QByteArray out = monitor.readAllStandardOutput();
        QVERIFY2(monitor.exitStatus() == QProcess::NormalExit && monitor.exitCode() == 0,
                 (option + QStringLiteral(": ") + QString::fromLocal8Bit(monitor.readAllStandardError())).toUtf8().constData());
        if (option == QStringLiteral("--version"))
            QVERIFY2(out.startsWith("openautomate-monitor " OA_VERSION " (commit ") && out.contains(", Qt " + QByteArray(qVersion()) + ")"),
                     out.constData());
        else
            QVERIFY2(out.contains("--base-dir") && out.contains("--screenshot"), out.constData());
    }
}

QTEST_MAIN(TestMonitorConfig)
#include "tst_monitor_config.moc"
