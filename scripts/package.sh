#!/usr/bin/env bash
# Builds the Debian packages openautomate-executor and openautomate-monitor with CPack (DEB,
# one package per component), and prints their paths. Usage: scripts/package.sh [BUILD_DIR]
# BUILD_DIR defaults to build-package (Release with debug info, no tests). An existing build
# folder is reused as it is configured (scripts/test-packages.sh reuses build-tests), with
# CMAKE_INSTALL_PREFIX set to /usr, which the packages need (/usr/bin, /etc/openautomate).
# The packages land in BUILD_DIR/packages/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

oa_install_packages "${OA_PACKAGING_PACKAGES[@]}"

dir="$(realpath -m "${1:-$OA_ROOT/build-package}")"
args=(-DCMAKE_INSTALL_PREFIX=/usr)
if [ ! -f "$dir/CMakeCache.txt" ]; then
    args+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DOA_BUILD_TESTS=OFF)
elif grep -q '^OA_SANITIZE:BOOL=ON' "$dir/CMakeCache.txt"; then
    echo "package.sh: $dir is a sanitizer build; packages are made from a plain one" >&2
    exit 1
fi

echo "==> building $dir"
oa_build "$dir" "${args[@]}"

echo "==> cpack in $dir"
rm -rf "$dir/packages"
(cd "$dir" && cpack -G DEB -B "$dir/packages" >"$dir/cpack.log" 2>&1) || {
    echo "package.sh: cpack failed; its output ($dir/cpack.log):" >&2
    cat "$dir/cpack.log" >&2
    exit 1
}
rm -rf "$dir/packages/_CPack_Packages"

# Each package must carry its man page: without help2man at configure time there is none.
for deb in "$dir"/packages/*.deb; do
    name="$(dpkg-deb -f "$deb" Package)"
    if ! dpkg-deb -c "$deb" | grep -q "/usr/share/man/man1/$name.1.gz\$"; then
        echo "package.sh: $deb has no man page (was help2man missing when $dir was configured?)" >&2
        exit 1
    fi
done
ls -1 "$dir"/packages/*.deb
