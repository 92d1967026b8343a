#!/usr/bin/env bash
# README command 2: set up everything, run the unit tests, the MPI test driver on 1, 2 and 4
# ranks, and the kill -9 test. Prints a closing "N passed, N failed" line and exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash Scripts/setup.sh || exit 1
source Scripts/mpi-env.sh

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
swift test 2>&1 | tee "$log" | grep -Ev '^\[[0-9]+/[0-9]+\]|^Test Case .* (started|passed)' || true
swift_status=${PIPESTATUS[0]}
((swift_status == 0)) || status=1
summary=$(grep -Eo 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -n 1)
unit_total=$(echo "$summary" | grep -Eo '[0-9]+' | head -n 1)
unit_failed=$(echo "$summary" | grep -Eo '[0-9]+' | sed -n 2p)
unit_total=${unit_total:-0}; unit_failed=${unit_failed:-0}
if ((swift_status != 0 && unit_failed == 0)); then unit_failed=1; fi

mpi_passed=0; mpi_failed=0
for np in 1 2 4; do
    echo "test: mpirun -np $np .build/release/liphase-mpi-tests"
    mpirun -np "$np" .build/release/liphase-mpi-tests 2>&1 | tee "$log"
    code=${PIPESTATUS[0]}
    line=$(grep -E '^mpi-tests \(' "$log" | tail -n 1)
    p=$(echo "$line" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+'); f=$(echo "$line" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')
    mpi_passed=$((mpi_passed + ${p:-0})); mpi_failed=$((mpi_failed + ${f:-0}))
    if ((code != 0)); then status=1; [ -n "$line" ] || mpi_failed=$((mpi_failed + 1)); fi
done

echo "test: Scripts/kill-test.sh"
bash Scripts/kill-test.sh 2>&1 | tee "$log"
kill_status=${PIPESTATUS[0]}
kill_line=$(grep -E '^kill-test: ' "$log" | tail -n 1)
kill_passed=$(echo "$kill_line" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+'); kill_failed=$(echo "$kill_line" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')
kill_passed=${kill_passed:-0}; kill_failed=${kill_failed:-1}
((kill_status == 0)) || status=1

passed=$((unit_total - unit_failed + mpi_passed + kill_passed))
failed=$((unit_failed + mpi_failed + kill_failed))
echo
echo "unit tests: $((unit_total - unit_failed)) passed, $unit_failed failed"
echo "mpi tests (1, 2, 4 ranks): $mpi_passed passed, $mpi_failed failed"
echo "kill -9 and corrupted-checkpoint tests: $kill_passed passed, $kill_failed failed"
echo "total: $passed passed, $failed failed"
exit $status
