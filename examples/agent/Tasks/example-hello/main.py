"""The bundled example automation: reads its arguments, writes a report, and prints a summary."""
import argparse
import json
import os
import platform
import sys
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("--greeting", default="Hello")
parser.add_argument("--count", type=int, default=1)
args = parser.parse_args()

for i in range(args.count):
    print(f"{args.greeting} #{i + 1}")

report = {
    "execution_id": os.environ.get("OPENAUTOMATE_EXECUTION_ID"),
    "python": sys.executable,
    "version": platform.python_version(),
    "in_venv": sys.prefix != sys.base_prefix,
    "temp_dir": tempfile.gettempdir(),
}
with open("report.json", "w", encoding="utf-8") as f:
    json.dump(report, f, indent=2)
print("report written to", os.path.join(os.getcwd(), "report.json"))
print("this line goes to error.log", file=sys.stderr)
