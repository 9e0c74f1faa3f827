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
    "Virtual environment": "Virtuelle Umgebung",
    "Temporary files": "Temporäre Dateien",
    "Kind": "Art",
    "Execution ID": "Ausführungs-ID",
    "Size": "Größe",
    "Folder": "Ordner",
    "Clean &up…": "&Aufräumen…",
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
    "OpenAutomate Monitor": "OpenAutomate-Monitor",
    "All states": "Alle Zustände",
    "Search ID, script, arguments, lock holder (Ctrl+F)": "ID, Skript, Argumente, Sperrinhaber suchen (Strg+F)",
    "&State:": "&Zustand:",
    "&Tasks": "&Aufgaben",
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
    "&Details": "&Details",
    "&Output": "A&usgabe",
    "&Errors": "&Fehler",
    "E&xecutor log": "E&xecutor-Protokoll",
    "execution.json": "execution.json",
    "result.json": "result.json",
    "Status": "Status",
    "no result yet": "noch kein Ergebnis",
    "&Errors (%1)": "&Fehler (%1)",
    "PID %1 on %2, %3": "PID %1 auf %2, %3",
    "PID %1 on %2, %3, as %4": "PID %1 auf %2, %3, als %4",
    "State": "Zustand",
    "Script and arguments": "Skript und Argumente",
    "Started": "Gestartet",
    "Duration": "Dauer",
    "Exit code": "Exit-Code",
    "Requirements": "Pakete",
    "Lock holder": "Sperrinhaber",
    "Progress": "Fortschritt",
    "Ca&ncel running task…": "Laufende Aufgabe a&bbrechen…",
    "Cancel task": "Aufgabe abbrechen",
    "Stop %1? Its whole process tree gets a graceful stop, then a hard kill after the grace period.":
        "%1 anhalten? Der ganze Prozessbaum wird zuerst sanft beendet, nach der Schonfrist hart.",
    "Asked %1 to stop.": "%1 wurde zum Anhalten aufgefordert.",
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
    "The executor's configuration cannot be used:\n%1": "Die Konfiguration des Executors kann nicht verwendet werden:\n%1",
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
