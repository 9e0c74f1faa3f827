<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
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
</context>
<context>
    <name>LeftoversPanel</name>
    <message>
        <source>Clean &amp;up…</source>
        <translation>&amp;Aufräumen…</translation>
    </message>
    <message>
        <source>Deletes the selected folders, or all of them when none is selected</source>
        <translation>Löscht die ausgewählten Ordner, oder alle, wenn keiner ausgewählt ist</translation>
    </message>
    <message numerus="yes">
        <source>%n folder(s), %1 in all</source>
        <translation>
            <numerusform>%n Ordner, insgesamt %1</numerusform>
            <numerusform>%n Ordner, insgesamt %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Clean up leftovers</source>
        <translation>Überbleibsel aufräumen</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n folder(s), %1 in all? No running task uses them.</source>
        <translation>
            <numerusform>%n Ordner mit insgesamt %1 löschen? Keine laufende Aufgabe verwendet ihn.</numerusform>
            <numerusform>%n Ordner mit insgesamt %1 löschen? Keine laufende Aufgabe verwendet sie.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %n folder(s).</source>
        <translation>
            <numerusform>%n Ordner gelöscht.</numerusform>
            <numerusform>%n Ordner gelöscht.</numerusform>
        </translation>
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
        <source>Remove %n cached environment(s), %1 in all? Environments that a running task uses are kept. The next run that needs packages builds its environment again.</source>
        <translation>
            <numerusform>%n zwischengespeicherte Umgebung mit insgesamt %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu.</numerusform>
            <numerusform>%n zwischengespeicherte Umgebungen mit insgesamt %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n cached environment(s).</source>
        <translation>
            <numerusform>%n zwischengespeicherte Umgebung entfernt.</numerusform>
            <numerusform>%n zwischengespeicherte Umgebungen entfernt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Kept %n in use.</source>
        <translation>
            <numerusform>%n in Verwendung behalten.</numerusform>
            <numerusform>%n in Verwendung behalten.</numerusform>
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
        <source>&amp;Force clear…</source>
        <translation>Entfernen &amp;erzwingen…</translation>
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
    <message numerus="yes">
        <source>The processes that held these locks are dead on this host. Remove %n lock(s)?</source>
        <translation>
            <numerusform>Der Prozess, der diese Sperre hielt, läuft auf diesem Rechner nicht mehr. %n Sperre entfernen?</numerusform>
            <numerusform>Die Prozesse, die diese Sperren hielten, laufen auf diesem Rechner nicht mehr. %n Sperren entfernen?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n orphaned lock(s).</source>
        <translation>
            <numerusform>%n verwaiste Sperre entfernt.</numerusform>
            <numerusform>%n verwaiste Sperren entfernt.</numerusform>
        </translation>
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
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>OpenAutomate Monitor</source>
        <translation>OpenAutomate-Monitor</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>Alle Zustände</translation>
    </message>
    <message>
        <source>Search ID, script, arguments, lock holder (Ctrl+F)</source>
        <translation>ID, Skript, Argumente, Sperrinhaber suchen (Strg+F)</translation>
    </message>
    <message>
        <source>&amp;State:</source>
        <translation>&amp;Zustand:</translation>
    </message>
    <message>
        <source>&amp;Tasks</source>
        <translation>&amp;Aufgaben</translation>
    </message>
    <message>
        <source>&amp;Locks</source>
        <translation>&amp;Sperren</translation>
    </message>
    <message>
        <source>Le&amp;ftovers</source>
        <translation>Übe&amp;rbleibsel</translation>
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
        <source>&amp;Run pending task</source>
        <translation>Wartende Aufgabe &amp;ausführen</translation>
    </message>
    <message>
        <source>Open task &amp;folder</source>
        <translation>Aufgaben&amp;ordner öffnen</translation>
    </message>
    <message>
        <source>&amp;Copy execution ID</source>
        <translation>Ausführungs-ID &amp;kopieren</translation>
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
    <message numerus="yes">
        <source>%n task(s)</source>
        <translation>
            <numerusform>%n Aufgabe</numerusform>
            <numerusform>%n Aufgaben</numerusform>
        </translation>
    </message>
    <message>
        <source>scanned in %1 ms</source>
        <translation>in %1 ms eingelesen</translation>
    </message>
    <message>
        <source>Run task</source>
        <translation>Aufgabe ausführen</translation>
    </message>
    <message>
        <source>openautomate-executor was not found next to the monitor or on PATH.</source>
        <translation>openautomate-executor wurde weder neben dem Monitor noch im PATH gefunden.</translation>
    </message>
    <message>
        <source>Could not start %1.</source>
        <translation>%1 konnte nicht gestartet werden.</translation>
    </message>
    <message>
        <source>Started %1 as PID %2.</source>
        <translation>%1 als PID %2 gestartet.</translation>
    </message>
    <message>
        <source>Copied %1.</source>
        <translation>%1 kopiert.</translation>
    </message>
    <message>
        <source>Open agent folder</source>
        <translation>Agent-Ordner öffnen</translation>
    </message>
    <message>
        <source>Ca&amp;ncel running task…</source>
        <translation>Laufende Aufgabe a&amp;bbrechen…</translation>
    </message>
    <message>
        <source>Cancel task</source>
        <translation>Aufgabe abbrechen</translation>
    </message>
    <message>
        <source>Stop %1? Its whole process tree gets a graceful stop, then a hard kill after the grace period.</source>
        <translation>%1 anhalten? Der ganze Prozessbaum wird zuerst sanft beendet, nach der Schonfrist hart.</translation>
    </message>
    <message>
        <source>Asked %1 to stop.</source>
        <translation>%1 wurde zum Anhalten aufgefordert.</translation>
    </message>
    <message numerus="yes">
        <source>environment cache: %n environment(s), %1</source>
        <translation>
            <numerusform>Umgebungs-Cache: %n Umgebung, %1</numerusform>
            <numerusform>Umgebungs-Cache: %n Umgebungen, %1</numerusform>
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
    <name>TaskDetailPane</name>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>&amp;Details</source>
        <translation>&amp;Details</translation>
    </message>
    <message>
        <source>&amp;Output</source>
        <translation>A&amp;usgabe</translation>
    </message>
    <message>
        <source>&amp;Errors</source>
        <translation>&amp;Fehler</translation>
    </message>
    <message>
        <source>E&amp;xecutor log</source>
        <translation>E&amp;xecutor-Protokoll</translation>
    </message>
    <message>
        <source>execution.json</source>
        <translation>execution.json</translation>
    </message>
    <message>
        <source>result.json</source>
        <translation>result.json</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>no result yet</source>
        <translation>noch kein Ergebnis</translation>
    </message>
    <message>
        <source>&amp;Errors (%1)</source>
        <translation>&amp;Fehler (%1)</translation>
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
        <source>Script and arguments</source>
        <translation>Skript und Argumente</translation>
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
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>PID %1 on %2, %3, as %4</source>
        <translation>PID %1 auf %2, %3, als %4</translation>
    </message>
</context>
</TS>
