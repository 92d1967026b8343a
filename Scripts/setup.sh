#!/usr/bin/env bash
# Idempotent set-up on Debian: installs only the system packages that are missing, then does
# the release build of `liphase` and the MPI test driver. Safe to run again at any time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

packages=(libopenmpi-dev openmpi-bin libhdf5-openmpi-dev libhdf5-dev hdf5-tools pkg-config)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    for candidate in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
        [ -x "$candidate/swift" ] && export PATH="$candidate:$PATH" && break
    done
fi
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6.1 or newer is required (https://swift.org/install)" >&2; exit 1; }

echo "setup: release build"
swift build -c release --product liphase 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
swift build -c release --product liphase-mpi-tests 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
# The benchmark harness is built (not run) with everything else, so CI keeps it compiling.
swift build -c release --product liphase-bench 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
[ -x .build/release/liphase ] && [ -x .build/release/liphase-mpi-tests ] && [ -x .build/release/liphase-bench ] || { echo "setup: the release build failed" >&2; exit 1; }
