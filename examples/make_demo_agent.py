"""Builds an agent folder with tasks in several states, using the real executor.

Usage: python3 make_demo_agent.py EXECUTOR AGENT_DIR
Leaves one executor running (its script sleeps for 10 minutes) and prints that executor's PID,
so that a screenshot shows a Running task; kill it when done.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

executor, agent = sys.argv[1], os.path.abspath(sys.argv[2])
shutil.rmtree(agent, ignore_errors=True)
tasks = os.path.join(agent, "Tasks")


def task(task_id, script, **extra):
    folder = os.path.join(tasks, task_id)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "main.py"), "w") as f:
        f.write(script)
    with open(os.path.join(folder, "execution.json"), "w") as f:
        json.dump({"ExecutionId": task_id, "ScriptPath": "main.py", **extra}, f, indent=2)


def run(task_id):
    subprocess.run([executor, "--base-dir", agent, task_id], stderr=subprocess.DEVNULL, check=False)


task("invoice-import-0412", "import time\nfor i in range(3):\n    print(f'imported batch {i}')\n",
     Arguments='--source "Q4 invoices.xlsx" --dry-run')
run("invoice-import-0412")
task("crm-sync-0413", "import sys\nprint('connecting to CRM')\nraise ConnectionError('CRM at crm.local:443 refused the connection')\n",
     Arguments=["--full"])
run("crm-sync-0413")
# Four runs of one ID, three of them kept (KeepRuns is 5): the run selector lists them all.
task("nightly-backup-0420",
     "import pathlib, sys\n"
     "marker = pathlib.Path(__file__).with_name('runs.txt')\n"
     "runs = int(marker.read_text()) + 1 if marker.exists() else 1\n"
     "marker.write_text(str(runs))\n"
     "print(f'backup run {runs}')\n"
     "if runs == 1:\n    sys.exit('backup target /mnt/backup is not mounted')\n"
     "if runs == 2:\n    raise PermissionError(13, 'Permission denied', '/mnt/backup/db.tar')\n"
     "if runs == 4:\n    sys.exit('nas-01 refused the upload: disk quota exceeded')\n")
for _ in range(4):
    run("nightly-backup-0420")
task("report-mail-0414", "print('sending reports')\n", Requirements=["requests>=2.28", "openpyxl"])
task("payroll-export-0415", "print(1)\n")
os.makedirs(os.path.join(tasks, "broken-0416"), exist_ok=True)
with open(os.path.join(tasks, "broken-0416", "execution.json"), "w") as f:
    f.write('{"ExecutionId": "broken-0416", ')



def wait_for_percent(task_id, percent):
    status = os.path.join(tasks, task_id, "status.json")
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with open(status) as f:
                if json.load(f).get("Percent") == percent:
                    return
        except (OSError, ValueError):
            pass
        time.sleep(0.1)


# Interrupted: an executor killed with SIGKILL while its script runs, after it reported progress.
task("stock-check-0417", "import time\nfrom openautomate import progress\n"
     "progress(40, 'warehouse B: 120 of 300 items counted')\ntime.sleep(600)\n")
p = subprocess.Popen([executor, "--base-dir", agent, "stock-check-0417"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wait_for_percent("stock-check-0417", 40)
os.kill(p.pid, signal.SIGKILL)
p.wait()

# Running elsewhere: a lock file written by another bot machine on a shared folder.
task("ledger-close-0418", "print(1)\n")
with open(os.path.join(agent, "Locks", "ledger-close-0418.lock"), "w") as f:
    f.write("2231\nopenautomate-executor\nbot-07.plant-b\nother-machine-id\nother-boot-id\n")

# Running: a live executor whose script prints progress and sleeps.
task("web-scrape-0419", "import time\nfrom openautomate import progress\nfor i in range(3):\n"
     "    print(f'page {i + 1} scraped', flush=True)\n    progress((i + 1) * 20, f'page {i + 1} of 5')\ntime.sleep(600)\n",
     TimeoutSeconds=3600)
live = subprocess.Popen([executor, "--base-dir", agent, "web-scrape-0419"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        start_new_session=True)
wait_for_percent("web-scrape-0419", 60)
print(live.pid)
