"""Environment benchmark: how fast the executor gets a real workload's packages, against the
naive way and against the floor, measured in one run on one machine.

Usage: python3 env_bench.py EXECUTOR WHEELHOUSE [--python /usr/bin/python3] [--runs N] [--quick]
                            [--only SCENARIO,...]

Workload: pandas==1.5.3, requests and openpyxl from WHEELHOUSE (offline, pip --no-index), and a
script that writes and reads an .xlsx with pandas. Scenarios, medians of N runs each:
  seed-naive   python -m venv (with pip), pip install, run: what a naive executor does
  own-venv     the executor with no cache (--no-env-cache): its own venv, pip unpacked into it
  cold         the executor with an empty environment cache
  warm         the executor with the environment already cached, and
  floor        the script run directly by a ready venv's python, the two alternating in one loop
               (paired, after a sync: the build's writeback does not land on the warm runs alone)
  hello        the executor on a task without requirements, against bare `python script.py`
And issue 22's, on the workload's wheels pinned by sha256 (WHEELHOUSE must hold tabulate too):
  store-cold     the workload as a hash-pinned requirements.txt, empty cache: built from the store
  subset-stored  a new set (the workload without openpyxl) whose every wheel is stored, against
                 subset-warm, the same set's warm run
  lock-stored    the workload as a Pipfile.lock (pipenv's markers, and a Windows-only entry pip
                 ignores) whose wheels are all stored, against lock-warm; no pip process may run
                 (PIP_LOG, pip's --log, names a file every pip the executor starts writes)
  cache size     EnvCache's size (du, hard links once) after four overlapping sets (A; a subset of
                 A; A as a Pipfile.lock; A plus tabulate) against after A alone: A, the subset and
                 A plus one as tasks write them (execution.json Requirements), and all four
                 hash-pinned (informative: the store's best case)
  imports        how a venv is given the store folders (import_layouts.py): `python -c pass` and the
                 workload's imports with the .pth StoreComposition writes, a folder of links, and a
                 flat site-packages, alternating; needs `store`
And the issue's "done when": twenty automations with overlapping requirements on one agent
  twenty         twenty tasks, each a new combination of two or three of the workload's packages
                 and tabulate (execution.json Requirements, resolved by pip, installed by the
                 store), run one after another on a new agent: the store must hold each
                 distribution once, and a new combination build in about a second (the median of
                 the nineteen after the first, which stores everything it needs for the first time)
It also times three ways to give a venv the cached packages (.pth, hardlinks, a full copy).
--quick (a smoke run): one run each, 3 warm/floor and 5 hello samples, no link-time experiment.
--only runs some of: seed-naive, own-venv, cold, warm (with floor), hello, sizes (the tasks' forms;
runs warm too), store (its scenarios and the hash-pinned sizes), imports (runs store too), twenty;
the targets of what did not run are left out.
"""
import argparse
import hashlib
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import import_layouts

WORKLOAD = ["pandas==1.5.3", "requests", "openpyxl"]
# The workload's closure as the wheelhouse holds it (canonical names), its subset without
# openpyxl, and the one package more.
CLOSURE = ["pandas", "numpy", "python-dateutil", "pytz", "six", "requests", "urllib3", "idna", "certifi",
           "charset-normalizer", "openpyxl", "et-xmlfile"]
SUBSET = [n for n in CLOSURE if n not in ("openpyxl", "et-xmlfile")]
ONE_MORE = "tabulate"
# Twenty of their combinations (two or three each) make the agent of `twenty`.
TWENTY_PACKAGES = ["requests", "openpyxl", "tabulate", "pandas==1.5.3", "python-dateutil", "pytz"]
SUBSET_SCRIPT = "import pandas, requests\nprint('ok', pandas.__version__)\n"
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


def canonical(name):
    return "-".join(name.replace("_", "-").replace(".", "-").lower().split("-")) if name else name


def wheel_pins(wheelhouse):
    """canonical name -> (version, sha256) of each wheel in the folder."""
    pins = {}
    for f in sorted(os.listdir(wheelhouse)):
        if f.endswith(".whl"):
            name, version = f.split("-")[:2]
            with open(os.path.join(wheelhouse, f), "rb") as w:
                pins[canonical(name)] = (version, hashlib.sha256(w.read()).hexdigest())
    return pins


