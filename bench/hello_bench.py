"""Hello-world benchmark: the executor's per-run overhead over bare Python (issue 22's target:
hello world <= bare + 20 ms), in one run on one machine.

Usage: python3 hello_bench.py EXECUTOR [EXECUTOR ...] [--python /usr/bin/python3.11] [--runs 21] [--fallback]

Each round runs bare `python hello.py` and then a hello-world task (no requirements) through each
executor given, so that bare and executor runs alternate and share whatever else loads the
machine; it prints the medians, each executor's difference from bare, and whether the target
holds. Give an older build as a second EXECUTOR to compare two builds under the same load;
--fallback adds the first EXECUTOR with OPENAUTOMATE_CLONE_INTO_CGROUP=off (the script started by
QProcess and moved into its cgroup v2 by a write, as on kernels before 5.7).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HELLO = "print('hello')\n"
TARGET_MS = 20.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("executors", nargs="+")
    ap.add_argument("--python", default="/usr/bin/python3.11")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--fallback", action="store_true")
    args = ap.parse_args()
    python = os.path.realpath(shutil.which(args.python) or args.python)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "OPENAUTOMATE_"))}
    # (label, executor, environment) per column
    columns = [(executor, executor, env) for executor in args.executors]
    if args.fallback:
        columns.append((args.executors[0] + " (OPENAUTOMATE_CLONE_INTO_CGROUP=off)", args.executors[0],
                        dict(env, OPENAUTOMATE_CLONE_INTO_CGROUP="off")))
    work = tempfile.mkdtemp(prefix="oa-hello-bench-")
    hello = os.path.join(work, "hello.py")
    with open(hello, "w") as f:
        f.write(HELLO)
    counter = [0]

    def task(agent):
        counter[0] += 1
        tid = f"hello-{counter[0]}"
        folder = os.path.join(agent, "Tasks", tid)
        os.makedirs(folder)
        with open(os.path.join(folder, "main.py"), "w") as f:
            f.write(HELLO)
        with open(os.path.join(folder, "execution.json"), "w") as f:
            json.dump({"ExecutionId": tid, "ScriptPath": "main.py", "Requirements": []}, f)
        return tid

    def timed(cmd, environment=env):
        start = time.perf_counter()
        r = subprocess.run(cmd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if r.returncode != 0:
            raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
        return elapsed * 1000

    agents = [os.path.join(work, f"agent-{i}") for i in range(len(columns))]
    for (_, executor, environment), agent in zip(columns, agents):  # the first run probes the interpreter
        timed([executor, "--base-dir", agent, "--python", python, task(agent)], environment)
    bare, through = [], [[] for _ in columns]
    for _ in range(args.runs):
        bare.append(timed([python, hello]))
        for i, ((_, executor, environment), agent) in enumerate(zip(columns, agents)):
            through[i].append(timed([executor, "--base-dir", agent, "--python", python, task(agent)], environment))
    shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()
    bare_ms = statistics.median(bare)
    print(f"{args.runs} rounds, {python}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"bare python: median {bare_ms:.1f} ms")
    for (label, _, _), samples in zip(columns, through):
        over = statistics.median(samples) - bare_ms
        verdict = "met" if over <= TARGET_MS else "missed"
        print(f"{label}: median {statistics.median(samples):.1f} ms, {over:+.1f} ms over bare "
              f"(target <= +{TARGET_MS:.0f} ms: {verdict})")


if __name__ == "__main__":
    main()
