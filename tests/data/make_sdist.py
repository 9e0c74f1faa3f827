"""Builds a tiny source distribution whose build runs third-party code, for the tests:
python make_sdist.py [--setup-py] [--marker FILE] [--outlive SECONDS] OUTDIR NAME VERSION

pip builds an sdist by running its build code, which records who ran it: the module it builds
holds BUILT_BY_UID, the uid of the process that built the wheel. By default the build backend
ships inside the sdist (pyproject.toml's backend-path) and needs nothing from an index. With
--setup-py it is a classic setup.py: pip then needs setuptools and wheel in its find-links
folder (Debian's python3-setuptools-whl and python3-wheel-whl have them). With --marker, the build
code also appends a line to FILE: proof that it ran (or, by its absence, that it never did).
With --outlive (in-tree backend only), the build code leaves a process behind that left pip's
session and ignores SIGTERM, and lives SECONDS: what could rewrite pip's report after pip exits.
"""
import io
import os
import sys
import tarfile

BACKEND = r'''
import base64, hashlib, os, zipfile

NAME = "@NAME@"
VERSION = "@VERSION@"
MODULE = NAME.replace("-", "_")
DIST_INFO = f"{MODULE}-{VERSION}.dist-info"


def _digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    if @OUTLIVE@ and os.fork() == 0:
        import signal, time
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # Off pip's pipes, or pip would wait for it: a process that means harm lets pip go.
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, 1024)
        time.sleep(@OUTLIVE@)
        os._exit(0)
    if "@MARKER@":
        with open("@MARKER@", "a") as marker:
            marker.write("built\n")
    files = {
        f"{MODULE}/__init__.py": f"BUILT_BY_UID = {os.getuid()}\n".encode(),
        f"{DIST_INFO}/METADATA": f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n".encode(),
        f"{DIST_INFO}/WHEEL": b"Wheel-Version: 1.0\nGenerator: openautomate-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{p},{_digest(d)},{len(d)}\n" for p, d in files.items()) + f"{DIST_INFO}/RECORD,,\n"
    files[f"{DIST_INFO}/RECORD"] = record.encode()
    name = f"{MODULE}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return name
'''

PYPROJECT = '''[build-system]
requires = []
build-backend = "oa_test_backend"
backend-path = ["."]
'''


SETUP_PY = '''import os
from setuptools import setup

# Runs at build time, as whoever builds the package.
if "@MARKER@":
    with open("@MARKER@", "a") as marker:
        marker.write("built\\n")
os.makedirs("@MODULE@", exist_ok=True)
with open("@MODULE@/__init__.py", "w") as f:
    f.write(f"BUILT_BY_UID = {os.getuid()}\\n")
setup(name="@NAME@", version="@VERSION@", packages=["@MODULE@"])
'''


def main():
    args = sys.argv[1:]
    setup_py = "--setup-py" in args
    if setup_py:
        args.remove("--setup-py")
    marker = ""
    if "--marker" in args:
        at = args.index("--marker")
        marker = args[at + 1]
        del args[at : at + 2]
    outlive = "0"
    if "--outlive" in args:
        at = args.index("--outlive")
        outlive = str(float(args[at + 1]))
        del args[at : at + 2]
    outdir, name, version = args
    module = name.replace("-", "_")
    root = f"{module}-{version}"
    files = {f"{root}/PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"}
    if setup_py:
        files[f"{root}/setup.py"] = SETUP_PY.replace("@MARKER@", marker).replace("@MODULE@", module).replace("@NAME@", name).replace("@VERSION@", version)
    else:
        files[f"{root}/pyproject.toml"] = PYPROJECT
        files[f"{root}/oa_test_backend.py"] = BACKEND.replace("@MARKER@", marker).replace("@OUTLIVE@", outlive).replace("@NAME@", name).replace("@VERSION@", version)
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, f"{root}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    print(path)


if __name__ == "__main__":
    main()
