#!/usr/bin/env bash
# kill -9 at several moments of a run that checkpoints every step (so most kills land inside a
# checkpoint write): the newest complete checkpoint must load and the run must finish from it.
# Also: a truncated checkpoint must be refused with a clear message (exit code 2); SIGTERM, SIGUSR1
# and --walltime stop a run with a checkpoint and exit code 5, and the run finishes from it; a
# sweep stopped by a signal exits 5 and its rerun finishes; pre-flight refusals exit 2 and print
# their message once under mpirun.
# Needs the release build (Scripts/setup.sh). Prints "kill-test: N passed, M failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.build/release/liphase"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
passed=0; failed=0
fail() { echo "kill-test FAIL: $*"; failed=$((failed + 1)); }
# Waits (up to 60 s) until the sweep with process id $1 has finished its first case.
wait_for_first_result() {
    for _ in $(seq 1 600); do
        ls "$WORK/study/out/cases"/*/result.json > /dev/null 2>&1 && return
        kill -0 "$1" 2>/dev/null || return
        sleep 0.1
    done
}

cat > "$WORK/deck.yaml" <<DECK
model: pfhub_7a
grid:
  cells: [256, 128]
time:
  end: 8
output:
  directory: $WORK/out
  every_time: 8
  progress_interval: 1000
checkpoint:
  every_steps: 1
  keep: 2
DECK

# The delays count from the first complete checkpoint, not from the launch: start-up time varies
# between machines (a loaded CI runner once took over 0.5 s to write step 1), and a kill before any
# checkpoint exists tests nothing.
for delay in 0.0 0.3 0.7 1.2 1.8; do
    rm -rf "$WORK/out"
    "$BIN" run "$WORK/deck.yaml" > "$WORK/first.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do
        ls "$WORK/out/checkpoints"/checkpoint_*.h5 > /dev/null 2>&1 && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if grep -q "^finished: " "$WORK/first.log"; then fail "the run finished before the kill at ${delay} s: the test proves nothing"; continue; fi
    newest=$(ls "$WORK/out/checkpoints"/checkpoint_*.h5 2>/dev/null | sort | tail -n 1)
    if [ -z "$newest" ]; then fail "no checkpoint after kill at ${delay} s"; continue; fi
    # Resume from whatever the kill left behind and finish the run.
    if "$BIN" run "$WORK/deck.yaml" --restart latest > "$WORK/resume.log" 2>&1 && grep -q "^finished: " "$WORK/resume.log"; then
        passed=$((passed + 1))
    else
        fail "resume after kill at ${delay} s did not finish: $(tail -n 2 "$WORK/resume.log")"
    fi
done

# A truncated checkpoint is refused with a message, not a crash.
newest=$(ls "$WORK/out/checkpoints"/checkpoint_*.h5 | sort | tail -n 1)
head -c 5000 "$newest" > "$WORK/truncated.h5"
"$BIN" run "$WORK/deck.yaml" --restart "$WORK/truncated.h5" > "$WORK/truncated.log" 2>&1
code=$?
if [ "$code" -eq 2 ] && grep -q "cannot restart from $WORK/truncated.h5" "$WORK/truncated.log"; then
    passed=$((passed + 1))
else
    fail "truncated checkpoint: exit $code, $(tail -n 1 "$WORK/truncated.log")"
fi
# Scheduler stops: the signal (or the wall-time limit) lands mid-run; the run must checkpoint at
# the next step boundary, exit with code 5, and finish from that checkpoint. The deck takes
# several seconds and checkpoints only at the end, so the checkpoint found is the stop's.
cat > "$WORK/long.yaml" <<DECK
model: pfhub_7a
grid:
  cells: [768, 384]
time:
  end: 8
output:
  directory: $WORK/long
  every_time: 8
  progress_interval: 1000
DECK
for how in TERM USR1 walltime; do
    rm -rf "$WORK/long"
    if [ "$how" = walltime ]; then
        "$BIN" run "$WORK/long.yaml" --walltime 00:00:01 > "$WORK/stop.log" 2>&1
        code=$?
    else
        "$BIN" run "$WORK/long.yaml" > "$WORK/stop.log" 2>&1 &
        pid=$!
        sleep 1
        kill -s "$how" "$pid"
        wait "$pid"
        code=$?
    fi
    if [ "$code" -ne 5 ] || ! grep -q "^stopped by " "$WORK/stop.log"; then
        fail "$how: exit $code (documented: 5), $(tail -n 2 "$WORK/stop.log")"
    elif "$BIN" run "$WORK/long.yaml" --restart latest > "$WORK/resume.log" 2>&1 && grep -q "^finished: " "$WORK/resume.log"; then
        passed=$((passed + 1))
    else
        fail "$how: the run did not finish from its stop checkpoint: $(tail -n 2 "$WORK/resume.log")"
    fi
done

# Pre-flight refusals under mpirun: exit code 2, and the message printed once (by rank 0), not
# once per rank. A bad value, and a grid too small for the rank count.
printf 'model: pfhub_7a\ngrid:\n  cells: [64, 32]\ntemperature: 900\ntime:\n  end: 1\noutput:\n  directory: %s\n' "$WORK/pre" > "$WORK/bad.yaml"
printf 'model: pfhub_7a\ngrid:\n  cells: [2, 2]\ntime:\n  end: 1\noutput:\n  directory: %s\n' "$WORK/pre" > "$WORK/small.yaml"
for deck in bad small; do
    mpirun -np 4 --oversubscribe "$BIN" run "$WORK/$deck.yaml" > "$WORK/pre.log" 2>&1
    code=$?
    pattern=$([ "$deck" = bad ] && echo "temperature: 900" || echo "cannot be split over 4 ranks")
    count=$(grep -c "$pattern" "$WORK/pre.log")
    if [ "$code" -eq 2 ] && [ "$count" -eq 1 ]; then
        passed=$((passed + 1))
    else
        fail "pre-flight ($deck deck on 4 ranks): exit $code (documented: 2), message printed $count time(s) (want 1): $(head -n 3 "$WORK/pre.log")"
    fi
done

# A sweep killed with kill -9 after its first case finished: the rerun must skip every case that
# has a result and finish the rest (4 cases of a tiny CCD ramp on 2 ranks, one per group).
mkdir -p "$WORK/study"
cat > "$WORK/study/base.yaml" <<DECK
model: electrodeposition
grid: {cells: [32, 16], size: [16 um, 8 um]}
cell: {anode_thickness: 4 um}
protocol: {mode: ccd_ramp, start_current: 0.5 mA/cm2, current_step: 0.5 mA/cm2, max_current: 2 mA/cm2, strip_time: 5 min, plate_time: 5 min, first: strip}
time: {end: 10 h}
output: {directory: unused, every_time: 10 h}
DECK
cat > "$WORK/study/study.yaml" <<STUDY
study: killed
base: base.yaml
output: $WORK/study/out
vary:
  phase_field.seed: [1, 2, 3, 4, 5, 6]
STUDY
mpirun -np 2 "$BIN" sweep "$WORK/study/study.yaml" > "$WORK/sweep1.log" 2>&1 &
pid=$!
wait_for_first_result "$pid"
kill -9 "$pid" 2>/dev/null; pkill -9 -f "liphase sweep $WORK" 2>/dev/null
wait "$pid" 2>/dev/null
done_before=$(ls "$WORK/study/out/cases"/*/result.json 2>/dev/null | wc -l)
if [ "$done_before" -lt 1 ] || [ "$done_before" -ge 6 ]; then
    fail "sweep kill: $done_before of 6 cases had results at the kill; the test needs some but not all"
