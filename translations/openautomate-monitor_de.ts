<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AttentionMonitor</name>
    <message>
        <source>OpenAutomate Monitor</source>
        <translation>OpenAutomate-Monitor</translation>
    </message>
    <message numerus="yes">
        <source>%n needs attention</source>
        <translation>
            <numerusform>%n benötigt Aufmerksamkeit</numerusform>
            <numerusform>%n benötigen Aufmerksamkeit</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n need attention</source>
        <translation>
            <numerusform>%n benötigt Aufmerksamkeit</numerusform>
            <numerusform>%n benötigen Aufmerksamkeit</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfigurationDialog</name>
    <message>
        <source>Configuration</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <source>The settings a task run from this monitor gets, and where each came from: the command line, an environment variable, a line of the file, or the built-in default.</source>
        <translation>Die Einstellungen, mit denen eine von diesem Monitor gestartete Aufgabe läuft, und woher jede stammt: von der Befehlszeile, aus einer Umgebungsvariablen, aus einer Zeile der Datei oder aus der eingebauten Voreinstellung.</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>chosen in the monitor</source>
        <translation>im Monitor gewählt</translation>
    </message>
    <message>
        <source>No configuration file: %1 is not present, so the built-in defaults apply.</source>
        <translation>Keine Konfigurationsdatei: %1 ist nicht vorhanden, daher gelten die eingebauten Voreinstellungen.</translation>
    </message>
    <message>
        <source>Configuration file: %1 (%2)</source>
        <translation>Konfigurationsdatei: %1 (%2)</translation>
    </message>
    <message>
        <source>The executor&apos;s configuration cannot be used:
%1</source>
        <translation>Die Konfiguration des Executors kann nicht verwendet werden:
%1</translation>
    </message>
    <message>
        <source>default</source>
        <translation>Voreinstellung</translation>
    </message>
    <message>
        <source>file:%1</source>
        <translation>Datei:%1</translation>
    </message>
    <message>
        <source>env %1</source>
        <translation>Umgebung %1</translation>
    </message>
    <message>
        <source>command line</source>
        <translation>Befehlszeile</translation>
    </message>
</context>
<context>
    <name>JsonFile</name>
    <message>
        <source>cannot read: %1</source>
        <translation>nicht lesbar: %1</translation>
    </message>
    <message>
        <source>not a JSON object: %1</source>
        <translation>kein JSON-Objekt: %1</translation>
    </message>
    <message>
        <source>another JSON value</source>
        <translation>ein anderer JSON-Wert</translation>
    </message>
</context>
<context>
    <name>LeftoverTableModel</name>
    <message>
        <source>Virtual environment</source>
        <translation>Virtuelle Umgebung</translation>
    </message>
    <message>
        <source>Temporary files</source>
        <translation>Temporäre Dateien</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Execution ID</source>
        <translation>Ausführungs-ID</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>a lock</source>
        <translation>einer Sperre</translation>
    </message>
    <message>
        <source>a running task</source>
        <translation>einer laufenden Aufgabe</translation>
    </message>
    <message>
        <source>a dead lock: clear it first</source>
        <translation>einer toten Sperre: erst entfernen</translation>
    </message>
    <message>
        <source>another host&apos;s lock</source>
        <translation>der Sperre eines anderen Rechners</translation>
    </message>
    <message>
        <source>an unreadable lock</source>
        <translation>einer unlesbaren Sperre</translation>
    </message>
    <message>
        <source>Last changed %1</source>
        <translation>Zuletzt geändert %1</translation>
    </message>
    <message>
        <source>A lock for %1 exists, so the cleanup leaves this folder alone</source>
        <translation>Für %1 gibt es eine Sperre, darum lässt das Aufräumen diesen Ordner in Ruhe</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>Held by</source>
        <translation>Gehalten von</translation>
    </message>
