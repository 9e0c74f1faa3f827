"""How a venv is given a set's store folders, and what each way costs the interpreter: issue 22's
"a .pth listing them, or a folder of links", measured against a flat site-packages.

Used by env_bench.py (scenario `imports`). Three venvs of the same interpreter see the same
distributions: `flat` (one site-packages with every package, as pip installs them), `pth` (the
store folders through one `site.addsitedir` line per folder, as StoreComposition writes
openautomate-store.pth: one sys.path entry per distribution) and `links` (one folder of symlinks,
one per top-level entry of each store folder's site-packages, real folders merged where two
distributions share one: `__pycache__`, namespace packages; one sys.path entry). Each is timed
running `python -c pass` and `python -c "import pandas, openpyxl, requests"`, the three in turn in
every round, and its import of the workload checked to load every module of the store from its
.pyc (`python -v`: a source compiled on each run would cost far more than the layout).
"""
import os
import re
import statistics
import subprocess
import time

IMPORT = "import pandas, openpyxl, requests"


def store_site_packages(pth_file):
    """The store folders' site-packages an openautomate-store.pth names, in its order."""
    with open(pth_file, encoding="utf-8") as f:
        return re.findall(r'"([^"]+)"', f.read())


def link_folder(out, sources):
    """One flat folder of links to `sources`' top-level entries; shared real folders merged."""
    def merge(src, dst):
        for name in sorted(os.listdir(src)):
            s, d = os.path.join(src, name), os.path.join(dst, name)
            if os.path.islink(d) and os.path.isdir(s):
                # A second distribution in a folder a first one linked whole: make it real.
                first = os.readlink(d)
                os.unlink(d)
                os.mkdir(d)
                merge(first, d)
            if os.path.isdir(d) and not os.path.islink(d) and os.path.isdir(s):
                merge(s, d)
            elif os.path.lexists(d):
                raise SystemExit(f"two distributions install {d}")
            elif name == "__pycache__":
                os.mkdir(d)
                merge(s, d)
            else:
                os.symlink(s, d)
    os.makedirs(out)
    for source in sources:
        merge(source, out)


def make_venv(python, path, pth_line=None):
    subprocess.run([python, "-m", "venv", "--without-pip", path], check=True)
    if pth_line:
        site = subprocess.run([f"{path}/bin/python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
        with open(os.path.join(site, "layout.pth"), "w") as f:
            f.write(pth_line + "\n")


def compiled_everywhere(venv, roots):
    """Modules imported from below `roots` without their .pyc (None when all had one)."""
    out = subprocess.run([f"{venv}/bin/python", "-v", "-c", IMPORT], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True, check=True).stderr
    sources = re.findall(r"^# code object from '?([^']+\.py)'?$", out, re.M)
    return [s for s in sources if s.startswith(tuple(roots))] or None


def measure(python, pth_file, flat_venv, work, rounds):
    """{layout: {"pass": (wall, cpu), "import": (wall, cpu)}} in seconds, medians; and the
    modules compiled from source per layout (should be none)."""
    folders = store_site_packages(pth_file)
    links = os.path.join(work, "links")
    link_folder(links, folders)
    venvs = {"flat": flat_venv, "pth": os.path.join(work, "layout-pth"), "links": os.path.join(work, "layout-links")}
    make_venv(python, venvs["pth"], "import site; list(map(site.addsitedir, %r))" % folders)
    make_venv(python, venvs["links"], "import site; site.addsitedir(%r)" % links)
    roots = {"flat": [flat_venv], "pth": folders, "links": [links]}
    uncompiled = {name: compiled_everywhere(v, roots[name]) for name, v in venvs.items()}
    samples = {(name, what): [] for name in venvs for what in ("pass", "import")}
    names = list(venvs)
    for i in range(rounds):
        for name in names if i % 2 == 0 else names[::-1]:
            for what, code in (("pass", "pass"), ("import", IMPORT)):
                start = time.perf_counter()
                p = subprocess.Popen([f"{venvs[name]}/bin/python", "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                _, status, usage = os.wait4(p.pid, 0)
                if status != 0:
                    raise SystemExit(f"{name}: python -c {code!r} failed")
                samples[(name, what)].append((time.perf_counter() - start, usage.ru_utime + usage.ru_stime))
    result = {name: {} for name in venvs}
    for (name, what), xs in samples.items():
        result[name][what] = (statistics.median(x[0] for x in xs), statistics.median(x[1] for x in xs))
    return result, uncompiled, len(folders)