def random_hash():
    # A second, never matching, --hash on one line: a new set (a new cache key) of the same wheels.
    return os.urandom(32).hex()


def hashed_requirements(pins, names):
    extra = random_hash()
    return "".join(f"{n}=={pins[n][0]} --hash=sha256:{pins[n][1]}" + (f" --hash=sha256:{extra}" if i == 0 else "") + "\n"
                   for i, n in enumerate(names))


def pipfile_lock(pins, names):
    """A lock as pipenv writes one: markers on entries, and a Windows-only one pip ignores here."""
    default = {n: {"version": "==" + pins[n][0], "hashes": ["sha256:" + pins[n][1]], "markers": "python_version >= '3.7'"}
               for n in names}
    default[names[0]]["hashes"].append("sha256:" + random_hash())
    default["colorama"] = {"version": "==0.4.6", "hashes": ["sha256:" + random_hash()], "markers": "sys_platform == 'win32'"}
    return json.dumps({"_meta": {"pipfile-spec": 6, "requires": {}, "sources": []}, "default": default, "develop": {}}, indent=1)


def du_bytes(path):
    # GNU du counts a file with several hard links once per invocation.
    return int(subprocess.run(["du", "-sb", path], stdout=subprocess.PIPE, text=True, check=True).stdout.split()[0])