</context>
<context>
    <name>LeftoversPanel</name>
    <message>
        <source>Clean &amp;up…</source>
        <translation>Aufrä&amp;umen…</translation>
    </message>
    <message>
        <source>Deletes the selected folders, or all of them when none is selected</source>
        <translation>Löscht die ausgewählten Ordner, oder alle, wenn keiner ausgewählt ist</translation>
    </message>
    <message>
        <source>Clean up leftovers</source>
        <translation>Überbleibsel aufräumen</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>Nicht gelöscht: %1</translation>
    </message>
    <message>
        <source>Clear environment &amp;cache…</source>
        <translation>Umgebungs-&amp;Cache leeren…</translation>
    </message>
    <message>
        <source>Removes every cached environment that no running task uses; its files are immutable, so rm -rf cannot remove them</source>
        <translation>Entfernt jede zwischengespeicherte Umgebung, die keine laufende Aufgabe verwendet; ihre Dateien sind unveränderlich, daher kann rm -rf sie nicht entfernen</translation>
    </message>
    <message>
        <source>Clear environment cache</source>
        <translation>Umgebungs-Cache leeren</translation>
    </message>
    <message numerus="yes">
        <source>Kept %n in use.</source>
        <translation>
            <numerusform>%n in Verwendung behalten.</numerusform>
            <numerusform>%n in Verwendung behalten.</numerusform>
        </translation>
    </message>
    <message>
        <source>Deleting %1 of %2: %3…</source>
        <translation>Lösche %1 von %2: %3…</translation>
    </message>
    <message>
        <source>Clearing the environment cache %1…</source>
        <translation>Leere den Umgebungs-Cache %1…</translation>
    </message>
    <message numerus="yes">
        <source>%n folder to clean up, %1</source>
        <translation>
            <numerusform>%n Ordner zum Aufräumen, %1</numerusform>
            <numerusform>%n Ordner zum Aufräumen, insgesamt %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n folders to clean up, %1 in all</source>
        <translation>
            <numerusform>%n Ordner zum Aufräumen, %1</numerusform>
            <numerusform>%n Ordner zum Aufräumen, insgesamt %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n folder held by a dead lock: clear the lock first</source>
        <translation>
            <numerusform>%n Ordner von einer toten Sperre gehalten: erst die Sperre entfernen</numerusform>
            <numerusform>%n Ordner von toten Sperren gehalten: erst die Sperren entfernen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n folders held by dead locks: clear the locks first</source>
        <translation>
            <numerusform>%n Ordner von einer toten Sperre gehalten: erst die Sperre entfernen</numerusform>
            <numerusform>%n Ordner von toten Sperren gehalten: erst die Sperren entfernen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n in use by a running task</source>
        <translation>
            <numerusform>%n von einer laufenden Aufgabe belegt</numerusform>
            <numerusform>%n von laufenden Aufgaben belegt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n in use by running tasks</source>
        <translation>
            <numerusform>%n von einer laufenden Aufgabe belegt</numerusform>
            <numerusform>%n von laufenden Aufgaben belegt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n held by another host&apos;s or an unreadable lock</source>
        <translation>
            <numerusform>%n von der Sperre eines anderen Rechners oder einer unlesbaren Sperre gehalten</numerusform>
            <numerusform>%n von Sperren anderer Rechner oder unlesbaren Sperren gehalten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n held by other hosts&apos; or unreadable locks</source>
        <translation>
            <numerusform>%n von der Sperre eines anderen Rechners oder einer unlesbaren Sperre gehalten</numerusform>
            <numerusform>%n von Sperren anderer Rechner oder unlesbaren Sperren gehalten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n cached environment, %1? Environments that a running task uses are kept. The next run that needs packages builds its environment again.</source>
        <translation>
            <numerusform>%n zwischengespeicherte Umgebung mit %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu.</numerusform>
            <numerusform>%n zwischengespeicherte Umgebungen mit insgesamt %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n cached environments, %1 in all? Environments that a running task uses are kept. The next run that needs packages builds its environment again.</source>
        <translation>
            <numerusform>%n zwischengespeicherte Umgebung mit %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu.</numerusform>
            <numerusform>%n zwischengespeicherte Umgebungen mit insgesamt %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n folder, %1? No running task uses it.</source>
        <translation>
            <numerusform>%n Ordner mit %1 löschen? Keine laufende Aufgabe verwendet ihn.</numerusform>
            <numerusform>%n Ordner mit insgesamt %1 löschen? Keine laufende Aufgabe verwendet sie.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n folders, %1 in all? No running task uses them.</source>
        <translation>
            <numerusform>%n Ordner mit %1 löschen? Keine laufende Aufgabe verwendet ihn.</numerusform>
            <numerusform>%n Ordner mit insgesamt %1 löschen? Keine laufende Aufgabe verwendet sie.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %n folder.</source>
        <translation>
            <numerusform>%n Ordner gelöscht.</numerusform>
            <numerusform>%n Ordner gelöscht.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %n folders.</source>
        <translation>
            <numerusform>%n Ordner gelöscht.</numerusform>
            <numerusform>%n Ordner gelöscht.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n cached environment.</source>
        <translation>
            <numerusform>%n zwischengespeicherte Umgebung entfernt.</numerusform>
            <numerusform>%n zwischengespeicherte Umgebungen entfernt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n cached environments.</source>
        <translation>
            <numerusform>%n zwischengespeicherte Umgebung entfernt.</numerusform>
            <numerusform>%n zwischengespeicherte Umgebungen entfernt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n stored distribution, %1? Distributions that a running task uses are kept.</source>
        <translation>
            <numerusform>%n gespeicherte Distribution mit %1 entfernen? Distributionen, die eine laufende Aufgabe verwendet, bleiben erhalten.</numerusform>
            <numerusform>%n gespeicherte Distributionen mit insgesamt %1 entfernen? Distributionen, die eine laufende Aufgabe verwendet, bleiben erhalten.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n stored distributions, %1 in all? Distributions that a running task uses are kept.</source>
        <translation>
            <numerusform>%n gespeicherte Distribution mit %1 entfernen? Distributionen, die eine laufende Aufgabe verwendet, bleiben erhalten.</numerusform>
            <numerusform>%n gespeicherte Distributionen mit insgesamt %1 entfernen? Distributionen, die eine laufende Aufgabe verwendet, bleiben erhalten.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LockTableModel</name>
    <message>
        <source>Execution ID</source>
        <translation>Ausführungs-ID</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Befund</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Rechner</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Prozess</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>Locked since</source>
        <translation>Gesperrt seit</translation>
    </message>
