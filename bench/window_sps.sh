#!/usr/bin/env bash
# bench/window_sps.sh — the window's trainer beside the command line's
# (issue 31), both the quick preset from nothing for S seconds on all of
# MNIST, alternated R times (the development machine, a shared virtual
# machine, moves its speed by ±30% over minutes, so one pair proves
# nothing; the median of the pairs' ratios is the figure):
#   1. `digitpad --train --arch quick --threads N`, stopped after S s: its
#      progress lines (ten a second: the share of the epoch done and the
#      epoch's rate so far);
#   2. the real window (SDL's dummy driver, --script), Shift+T, nothing
#      drawn for S s (idle-ms: 20 frames a second, as an untouched window
#      draws while it trains), with a `print` every 250 ms: the trainer's
#      progress= and sps= (the same two figures);
#   each side's rate is the one between the same two points of the first
#   epoch, 20% and 80% of it done: the quick preset skips the backward
#   pass of more samples as it learns (skip_easy), so an epoch's rate
#   climbs from its start to its end, and rates over different parts of
#   it cannot be compared;
#   then once: the window again, Shift+T, 3 s, then a stroke drawn every
#   frame for 8 s: the frame times while it trains (99th percentile and
#   worst, over the 11 s: printed, never asserted).
# Prints both rates and their ratio per round, the median ratio, and the
# load average before each part.
#
# usage: bench/window_sps.sh [--threads N] [--seconds S] [--rounds R]
#   N: the command line's threads; default the cores online, which is what
#      the window's Shift+T uses (GUI_SCRATCH_THREADS 0: all cores)
#   S: seconds of training on each side (default 5: past 80% of the first
#      epoch on both sides, start-up included)
#   R: pairs, alternated (default 5)
# Environment: DIGITPAD_DATA, BENCH_BUILD (default build-bench, which
# bench/quick.sh builds with the window).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
THREADS=$(nproc)
SECS=5
ROUNDS=5
while [ $# -gt 0 ]; do
    case "$1" in
    --threads) THREADS=${2:?--threads needs a number}; shift ;;
    --seconds) SECS=${2:?--seconds needs a number}; shift ;;
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "window_sps.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
# $DIGITPAD_DATA, else the tests' lookup (../shared/mnist, data/mnist)
DATA=${DIGITPAD_DATA:-$(DIGITPAD_SRC=$ROOT; . "$ROOT/tests/lib.sh"; mnist_dir)} || exit 1
BIN=${BENCH_BUILD:-$ROOT/build-bench}/digitpad
[ -x "$BIN" ] || { echo "window_sps.sh: no $BIN (bench/quick.sh builds it)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | sed 's/^[^:]*: *//'), $(nproc) online"
echo "window threads: all $(nproc) cores (GUI_SCRATCH_THREADS 0); command line: $THREADS"

mkdir -p "$TMP/home"
window() { # SCRIPT-FILE OUT-FILE
    SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$TMP/home" DIGITPAD_DATA="$DATA" \
        "$BIN" --script "$1" >"$2" 2>"$2.err" || { cat "$2" "$2.err"; exit 1; }
}
# A print every 250 ms while it trains.
{
    printf 'wait-frames 2\nkey shift+t\nkey shift+t\nexpect-training 1\n'
    for _ in $(seq 1 $((SECS * 4))); do printf 'idle-ms 250\nprint\n'; done
    printf 'quit\n'
} >"$TMP/idle.txt"
# Samples/s between two points of the first epoch, from lines giving the
# fraction of the epoch done and the epoch's rate so far (done / rate is
# the time into the epoch): from the first line at 20% of the epoch or
# more to the last at 80% or less.
interval_rate() { # reads "fraction rate" lines
    awk -v n=60000 '$2 > 0 && $1 >= 0.2 && $1 <= 0.8 { d = $1 * n; t = d / $2
        if (!f) { f = 1; d0 = d; t0 = t } d1 = d; t1 = t }
        END { if (f && t1 > t0) printf "%.0f", (d1 - d0) / (t1 - t0) }'
}
ratios=()
for r in $(seq 1 "$ROUNDS"); do
    echo "round $r, load average $(load): command line, $SECS s"
    # On a terminal (script(1) gives it one) the progress line is redrawn
    # ten times a second, so its last rate is at most 0.1 s old, as the
    # window's is; to a file it would be written every 5 s only.
    script -qec "exec '$BIN' --train --arch quick --threads $THREADS --data '$DATA' \
        --out '$TMP/q.safetensors'" /dev/null >"$TMP/cli.err" 2>&1 </dev/null &
    pid=$!
    sleep "$SECS"
    pkill -INT -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    cli=$(tr '\r' '\n' <"$TMP/cli.err" |
        sed -n 's/.*epoch 1\/[0-9]* .* \([0-9.]*\)% *\([0-9]*\) samples\/s .*/\1 \2/p' |
        awk '{ print $1 / 100, $2 }' | interval_rate)
    echo "round $r, load average $(load): window, nothing drawn, $SECS s"
    window "$TMP/idle.txt" "$TMP/idle.out"
    win=$(sed -n 's/.* epoch=0 progress=\([0-9.]*\) .* sps=\([0-9]*\) .*/\1 \2/p' "$TMP/idle.out" |
        interval_rate)
    ratio=$(awk -v w="${win:-0}" -v c="${cli:-0}" 'BEGIN { if (c > 0 && w > 0) printf "%.2f", w / c; else print "?" }')
    echo "round $r: cli sps=${cli:-?}, window sps=${win:-?} (first epoch, from 20% to 80% of it), window / command line: $ratio"
    ratios+=("$ratio")
done
printf '%s\n' "${ratios[@]}" | grep -v '?' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) printf "window / command line, median of %d rounds: %.2f (min %.2f, max %.2f)\n", NR, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'

echo "load average $(load): window, drawing without pause while it trains"
printf 'wait-frames 2\nkey shift+t\nkey shift+t\nexpect-training 1\nwait-ms 3000\nscribble 8000\nquit\n' \
    >"$TMP/draw.txt"
window "$TMP/draw.txt" "$TMP/draw.out"
grep '^train_frames=' "$TMP/draw.out" | sed 's/^/window frames while training (3 s idle, 8 s drawing): /'