SCENARIOS = ["seed-naive", "own-venv", "cold", "warm", "hello", "sizes", "store", "imports", "twenty"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("executor")
    ap.add_argument("wheelhouse")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="a smoke run: one run each, fewer warm and hello samples")
    ap.add_argument("--only", help="a comma-separated list of: " + ", ".join(SCENARIOS))
    args = ap.parse_args()
    chosen = set(SCENARIOS) if not args.only else {x.strip() for x in args.only.split(",") if x.strip()}
    if chosen - set(SCENARIOS):
        ap.error(f"--only: unknown scenario {', '.join(sorted(chosen - set(SCENARIOS)))}")
    chosen |= {"warm"} if "sizes" in chosen else set()
    chosen |= {"store"} if "imports" in chosen else set()
    python = os.path.realpath(shutil.which(args.python) or args.python)
    runs = 1 if args.quick else args.runs
    many = 3 if args.quick else max(runs, 5)  # warm and floor samples
    hellos = 5 if args.quick else 15
    pins = wheel_pins(args.wheelhouse)
    missing = [n for n in CLOSURE + [ONE_MORE] if n not in pins]
    if missing:
        sys.exit(f"the wheelhouse {args.wheelhouse} lacks {', '.join(missing)}")
    load_before = os.getloadavg()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "OPENAUTOMATE_"))}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=os.path.abspath(args.wheelhouse), PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_CONFIG_FILE="/dev/null")
    work = tempfile.mkdtemp(prefix="oa-env-bench-")
    script = os.path.join(work, "workload.py")
    with open(script, "w") as f:
        f.write(SCRIPT)
    counter = [0]

    def task(agent, requirements, source=SCRIPT, files=None):
        # requirements None: none in execution.json, so the task's dependency file (`files`) is used.
        counter[0] += 1
        tid = f"bench-{counter[0]}"
        folder = os.path.join(agent, "Tasks", tid)
        os.makedirs(folder)
        for name, text in dict(files or {}, **{"main.py": source}).items():
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        execution = {"ExecutionId": tid, "ScriptPath": "main.py"}
        if requirements is not None:
            execution["Requirements"] = requirements
        with open(os.path.join(folder, "execution.json"), "w") as f:
            json.dump(execution, f)
        return tid

    def executor(agent, tid, *extra, environment=None):
        run([args.executor, "--base-dir", agent, "--python", python, *extra, tid], env=environment or env)

    def drop_cache(agent):
        # The cache's entries are immutable: the executor's own prune lifts that and deletes them.
        subprocess.run([args.executor, "--base-dir", agent, "--prune-env-cache", "--env-cache-max-size", "1"],
                       env=env, stdout=subprocess.DEVNULL)
        shutil.rmtree(agent, ignore_errors=True)

    results = {}
    sizes = {}
    # Each own-venv and cold sample's agent folder is kept until the end, as seed-naive keeps its
    # venvs: none pays for removing the one before. On a journal-less ext4 (this VM's), creating
    # files within one to six minutes of deleting thousands costs more: the inode allocator skips
    # the recently deleted ones (ext4's recently_deleted()), which once added 1.2 s of system time
    # to a cold run (README, Environment benchmark).
    kept_agents = []
    floor_venv = os.path.join(work, "naive-0")
    # 1. seed-naive
    if "seed-naive" in chosen:
        samples = []
        for i in range(runs):
            venv = os.path.join(work, f"naive-{i}")
            os.sync()  # each sample after a sync, as own-venv and cold: none pays for another's writes
            samples.append(timed(lambda: (run([python, "-m", "venv", venv], env=env),
                                          run([f"{venv}/bin/python", "-m", "pip", "install", *WORKLOAD], env=env),
                                          run([f"{venv}/bin/python", script], env=env))))
        results["seed-naive"] = median(samples)
    elif chosen & {"warm", "imports"}:
        # The floor's venv (and the flat layout's), made as seed-naive makes it, untimed.
        run([python, "-m", "venv", floor_venv], env=env)
        run([f"{floor_venv}/bin/python", "-m", "pip", "install", *WORKLOAD], env=env)

    # 1b. own-venv: the executor's own venv, no cache (pip unpacked from the bundled wheel, not
    #     installed by ensurepip): the same work as seed-naive, through the executor
    if "own-venv" in chosen:
        samples = []
        for i in range(runs):
            agent = os.path.join(work, f"own-{i}")
            tid = task(agent, WORKLOAD)
            os.sync()
            samples.append(timed(lambda: executor(agent, tid, "--no-env-cache")))
            kept_agents.append(agent)
        results["own-venv"] = median(samples)

    # 2. cold: a new agent folder (so an empty cache) each time
    if "cold" in chosen:
        samples = []
        for i in range(runs):
            agent = os.path.join(work, f"cold-{i}")
            tid = task(agent, WORKLOAD)
            os.sync()  # the previous sample's 100 MB are on disk first
            samples.append(timed(lambda: executor(agent, tid)))
            kept_agents.append(agent)
        results["cold"] = median(samples)

    # 3. warm, and 4. floor (the script in a ready venv): one agent folder whose cache already
    #    holds the environment. Paired, each round in turn floor first or warm first, after a sync:
    #    the build's 80 MB of writeback would otherwise slow the warm runs' fsyncs alone.
    agent = os.path.join(work, "warm")
    site = pair_ratio = None
    if "warm" in chosen:
        executor(agent, task(agent, WORKLOAD))
        sizes["tasks' forms: A"] = du_bytes(os.path.join(agent, "EnvCache"))
        os.sync()
        warm, floor = [], []
        for i in range(many):
            tid = task(agent, WORKLOAD)
            pair = [(warm, lambda: executor(agent, tid)), (floor, lambda: run([f"{floor_venv}/bin/python", script], env=env))]
            for samples, fn in pair if i % 2 == 0 else pair[::-1]:
                samples.append(timed(fn))
        results["warm"] = median(warm)
        results["floor"] = median(floor)
        pair_ratio = median([a / b for a, b in zip(warm, floor)])
        if not args.quick:
            entry_dir = os.path.join(agent, "EnvCache", "entries")
            # The entry itself is immutable (even hardlinking into it is refused): experiment on a copy.
            site = os.path.join(work, "site-packages-copy")
            run(["cp", "-a", os.path.join(entry_dir, next(n for n in os.listdir(entry_dir) if not n.endswith(".used")), "site-packages"), site])
            run(["chattr", "-R", "-i", site])
            run(["chmod", "-R", "u+w", site])

    # 5. hello world: executor vs bare python
    hello_agent = os.path.join(work, "hello")
    if "hello" in chosen:
        hello = "print('hello')\n"
        hello_script = os.path.join(work, "hello.py")
        with open(hello_script, "w") as f:
            f.write(hello)
        executor(hello_agent, task(hello_agent, [], hello))  # first run probes the interpreter once
        samples = []
        for _ in range(hellos):
            tid = task(hello_agent, [], hello)
            samples.append(timed(lambda: executor(hello_agent, tid)))
        results["hello-executor"] = median(samples)
        results["hello-bare"] = median([timed(lambda: run([python, hello_script], env=env)) for _ in range(hellos)])

    # 6. The cache after four overlapping sets, as tasks write them: A (above), a subset of A and A
    #    plus one package in execution.json, A as a Pipfile.lock.
    if "sizes" in chosen:
        executor(agent, task(agent, ["pandas==1.5.3", "requests"], SUBSET_SCRIPT))
        executor(agent, task(agent, None, files={"Pipfile.lock": pipfile_lock(pins, CLOSURE)}))
        executor(agent, task(agent, WORKLOAD + [ONE_MORE]))
        sizes["tasks' forms: A, subset, lock, A+1"] = du_bytes(os.path.join(agent, "EnvCache"))

    # 7. The store: every set pinned by sha256. pip, if the executor starts it, writes PIP_LOG.
    store_agent = os.path.join(work, "store")
    pip_log = os.path.join(work, "pip-ran.log")
    store_env = dict(env, PIP_LOG=pip_log)
    pip_ran = []

    def stored_run(tid):
        seconds = timed(lambda: executor(store_agent, tid, environment=store_env))
        log = open(os.path.join(store_agent, "Tasks", tid, "executor.log"), encoding="utf-8", errors="replace").read()
        if os.path.exists(pip_log) or "from the store" not in log:
            pip_ran.append(tid)
        return seconds

    def requirements_task(names, source=SCRIPT):
        return task(store_agent, None, source, {"requirements.txt": hashed_requirements(pins, names)})

    def lock_task():
        return task(store_agent, None, SCRIPT, {"Pipfile.lock": pipfile_lock(pins, CLOSURE)})

    def warm_of(tid):
        # The same files again, in a new task folder: the entry built above.
        folder = os.path.join(store_agent, "Tasks", tid)
        files = {f: open(os.path.join(folder, f)).read() for f in ("requirements.txt", "Pipfile.lock") if os.path.exists(os.path.join(folder, f))}
        return task(store_agent, None, open(os.path.join(folder, "main.py")).read(), files)

    if "store" in chosen:
        store_tid = requirements_task(CLOSURE)
        results["store-cold"] = stored_run(store_tid)
        sizes["hash-pinned: A"] = du_bytes(os.path.join(store_agent, "EnvCache"))
        subset_tids = [requirements_task(SUBSET, SUBSET_SCRIPT) for _ in range(runs)]
        lock_tids = [lock_task() for _ in range(runs)]
        subset_samples = [stored_run(subset_tids[0])]
        lock_samples = [stored_run(lock_tids[0])]
        stored_run(requirements_task(CLOSURE + [ONE_MORE]))
        sizes["hash-pinned: A, subset, lock, A+1"] = du_bytes(os.path.join(store_agent, "EnvCache"))
        subset_samples += [stored_run(t) for t in subset_tids[1:]]
        lock_samples += [stored_run(t) for t in lock_tids[1:]]
        results["subset-stored"] = median(subset_samples)
        results["lock-stored"] = median(lock_samples)
        results["subset-warm"] = median([stored_run(warm_of(subset_tids[0])) for _ in range(many)])
        results["lock-warm"] = median([stored_run(warm_of(lock_tids[0])) for _ in range(many)])

    # 8. The store folders through the .pth, through a folder of links, and flat.
    layouts = uncompiled = None
    if "imports" in chosen:
        # The workload's entry, composed by store-cold from its store folders.
        with open(os.path.join(store_agent, "Tasks", store_tid, "result.json")) as f:
            entry = os.path.join(store_agent, "EnvCache", "entries", json.load(f)["EnvironmentCache"]["Entry"])
        layouts, uncompiled, folder_count = import_layouts.measure(
            python, os.path.join(entry, "site-packages", "openautomate-store.pth"), floor_venv, work, 5 if args.quick else 21)

    # 9. Twenty automations with overlapping requirements, each set new to the agent.
    twenty_agent = os.path.join(work, "twenty")
    twenty = None
    if "twenty" in chosen:
        combos = [list(c) for k in (2, 3) for c in itertools.combinations(TWENTY_PACKAGES, k)][:20]
        builds = [timed(lambda: executor(twenty_agent, task(twenty_agent, combo, "print('ok')\n"))) for combo in combos]
        store = os.path.join(twenty_agent, "EnvCache", "store")
        folders = [n for n in os.listdir(store) if not n.endswith(".used") and not n.startswith(".")]
        names = [n.rsplit("-", 2)[0] for n in folders]  # {name}-{version}-{sha16}
        twenty = {"sets": len(combos), "first": builds[0], "new": median(builds[1:]), "slowest new": max(builds[1:]),
                  "folders": len(folders), "distributions": len(set(names)), "store bytes": du_bytes(store)}

    # How to give a venv the cached packages: measured, the executor uses the .pth
    link_times = {}
    for name, fn in [] if site is None else [(".pth file", lambda d: open(os.path.join(d, "x.pth"), "w").write(site + "\n")),
                                             ("hardlinks (cp -al)", lambda d: run(["cp", "-al", site, os.path.join(d, "sp")])),
                                             ("full copy (cp -a)", lambda d: run(["cp", "-a", site, os.path.join(d, "sp")]))]:
        samples = []
        for i in range(3):
            d = tempfile.mkdtemp(dir=work)
            samples.append(timed(lambda: fn(d)))
            shutil.rmtree(d, ignore_errors=True)
        link_times[name] = median(samples)
    for a in [agent, hello_agent, store_agent, twenty_agent] + kept_agents:
        if os.path.exists(a):
            drop_cache(a)
    shutil.rmtree(work, ignore_errors=True)

    r = results
    ms = 1000
    has = lambda *names: all(n in r for n in names)  # noqa: E731
    # Issue 22's targets, each a ratio of medians (or a difference) from this run; those whose
    # scenarios did not run (--only) are left out.
    targets = []
    if has("cold", "seed-naive"):
        targets.append(("cold / seed-naive", f"{r['cold'] / r['seed-naive']:.2f}", "<= 0.30", r["cold"] / r["seed-naive"] <= 0.30))
    if has("subset-stored"):
        targets.append(("new set, all stored / its warm run", f"{r['subset-stored'] / r['subset-warm']:.2f}", "<= 2",
                        r["subset-stored"] / r["subset-warm"] <= 2))
        targets.append(("Pipfile.lock, all stored / its warm run", f"{r['lock-stored'] / r['lock-warm']:.2f}" + ("" if not pip_ran else " (pip ran)"),
                        "<= 1.5, no pip process", r["lock-stored"] / r["lock-warm"] <= 1.5 and not pip_ran))
    if has("warm"):
        targets.append(("warm / floor (paired)", f"{r['warm'] / r['floor']:.2f}", "<= 1.10", r["warm"] / r["floor"] <= 1.10))
    if has("hello-executor"):
        hello_over = (r["hello-executor"] - r["hello-bare"]) * ms
        targets.append(("hello: executor - bare", f"{hello_over:.1f} ms", "<= 20 ms", hello_over <= 20))
    if twenty:
        targets.append((f"{twenty['sets']} sets: store folders / distributions", f"{twenty['folders']} / {twenty['distributions']}",
                        "each once", twenty["folders"] == twenty["distributions"]))
        targets.append(("a new combination's run (median)", f"{twenty['new'] * ms:.0f} ms", "about a second (<= 1.2 s)",
                        twenty["new"] <= 1.2))
    if "tasks' forms: A, subset, lock, A+1" in sizes:
        size_tasks = sizes["tasks' forms: A, subset, lock, A+1"] / sizes["tasks' forms: A"]
        targets.append(("cache: 4 sets / A (tasks' forms)", f"{size_tasks:.2f}", "<= 1.3", size_tasks <= 1.3))
    # The earlier issues' targets, still printed.
    checks = []
    if has("warm"):
        checks.append(("warm / floor", r["warm"] / r["floor"], "<= 1.25", r["warm"] / r["floor"] <= 1.25))
    if has("warm", "seed-naive"):
        checks.append(("seed-naive / warm", r["seed-naive"] / r["warm"], ">= 15", r["seed-naive"] / r["warm"] >= 15))
    if has("cold", "seed-naive"):
        checks.append(("cold / seed-naive", r["cold"] / r["seed-naive"], "<= 0.5", r["cold"] / r["seed-naive"] <= 0.5))
    if has("own-venv", "seed-naive"):
        checks.append(("own-venv / seed-naive", r["own-venv"] / r["seed-naive"], "<= 0.8", r["own-venv"] / r["seed-naive"] <= 0.8))
    if has("hello-executor"):
        checks.append(("hello executor / bare", r["hello-executor"] / r["hello-bare"], "<= 1.5, or <= 50 ms slower",
                       r["hello-executor"] / r["hello-bare"] <= 1.5 or r["hello-executor"] - r["hello-bare"] <= 0.050))
    load_after = os.getloadavg()
    # The interpreter measured, not the one running this script.
    target_version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                                    stdout=subprocess.PIPE, text=True).stdout.strip()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores; python {target_version} at {python}; "
          f"medians of {runs} runs ({many} for warm/floor and the stored sets' warm runs, {hellos} for hello)"
          f"{'; --quick' if args.quick else ''}{'; --only ' + ','.join(sorted(chosen)) if args.only else ''}")
    print(f"load average (1, 5, 15 min): before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)}")
    for name, value in results.items():
        print(f"  {name:15s} {value * ms:9.0f} ms")
    for name, value in sizes.items():
        print(f"  cache size, {name:36s} {value / 2**20:8.1f} MiB")
    if "hash-pinned: A, subset, lock, A+1" in sizes:
        print(f"  cache: 4 sets / A, all hash-pinned (the store; informative): "
              f"{sizes['hash-pinned: A, subset, lock, A+1'] / sizes['hash-pinned: A']:.2f}")
    if twenty:
        print(f"  twenty sets: the first {twenty['first'] * ms:.0f} ms (stores what it needs), each new combination after it "
              f"{twenty['new'] * ms:.0f} ms (median; slowest {twenty['slowest new'] * ms:.0f} ms); the store "
              f"{twenty['folders']} folders of {twenty['distributions']} distributions, {twenty['store bytes'] / 2**20:.1f} MiB")
    if pair_ratio:
        print(f"  warm / floor, the median of each round's ratio (informative): {pair_ratio:.3f}")
    if pip_ran:
        print(f"  pip ran, or the set was not built from the store, for: {', '.join(pip_ran)}")
    if layouts:
        print(f"  the store's {folder_count} folders in a venv (medians, wall / CPU of the process):")
        for name, times in layouts.items():
            print(f"  {name:6s} python -c pass {times['pass'][0] * ms:6.1f} / {times['pass'][1] * ms:6.1f} ms;"
                  f"  {import_layouts.IMPORT}: {times['import'][0] * ms:6.1f} / {times['import'][1] * ms:6.1f} ms"
                  + (f"; compiled from source: {', '.join(uncompiled[name])}" if uncompiled[name] else ""))
    print("  issue 22 targets:")
    print(f"  {'target':42s} {'measured':>18s}  {'wanted':24s} result")
    for name, value, target, met in targets:
        print(f"  {name:42s} {value:>18s}  {target:24s} {'PASS' if met else 'MISS'}")
    print("  earlier targets:")
    for name, value, target, met in checks:
        print(f"  {name:22s} {value:7.2f}  target {target:28s} {'met' if met else 'MISSED'}")
    if link_times:
        print("  giving a venv the cached packages (87 MB of site-packages):")
    for name, value in link_times.items():
        print(f"  {name:22s} {value * 1000:9.1f} ms")
    ok = all(t[3] for t in targets) and not any(uncompiled.values() if uncompiled else [])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