</context>
<context>
    <name>LocksPanel</name>
    <message>
        <source>&amp;Clear orphaned locks…</source>
        <translation>Verwaiste Sperren &amp;entfernen…</translation>
    </message>
    <message>
        <source>Removes locks whose process is dead on this host; the selected ones, or all when none is selected</source>
        <translation>Entfernt Sperren, deren Prozess auf diesem Rechner nicht mehr läuft; die ausgewählten, oder alle, wenn keine ausgewählt ist</translation>
    </message>
    <message>
        <source>Removes the selected lock from another host or an unreadable lock</source>
        <translation>Entfernt die ausgewählte Sperre eines anderen Rechners oder eine unlesbare Sperre</translation>
    </message>
    <message>
        <source>• %1 (PID %2, locked %3 ago)</source>
        <translation>• %1 (PID %2, gesperrt vor %3)</translation>
    </message>
    <message>
        <source>Clear orphaned locks</source>
        <translation>Verwaiste Sperren entfernen</translation>
    </message>
    <message>
        <source>Not removed: %1</source>
        <translation>Nicht entfernt: %1</translation>
    </message>
    <message>
        <source>The lock of %1 was taken by PID %2 on the host &quot;%3&quot; %4 ago. This machine cannot tell whether that executor still runs. If it does, removing the lock lets the same execution start a second time.</source>
        <translation>Die Sperre von %1 wurde vor %4 von PID %2 auf dem Rechner „%3“ gesetzt. Dieser Rechner kann nicht erkennen, ob dieser Executor noch läuft. Falls ja, kann dieselbe Ausführung nach dem Entfernen ein zweites Mal starten.</translation>
    </message>
    <message>
        <source>The lock file of %1 cannot be read, so nobody can tell who holds it. If an executor still runs it, removing the lock lets the same execution start a second time.</source>
        <translation>Die Sperrdatei von %1 ist nicht lesbar, daher lässt sich nicht sagen, wer sie hält. Falls ein Executor sie noch hält, kann dieselbe Ausführung nach dem Entfernen ein zweites Mal starten.</translation>
    </message>
    <message>
        <source>Force-clear a lock</source>
        <translation>Sperre zwangsweise entfernen</translation>
    </message>
    <message>
        <source>Remove this lock anyway?</source>
        <translation>Diese Sperre trotzdem entfernen?</translation>
    </message>
    <message>
        <source>Removed the lock of %1.</source>
        <translation>Die Sperre von %1 wurde entfernt.</translation>
    </message>
    <message>
        <source>Removing the lock of %1…</source>
        <translation>Die Sperre von %1 wird entfernt…</translation>
    </message>
    <message>
        <source>F&amp;orce clear…</source>
        <translation>Entfernen er&amp;zwingen…</translation>
    </message>
    <message numerus="yes">
        <source>The process that held this lock is dead on this host. Remove %n lock?</source>
        <translation>
            <numerusform>Der Prozess, der diese Sperre hielt, läuft auf diesem Rechner nicht mehr. %n Sperre entfernen?</numerusform>
            <numerusform>Die Prozesse, die diese Sperren hielten, laufen auf diesem Rechner nicht mehr. %n Sperren entfernen?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The processes that held these locks are dead on this host. Remove %n locks?</source>
        <translation>
            <numerusform>Der Prozess, der diese Sperre hielt, läuft auf diesem Rechner nicht mehr. %n Sperre entfernen?</numerusform>
            <numerusform>Die Prozesse, die diese Sperren hielten, laufen auf diesem Rechner nicht mehr. %n Sperren entfernen?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Clearing %n orphaned lock…</source>
        <translation>
            <numerusform>%n verwaiste Sperre wird entfernt…</numerusform>
            <numerusform>%n verwaiste Sperren werden entfernt…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Clearing %n orphaned locks…</source>
        <translation>
            <numerusform>%n verwaiste Sperre wird entfernt…</numerusform>
            <numerusform>%n verwaiste Sperren werden entfernt…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n orphaned lock.</source>
        <translation>
            <numerusform>%n verwaiste Sperre entfernt.</numerusform>
            <numerusform>%n verwaiste Sperren entfernt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n orphaned locks.</source>
        <translation>
            <numerusform>%n verwaiste Sperre entfernt.</numerusform>
            <numerusform>%n verwaiste Sperren entfernt.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LogFindBar</name>
    <message>
        <source>Find in log</source>
        <translation>Im Protokoll suchen</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Vorheriger</translation>
    </message>
    <message>
        <source>Previous match (%1)</source>
        <translation>Vorheriger Treffer (%1)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Nächster</translation>
    </message>
    <message>
        <source>Next match (%1)</source>
        <translation>Nächster Treffer (%1)</translation>
    </message>
    <message>
        <source>Close (%1)</source>
        <translation>Schließen (%1)</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
    <message>
        <source>More than %1 matches</source>
        <translation>Mehr als %1 Treffer</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>1 match</source>
        <translation>1 Treffer</translation>
    </message>
    <message>
        <source>%1 matches</source>
        <translation>%1 Treffer</translation>
    </message>
    <message>
        <source>%1, wrapped around</source>
        <translation>%1, Suche am anderen Ende fortgesetzt</translation>
    </message>
