"""Builds a tiny pure-Python wheel for the tests:
python make_wheel.py [--syntax-error] [--mark=TEXT] OUTDIR NAME VERSION [REQUIRES ...]

A wheel is a zip with the package and a .dist-info folder (METADATA, WHEEL, RECORD); pip
installs it offline with --no-index --find-links OUTDIR. With --syntax-error the package also
holds a module that does not compile: pip installs it, compileall fails on it. With --mark=TEXT
the package says MARK = "TEXT": two wheels of one name and version with different content.
"""
import base64
import hashlib
import os
import sys
import zipfile


def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main():
    args = sys.argv[1:]
    syntax_error = "--syntax-error" in args
    if syntax_error:
        args.remove("--syntax-error")
    marks = [a for a in args if a.startswith("--mark=")]
    for m in marks:
        args.remove(m)
    mark = marks[0][len("--mark="):] if marks else ""
    outdir, name, version, *requires = args
    module = name.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": (f'__version__ = "{version}"\nMARK = "{mark}"\n\n'
                                  f'def greet(who):\n    return f"{name} {version} greets {{who}}"\n').encode(),
        f"{dist_info}/METADATA": (
            "Metadata-Version: 2.1\n"
            f"Name: {name}\n"
            f"Version: {version}\n"
            + "".join(f"Requires-Dist: {r}\n" for r in requires)
        ).encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: openautomate-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    if syntax_error:
        files[f"{module}/broken.py"] = b"def broken(:\n    pass\n"
    record = "".join(f"{path},{digest(data)},{len(data)}\n" for path, data in files.items())
    record += f"{dist_info}/RECORD,,\n"
    files[f"{dist_info}/RECORD"] = record.encode()
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, f"{module}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name_in_zip, data in files.items():
            wheel.writestr(name_in_zip, data)
    print(path)


if __name__ == "__main__":
    main()
