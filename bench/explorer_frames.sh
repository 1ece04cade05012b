#!/usr/bin/env bash
# bench/explorer_frames.sh — the explorer's frame times while the cnn trains
# (issue 30 item 7), for one or more builds of digitpad, runs interleaved so
# every build sees the same machine: the real window (SDL's dummy driver,
# --script, 1280×800) with a drawn 7 and the explorer (V) open, Shift+T
# (a from-scratch run on all of MNIST), and once its first snapshot is in,
# the pointer moved over a new unit every frame (H of them), each one
# described; then the frame statistics of the frames drawn while it
# trained: worst, 99th percentile of the wall time (what a person sees; the
# machine's load moves it) and of the UI thread's CPU time (what the frame
# costs; builds before train_p99_cpu_ms print "-").  The model is a cnn
# trained here for a second, as tests/test_gui_views.sh part 2b does.
#
# usage: bench/explorer_frames.sh [--runs N] [--hovers H] BIN [BIN...]
#   N: runs per build (default 3), H: units pointed at per run (default 300)
# Environment: DIGITPAD_DATA (default the tests' lookup of MNIST).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3
HOVERS=300
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) RUNS=${2:?--runs needs a number}; shift ;;
    --hovers) HOVERS=${2:?--hovers needs a number}; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "explorer_frames.sh: unknown option '$1'" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
[ $# -ge 1 ] || { sed -n '14,16p' "$0" >&2; exit 2; }
for b in "$@"; do
    [ -x "$b" ] || { echo "explorer_frames.sh: no program $b" >&2; exit 1; }
done
export DIGITPAD_SRC=$ROOT
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
DATA=${DIGITPAD_DATA:-$(mnist_dir)} || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$1" --train --arch cnn --epochs 1 --limit 1000 --data "$DATA" --out "$TMP/cnn.safetensors" \
    > "$TMP/train.txt" 2>&1 || { cat "$TMP/train.txt"; exit 1; }
{
    echo "wait-frames 2"
    seven
    echo "key v"
    echo "wait-frames 2"
    echo "key shift+t"
    echo "key shift+t"
    echo "wait-version 1 120000"
    for i in $(seq 0 $((HOVERS - 1))); do
        echo "hover-unit $((1 + i % 4)) $((i % 7)) $(((i * 3) % 7))"
        echo "wait-frames 1"
    done
    echo "quit"
} > "$TMP/script.txt"

f() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $s"; } # a field of the stats line $s
s=""
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | sed 's/^[^:]*: *//'), $(nproc) online"
printf '%-4s %-40s %7s %9s %9s %9s  %s\n' run build frames worst_ms p99_ms cpu_p99_ms \
    "load average before"
for r in $(seq 1 "$RUNS"); do
    for b in "$@"; do
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        rm -rf "${TMP:?}/home"
        mkdir -p "$TMP/home"
        SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$TMP/home" DIGITPAD_DATA="$DATA" \
            timeout 300 "$b" --model "$TMP/cnn.safetensors" --size 1280x800 \
            --script "$TMP/script.txt" > "$TMP/out.txt" 2>&1 || true
        s=$(grep '^train_frames=' "$TMP/out.txt" || echo "")
        printf '%-4s %-40s %7s %9s %9s %9s  %s\n' "$r" "$(basename "$(dirname "$b")")/$(basename "$b")" \
            "$(f train_frames)" "$(f train_max_frame_ms)" "$(f train_p99_frame_ms)" \
            "$(f train_p99_cpu_ms | sed 's/^$/-/')" "$load"
    done
done