</context>
<context>
    <name>LogTabs</name>
    <message>
        <source>std&amp;out</source>
        <translation>std&amp;out</translation>
    </message>
    <message>
        <source>output.log: what the script wrote to its standard output</source>
        <translation>output.log: was das Skript auf seine Standardausgabe geschrieben hat</translation>
    </message>
    <message>
        <source>std&amp;err</source>
        <translation>std&amp;err</translation>
    </message>
    <message>
        <source>error.log: what the script wrote to its standard error. Python&apos;s logging writes every level here, so only ERROR and CRITICAL lines and tracebacks count as problems</source>
        <translation>error.log: was das Skript auf seine Standardfehlerausgabe geschrieben hat. Pythons logging schreibt jede Stufe hierher, daher zählen nur ERROR- und CRITICAL-Zeilen und Tracebacks als Probleme</translation>
    </message>
    <message>
        <source>&amp;pip.log</source>
        <translation>&amp;pip.log</translation>
    </message>
    <message>
        <source>pip.log: pip&apos;s output while it installed the requirements</source>
        <translation>pip.log: die Ausgabe von pip beim Installieren der Pakete</translation>
    </message>
    <message>
        <source>E&amp;xecutor log</source>
        <translation>E&amp;xecutor-Protokoll</translation>
    </message>
    <message>
        <source>executor.log: the executor&apos;s own log; its warnings and errors count as problems</source>
        <translation>executor.log: das eigene Protokoll des Executors; seine Warnungen und Fehler zählen als Probleme</translation>
    </message>
    <message>
        <source>%1 (1 problem)</source>
        <translation>%1 (1 Problem)</translation>
    </message>
    <message>
        <source>%1 (%2 problems)</source>
        <translation>%1 (%2 Probleme)</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>Load earlier</source>
        <translation>Früheres laden</translation>
    </message>
    <message>
        <source>Only the end of a large log is loaded at first</source>
        <translation>Von einem großen Protokoll wird zuerst nur das Ende geladen</translation>
    </message>
    <message>
        <source>No log</source>
        <translation>Kein Protokoll</translation>
    </message>
    <message>
        <source>%1 (not written yet)</source>
        <translation>%1 (noch nicht geschrieben)</translation>
    </message>
    <message>
        <source>%1: showing the last %2 of %3</source>
        <translation>%1: die letzten %2 von %3</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>Alle Zeilen</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>Which lines to show: errors are ERROR and CRITICAL lines and whole tracebacks</source>
        <translation>Welche Zeilen angezeigt werden: Fehler sind ERROR- und CRITICAL-Zeilen und ganze Tracebacks</translation>
    </message>
    <message>
        <source>Back to the end</source>
        <translation>Zurück zum Ende</translation>
    </message>
    <message>
        <source>Show the end of the log again and follow new lines</source>
        <translation>Das Ende des Protokolls wieder anzeigen und neuen Zeilen folgen</translation>
    </message>
    <message>
        <source>%1: paged back, showing %2 of %3; new lines are not followed</source>
        <translation>%1: zurückgeblättert, %2 von %3 angezeigt; neuen Zeilen wird nicht gefolgt</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>OpenAutomate Monitor</source>
        <translation>OpenAutomate-Monitor</translation>
    </message>
    <message>
        <source>&amp;Tasks</source>
        <translation>Aufga&amp;ben</translation>
    </message>
    <message>
        <source>&amp;Locks</source>
        <translation>&amp;Sperren</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open agent folder…</source>
        <translation>Agent-Ordner ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>&amp;Recent agent folders</source>
        <translation>&amp;Zuletzt geöffnete Agent-Ordner</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>T&amp;ask</source>
        <translation>Auf&amp;gabe</translation>
    </message>
    <message>
        <source>Re-read &amp;now</source>
        <translation>&amp;Jetzt neu einlesen</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Suchen…</translation>
    </message>
    <message>
        <source>&amp;Clear orphaned locks…</source>
        <translation>Verwaiste Sperren &amp;entfernen…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Aktionen</translation>
    </message>
    <message>
        <source>OpenAutomate Monitor — %1</source>
        <translation>OpenAutomate-Monitor — %1</translation>
    </message>
    <message>
        <source>scanned in %1 ms</source>
        <translation>in %1 ms eingelesen</translation>
    </message>
    <message>
        <source>Open agent folder</source>
        <translation>Agent-Ordner öffnen</translation>
    </message>
    <message numerus="yes">
        <source>%n distribution</source>
        <translation>
            <numerusform>%n Distribution</numerusform>
            <numerusform>%n Distributionen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n distributions</source>
        <translation>
            <numerusform>%n Distribution</numerusform>
            <numerusform>%n Distributionen</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Configuration…</source>
        <translation>&amp;Konfiguration…</translation>
    </message>
    <message>
        <source>Configuration: built-in defaults</source>
        <translation>Konfiguration: eingebaute Voreinstellungen</translation>
    </message>
    <message>
        <source>Configuration: %1</source>
        <translation>Konfiguration: %1</translation>
    </message>
    <message>
        <source>There is no task %1 in %2.</source>
        <translation>In %2 gibt es keine Aufgabe %1.</translation>
    </message>
    <message>
        <source>Re-read at %1</source>
        <translation>Neu gelesen um %1</translation>
    </message>
    <message>
        <source>The agent folder %1 does not exist. Choose one with File › Open agent folder, or check --base-dir, OPENAUTOMATE_BOTAGENT_DIR and BaseDir in the configuration file.</source>
        <translation>Der Agent-Ordner %1 existiert nicht. Wählen Sie einen mit Datei › Agent-Ordner öffnen, oder prüfen Sie --base-dir, OPENAUTOMATE_BOTAGENT_DIR und BaseDir in der Konfigurationsdatei.</translation>
    </message>
    <message>
        <source>%1 is not a folder. Choose the agent folder with File › Open agent folder.</source>
        <translation>%1 ist kein Ordner. Wählen Sie den Agent-Ordner mit Datei › Agent-Ordner öffnen.</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2. The monitor shows nothing of it.</source>
        <translation>%1 kann nicht gelesen werden: %2. Der Monitor zeigt nichts davon.</translation>
    </message>
    <message>
        <source>OpenAutomate Monitor — %1 — %2</source>
        <translation>OpenAutomate-Monitor — %1 — %2</translation>
    </message>
    <message>
        <source>Leftover&amp;s</source>
        <translation>Überble&amp;ibsel</translation>
    </message>
    <message>
        <source>Loc&amp;ks</source>
        <translation>Sperre&amp;n</translation>
    </message>
    <message>
        <source>&amp;Fit columns to the window</source>
        <translation>&amp;Spalten an das Fenster anpassen</translation>
    </message>
    <message numerus="yes">
        <source>%n task</source>
        <translation>
            <numerusform>%n Aufgabe</numerusform>
            <numerusform>%n Aufgaben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n tasks</source>
        <translation>
            <numerusform>%n Aufgabe</numerusform>
            <numerusform>%n Aufgaben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>environment cache: %n environment, %1</source>
        <translation>
            <numerusform>Umgebungs-Cache: %n Umgebung, %1</numerusform>
            <numerusform>Umgebungs-Cache: %n Umgebungen, %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>environment cache: %n environments, %1</source>
        <translation>
            <numerusform>Umgebungs-Cache: %n Umgebung, %1</numerusform>
            <numerusform>Umgebungs-Cache: %n Umgebungen, %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: %2 · %3</source>
        <translation>%1: %2 · %3</translation>
    </message>
