// openautomate-monitor: the operator console for one bot agent folder.

#include "fs/AgentPaths.h"
#include "ConfigurationDialog.h"
#include "config/ExecutorSettings.h"
#include "buildinfo/BuildInfo.h"
#include "MainWindow.h"
#include "MonitorTranslations.h"
#include "TaskActions.h"
#include "TaskDetailPane.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLocale>
#include <QMessageBox>
#include <QSplitter>
#include <QTextStream>
#include <QTimer>

namespace {

// The monitor's own strings and Qt's, from the resources (MonitorTranslations). `language`
// (--lang) wins over the system locale.
void installTranslations(QApplication &app, const QString &language)
{
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QLocale::setDefault(locale);
    new MonitorTranslations(locale, &app);
}

// The executor's settings as a task run from the monitor gets them: the file (--config, else
// OPENAUTOMATE_EXECUTOR_CONFIG, else the default one), and the monitor's own folder choice
// (--base-dir, else OPENAUTOMATE_BOTAGENT_DIR). No other variable of the operator's counts: the
// monitor starts the executor without them (TaskActions::executorEnvironment).
oa::Result<oa::ExecutorSettings> loadSettings(const QString &configFile, const QString &baseDir)
{
    oa::ExecutorSettings::Inputs inputs;
    inputs.configFile = configFile;
    if (!baseDir.isEmpty())
        inputs.commandLine.insert(QStringLiteral("BaseDir"), {QStringLiteral("--base-dir"), baseDir});
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    inputs.environment = QProcessEnvironment();
    for (const QString &name : {QString::fromLatin1(oa::ExecutorSettings::kConfigVariable), QStringLiteral("OPENAUTOMATE_BOTAGENT_DIR")})
        if (system.contains(name))
            inputs.environment.insert(name, system.value(name));
    return oa::ExecutorSettings::load(inputs);
}

// The names and the version, for either kind of application object.
void describeApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("OpenAutomate"));
    QCoreApplication::setApplicationName(QStringLiteral("openautomate-monitor"));
    QCoreApplication::setApplicationVersion(oa::versionText());
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral("Shows the tasks, locks, logs and leftovers of an OpenAutomate bot agent folder."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        QCommandLineOption(QStringLiteral("base-dir"),
                           QStringLiteral("The bot agent folder. Default: $OPENAUTOMATE_BOTAGENT_DIR, else the configuration's BaseDir, else %1.")
                               .arg(oa::AgentPaths::platformDefaultBaseDir()),
                           QStringLiteral("dir")),
        QCommandLineOption(QStringLiteral("config"),
                           QStringLiteral("The executor's configuration file, also passed to every task the monitor runs. Default: $%1, else %2.")
                               .arg(QString::fromLatin1(oa::ExecutorSettings::kConfigVariable), oa::ExecutorSettings::defaultConfigFile()),
                           QStringLiteral("file")),
        QCommandLineOption(QStringLiteral("select"), QStringLiteral("Select this task at start."), QStringLiteral("id")),
        QCommandLineOption(QStringLiteral("screenshot"),
                           QStringLiteral("Load, render the main window to this PNG, and exit: 0 when the folder was read "
                                          "and --select found its task, else 1 (the banner's text on stderr)."),
                           QStringLiteral("file.png")),
        QCommandLineOption(QStringLiteral("screenshot-details"),
                           QStringLiteral("With --screenshot: also render the detail pane alone to this PNG."), QStringLiteral("file.png")),
        QCommandLineOption(QStringLiteral("screenshot-runs"),
                           QStringLiteral("With --screenshot-details: also render the detail pane with its run selector's list open "
                                          "to this PNG."),
                           QStringLiteral("file.png")),
        QCommandLineOption(QStringLiteral("lang"), QStringLiteral("The language, e.g. de or en (default: the system's)."),
                           QStringLiteral("code")),
    });
}

