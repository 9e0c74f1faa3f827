// The German translation is compiled into the monitor and loads by locale.
#include "base/Error.h"

#include <QCoreApplication>
#include <QLocale>
#include <QTest>
#include <QTranslator>

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    void germanLoadsFromResources();
    void englishNeedsNoFile();
    void qtsOwnGermanIsEmbedded();
};

void TestTranslations::germanLoadsFromResources()
{
    QTranslator translator;
    QVERIFY(translator.load(QLocale(QStringLiteral("de_DE")), QStringLiteral("openautomate-monitor"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    QVERIFY(!translator.isEmpty());
    QCoreApplication::installTranslator(&translator);
    QCOMPARE(QCoreApplication::translate("MainWindow", "&File"), QStringLiteral("&Datei"));
    QCOMPARE(QCoreApplication::translate("StateStyle", "Orphaned"), QStringLiteral("Verwaist"));
    QCOMPARE(QCoreApplication::translate("StateStyle", "Interrupted"), QStringLiteral("Unterbrochen"));
    QCOMPARE(QCoreApplication::translate("MainWindow", "%n task", nullptr, 1), QStringLiteral("1 Aufgabe"));
    QCOMPARE(QCoreApplication::translate("MainWindow", "%n tasks", nullptr, 3), QStringLiteral("3 Aufgaben"));
    // The detail pane's rows are built in core, and translated from the same file.
    QCOMPARE(QCoreApplication::translate("TaskDetailRows", "Peak memory"), QStringLiteral("Höchster Speicherbedarf"));
    QCOMPARE(QCoreApplication::translate("TaskDetailRows", "Environment"), QStringLiteral("Umgebung"));
    // Core's errors reach the monitor translated by kind, with the English detail after it.
    QCOMPARE(oa::fail(oa::ErrorKind::Busy, QStringLiteral("the lock of a1 is held by the live process 42")).text(),
             QStringLiteral("Ein anderer Prozess hält es: the lock of a1 is held by the live process 42"));
    QCOMPARE(oa::errorKindText(oa::ErrorKind::InvalidTask), QStringLiteral("Die Dateien der Aufgabe sind ungültig"));
    QCoreApplication::removeTranslator(&translator);
}

void TestTranslations::englishNeedsNoFile()
{
    QTranslator translator;
    QVERIFY(!translator.load(QLocale(QStringLiteral("en_US")), QStringLiteral("openautomate-monitor"), QStringLiteral("_"),
                             QStringLiteral(":/i18n")));
    QCOMPARE(QCoreApplication::translate("MainWindow", "&File"), QStringLiteral("&File"));
}

// Qt's German (qtbase_de.qm) is built into the monitor, so a machine without Qt's translation
// package shows German buttons and shortcut names too.
void TestTranslations::qtsOwnGermanIsEmbedded()
{
    QTranslator translator;
    QVERIFY(translator.load(QLocale(QStringLiteral("de_DE")), QStringLiteral("qtbase"), QStringLiteral("_"), QStringLiteral(":/i18n")));
    QCOMPARE(translator.filePath(), QStringLiteral(":/i18n/qtbase_de.qm"));
    QCoreApplication::installTranslator(&translator);
    QCOMPARE(QCoreApplication::translate("QShortcut", "Ctrl"), QStringLiteral("Strg"));
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "&Yes"), QStringLiteral("&Ja"));
    QCoreApplication::removeTranslator(&translator);
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