</context>
<context>
    <name>ResourceChart</name>
    <message>
        <source>Memory and CPU appear here while the selected task runs.</source>
        <translation>Speicher und CPU erscheinen hier, während die ausgewählte Aufgabe läuft.</translation>
    </message>
    <message>
        <source>Memory %1 (max %2)</source>
        <translation>Speicher %1 (max. %2)</translation>
    </message>
    <message>
        <source>CPU %1 % of one core, %2 in all</source>
        <translation>CPU %1 % eines Kerns, %2 insgesamt</translation>
    </message>
</context>
<context>
    <name>StageTimelineBar</name>
    <message>
        <source>%1: %2 (%3 ms)</source>
        <translation>%1: %2 (%3 ms)</translation>
    </message>
</context>
<context>
    <name>StateFilterButton</name>
    <message>
        <source>All states</source>
        <translation>Alle Zustände</translation>
    </message>
    <message numerus="yes">
        <source>%n states</source>
        <translation>
            <numerusform>%n Zustand</numerusform>
            <numerusform>%n Zustände</numerusform>
        </translation>
    </message>
    <message>
        <source>Shows tasks in every state; choose states to show only those</source>
        <translation>Zeigt Aufgaben in jedem Zustand; wählen Sie Zustände, um nur diese zu zeigen</translation>
    </message>
    <message>
        <source>Shows tasks that are %1</source>
        <translation>Zeigt Aufgaben im Zustand %1</translation>
    </message>
</context>
<context>
    <name>StateStyle</name>
    <message>
        <source>Pending</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Orphaned</source>
        <translation>Verwaist</translation>
    </message>
    <message>
        <source>Running elsewhere</source>
        <translation>Läuft anderswo</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>Zeitüberschreitung</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Invalid</source>
        <translation>Ungültig</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Other host</source>
        <translation>Anderer Rechner</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>Unlesbar</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 T</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Unterbrochen</translation>
    </message>
