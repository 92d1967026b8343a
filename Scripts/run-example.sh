#!/usr/bin/env bash
# README command 1: set up everything, then run the quick-start deck on 2 MPI ranks.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash Scripts/setup.sh
source Scripts/mpi-env.sh

echo "run-example: mpirun -np 2 .build/release/liphase run Inputs/quickstart.yaml"
mpirun -np 2 .build/release/liphase run Inputs/quickstart.yaml

echo
echo "run-example: the output is in $ROOT/runs/quickstart"
echo "  ParaView:  paraview $ROOT/runs/quickstart/fields.xdmf   (choose 'Xdmf3 Reader S' if asked; colour by 'eta', press Play)"
echo "  h5dump:    h5dump -H $ROOT/runs/quickstart/fields_00000000.h5"
echo "  h5py:      python3 -c \"import h5py; f = h5py.File('runs/quickstart/fields_00000000.h5'); print(f['eta'].shape, f['eta'].attrs['units'])\""
