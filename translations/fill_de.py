"""Fills translations/openautomate-monitor_de.ts from the German table below.

Workflow: `cmake --build build --target openautomate-gui_lupdate` adds new source strings to
the .ts file; add their German text here; run `python3 translations/fill_de.py`. The test
tst_translations fails while any string is untranslated.
"""
import html
import os
import re
import sys

GERMAN = {
    # The error kinds' phrases (core/base/Error.cpp): what went wrong, before the English detail.
    "The request is not valid": "Die Anfrage ist ungültig",
    "Another process holds it": "Ein anderer Prozess hält es",
    "The task's files are not valid": "Die Dateien der Aufgabe sind ungültig",
    "The Python environment could not be made": "Die Python-Umgebung konnte nicht angelegt werden",
    "The packages could not be installed": "Die Pakete konnten nicht installiert werden",
    "Timed out": "Zeitüberschreitung",
    "A resource limit was exceeded": "Ein Ressourcenlimit wurde überschritten",
    "A file operation failed": "Eine Dateioperation ist fehlgeschlagen",
    "Internal error": "Interner Fehler",
    # Task actions (TaskActions), the banner and the window's layout.
    "Fit &columns to the window": "&Spalten an das Fenster anpassen",
    "There is no task %1 in %2.": "In %2 gibt es keine Aufgabe %1.",
    "Re-read at %1": "Neu gelesen um %1",
    "The agent folder %1 does not exist. Choose one with File › Open agent folder, or check --base-dir, "
    "OPENAUTOMATE_BOTAGENT_DIR and BaseDir in the configuration file.":
        "Der Agent-Ordner %1 existiert nicht. Wählen Sie einen mit Datei › Agent-Ordner öffnen, oder prüfen Sie --base-dir, "
        "OPENAUTOMATE_BOTAGENT_DIR und BaseDir in der Konfigurationsdatei.",
    "%1 is not a folder. Choose the agent folder with File › Open agent folder.":
        "%1 ist kein Ordner. Wählen Sie den Agent-Ordner mit Datei › Agent-Ordner öffnen.",
    "%1 cannot be read: %2. The monitor shows nothing of it.": "%1 kann nicht gelesen werden: %2. Der Monitor zeigt nichts davon.",
    "&Run task…": "Aufgabe &ausführen…",
    "Run &again…": "&Erneut ausführen…",
    "Runs this task again; its last run's logs and result move to previous/":
        "Führt diese Aufgabe erneut aus; Protokolle und Ergebnis des letzten Laufs wandern nach previous/",
    "Runs this pending task with the agent's configuration": "Führt diese wartende Aufgabe mit der Konfiguration des Agenten aus",
    "none found: python3 and python are not on PATH": "keiner gefunden: python3 und python sind nicht im PATH",
    "%1 (found on PATH)": "%1 (im PATH gefunden)",
    "Offered to tasks that ask for a version: %1": "Angeboten für Aufgaben, die eine Version verlangen: %1",
    "Run %1 again? Its last run's logs and result move to %2, replacing the run before it.":
        "%1 erneut ausführen? Protokolle und Ergebnis des letzten Laufs wandern nach %2 und ersetzen den Lauf davor.",
    "Run %1 now?": "%1 jetzt ausführen?",
    "Executor: %1": "Executor: %1",
    "not found next to the monitor or on PATH": "weder neben dem Monitor noch im PATH gefunden",
    "Interpreter: %1": "Interpreter: %1",
    "Agent folder: %1": "Agent-Ordner: %1",
    "Configuration file: %1": "Konfigurationsdatei: %1",
    "none (built-in defaults)": "keine (eingebaute Vorgaben)",
    "Task code runs as: %1": "Aufgabencode läuft als: %1",
    "Run again": "Erneut ausführen",
    "Run task": "Aufgabe ausführen",
    "openautomate-executor was not found next to the monitor (%1) or on PATH.":
        "openautomate-executor wurde weder neben dem Monitor (%1) noch im PATH gefunden.",
    "Could not start %1 in %2: %3": "%1 konnte in %2 nicht gestartet werden: %3",
    "Stop task": "Aufgabe anhalten",
    # What a BackgroundJob is doing, in the status bar until its result replaces it.
    "Starting %1…": "%1 wird gestartet…",
    "Asking %1 to stop…": "%1 wird zum Anhalten aufgefordert…",
    "Clearing %n orphaned lock(s)…": ("%n verwaiste Sperre wird entfernt…", "%n verwaiste Sperren werden entfernt…"),
    "Removing the lock of %1…": "Die Sperre von %1 wird entfernt…",
    "Open task folder": "Aufgabenordner öffnen",
    "No file manager could open %1. Its path is on the clipboard.":
        "Kein Dateimanager konnte %1 öffnen. Der Pfad liegt in der Zwischenablage.",
    # The detail pane's run selector (TaskDetailPane), the table's mark for earlier runs, and
    # the details that say why (TaskDetailRows).
    "&Run:": "&Lauf:",
    "The last run and the earlier runs the task folder keeps (KeepRuns): choose one to read its details and logs":
        "Der letzte Lauf und die früheren, die der Aufgabenordner laut Konfiguration aufbewahrt: einen wählen, um seine Details und Protokolle zu lesen",
    "Last run": "Letzter Lauf",
    "Last run · %1": "Letzter Lauf · %1",
    "start unknown": "Start unbekannt",
    "no result": "kein Ergebnis",
    "The last run, in the task folder": "Der letzte Lauf, im Aufgabenordner",
    "Kept run %1, in %2": "Aufbewahrter Lauf %1, in %2",
    "%1\nEarlier runs are kept: choose one with Run in the detail pane":
        "%1\nFrühere Läufe sind aufbewahrt: einen mit Lauf im Detailbereich wählen",
    "Got as far as stage": "Kam bis zur Phase",
    "Last sign of life": "Letztes Lebenszeichen",
    "an unknown time": "einem unbekannten Zeitpunkt",
    "What happened": "Was geschah",
    "Why it is invalid": "Warum sie ungültig ist",
    "The executor (PID %1) ended without writing a result, in stage %2; its last status update was at %3. "
    "The run did not finish: run it again.":
        "Der Executor (PID %1) endete ohne ein Ergebnis zu schreiben, in der Phase %2; sein letzter Status stammt von %3. "
        "Der Lauf wurde nicht beendet: erneut ausführen.",
    "Virtual environment": "Virtuelle Umgebung",
    "Temporary files": "Temporäre Dateien",
    "Kind": "Art",
    "Execution ID": "Ausführungs-ID",
    "Size": "Größe",
    "Folder": "Ordner",
    "Clean &up…": "Aufrä&umen…",
    "Deletes the selected folders, or all of them when none is selected":
        "Löscht die ausgewählten Ordner, oder alle, wenn keiner ausgewählt ist",
    "%n folder(s), %1 in all": ("%n Ordner, insgesamt %1", "%n Ordner, insgesamt %1"),
    "Clean up leftovers": "Überbleibsel aufräumen",
    "Delete %n folder(s), %1 in all? No running task uses them.":
        ("%n Ordner mit insgesamt %1 löschen? Keine laufende Aufgabe verwendet ihn.",
         "%n Ordner mit insgesamt %1 löschen? Keine laufende Aufgabe verwendet sie."),
    "Deleted %n folder(s).": ("%n Ordner gelöscht.", "%n Ordner gelöscht."),
    "Not deleted: %1": "Nicht gelöscht: %1",
    "Clear environment &cache…": "Umgebungs-&Cache leeren…",
    "Removes every cached environment that no running task uses; its files are immutable, so rm -rf cannot remove them":
        "Entfernt jede zwischengespeicherte Umgebung, die keine laufende Aufgabe verwendet; ihre Dateien sind unveränderlich, "
        "daher kann rm -rf sie nicht entfernen",
    "Clear environment cache": "Umgebungs-Cache leeren",
    "Remove %n cached environment(s), %1 in all? Environments that a running task uses are kept. "
    "The next run that needs packages builds its environment again.":
        ("%n zwischengespeicherte Umgebung mit insgesamt %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, "
         "bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu.",
         "%n zwischengespeicherte Umgebungen mit insgesamt %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, "
         "bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu."),
    "Removed %n cached environment(s).": ("%n zwischengespeicherte Umgebung entfernt.", "%n zwischengespeicherte Umgebungen entfernt."),
    "Kept %n in use.": ("%n in Verwendung behalten.", "%n in Verwendung behalten."),
    "Deleting %1 of %2: %3…": "Lösche %1 von %2: %3…",
    "Clearing the environment cache %1…": "Leere den Umgebungs-Cache %1…",
    "Verdict": "Befund",
    "PID": "PID",
    "Host": "Rechner",
    "Process": "Prozess",
    "Age": "Alter",
    "Locked since": "Gesperrt seit",
    "&Clear orphaned locks…": "Verwaiste Sperren &entfernen…",
    "Removes locks whose process is dead on this host; the selected ones, or all when none is selected":
        "Entfernt Sperren, deren Prozess auf diesem Rechner nicht mehr läuft; die ausgewählten, oder alle, wenn keine ausgewählt ist",
    "&Force clear…": "Entfernen &erzwingen…",
    "Removes the selected lock from another host or an unreadable lock":
        "Entfernt die ausgewählte Sperre eines anderen Rechners oder eine unlesbare Sperre",
    "• %1 (PID %2, locked %3 ago)": "• %1 (PID %2, gesperrt vor %3)",
    "Clear orphaned locks": "Verwaiste Sperren entfernen",
    "The processes that held these locks are dead on this host. Remove %n lock(s)?":
        ("Der Prozess, der diese Sperre hielt, läuft auf diesem Rechner nicht mehr. %n Sperre entfernen?",
         "Die Prozesse, die diese Sperren hielten, laufen auf diesem Rechner nicht mehr. %n Sperren entfernen?"),
    "Removed %n orphaned lock(s).": ("%n verwaiste Sperre entfernt.", "%n verwaiste Sperren entfernt."),
    "Not removed: %1": "Nicht entfernt: %1",
    'The lock of %1 was taken by PID %2 on the host "%3" %4 ago. This machine cannot tell whether that executor still runs. If it does, removing the lock lets the same execution start a second time.':
        'Die Sperre von %1 wurde vor %4 von PID %2 auf dem Rechner „%3“ gesetzt. Dieser Rechner kann nicht erkennen, ob dieser Executor noch läuft. Falls ja, kann dieselbe Ausführung nach dem Entfernen ein zweites Mal starten.',
    "The lock file of %1 cannot be read, so nobody can tell who holds it. If an executor still runs it, removing the lock lets the same execution start a second time.":
        "Die Sperrdatei von %1 ist nicht lesbar, daher lässt sich nicht sagen, wer sie hält. Falls ein Executor sie noch hält, kann dieselbe Ausführung nach dem Entfernen ein zweites Mal starten.",
    "Force-clear a lock": "Sperre zwangsweise entfernen",
    "Remove this lock anyway?": "Diese Sperre trotzdem entfernen?",
    "Removed the lock of %1.": "Die Sperre von %1 wurde entfernt.",
    "Load earlier": "Früheres laden",
    "Only the end of a large log is loaded at first": "Von einem großen Protokoll wird zuerst nur das Ende geladen",
    "No log": "Kein Protokoll",
    "%1 (not written yet)": "%1 (noch nicht geschrieben)",
    "%1: showing the last %2 of %3": "%1: die letzten %2 von %3",
    "%1 (%2)": "%1 (%2)",
    "%1: paged back, showing %2 of %3; new lines are not followed": "%1: zurückgeblättert, %2 von %3 angezeigt; neuen Zeilen wird nicht gefolgt",
    "All lines": "Alle Zeilen",
    "Warnings and errors": "Warnungen und Fehler",
    "Errors only": "Nur Fehler",
    "Which lines to show: errors are ERROR and CRITICAL lines and whole tracebacks":
        "Welche Zeilen angezeigt werden: Fehler sind ERROR- und CRITICAL-Zeilen und ganze Tracebacks",
    "Back to the end": "Zurück zum Ende",
    "Show the end of the log again and follow new lines": "Das Ende des Protokolls wieder anzeigen und neuen Zeilen folgen",
    "Find in log": "Im Protokoll suchen",
    "Previous": "Vorheriger",
    "Next": "Nächster",
    "Previous match (%1)": "Vorheriger Treffer (%1)",
    "Next match (%1)": "Nächster Treffer (%1)",
    "Close (%1)": "Schließen (%1)",
    "Not found": "Nicht gefunden",
    "More than %1 matches": "Mehr als %1 Treffer",
    "%1 of %2": "%1 von %2",
    "1 match": "1 Treffer",
    "%1 matches": "%1 Treffer",
    "%1, wrapped around": "%1, Suche am anderen Ende fortgesetzt",
    "std&out": "std&out",
    "std&err": "std&err",
    "&pip.log": "&pip.log",
    "output.log: what the script wrote to its standard output": "output.log: was das Skript auf seine Standardausgabe geschrieben hat",
    "error.log: what the script wrote to its standard error. Python's logging writes every level here, "
    "so only ERROR and CRITICAL lines and tracebacks count as problems":
        "error.log: was das Skript auf seine Standardfehlerausgabe geschrieben hat. Pythons logging schreibt jede Stufe hierher, "
        "daher zählen nur ERROR- und CRITICAL-Zeilen und Tracebacks als Probleme",
    "pip.log: pip's output while it installed the requirements": "pip.log: die Ausgabe von pip beim Installieren der Pakete",
    "executor.log: the executor's own log; its warnings and errors count as problems":
        "executor.log: das eigene Protokoll des Executors; seine Warnungen und Fehler zählen als Probleme",
    "%1 (1 problem)": "%1 (1 Problem)",
    "%1 (%2 problems)": "%1 (%2 Probleme)",
    "OpenAutomate Monitor": "OpenAutomate-Monitor",
    "All states": "Alle Zustände",
    "Search ID, script, arguments, lock holder, reason (Ctrl+F)": "ID, Skript, Argumente, Sperrinhaber, Grund suchen (Strg+F)",
    "&State:": "&Zustand:",
    "&Tasks": "Aufga&ben",
    "&Locks": "&Sperren",
    "Le&ftovers": "Übe&rbleibsel",
    "&File": "&Datei",
    "&Open agent folder…": "Agent-Ordner ö&ffnen…",
    "&Recent agent folders": "&Zuletzt geöffnete Agent-Ordner",
    "&Quit": "&Beenden",
    "T&ask": "Auf&gabe",
    "&Run pending task": "Wartende Aufgabe &ausführen",
    "Open task &folder": "Aufgaben&ordner öffnen",
    "&Copy execution ID": "Ausführungs-ID &kopieren",
    "Re-read &now": "&Jetzt neu einlesen",
    "&Find…": "&Suchen…",
    "&View": "&Ansicht",
    "Actions": "Aktionen",
    "OpenAutomate Monitor — %1": "OpenAutomate-Monitor — %1",
    # What needs attention (AttentionMonitor): the window title's count, the tray, the filter.
    "OpenAutomate Monitor — %1 — %2": "OpenAutomate-Monitor — %1 — %2",
    "%n needs attention": ("%n benötigt Aufmerksamkeit", "%n benötigen Aufmerksamkeit"),
    "%n need attention": ("%n benötigt Aufmerksamkeit", "%n benötigen Aufmerksamkeit"),
    "Needs attention": "Braucht Aufmerksamkeit",
    "%n task(s)": ("%n Aufgabe", "%n Aufgaben"),
    "scanned in %1 ms": "in %1 ms eingelesen",
    "Run task": "Aufgabe ausführen",
    "openautomate-executor was not found next to the monitor or on PATH.":
        "openautomate-executor wurde weder neben dem Monitor noch im PATH gefunden.",
    "Could not start %1.": "%1 konnte nicht gestartet werden.",
    "Started %1 as PID %2.": "%1 als PID %2 gestartet.",
    "Copied %1.": "%1 kopiert.",
    "Open agent folder": "Agent-Ordner öffnen",
    "Pending": "Wartend",
    "Running": "Läuft",
    "Orphaned": "Verwaist",
    "Running elsewhere": "Läuft anderswo",
    "Succeeded": "Erfolgreich",
    "Failed": "Fehlgeschlagen",
    "Timed out": "Zeitüberschreitung",
    "Cancelled": "Abgebrochen",
    "Invalid": "Ungültig",
    "Interrupted": "Unterbrochen",
    "Live": "Aktiv",
    "Other host": "Anderer Rechner",
    "Unreadable": "Unlesbar",
    "%1 s": "%1 s",
    "%1 min": "%1 min",
    "%1 h": "%1 h",
    "%1 d": "%1 T",
    "Field": "Feld",
    "Value": "Wert",
    "&Details": "De&tails",
    "E&xecutor log": "E&xecutor-Protokoll",
    "execution.json": "execution.json",
    "result.json": "result.json",
    "Status": "Status",
    "no result yet": "noch kein Ergebnis",
    "PID %1 on %2, %3": "PID %1 auf %2, %3",
    "PID %1 on %2, %3, as %4": "PID %1 auf %2, %3, als %4",
    "State": "Zustand",
    "Script and arguments": "Skript und Argumente",
    "Script": "Skript",
    "Started": "Gestartet",
    "Duration": "Dauer",
    "Exit code": "Exit-Code",
    "Requirements": "Pakete",
    "Lock holder": "Sperrinhaber",
    "Reason": "Grund",
    "Progress": "Fortschritt",
    "Ca&ncel running task…": "Laufende Aufgabe a&bbrechen…",
    "Cancel task": "Aufgabe abbrechen",
    "Stop %1? Its whole process tree gets a graceful stop, then a hard kill after the grace period.":
        "%1 anhalten? Der ganze Prozessbaum wird zuerst sanft beendet, nach der Schonfrist hart.",
    "Asked %1 to stop.": "%1 wurde zum Anhalten aufgefordert.",
    # The store of distributions in the status line (a count after the cache's size).
    "%n distribution": ("%n Distribution", "%n Distributionen"),
    "%n distributions": ("%n Distribution", "%n Distributionen"),
    "environment cache: %n environment(s), %1": ("Umgebungs-Cache: %n Umgebung, %1", "Umgebungs-Cache: %n Umgebungen, %1"),
    "Stage": "Phase",
    "&Configuration…": "&Konfiguration…",
    "Configuration": "Konfiguration",
    "The settings a task run from this monitor gets, and where each came from: the command line, an environment variable, a line of the file, or the built-in default.":
        "Die Einstellungen, mit denen eine von diesem Monitor gestartete Aufgabe läuft, und woher jede stammt: von der Befehlszeile, aus einer Umgebungsvariablen, aus einer Zeile der Datei oder aus der eingebauten Voreinstellung.",
    "Setting": "Einstellung",
    "Value": "Wert",
    "Source": "Quelle",
    "chosen in the monitor": "im Monitor gewählt",
    "No configuration file: %1 is not present, so the built-in defaults apply.":
        "Keine Konfigurationsdatei: %1 ist nicht vorhanden, daher gelten die eingebauten Voreinstellungen.",
    "Configuration file: %1 (%2)": "Konfigurationsdatei: %1 (%2)",
    "Configuration: built-in defaults": "Konfiguration: eingebaute Voreinstellungen",
    "Configuration: %1": "Konfiguration: %1",
    "default": "Voreinstellung",
    "file:%1": "Datei:%1",
    "env %1": "Umgebung %1",
    "command line": "Befehlszeile",
    # The scanner's words about a task (core/tasks/TaskScanner.cpp).
    "the executor (PID %1) ended without a result in stage %2; its last update was at %3":
        "der Executor (PID %1) endete ohne Ergebnis in der Phase %2; seine letzte Meldung war um %3",
    "the task folder is a symbolic link; the executor refuses to run it":
        "der Aufgabenordner ist ein symbolischer Link; der Executor führt ihn nicht aus",
    "missing": "fehlt",
    "cannot read: %1": "nicht lesbar: %1",
    "not a JSON object: %1": "kein JSON-Objekt: %1",
    "another JSON value": "ein anderer JSON-Wert",
    "The executor's configuration cannot be used:\n%1": "Die Konfiguration des Executors kann nicht verwendet werden:\n%1",
    # The detail pane (core/tasks/TaskDetailRows.cpp and gui/TaskDetailsView.cpp), the chart and the columns.
    "Memory and CPU appear here while the selected task runs.": "Speicher und CPU erscheinen hier, während die ausgewählte Aufgabe läuft.",
    "Memory %1 (max %2)": "Speicher %1 (max. %2)",
    "CPU %1 % of one core, %2 in all": "CPU %1 % eines Kerns, %2 insgesamt",
    "%1: %2 (%3 ms)": "%1: %2 (%3 ms)",
    "Failed: the script exited with an error": "Fehlgeschlagen: das Skript endete mit einem Fehler",
    "Failed: the task is not valid": "Fehlgeschlagen: die Aufgabe ist ungültig",
    "Failed: no Python environment": "Fehlgeschlagen: keine Python-Umgebung",
    "Failed: packages could not be installed": "Fehlgeschlagen: Pakete konnten nicht installiert werden",
    "Stopped: a resource limit was exceeded": "Gestoppt: ein Ressourcenlimit wurde überschritten",
    "Failed: internal error of the executor": "Fehlgeschlagen: interner Fehler des Executors",
    "Lock": "Sperre",
    "Read": "Lesen",
    "Validate": "Prüfen",
    "Environment": "Umgebung",
    "Run": "Ausführung",
    "Cleanup": "Aufräumen",
    "Outcome": "Ergebnis",
    "Message": "Meldung",
    "(the script was killed by signal %1)": "(das Skript wurde durch Signal %1 beendet)",
    "(the script's own: %1)": "(vom Skript selbst: %1)",
    "Ended in stage": "Endete in Phase",
    "%1 ms": "%1 ms",
    "Running for": "Läuft seit",
    "Last error (stderr)": "Letzter Fehler (stderr)",
    "Last error": "Letzter Fehler",
    "Stage timings": "Dauer der Phasen",
    "Interpreter": "Interpreter",
    "Python %1 (%2)": "Python %1 (%2)",
    "Dependency source": "Quelle der Abhängigkeiten",
    "none": "keine",
    "Installed packages (%n)": ("Installierte Pakete (%n)", "Installierte Pakete (%n)"),
    "Provenance": "Herkunft",
    "Provenance (%n)": ("Herkunft (%n)", "Herkunft (%n)"),
    "not recorded: %1": "nicht erfasst: %1",
    "%1 · %2 · sha256 %3 · from %4": "%1 · %2 · sha256 %3 · aus %4",
    "unknown": "unbekannt",
    "%n update(s)": ("%n Aktualisierung", "%n Aktualisierungen"),
    "%n unreadable line(s) ignored": ("%n unlesbare Zeile ignoriert", "%n unlesbare Zeilen ignoriert"),
    "Memory now": "Speicher jetzt",
    "%1 bytes": "%1 Bytes",
    "Peak memory": "Höchster Speicherbedarf",
    "CPU time": "CPU-Zeit",
    "uid %1, gid %2": "UID %1, GID %2",
    "Ran as": "Lief als",
    "%1 (%2), the executor's own user: no run-as user is configured":
        "%1 (%2), der eigene Benutzer des Executors: kein Ausführungsbenutzer konfiguriert",
    "Runs as": "Läuft als",
    "Environment cache": "Umgebungs-Cache",
    "reused a cached environment": "eine zwischengespeicherte Umgebung wiederverwendet",
    "built a new cached environment": "eine neue zwischengespeicherte Umgebung gebaut",
    "entry %1, key %2": "Eintrag %1, Schlüssel %2",
    "not used (UseEnvironmentCache is false)": "nicht verwendet (UseEnvironmentCache ist false)",
    "timeout %1": "Zeitlimit %1",
    "memory %1": "Speicher %1",
    "CPU %1": "CPU %1",
    "Limits": "Limits",
    "Warnings (%n)": ("Warnungen (%n)", "Warnungen (%n)"),
    "Still alive after the stop": "Nach dem Stoppen noch am Leben",
    "PID %1": "PID %1",
    "Machine": "Rechner",
    "%1, executor %2": "%1, Executor %2",
    "Ra&w JSON": "Roh-&JSON",
    "Show execution.json and result.json as they are on disk": "execution.json und result.json so zeigen, wie sie auf der Platte stehen",
    "Memory and CPU while selected": "Speicher und CPU, solange ausgewählt",
    "(none yet)": "(noch keine)",
    "No packages: the script runs with the interpreter's standard library.":
        "Keine Pakete: das Skript läuft mit der Standardbibliothek des Interpreters.",
    "From %1": "Aus %1",
    "The packages are read when the task runs.": "Die Pakete werden gelesen, wenn die Aufgabe läuft.",
    "no packages": "keine Pakete",
    "%1 · CPU %2": "%1 · CPU %2",
    "Memory of the script's process tree now, and the CPU time it has used so far (status.json)":
        "Speicher des Prozessbaums des Skripts jetzt und die bisher verbrauchte CPU-Zeit (status.json)",
    "Memory · CPU": "Speicher · CPU",
    # Issue 23 (times, names, filters, leftovers): the state filter, one verb for cancelling,
    # mnemonics that never collide (tst_mnemonics), plurals with a singular of their own.
    "Needs atte&ntion": "Braucht Auf&merksamkeit",
    "Shows only what needs attention: Failed, Timed out, Interrupted, Orphaned and Invalid tasks, "
    "with any states chosen beside it":
        "Zeigt nur, was Aufmerksamkeit braucht: fehlgeschlagene, zeitüberschrittene, unterbrochene, verwaiste und ungültige "
        "Aufgaben, dazu die daneben gewählten Zustände",
    "&In state:": "&Zustand:",
    "%n states": ("%n Zustand", "%n Zustände"),
    "Shows tasks in every state; choose states to show only those":
        "Zeigt Aufgaben in jedem Zustand; wählen Sie Zustände, um nur diese zu zeigen",
    "Shows tasks that are %1": "Zeigt Aufgaben im Zustand %1",
    "Loc&ks": "Sperre&n",
    "Leftover&s": "Überble&ibsel",
    "&Fit columns to the window": "&Spalten an das Fenster anpassen",
    "&Open task folder": "Aufgaben&ordner öffnen",
    "Cancel tas&k…": "Aufgabe a&bbrechen…",
    "Cancels the running task: its whole process tree gets a graceful stop, then a hard kill after the grace period; "
    "the run ends as Cancelled":
        "Bricht die laufende Aufgabe ab: ihr ganzer Prozessbaum wird erst sanft beendet, nach der Karenzzeit hart; "
        "der Lauf endet als Abgebrochen",
    "Keep running": "Weiterlaufen lassen",
    "Cancel %1? Its whole process tree gets a graceful stop, then a hard kill after the grace period.":
        "%1 abbrechen? Ihr ganzer Prozessbaum wird erst sanft beendet, nach der Karenzzeit hart.",
    "Asking %1 to cancel…": "%1 wird zum Abbrechen aufgefordert…",
    "Asked %1 to cancel.": "%1 wurde zum Abbrechen aufgefordert.",
    "F&orce clear…": "Entfernen er&zwingen…",
    "The process that held this lock is dead on this host. Remove %n lock?":
        ("Der Prozess, der diese Sperre hielt, läuft auf diesem Rechner nicht mehr. %n Sperre entfernen?",
         "Die Prozesse, die diese Sperren hielten, laufen auf diesem Rechner nicht mehr. %n Sperren entfernen?"),
    "The processes that held these locks are dead on this host. Remove %n locks?":
        ("Der Prozess, der diese Sperre hielt, läuft auf diesem Rechner nicht mehr. %n Sperre entfernen?",
         "Die Prozesse, die diese Sperren hielten, laufen auf diesem Rechner nicht mehr. %n Sperren entfernen?"),
    "Clearing %n orphaned lock…": ("%n verwaiste Sperre wird entfernt…", "%n verwaiste Sperren werden entfernt…"),
    "Clearing %n orphaned locks…": ("%n verwaiste Sperre wird entfernt…", "%n verwaiste Sperren werden entfernt…"),
    "Removed %n orphaned lock.": ("%n verwaiste Sperre entfernt.", "%n verwaiste Sperren entfernt."),
    "Removed %n orphaned locks.": ("%n verwaiste Sperre entfernt.", "%n verwaiste Sperren entfernt."),
    "%n task": ("%n Aufgabe", "%n Aufgaben"),
    "%n tasks": ("%n Aufgabe", "%n Aufgaben"),
    "environment cache: %n environment, %1": ("Umgebungs-Cache: %n Umgebung, %1", "Umgebungs-Cache: %n Umgebungen, %1"),
    "environment cache: %n environments, %1": ("Umgebungs-Cache: %n Umgebung, %1", "Umgebungs-Cache: %n Umgebungen, %1"),
    "%n folder to clean up, %1": ("%n Ordner zum Aufräumen, %1", "%n Ordner zum Aufräumen, insgesamt %1"),
    "%n folders to clean up, %1 in all": ("%n Ordner zum Aufräumen, %1", "%n Ordner zum Aufräumen, insgesamt %1"),
    "%n folder held by a dead lock: clear the lock first":
        ("%n Ordner von einer toten Sperre gehalten: erst die Sperre entfernen",
         "%n Ordner von toten Sperren gehalten: erst die Sperren entfernen"),
    "%n folders held by dead locks: clear the locks first":
        ("%n Ordner von einer toten Sperre gehalten: erst die Sperre entfernen",
         "%n Ordner von toten Sperren gehalten: erst die Sperren entfernen"),
    "%n in use by a running task": ("%n von einer laufenden Aufgabe belegt", "%n von laufenden Aufgaben belegt"),
    "%n in use by running tasks": ("%n von einer laufenden Aufgabe belegt", "%n von laufenden Aufgaben belegt"),
    "%n held by another host's or an unreadable lock":
        ("%n von der Sperre eines anderen Rechners oder einer unlesbaren Sperre gehalten",
         "%n von Sperren anderer Rechner oder unlesbaren Sperren gehalten"),
    "%n held by other hosts' or unreadable locks":
        ("%n von der Sperre eines anderen Rechners oder einer unlesbaren Sperre gehalten",
         "%n von Sperren anderer Rechner oder unlesbaren Sperren gehalten"),
    "Delete %n folder, %1? No running task uses it.":
        ("%n Ordner mit %1 löschen? Keine laufende Aufgabe verwendet ihn.", "%n Ordner mit insgesamt %1 löschen? Keine laufende Aufgabe verwendet sie."),
    "Delete %n folders, %1 in all? No running task uses them.":
        ("%n Ordner mit %1 löschen? Keine laufende Aufgabe verwendet ihn.", "%n Ordner mit insgesamt %1 löschen? Keine laufende Aufgabe verwendet sie."),
    "Remove %n cached environment, %1? Environments that a running task uses are kept. "
    "The next run that needs packages builds its environment again.":
        ("%n zwischengespeicherte Umgebung mit %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, bleiben erhalten. "
         "Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu.",
         "%n zwischengespeicherte Umgebungen mit insgesamt %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, "
         "bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu."),
    "Remove %n cached environments, %1 in all? Environments that a running task uses are kept. "
    "The next run that needs packages builds its environment again.":
        ("%n zwischengespeicherte Umgebung mit %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, bleiben erhalten. "
         "Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu.",
         "%n zwischengespeicherte Umgebungen mit insgesamt %1 entfernen? Umgebungen, die eine laufende Aufgabe verwendet, "
         "bleiben erhalten. Der nächste Lauf, der Pakete braucht, baut seine Umgebung neu."),
    "Remove %n stored distribution, %1? Distributions that a running task uses are kept.":
        ("%n gespeicherte Distribution mit %1 entfernen? Distributionen, die eine laufende Aufgabe verwendet, bleiben erhalten.",
         "%n gespeicherte Distributionen mit insgesamt %1 entfernen? Distributionen, die eine laufende Aufgabe verwendet, bleiben erhalten."),
    "Remove %n stored distributions, %1 in all? Distributions that a running task uses are kept.":
        ("%n gespeicherte Distribution mit %1 entfernen? Distributionen, die eine laufende Aufgabe verwendet, bleiben erhalten.",
         "%n gespeicherte Distributionen mit insgesamt %1 entfernen? Distributionen, die eine laufende Aufgabe verwendet, bleiben erhalten."),
    "%1: %2": "%1: %2",
    "%1: %2 · %3": "%1: %2 · %3",
    "Deleted %n folder.": ("%n Ordner gelöscht.", "%n Ordner gelöscht."),
    "Deleted %n folders.": ("%n Ordner gelöscht.", "%n Ordner gelöscht."),
    "Removed %n cached environment.": ("%n zwischengespeicherte Umgebung entfernt.", "%n zwischengespeicherte Umgebungen entfernt."),
    "Removed %n cached environments.": ("%n zwischengespeicherte Umgebung entfernt.", "%n zwischengespeicherte Umgebungen entfernt."),
    "%n update": ("%n Aktualisierung", "%n Aktualisierungen"),
    "%n updates": ("%n Aktualisierung", "%n Aktualisierungen"),
    "%n unreadable line ignored": ("%n unlesbare Zeile ignoriert", "%n unlesbare Zeilen ignoriert"),
    "%n unreadable lines ignored": ("%n unlesbare Zeile ignoriert", "%n unlesbare Zeilen ignoriert"),
    "Held by": "Gehalten von",
    "a lock": "einer Sperre",
    "a running task": "einer laufenden Aufgabe",
    "a dead lock: clear it first": "einer toten Sperre: erst entfernen",
    "another host's lock": "der Sperre eines anderen Rechners",
    "an unreadable lock": "einer unlesbaren Sperre",
    "Last changed %1": "Zuletzt geändert %1",
    "A lock for %1 exists, so the cleanup leaves this folder alone":
        "Für %1 gibt es eine Sperre, darum lässt das Aufräumen diesen Ordner in Ruhe",
}


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openautomate-monitor_de.ts")
    text = open(path, encoding="utf-8").read()
    missing = []

    def fill(match):
        opening, source_xml, rest = match.group(1), match.group(2), match.group(3)
        source = html.unescape(source_xml)
        german = GERMAN.get(source)
        if german is None:
            missing.append(source)
            return match.group(0)
        numerus = 'numerus="yes"' in opening
        if numerus:
            forms = german if isinstance(german, tuple) else (german, german)
            body = "".join(f"\n            <numerusform>{html.escape(f, quote=False)}</numerusform>" for f in forms)
            translation = f"<translation>{body}\n        </translation>"
        else:
            translation = f"<translation>{html.escape(german, quote=False)}</translation>"
        return f"{opening}<source>{source_xml}</source>{rest}{translation}"

    text = re.sub(r"(<message[^>]*>\s*)<source>(.*?)</source>(\s*(?:<comment>.*?</comment>\s*)?)<translation[^>]*?(?:/>|>.*?</translation>)",
                  fill, text, flags=re.S)
    open(path, "w", encoding="utf-8").write(text)
    if missing:
        print("no German text for:", *missing, sep="\n  ", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