</context>
<context>
    <name>TaskActions</name>
    <message>
        <source>&amp;Run task…</source>
        <translation>Aufgabe &amp;ausführen…</translation>
    </message>
    <message>
        <source>&amp;Copy execution ID</source>
        <translation>Ausführungs-ID &amp;kopieren</translation>
    </message>
    <message>
        <source>Run &amp;again…</source>
        <translation>&amp;Erneut ausführen…</translation>
    </message>
    <message>
        <source>Runs this task again; its last run&apos;s logs and result move to previous/</source>
        <translation>Führt diese Aufgabe erneut aus; Protokolle und Ergebnis des letzten Laufs wandern nach previous/</translation>
    </message>
    <message>
        <source>Runs this pending task with the agent&apos;s configuration</source>
        <translation>Führt diese wartende Aufgabe mit der Konfiguration des Agenten aus</translation>
    </message>
    <message>
        <source>none found: python3 and python are not on PATH</source>
        <translation>keiner gefunden: python3 und python sind nicht im PATH</translation>
    </message>
    <message>
        <source>%1 (found on PATH)</source>
        <translation>%1 (im PATH gefunden)</translation>
    </message>
    <message>
        <source>Offered to tasks that ask for a version: %1</source>
        <translation>Angeboten für Aufgaben, die eine Version verlangen: %1</translation>
    </message>
    <message>
        <source>Run %1 again? Its last run&apos;s logs and result move to %2, replacing the run before it.</source>
        <translation>%1 erneut ausführen? Protokolle und Ergebnis des letzten Laufs wandern nach %2 und ersetzen den Lauf davor.</translation>
    </message>
    <message>
        <source>Run %1 now?</source>
        <translation>%1 jetzt ausführen?</translation>
    </message>
    <message>
        <source>Executor: %1</source>
        <translation>Executor: %1</translation>
    </message>
    <message>
        <source>not found next to the monitor or on PATH</source>
        <translation>weder neben dem Monitor noch im PATH gefunden</translation>
    </message>
    <message>
        <source>Interpreter: %1</source>
        <translation>Interpreter: %1</translation>
    </message>
    <message>
        <source>Agent folder: %1</source>
        <translation>Agent-Ordner: %1</translation>
    </message>
    <message>
        <source>Configuration file: %1</source>
        <translation>Konfigurationsdatei: %1</translation>
    </message>
    <message>
        <source>none (built-in defaults)</source>
        <translation>keine (eingebaute Vorgaben)</translation>
    </message>
    <message>
        <source>Task code runs as: %1</source>
        <translation>Aufgabencode läuft als: %1</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>Erneut ausführen</translation>
    </message>
    <message>
        <source>Run task</source>
        <translation>Aufgabe ausführen</translation>
    </message>
    <message>
        <source>openautomate-executor was not found next to the monitor (%1) or on PATH.</source>
        <translation>openautomate-executor wurde weder neben dem Monitor (%1) noch im PATH gefunden.</translation>
    </message>
    <message>
        <source>Could not start %1 in %2: %3</source>
        <translation>%1 konnte in %2 nicht gestartet werden: %3</translation>
    </message>
    <message>
        <source>Started %1 as PID %2.</source>
        <translation>%1 als PID %2 gestartet.</translation>
    </message>
    <message>
        <source>Open task folder</source>
        <translation>Aufgabenordner öffnen</translation>
    </message>
    <message>
        <source>No file manager could open %1. Its path is on the clipboard.</source>
        <translation>Kein Dateimanager konnte %1 öffnen. Der Pfad liegt in der Zwischenablage.</translation>
    </message>
    <message>
        <source>Copied %1.</source>
        <translation>%1 kopiert.</translation>
    </message>
    <message>
        <source>Starting %1…</source>
        <translation>%1 wird gestartet…</translation>
    </message>
    <message>
        <source>Cancel tas&amp;k…</source>
        <translation>Aufgabe a&amp;bbrechen…</translation>
    </message>
    <message>
        <source>Cancels the running task: its whole process tree gets a graceful stop, then a hard kill after the grace period; the run ends as Cancelled</source>
        <translation>Bricht die laufende Aufgabe ab: ihr ganzer Prozessbaum wird erst sanft beendet, nach der Karenzzeit hart; der Lauf endet als Abgebrochen</translation>
    </message>
    <message>
        <source>&amp;Open task folder</source>
        <translation>Aufgaben&amp;ordner öffnen</translation>
    </message>
    <message>
        <source>Keep running</source>
        <translation>Weiterlaufen lassen</translation>
    </message>
    <message>
        <source>Cancel task</source>
        <translation>Aufgabe abbrechen</translation>
    </message>
    <message>
        <source>Cancel %1? Its whole process tree gets a graceful stop, then a hard kill after the grace period.</source>
        <translation>%1 abbrechen? Ihr ganzer Prozessbaum wird erst sanft beendet, nach der Karenzzeit hart.</translation>
    </message>
    <message>
        <source>Asking %1 to cancel…</source>
        <translation>%1 wird zum Abbrechen aufgefordert…</translation>
    </message>
    <message>
        <source>Asked %1 to cancel.</source>
        <translation>%1 wurde zum Abbrechen aufgefordert.</translation>
    </message>
</context>
<context>
    <name>TaskDetailPane</name>
    <message>
        <source>&amp;Details</source>
        <translation>De&amp;tails</translation>
    </message>
    <message>
        <source>&amp;Run:</source>
        <translation>&amp;Lauf:</translation>
    </message>
    <message>
        <source>The last run and the earlier runs the task folder keeps (KeepRuns): choose one to read its details and logs</source>
        <translation>Der letzte Lauf und die früheren, die der Aufgabenordner laut Konfiguration aufbewahrt: einen wählen, um seine Details und Protokolle zu lesen</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>Letzter Lauf</translation>
    </message>
    <message>
        <source>start unknown</source>
        <translation>Start unbekannt</translation>
    </message>
    <message>
        <source>no result</source>
        <translation>kein Ergebnis</translation>
    </message>
    <message>
        <source>The last run, in the task folder</source>
        <translation>Der letzte Lauf, im Aufgabenordner</translation>
    </message>
    <message>
        <source>Kept run %1, in %2</source>
        <translation>Aufbewahrter Lauf %1, in %2</translation>
    </message>
    <message>
        <source>Last run · %1</source>
        <translation>Letzter Lauf · %1</translation>
    </message>
