// No two mnemonics collide where Alt reaches them at once (issue 23): within one menu, and at a
// window's top level (the menu bar's titles with every visible tab bar's tabs, button, check box
// and labelled field), in English and in German, over the every-state fixture. The window is
// walked with each main tab and each detail-pane tab shown in turn, with a task that runs again
// and a pending one selected, and the Configuration dialog is walked as a window of its own.
#include "ConfigurationDialog.h"
#include "MainWindow.h"
#include "MonitorTranslations.h"
#include "MonitorWindowFixture.h"
#include "TaskActions.h"
#include "TaskDetailPane.h"
#include "TasksPanel.h"
#include "TestSupport.h"

#include <QAbstractButton>
#include <QAction>
#include <QGroupBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>

using namespace oatest;

namespace {

// The letter after a single '&' ("&&" is a literal ampersand); null: none.
QChar mnemonicOf(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != u'&')
            continue;
        if (text.at(i + 1) == u'&') {
            ++i;
            continue;
        }
        return text.at(i + 1).toLower();
    }
    return {};
}

// The texts of one scope, each with its mnemonic: "what: text" for the report.
struct Scope {
    QString name;
    QList<std::pair<QChar, QString>> entries;
    void add(const QString &what, const QString &text)
    {
        if (const QChar m = mnemonicOf(text); !m.isNull())
            entries.append({m, QStringLiteral("%1 \"%2\"").arg(what, text)});
    }
    // "scope: Alt+L is both X and Y", once per pair.
    QStringList collisions() const
    {
        QStringList found;
        for (qsizetype i = 0; i < entries.size(); ++i)
            for (qsizetype j = i + 1; j < entries.size(); ++j)
                if (entries.at(i).first == entries.at(j).first && entries.at(i).second != entries.at(j).second)
                    found.append(QStringLiteral("%1: Alt+%2 is both %3 and %4")
                                     .arg(name, entries.at(i).first.toUpper(), entries.at(i).second, entries.at(j).second));
        return found;
    }
};

void walkMenu(QMenu *menu, const QString &path, QStringList &collisions, int &menus)
{
    ++menus;
    Scope scope{path, {}};
    for (QAction *action : menu->actions()) {
        if (action->isSeparator() || !action->isVisible())
            continue;
        scope.add(QStringLiteral("item"), action->text());
        if (action->menu())
            walkMenu(action->menu(), path + QStringLiteral(" › ") + action->text(), collisions, menus);
    }
    collisions += scope.collisions();
}

// Everything Alt reaches in `window` as it is shown now: the menu bar's titles and the visible
// widgets' mnemonics (QTabBar's tabs, buttons, group boxes, labels with a buddy).
Scope topLevel(QWidget *window, const QString &name)
{
    Scope scope{name, {}};
    if (auto *main = qobject_cast<QMainWindow *>(window))
        for (QAction *action : main->menuBar()->actions())
            scope.add(QStringLiteral("menu"), action->text());
    for (QTabBar *bar : window->findChildren<QTabBar *>())
        if (bar->isVisible())
            for (int i = 0; i < bar->count(); ++i)
                if (bar->isTabVisible(i))
                    scope.add(QStringLiteral("tab"), bar->tabText(i));
    for (QAbstractButton *button : window->findChildren<QAbstractButton *>())
        if (button->isVisible())
            scope.add(QStringLiteral("button"), button->text());
    for (QGroupBox *box : window->findChildren<QGroupBox *>())
        if (box->isVisible())
            scope.add(QStringLiteral("group"), box->title());
    for (QLabel *label : window->findChildren<QLabel *>())
        if (label->isVisible() && label->buddy())
            scope.add(QStringLiteral("label"), label->text());
    return scope;
}

} // namespace

class TestMnemonics : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void noCollisionInEnglish();
    void noCollisionInGerman();
    void findsACollision();

private:
    QStringList walkWindow(MainWindow &window, int &scopes);
    MonitorOverEveryState m_monitor;
};

void TestMnemonics::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(m_monitor.start());
}

void TestMnemonics::cleanupTestCase()
{
    m_monitor.stop();
}

