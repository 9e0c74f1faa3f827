# Shared by the scripts in this folder: installs what the build and the tests need, once.
# Sourced, not run.

OA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian 12 packages: the toolchain, Qt 6 (Core, Widgets, Test, Linguist tools, and Qt's own
# translations, whose qtbase_de.qm the monitor embeds), Python's venv, help2man for the man
# pages every build makes, the setuptools and wheel wheels that an offline sdist build with
# setup.py needs (tst_run_as), ccache, which the build uses where it is installed, bubblewrap,
# whose /usr/bin/bwrap Sandbox = bubblewrap runs task code under (tst_sandbox), libzip, which
# reads wheels (core/wheel/; found through pkg-config), OpenSSL's libcrypto, whose SHA-256
# checks them (core/base/Digest), and lld, which links the build where it is installed.
OA_PACKAGES=(
    build-essential cmake ninja-build pkg-config git help2man libzip-dev libssl-dev
    qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-tools-dev-tools qt6-translations-l10n libgl-dev
    python3 python3-venv python3-pip python3-setuptools-whl python3-wheel-whl fonts-dejavu-core
    ccache bubblewrap lld
)

# What making and checking the Debian packages needs besides (scripts/package.sh and
# scripts/test-packages.sh): dpkg-shlibdeps (dpkg-dev, which CPack finds ELF files for with
# `file`), lintian, and man to render the installed pages.
OA_PACKAGING_PACKAGES=(dpkg-dev file lintian man-db)

# What the fuzz harnesses need besides (scripts/fuzz.sh, run by scripts/test.sh): clang, and
# libFuzzer's and the sanitizers' runtime for it.
OA_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

oa_install_packages() {
    local missing=()
    for pkg in "${OA_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# oa_build BUILD_DIR [cmake args...]
oa_build() {
    local dir="$1"; shift
    cmake -S "$OA_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
    cmake --build "$dir" --parallel "$(nproc)"
}
