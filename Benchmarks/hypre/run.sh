#!/usr/bin/env bash
# Builds and runs the hypre PCG+PFMG reference on the islands potential problem (README.md).
# Usage: Benchmarks/hypre/run.sh [N]   (N a power of two, default 1024). One process, one rank.
# Installs libhypre-dev (and libopenmpi-dev for mpicc) only if they are missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
N="${1:-1024}"

packages=(libhypre-dev libopenmpi-dev)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "hypre bench: installing ${missing[*]}" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# hypre ships no pkg-config file; take the include directory from the package itself.
HYPRE_INCLUDE="$(dpkg -L libhypre-dev | grep -m1 '/HYPRE\.h$' | xargs dirname)"
[ -n "$HYPRE_INCLUDE" ] || { echo "hypre bench: HYPRE.h not found in libhypre-dev" >&2; exit 1; }

mkdir -p .build-bench
mpicc -O3 -march=native -std=c11 -Wall -Wextra -I"$HYPRE_INCLUDE" \
    -o .build-bench/hypre_potential Benchmarks/hypre/hypre_potential.c -lHYPRE -lm

source Scripts/mpi-env.sh
# Run as an MPI singleton (no mpirun): the benchmark is single-rank by design.
exec .build-bench/hypre_potential "$N"
