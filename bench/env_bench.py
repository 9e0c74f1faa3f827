"""Environment benchmark: how fast the executor gets a real workload's packages, against the
naive way and against the floor, measured in one run on one machine.

Usage: python3 env_bench.py EXECUTOR WHEELHOUSE [--python /usr/bin/python3] [--runs N]

Workload: pandas==1.5.3, requests and openpyxl from WHEELHOUSE (offline, pip --no-index), and a
script that writes and reads an .xlsx with pandas. Scenarios, medians of N runs each:
  seed-naive   python -m venv (with pip), pip install, run: what a naive executor does
  own-venv     the executor with no cache (--no-env-cache): its own venv, pip unpacked into it
  cold         the executor with an empty environment cache
  warm         the executor with the environment already cached
  floor        the script run directly by a ready venv's python
  hello        the executor on a task without requirements, against bare `python script.py`
It also times three ways to give a venv the cached packages (.pth, hardlinks, a full copy).
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

WORKLOAD = ["pandas==1.5.3", "requests", "openpyxl"]
SCRIPT = """import os, tempfile
import pandas as pd, openpyxl, requests
df = pd.DataFrame({"invoice": range(500), "amount": [i * 1.25 for i in range(500)]})
path = os.path.join(tempfile.gettempdir(), "invoices.xlsx")
df.to_excel(path, index=False)
back = pd.read_excel(path)
assert len(back) == 500 and abs(back["amount"].sum() - df["amount"].sum()) < 1e-6
print("ok", len(back))
"""


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(cmd, env=None, **kw):
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r


def median(samples):
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("executor")
    ap.add_argument("wheelhouse")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    python = os.path.realpath(shutil.which(args.python) or args.python)
    runs = args.runs

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "OPENAUTOMATE_"))}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=os.path.abspath(args.wheelhouse), PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_CONFIG_FILE="/dev/null")
    work = tempfile.mkdtemp(prefix="oa-env-bench-")
    script = os.path.join(work, "workload.py")
    with open(script, "w") as f:
        f.write(SCRIPT)
    counter = [0]

    def task(agent, requirements, source=SCRIPT):
        counter[0] += 1
        tid = f"bench-{counter[0]}"
        folder = os.path.join(agent, "Tasks", tid)
        os.makedirs(folder)
        with open(os.path.join(folder, "main.py"), "w") as f:
            f.write(source)
        with open(os.path.join(folder, "execution.json"), "w") as f:
            json.dump({"ExecutionId": tid, "ScriptPath": "main.py", "Requirements": requirements}, f)
        return tid

    def executor(agent, tid, *extra):
        run([args.executor, "--base-dir", agent, "--python", python, *extra, tid], env=env)

    def drop_cache(agent):
        # The cache's entries are immutable: the executor's own prune lifts that and deletes them.
        subprocess.run([args.executor, "--base-dir", agent, "--prune-env-cache", "--env-cache-max-size", "1"],
                       env=env, stdout=subprocess.DEVNULL)
        shutil.rmtree(agent, ignore_errors=True)

    results = {}
    # 1. seed-naive
    samples = []
    for i in range(runs):
        venv = os.path.join(work, f"naive-{i}")
        samples.append(timed(lambda: (run([python, "-m", "venv", venv], env=env),
                                      run([f"{venv}/bin/python", "-m", "pip", "install", *WORKLOAD], env=env),
                                      run([f"{venv}/bin/python", script], env=env))))
    results["seed-naive"] = median(samples)
    floor_venv = os.path.join(work, "naive-0")

    # 1b. own-venv: the executor's own venv, no cache (pip unpacked from the bundled wheel, not
    #     installed by ensurepip): the same work as seed-naive, through the executor
    samples = []
    for i in range(runs):
        agent = os.path.join(work, f"own-{i}")
        tid = task(agent, WORKLOAD)
        samples.append(timed(lambda: executor(agent, tid, "--no-env-cache")))
        shutil.rmtree(agent, ignore_errors=True)
    results["own-venv"] = median(samples)

    # 2. cold: a new agent folder (so an empty cache) each time
    samples = []
    for i in range(runs):
        agent = os.path.join(work, f"cold-{i}")
        tid = task(agent, WORKLOAD)
        samples.append(timed(lambda: executor(agent, tid)))
        drop_cache(agent)
    results["cold"] = median(samples)

    # 3. warm: one agent folder whose cache already holds the environment
    agent = os.path.join(work, "warm")
    executor(agent, task(agent, WORKLOAD))
    samples = []
    for i in range(max(runs, 5)):
        tid = task(agent, WORKLOAD)
        samples.append(timed(lambda: executor(agent, tid)))
    results["warm"] = median(samples)
    entry_dir = os.path.join(agent, "EnvCache", "entries")
    # The entry itself is immutable (even hardlinking into it is refused): experiment on a copy.
    site = os.path.join(work, "site-packages-copy")
    run(["cp", "-a", os.path.join(entry_dir, next(n for n in os.listdir(entry_dir) if not n.endswith(".used")), "site-packages"), site])
    run(["chattr", "-R", "-i", site])
    run(["chmod", "-R", "u+w", site])

    # 4. floor: the script in a ready venv
    results["floor"] = median([timed(lambda: run([f"{floor_venv}/bin/python", script], env=env)) for _ in range(max(runs, 5))])

    # 5. hello world: executor vs bare python
    hello = "print('hello')\n"
    hello_script = os.path.join(work, "hello.py")
    with open(hello_script, "w") as f:
        f.write(hello)
    hello_agent = os.path.join(work, "hello")
    executor(hello_agent, task(hello_agent, [], hello))  # first run probes the interpreter once
    samples = []
    for _ in range(15):
        tid = task(hello_agent, [], hello)
        samples.append(timed(lambda: executor(hello_agent, tid)))
    results["hello-executor"] = median(samples)
    results["hello-bare"] = median([timed(lambda: run([python, hello_script], env=env)) for _ in range(15)])

    # How to give a venv the cached packages: measured, the executor uses the .pth
    link_times = {}
    for name, fn in [(".pth file", lambda d: open(os.path.join(d, "x.pth"), "w").write(site + "\n")),
                     ("hardlinks (cp -al)", lambda d: run(["cp", "-al", site, os.path.join(d, "sp")])),
                     ("full copy (cp -a)", lambda d: run(["cp", "-a", site, os.path.join(d, "sp")]))]:
        samples = []
        for i in range(3):
            d = tempfile.mkdtemp(dir=work)
            samples.append(timed(lambda: fn(d)))
            shutil.rmtree(d, ignore_errors=True)
        link_times[name] = median(samples)
    drop_cache(agent)
    drop_cache(hello_agent)
    shutil.rmtree(work, ignore_errors=True)

    r = results
    checks = [
        ("warm / floor", r["warm"] / r["floor"], "<= 1.25", r["warm"] / r["floor"] <= 1.25),
        ("seed-naive / warm", r["seed-naive"] / r["warm"], ">= 15", r["seed-naive"] / r["warm"] >= 15),
        ("cold / seed-naive", r["cold"] / r["seed-naive"], "<= 0.5", r["cold"] / r["seed-naive"] <= 0.5),
        ("own-venv / seed-naive", r["own-venv"] / r["seed-naive"], "<= 0.8", r["own-venv"] / r["seed-naive"] <= 0.8),
        ("hello executor / bare", r["hello-executor"] / r["hello-bare"], "<= 1.5, or <= 50 ms slower",
         r["hello-executor"] / r["hello-bare"] <= 1.5 or r["hello-executor"] - r["hello-bare"] <= 0.050),
    ]
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores; python {platform.python_version()} at {python}; "
          f"medians of {runs} runs (5 for warm/floor, 15 for hello)")
    for name, value in results.items():
        print(f"  {name:15s} {value * 1000:9.0f} ms")
    print("  targets:")
    for name, value, target, met in checks:
        print(f"  {name:22s} {value:7.2f}  target {target:28s} {'met' if met else 'MISSED'}")
    print("  giving a venv the cached packages (87 MB of site-packages):")
    for name, value in link_times.items():
        print(f"  {name:22s} {value * 1000:9.1f} ms")
    return 0 if all(c[3] for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