// --help and --version need no display: they are answered under a QCoreApplication, so that they
// work over ssh and help2man can run them headless when the build makes the man page.
void answerHelpOrVersionHeadless(int argc, char *argv[])
{
    bool mentioned = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        mentioned = mentioned || arg == "-h" || arg == "-?" || arg == "--help" || arg == "--help-all" || arg == "-v"
                    || arg == "--version";
    }
    if (!mentioned)
        return;
    QCoreApplication app(argc, argv);
    describeApplication();
    QCommandLineParser parser;
    addOptions(parser);
    if (parser.parse(QCoreApplication::arguments())
        && (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all")) || parser.isSet(QStringLiteral("version"))))
        parser.process(app); // prints and exits
    // Otherwise the flag was an option's value, or the line has an error: the GUI pass handles it.
}

} // namespace

int main(int argc, char *argv[])
{
    answerHelpOrVersionHeadless(argc, argv);
    QApplication app(argc, argv);
    describeApplication();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/openautomate.png")));

    QCommandLineParser parser;
    addOptions(parser);
    parser.process(app);

    installTranslations(app, parser.value(QStringLiteral("lang")));

    // A bad configuration file stops the monitor as it stops the executor: it would run tasks with it.
    const auto settings = loadSettings(parser.value(QStringLiteral("config")), parser.value(QStringLiteral("base-dir")));
    if (!settings) {
        QTextStream(stderr) << settings.error().message << '\n';
        if (QGuiApplication::platformName() != QLatin1String("offscreen"))
            QMessageBox::critical(nullptr, MainWindow::tr("OpenAutomate Monitor"), ConfigurationDialog::cannotUse(settings.error().message));
        return 1;
    }

    MainWindow window;
    window.setConfiguration(settings.value());
    window.setBaseDir(settings->baseDir());
    if (parser.isSet(QStringLiteral("select")))
        window.selectTask(parser.value(QStringLiteral("select")));

    if (parser.isSet(QStringLiteral("screenshot-details")) && !parser.isSet(QStringLiteral("screenshot"))) {
        QTextStream(stderr) << "--screenshot-details needs --screenshot\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("screenshot-runs")) && !parser.isSet(QStringLiteral("screenshot-details"))) {
        QTextStream(stderr) << "--screenshot-runs needs --screenshot-details\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("screenshot"))) {
        const QString file = parser.value(QStringLiteral("screenshot"));
        const QString details = parser.value(QStringLiteral("screenshot-details"));
        const QString runs = parser.value(QStringLiteral("screenshot-runs"));
        window.resize(1280, 800);
        window.show();
        // After the first scan is shown and the log views have read their files, render and exit.
        // What the banner says (a missing folder, an unknown --select) also fails the run, so
        // that a script taking screenshots notices.
        QObject::connect(&window, &MainWindow::snapshotApplied, &app, [&window, file, details, runs] {
            QTimer::singleShot(300, &window, [&window, file, details, runs] {
                bool saved = window.grab().save(file, "PNG");
                if (!saved)
                    QTextStream(stderr) << "cannot write the screenshot " << file << '\n';
                const auto finish = [&window](bool ok) {
                    if (!window.problem().isEmpty())
                        QTextStream(stderr) << window.problem() << '\n';
                    QApplication::exit(ok && window.problem().isEmpty() ? 0 : 1);
                };
                if (details.isEmpty())
                    return finish(saved);
                // The pane alone, tall enough to show all of a finished run's rows.
                window.resize(1280, 900);
                if (auto *splitter = window.findChild<QSplitter *>())
                    splitter->setSizes({250, 560});
                QTimer::singleShot(300, &window, [&window, details, runs, saved, finish] {
                    bool paneSaved = window.detailPane()->grab().save(details, "PNG");
                    if (!paneSaved)
                        QTextStream(stderr) << "cannot write the screenshot " << details << '\n';
                    // The run selector's list, open: it lists every run the task folder keeps.
                    if (!runs.isEmpty() && window.detailPane()->runSelector()->count() < 2) {
                        QTextStream(stderr) << "--screenshot-runs: the selected task has no earlier runs\n";
                        paneSaved = false;
                    } else if (!runs.isEmpty() && !window.detailPane()->grabWithRunList().save(runs, "PNG")) {
                        QTextStream(stderr) << "cannot write the screenshot " << runs << '\n';
                        paneSaved = false;
                    }
                    finish(saved && paneSaved);
                });
            });
        }, Qt::SingleShotConnection);
        return QApplication::exec();
    }
    window.show();
    return QApplication::exec();
}
