#!/usr/bin/env bash
# bench/window_sps.sh — the window's trainer beside the command line's
# (issue 31), back to back in the same minute: `digitpad --train --arch
# quick` prints its samples/s per epoch; the real window (SDL's dummy
# driver, --script) starts Shift+T (the quick preset too), draws without
# pause for 8 s (the frame times while drawing: p99 and worst printed,
# nothing asserted), then draws nothing; 5 s into its second epoch the
# trainer's samples/s (the running rate of that epoch) is printed.
# Prints: cli sps, window sps, their ratio, the window's frame times.
#
# usage: bench/window_sps.sh [--threads N]   N: the command line's threads;
#        default: the cores online, which is what the window uses (0: all)
# Environment: DIGITPAD_DATA, BENCH_BUILD (default build-bench; the
# window needs a build with the GUI, which build-bench has).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
THREADS=$(nproc)
while [ $# -gt 0 ]; do
    case "$1" in
    --threads) THREADS=${2:?--threads needs a number}; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "window_sps.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
DATA=${DIGITPAD_DATA:-}
for d in "$ROOT/../shared/mnist" "$ROOT/data/mnist"; do
    [ -n "$DATA" ] && break
    [ -e "$d/train-images-idx3-ubyte.gz" ] || [ -e "$d/train-images-idx3-ubyte" ] && DATA=$d
done
[ -n "$DATA" ] || { echo "window_sps.sh: no MNIST" >&2; exit 1; }
BIN=${BENCH_BUILD:-$ROOT/build-bench}/digitpad
[ -x "$BIN" ] || { echo "window_sps.sh: no $BIN (bench/quick.sh builds it)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "window threads: all $(nproc) cores online (GUI_SCRATCH_THREADS 0); command line: $THREADS"

echo "load average $(cut -d' ' -f1-3 /proc/loadavg): command line"
"$BIN" --train --arch quick --threads "$THREADS" --data "$DATA" --out "$TMP/q.safetensors" \
    2>/dev/null >"$TMP/cli.txt"
cli=$(sed -n 's/.*(\([0-9]*\) samples\/s).*/\1/p' "$TMP/cli.txt" | tail -1)
echo "cli sps=$cli (its last epoch)"

echo "load average $(cut -d' ' -f1-3 /proc/loadavg): window"
cat >"$TMP/script.txt" <<'S'
wait-frames 2
key shift+t
key shift+t
expect-training 1
scribble 8000
wait-epoch 2 600000
wait-ms 5000
print
quit
S
mkdir -p "$TMP/home"
SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$TMP/home" DIGITPAD_DATA="$DATA" \
    "$BIN" --script "$TMP/script.txt" >"$TMP/win.txt" 2>"$TMP/win.err" ||
    { cat "$TMP/win.txt" "$TMP/win.err"; exit 1; }
win=$(sed -n 's/.* sps=\([0-9]*\) .*/\1/p' "$TMP/win.txt" | tail -1)
echo "window sps=$win (5 s into its second epoch, nothing drawn)"
awk -v w="$win" -v c="$cli" 'BEGIN { if (c > 0) printf "window / command line: %.2f\n", w / c }'
grep '^train_frames=' "$TMP/win.txt" | sed 's/^/window while training (8 s of drawing, then none): /'