</context>
<context>
    <name>TaskDetailRows</name>
    <message>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Failed: the script exited with an error</source>
        <translation>Fehlgeschlagen: das Skript endete mit einem Fehler</translation>
    </message>
    <message>
        <source>Failed: the task is not valid</source>
        <translation>Fehlgeschlagen: die Aufgabe ist ungültig</translation>
    </message>
    <message>
        <source>Failed: no Python environment</source>
        <translation>Fehlgeschlagen: keine Python-Umgebung</translation>
    </message>
    <message>
        <source>Failed: packages could not be installed</source>
        <translation>Fehlgeschlagen: Pakete konnten nicht installiert werden</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>Zeitüberschreitung</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Stopped: a resource limit was exceeded</source>
        <translation>Gestoppt: ein Ressourcenlimit wurde überschritten</translation>
    </message>
    <message>
        <source>Failed: internal error of the executor</source>
        <translation>Fehlgeschlagen: interner Fehler des Executors</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Sperre</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Lesen</translation>
    </message>
    <message>
        <source>Validate</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Requirements</source>
        <translation>Pakete</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführung</translation>
    </message>
    <message>
        <source>Cleanup</source>
        <translation>Aufräumen</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>(the script was killed by signal %1)</source>
        <translation>(das Skript wurde durch Signal %1 beendet)</translation>
    </message>
    <message>
        <source>(the script&apos;s own: %1)</source>
        <translation>(vom Skript selbst: %1)</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <source>Ended in stage</source>
        <translation>Endete in Phase</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Läuft seit</translation>
    </message>
    <message>
        <source>Last error (stderr)</source>
        <translation>Letzter Fehler (stderr)</translation>
    </message>
    <message>
        <source>Stage timings</source>
        <translation>Dauer der Phasen</translation>
    </message>
    <message>
        <source>Script and arguments</source>
        <translation>Skript und Argumente</translation>
    </message>
    <message>
        <source>Interpreter</source>
        <translation>Interpreter</translation>
    </message>
    <message>
        <source>Python %1 (%2)</source>
        <translation>Python %1 (%2)</translation>
    </message>
    <message>
        <source>Dependency source</source>
        <translation>Quelle der Abhängigkeiten</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message numerus="yes">
        <source>Installed packages (%n)</source>
        <translation>
            <numerusform>Installierte Pakete (%n)</numerusform>
            <numerusform>Installierte Pakete (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Memory now</source>
        <translation>Speicher jetzt</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 Bytes</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>Höchster Speicherbedarf</translation>
    </message>
    <message>
        <source>CPU time</source>
        <translation>CPU-Zeit</translation>
    </message>
    <message>
        <source>uid %1, gid %2</source>
        <translation>UID %1, GID %2</translation>
    </message>
    <message>
        <source>Ran as</source>
        <translation>Lief als</translation>
    </message>
    <message>
        <source>%1 (%2), the executor&apos;s own user: no run-as user is configured</source>
        <translation>%1 (%2), der eigene Benutzer des Executors: kein Ausführungsbenutzer konfiguriert</translation>
    </message>
    <message>
        <source>Runs as</source>
        <translation>Läuft als</translation>
    </message>
    <message>
        <source>Environment cache</source>
        <translation>Umgebungs-Cache</translation>
    </message>
    <message>
        <source>reused a cached environment</source>
        <translation>eine zwischengespeicherte Umgebung wiederverwendet</translation>
    </message>
    <message>
        <source>built a new cached environment</source>
        <translation>eine neue zwischengespeicherte Umgebung gebaut</translation>
    </message>
    <message>
        <source>entry %1, key %2</source>
        <translation>Eintrag %1, Schlüssel %2</translation>
    </message>
    <message>
        <source>not used (UseEnvironmentCache is false)</source>
        <translation>nicht verwendet (UseEnvironmentCache ist false)</translation>
    </message>
    <message>
        <source>timeout %1</source>
        <translation>Zeitlimit %1</translation>
    </message>
    <message>
        <source>memory %1</source>
        <translation>Speicher %1</translation>
    </message>
    <message>
        <source>CPU %1</source>
        <translation>CPU %1</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message numerus="yes">
        <source>Warnings (%n)</source>
        <translation>
            <numerusform>Warnungen (%n)</numerusform>
            <numerusform>Warnungen (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>Still alive after the stop</source>
        <translation>Nach dem Stoppen noch am Leben</translation>
    </message>
    <message>
        <source>PID %1</source>
        <translation>PID %1</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Rechner</translation>
    </message>
    <message>
        <source>%1, executor %2</source>
        <translation>%1, Executor %2</translation>
    </message>
    <message>
        <source>Provenance</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <source>not recorded: %1</source>
        <translation>nicht erfasst: %1</translation>
    </message>
    <message>
        <source>%1 · %2 · sha256 %3 · from %4</source>
        <translation>%1 · %2 · sha256 %3 · aus %4</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message numerus="yes">
        <source>Provenance (%n)</source>
        <translation>
            <numerusform>Herkunft (%n)</numerusform>
            <numerusform>Herkunft (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Got as far as stage</source>
        <translation>Kam bis zur Phase</translation>
    </message>
    <message>
        <source>Last sign of life</source>
        <translation>Letztes Lebenszeichen</translation>
    </message>
    <message>
        <source>an unknown time</source>
        <translation>einem unbekannten Zeitpunkt</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Was geschah</translation>
    </message>
    <message>
        <source>The executor (PID %1) ended without writing a result, in stage %2; its last status update was at %3. The run did not finish: run it again.</source>
        <translation>Der Executor (PID %1) endete ohne ein Ergebnis zu schreiben, in der Phase %2; sein letzter Status stammt von %3. Der Lauf wurde nicht beendet: erneut ausführen.</translation>
    </message>
    <message>
        <source>Why it is invalid</source>
        <translation>Warum sie ungültig ist</translation>
    </message>
    <message numerus="yes">
        <source>%n update</source>
        <translation>
            <numerusform>%n Aktualisierung</numerusform>
            <numerusform>%n Aktualisierungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n updates</source>
        <translation>
            <numerusform>%n Aktualisierung</numerusform>
            <numerusform>%n Aktualisierungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unreadable line ignored</source>
        <translation>
            <numerusform>%n unlesbare Zeile ignoriert</numerusform>
            <numerusform>%n unlesbare Zeilen ignoriert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unreadable lines ignored</source>
        <translation>
            <numerusform>%n unlesbare Zeile ignoriert</numerusform>
            <numerusform>%n unlesbare Zeilen ignoriert</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskDetailsView</name>
    <message>
        <source>Ra&amp;w JSON</source>
        <translation>Roh-&amp;JSON</translation>
    </message>
    <message>
        <source>Show execution.json and result.json as they are on disk</source>
        <translation>execution.json und result.json so zeigen, wie sie auf der Platte stehen</translation>
    </message>
    <message>
        <source>Memory and CPU while selected</source>
        <translation>Speicher und CPU, solange ausgewählt</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(noch keine)</translation>
    </message>
</context>
<context>
    <name>TaskScanner</name>
    <message>
        <source>the task folder is a symbolic link; the executor refuses to run it</source>
        <translation>der Aufgabenordner ist ein symbolischer Link; der Executor führt ihn nicht aus</translation>
    </message>
    <message>
        <source>the executor (PID %1) ended without a result in stage %2; its last update was at %3</source>
        <translation>der Executor (PID %1) endete ohne Ergebnis in der Phase %2; seine letzte Meldung war um %3</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
</context>
<context>
    <name>TaskTableModel</name>
    <message>
        <source>PID %1 on %2, %3</source>
        <translation>PID %1 auf %2, %3</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Execution ID</source>
        <translation>Ausführungs-ID</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <source>Requirements</source>
        <translation>Pakete</translation>
    </message>
    <message>
        <source>Lock holder</source>
        <translation>Sperrinhaber</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>PID %1 on %2, %3, as %4</source>
        <translation>PID %1 auf %2, %3, als %4</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>No packages: the script runs with the interpreter&apos;s standard library.</source>
        <translation>Keine Pakete: das Skript läuft mit der Standardbibliothek des Interpreters.</translation>
    </message>
    <message>
        <source>From %1</source>
        <translation>Aus %1</translation>
    </message>
    <message>
        <source>The packages are read when the task runs.</source>
        <translation>Die Pakete werden gelesen, wenn die Aufgabe läuft.</translation>
    </message>
    <message>
        <source>no packages</source>
        <translation>keine Pakete</translation>
    </message>
    <message>
        <source>%1 · CPU %2</source>
        <translation>%1 · CPU %2</translation>
    </message>
    <message>
        <source>Memory of the script&apos;s process tree now, and the CPU time it has used so far (status.json)</source>
        <translation>Speicher des Prozessbaums des Skripts jetzt und die bisher verbrauchte CPU-Zeit (status.json)</translation>
    </message>
    <message>
        <source>Memory · CPU</source>
        <translation>Speicher · CPU</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Script</source>
        <translation>Skript</translation>
    </message>
    <message>
        <source>%1
Earlier runs are kept: choose one with Run in the detail pane</source>
        <translation>%1
Frühere Läufe sind aufbewahrt: einen mit Lauf im Detailbereich wählen</translation>
    </message>
</context>
<context>
    <name>TasksPanel</name>
    <message>
        <source>Search ID, script, arguments, lock holder, reason (Ctrl+F)</source>
        <translation>ID, Skript, Argumente, Sperrinhaber, Grund suchen (Strg+F)</translation>
    </message>
    <message>
        <source>Needs atte&amp;ntion</source>
        <translation>Braucht Auf&amp;merksamkeit</translation>
    </message>
    <message>
        <source>Shows only what needs attention: Failed, Timed out, Interrupted, Orphaned and Invalid tasks, with any states chosen beside it</source>
        <translation>Zeigt nur, was Aufmerksamkeit braucht: fehlgeschlagene, zeitüberschrittene, unterbrochene, verwaiste und ungültige Aufgaben, dazu die daneben gewählten Zustände</translation>
    </message>
    <message>
        <source>&amp;In state:</source>
        <translation>&amp;Zustand:</translation>
    </message>
</context>
<context>
    <name>oa::Error</name>
    <message>
        <source>The request is not valid</source>
        <translation>Die Anfrage ist ungültig</translation>
    </message>
    <message>
        <source>Another process holds it</source>
        <translation>Ein anderer Prozess hält es</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
    <message>
        <source>The task&apos;s files are not valid</source>
        <translation>Die Dateien der Aufgabe sind ungültig</translation>
    </message>
    <message>
        <source>The Python environment could not be made</source>
        <translation>Die Python-Umgebung konnte nicht angelegt werden</translation>
    </message>
    <message>
        <source>The packages could not be installed</source>
        <translation>Die Pakete konnten nicht installiert werden</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>Zeitüberschreitung</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>A resource limit was exceeded</source>
        <translation>Ein Ressourcenlimit wurde überschritten</translation>
    </message>
    <message>
        <source>A file operation failed</source>
        <translation>Eine Dateioperation ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>Internal error</source>
        <translation>Interner Fehler</translation>
    </message>
</context>
</TS>
