#!/usr/bin/env bash
# Reproduces every table of Benchmarks/README.md on this machine (about 28 minutes on 2 cores):
#   bash Benchmarks/run.sh
# Results go to Benchmarks/results/latest/: results.jsonl (one JSON object per measurement, each
# a median over repetitions with its range), log.txt, and tables.md (the README's tables).
# Run it on an otherwise idle machine; nothing here is timed by the test suite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash Scripts/setup.sh
source Scripts/mpi-env.sh
# The C references and the tables need gcc and python3 (standard library only).
missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
OUT="$ROOT/Benchmarks/results/latest"
mkdir -p "$OUT" "$ROOT/.build/bench-reference"
: > "$OUT/results.jsonl"
: > "$OUT/log.txt"
gcc -O3 -march=native -o .build/bench-reference/relaxation Benchmarks/Reference/relaxation.c -lm
gcc -O3 -march=native -o .build/bench-reference/stream Benchmarks/Reference/stream.c
BENCH=.build/release/liphase-bench
D2=Inputs/benchmarks/dendrite-2d.yaml
D3=Inputs/benchmarks/dendrite-3d.yaml
run() {
    echo "benchmark: $*" | tee -a "$OUT/log.txt"
    # A failing benchmark is logged and the rest go on; the tables show what was measured.
    "$@" 2>&1 | tee -a "$OUT/log.txt" | { grep '^RESULT ' || true; } | sed 's/^RESULT //' >> "$OUT/results.jsonl" \
        || echo "benchmark FAILED: $*" | tee -a "$OUT/log.txt"
}
{ echo "date: $(date -u +%Y-%m-%d)"; echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"; echo "cores: $(nproc)";
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"; echo "l3: $(lscpu | sed -n 's/^L3 cache: *//p' | head -1)";
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"; echo "swift: $(swift --version 2>&1 | head -1)";
  echo "mpi: $(mpirun --version 2>&1 | head -1)"; echo "gcc: $(gcc --version | head -1)"; } > "$OUT/machine.txt"

# Memory bandwidth: STREAM triad on 1 and 2 cores (Swift), and in C on 1 core.
run $BENCH stream
run mpirun -np 2 $BENCH stream
run .build/bench-reference/stream 7
# Hot kernels on 2048 × 1024 (16 MiB per field), each against the triad of the same run over
# arrays of one field's size, so that both stream from the same memory level: DRAM where the L3
# is smaller than a kernel's fields (32 MiB on the machine of the first records), the L3 where it
# holds them (300 MiB on the machine of 2026-12-05). STREAM at 256 MiB above is the DRAM figure.
run $BENCH kernels $D2 --cells 2048 1024 --mib 16
run mpirun -np 2 $BENCH kernels $D2 --cells 2048 1024 --mib 16
run $BENCH reference .build/bench-reference/relaxation 2048 1024
# Whole steps of the standard dendrite decks; strong scaling 1 → 2 ranks; weak scaling on 4
# oversubscribed ranks (four times the cells of the 1-rank run).
run $BENCH step $D2 --label "2-D 512x256"
run mpirun -np 2 $BENCH step $D2 --label "2-D 512x256"
run mpirun -np 4 --oversubscribe $BENCH step $D2 --cells 1024 512 --label "weak 2-D 1024x512"
run $BENCH step $D3 --steps 3 --warmup 2 --label "3-D 128^3"
run mpirun -np 2 $BENCH step $D3 --steps 3 --warmup 2 --label "3-D 128^3"
# Cost growth with the grid, 64² to 1024².
run $BENCH growth $D2 --sizes 64,128,256,512,1024
# The potential solve alone, on the hypre comparison problem.
run $BENCH solver 1024
python3 Benchmarks/tables.py "$OUT" > "$OUT/tables.md"
cat "$OUT/tables.md"
