#!/usr/bin/env bash
# PFHub benchmark 7a study: checks the manufactured source symbolically, runs the decks in
# Inputs/verification/ on 2 ranks, and writes the error table and log-log plot to
# docs/verification/. Fails unless the observed order over the finest three is 2 ± 0.2.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash Scripts/setup.sh
bash Scripts/venv.sh
source Scripts/mpi-env.sh
PY="$ROOT/.venv/bin/python"
RANKS="${RANKS:-2}"

"$PY" Scripts/check_bm7_source.py

out=docs/verification/bm7a.csv
echo "nx,ny,dx,l2_error,steps,wall_seconds" > "$out.tmp"
for deck in $(ls Inputs/verification/bm7a-*.yaml | sort -t- -k2 -n); do
    echo "verify-bm7: mpirun -np $RANKS liphase run $deck"
    mpirun -np "$RANKS" .build/release/liphase run "$deck" | tail -n 1
    directory=$("$PY" -c "import sys,re; print(re.search(r'directory:\s*(\S+)', open(sys.argv[1]).read()).group(1))" "$deck")
    "$PY" - "$directory/summary.json" >> "$out.tmp" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{s['cells'][0]},{s['cells'][1]},{s['spacing'][0]!r},{s['l2_error']!r},{int(s['step'])},{s['run_wall_seconds']:.3f}")
PYEOF
done
mv "$out.tmp" "$out"
"$PY" Scripts/bm7_convergence.py "$out" --check-order 2 --tolerance 0.2