QStringList TestMnemonics::walkWindow(MainWindow &window, int &scopes)
{
    QStringList collisions;
    QTabWidget *tabs = window.findChild<QTabWidget *>();
    [&] { QVERIFY(tabs); }();
    if (!tabs)
        return {QStringLiteral("no main tabs")};
    TaskDetailPane *pane = window.detailPane();
    // A task that runs again ("Run again…") and a pending one ("Run task…"): the Task menu's
    // texts differ between them.
    for (const QString &id : {QStringLiteral("bad"), QStringLiteral("pending")}) {
        window.selectTask(id);
        [&] { QTRY_COMPARE(window.selectedTaskId(), id); }();
        for (QAction *menu : window.menuBar()->actions()) {
            int menus = 0;
            walkMenu(menu->menu(), QStringLiteral("%1 menu (%2 selected)").arg(menu->text(), id), collisions, menus);
            scopes += menus;
        }
        // The table's context menu holds the task actions.
        Scope context{QStringLiteral("the table's context menu (%1 selected)").arg(id), {}};
        for (QAction *action : window.taskView()->actions())
            context.add(QStringLiteral("item"), action->text());
        collisions += context.collisions();
        ++scopes;
        for (int tab = 0; tab < tabs->count(); ++tab) {
            tabs->setCurrentIndex(tab);
            const int paneTabs = tabs->currentWidget() == window.tasksPanel() ? pane->count() : 1;
            for (int p = 0; p < paneTabs; ++p) {
                if (paneTabs > 1)
                    pane->setCurrentIndex(p);
                QCoreApplication::processEvents();
                collisions += topLevel(&window, QStringLiteral("the window with %1%2 shown (%3 selected)")
                                                    .arg(tabs->tabText(tab), paneTabs > 1 ? QStringLiteral(" and ") + pane->tabText(p) : QString(), id))
                                  .collisions();
                ++scopes;
            }
        }
    }
    tabs->setCurrentIndex(0);
    pane->setCurrentIndex(0);
    // The dialog View › Configuration… opens.
    window.showConfiguration();
    auto *dialog = window.findChild<ConfigurationDialog *>(QStringLiteral("configurationDialog"));
    [&] { QVERIFY(dialog); }();
    if (dialog) {
        [&] { QTRY_VERIFY(dialog->isVisible()); }();
        collisions += topLevel(dialog, QStringLiteral("the Configuration dialog")).collisions();
        ++scopes;
        dialog->close();
    }
    collisions.removeDuplicates();
    return collisions;
}

void TestMnemonics::noCollisionInEnglish()
{
    int scopes = 0;
    const QStringList collisions = walkWindow(*m_monitor.window, scopes);
    for (const QString &line : collisions)
        qWarning().noquote() << line;
    QVERIFY2(collisions.isEmpty(), qPrintable(QStringLiteral("%1 collisions (listed above)").arg(collisions.size())));
    QVERIFY2(scopes > 20, qPrintable(QString::number(scopes))); // the walk saw every menu, tab and dialog
}

void TestMnemonics::noCollisionInGerman()
{
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    MonitorTranslations german(QLocale(QLocale::German, QLocale::Germany));
    QVERIFY(german.ownFile().startsWith(QStringLiteral(":/i18n/")));
    MainWindow window;
    window.setConfiguration(loadConfiguration(emptyConfigFile(), m_monitor.agent.base()));
    window.show();
    QSignalSpy scanned(&window, &MainWindow::snapshotApplied);
    window.setBaseDir(m_monitor.agent.base());
    QVERIFY(scanned.wait(20000));
    QCOMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("&Datei")); // German indeed
    int scopes = 0;
    const QStringList collisions = walkWindow(window, scopes);
    for (const QString &line : collisions)
        qWarning().noquote() << line;
    QVERIFY2(collisions.isEmpty(), qPrintable(QStringLiteral("%1 collisions (listed above)").arg(collisions.size())));
    QVERIFY(scopes > 20);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

// The walk sees a collision when there is one: a button that takes the File menu's letter.
void TestMnemonics::findsACollision()
{
    MainWindow &window = *m_monitor.window;
    auto *intruder = new QPushButton(QStringLiteral("&Fake"), window.tasksPanel());
    intruder->show();
    int scopes = 0;
    const QStringList collisions = walkWindow(window, scopes);
    delete intruder;
    QVERIFY(!collisions.isEmpty());
    QVERIFY2(collisions.join(u'\n').contains(QStringLiteral("Alt+F is both menu \"&File\" and button \"&Fake\"")), qPrintable(collisions.join(u'\n')));
}

QTEST_MAIN(TestMnemonics)
#include "tst_mnemonics.moc"
