#!/usr/bin/env bash
# The grain-boundary electron-leakage validation (issue #4, docs/validation.md): the three decks
# of Inputs/validation/gb-electronic on 2 MPI ranks, then the figures and the summary table.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash Scripts/setup.sh
source Scripts/mpi-env.sh
for ratio in 1 1e2 1e4; do
    echo "gb-electronic: mpirun -np 2 .build/release/liphase run Inputs/validation/gb-electronic/ratio-$ratio.yaml"
    mpirun -np 2 .build/release/liphase run "Inputs/validation/gb-electronic/ratio-$ratio.yaml"
done
bash Scripts/venv.sh
.venv/bin/python Scripts/plot_gb_electronic.py runs/validation/gb-electronic docs/validation