elif mpirun -np 2 "$BIN" sweep "$WORK/study/study.yaml" > "$WORK/sweep2.log" 2>&1 \
     && grep -q "$done_before of 6 case(s) already have results" "$WORK/sweep2.log" \
     && [ "$(ls "$WORK/study/out/cases"/*/result.json | wc -l)" -eq 6 ] \
     && [ "$(grep -c ',completed,' "$WORK/study/out/summary.csv")" -eq 6 ]; then
    passed=$((passed + 1))
else
    fail "sweep rerun after kill (with $done_before results) did not skip them and finish: $(tail -n 3 "$WORK/sweep2.log")"
fi

# A sweep stopped by SIGUSR1 (mpirun forwards it to every rank) exits 5 with a summary; the rerun
# skips the finished cases and completes the study.
rm -rf "$WORK/study/out"
mpirun -np 2 "$BIN" sweep "$WORK/study/study.yaml" > "$WORK/sweep3.log" 2>&1 &
pid=$!
wait_for_first_result "$pid"
kill -s USR1 "$pid" 2>/dev/null
wait "$pid"
code=$?
if [ "$code" -ne 5 ] || ! grep -q "stopped early: rerun the same command to finish" "$WORK/sweep3.log"; then
    fail "sweep SIGUSR1: exit $code (documented: 5), $(tail -n 3 "$WORK/sweep3.log")"
elif mpirun -np 2 "$BIN" sweep "$WORK/study/study.yaml" > "$WORK/sweep4.log" 2>&1 \
     && [ "$(grep -c ',completed,' "$WORK/study/out/summary.csv")" -eq 6 ]; then
    passed=$((passed + 1))
else
    fail "sweep rerun after SIGUSR1 did not finish: $(tail -n 3 "$WORK/sweep4.log")"
fi

echo "kill-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
