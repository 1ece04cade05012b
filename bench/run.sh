#!/usr/bin/env bash
# bench/run.sh — the speed benchmark of issue 5: builds bench/bench_nn, runs
# it, the same models in PyTorch (bench/torch_bench.py, when /usr/bin/python3
# has torch) and the seed post's numpy program, repeats, and prints medians
# and digitpad/PyTorch ratios.  docs/benchmarks.md explains what is measured.
#
# usage: bench/run.sh [--quick] [--repeats N] [--out FILE]
#   --quick     smoke run (~1 minute): one repeat, short timing windows
#   --repeats   whole-benchmark repeats whose medians are reported (default 3)
#   --out       results file (default bench/results-<date>.txt)
# Environment: DIGITPAD_DATA (MNIST dir), DIGITPAD_SHARED (default ../shared),
# BENCH_BUILD (build dir, default build-bench).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
REPEATS=3
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) QUICK=1 ;;
    --repeats) REPEATS=${2:?--repeats needs a number}; shift ;;
    --out) OUT=${2:?--out needs a file}; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$REPEATS" in ''|*[!0-9]*|0) echo "run.sh: --repeats must be >= 1" >&2; exit 2 ;; esac

if [ "$QUICK" = 1 ]; then
    REPEATS=1 SECONDS_=0.5 RUNS=1000 EPOCH_S=2 NUMPY_RUNS=1
else
    SECONDS_=3 RUNS=2000 EPOCH_S=10 NUMPY_RUNS=$REPEATS
fi

SHARED=${DIGITPAD_SHARED:-$ROOT/../shared}
DATA=${DIGITPAD_DATA:-}
if [ -z "$DATA" ]; then
    for d in "$SHARED/mnist" "$ROOT/data/mnist"; do
        if [ -e "$d/train-images-idx3-ubyte.gz" ] || [ -e "$d/train-images-idx3-ubyte" ]; then
            DATA=$d
            break
        fi
    done
fi
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results-$STAMP.txt}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
RAW=$TMP/raw.txt
: >"$RAW"

# Everything printed goes to the terminal and the results file.
exec > >(tee "$OUT") 2>&1

echo "== digitpad benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(uname -m), $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) threads"
echo "load before: $(uptime)"
echo "data: ${DATA:-none (synthetic inputs; no epoch times, no numpy ratio)}"
echo "repeats: $REPEATS$([ "$QUICK" = 1 ] && echo ' (quick)')"

echo "-- building bench_nn in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDIGITPAD_BENCH=ON \
    -DDIGITPAD_GUI=OFF >"$TMP/cmake.log" 2>&1 || { cat "$TMP/cmake.log"; exit 1; }
cmake --build "$BUILD" -j2 --target bench_nn digitpad >"$TMP/build.log" 2>&1 ||
    { cat "$TMP/build.log"; exit 1; }
grep -o -- '-mavx2 -mfma\|-march=native' "$BUILD/CMakeFiles/nn.dir/flags.make" 2>/dev/null |
    head -1 | sed 's/^/compiled for: /' || true

for r in $(seq 1 "$REPEATS"); do
    echo "-- digitpad, run $r/$REPEATS"
    "$BUILD/bench_nn" ${DATA:+--data "$DATA"} --seconds "$SECONDS_" --runs "$RUNS" \
        --epoch --epoch-seconds "$EPOCH_S" | tee -a "$RAW"
done

if [ -n "$DATA" ]; then
    echo "-- peak memory: digitpad --train --arch cnn --limit 6400 --epochs 1"
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$BUILD/digitpad" --train --arch cnn --limit 6400 --epochs 1 \
            --data "$DATA" --out "$TMP/cnn.safetensors" >"$TMP/train.log" 2>&1 || true
        kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$TMP/train.log")
        [ -n "$kb" ] && echo "digitpad train_peak_rss_mb=$(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}')" |
            tee -a "$RAW"
    else
        echo "(no /usr/bin/time: skipped)"
    fi
fi

PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null; then
    echo "-- PyTorch"
    "$PY" "$ROOT/bench/torch_bench.py" --repeats "$REPEATS" --seconds "$SECONDS_" \
        --runs "$RUNS" | tee -a "$RAW"
else
    echo "-- PyTorch: /usr/bin/python3 has no torch (apt-get install python3-torch); skipped"
fi

NUMPY_PROG=$SHARED/bench/seed_numpy.py
if [ -n "$DATA" ] && [ -f "$NUMPY_PROG" ] && [ -x "$PY" ] &&
    "$PY" -c 'import numpy, scipy.special' 2>/dev/null; then
    echo "-- the seed post's numpy program ($NUMPY_PROG)"
    mkdir -p "$TMP/idx"
    for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte \
        t10k-labels-idx1-ubyte; do
        if [ -e "$DATA/$f" ]; then cp "$DATA/$f" "$TMP/idx/$f"; else gzip -dc "$DATA/$f.gz" >"$TMP/idx/$f"; fi
    done
    for r in $(seq 1 "$NUMPY_RUNS"); do
        line=$("$PY" "$NUMPY_PROG" "$TMP/idx")
        echo "$line"
        echo "$line" | sed -n 's/.*train_s \([0-9.]*\).*/numpy seed train_s=\1/p' >>"$RAW"
    done
else
    echo "-- numpy seed program: not found or no numpy/scipy; skipped"
fi

# ------------------------------------------------------------------ table
# Medians over every line with the same labels; then the table.
awk '
function isnum(v) { return v ~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/ }
/^(digitpad|torch|numpy) / {
    lab = ""
    for (i = 1; i <= NF; i++) if (!(split($i, kv, "=") == 2 && isnum(kv[2]) && kv[1] != "threads")) lab = lab " " $i
    for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2 && isnum(kv[2]) && kv[1] != "threads") {
        k = substr(lab, 2) " " kv[1]
        n[k]++; v[k, n[k]] = kv[2] + 0
    }
}
function med(k,   m, i, j, t, a) {
    m = n[k]
    if (!m) return ""
    for (i = 1; i <= m; i++) a[i] = v[k, i]
    for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function num(x, f) { return x == "" ? "-" : sprintf(f, x) }
function row(name, d, t, f, higher,   r) {
    r = (d == "" || t == "" || d == 0 || t == 0) ? "-" : sprintf("%.2fx", higher ? d / t : t / d)
    printf "%-34s %12s %12s %10s\n", name, num(d, f), num(t, f), r
}
END {
    printf "\n%-34s %12s %12s %10s\n", "median of runs", "digitpad", "PyTorch", "speed-up"
    printf "%-34s %12s %12s %10s\n", "", "", "", "(>1: ours)"
    split("seed mlp cnn", P, " ")
    for (i = 1; i <= 3; i++) for (th = 1; th <= 2; th++)
        row("train " P[i] " " (P[i] == "seed" ? "batch 1" : "batch 64") ", " th " thr (samples/s)",
            med("digitpad train " P[i] " threads=" th " sps"), med("torch train " P[i] " threads=" th " sps"), "%.0f", 1)
    for (i = 1; i <= 3; i++) {
        row("infer " P[i] " median (ms)", med("digitpad infer " P[i] " median_ms"), med("torch infer " P[i] " median_ms"), "%.4f", 0)
        row("infer " P[i] " p99 (ms)", med("digitpad infer " P[i] " p99_ms"), med("torch infer " P[i] " p99_ms"), "%.4f", 0)
    }
    for (i = 1; i <= 3; i++) {
        s = med("digitpad epoch " P[i] " threads=2 seconds")
        x = med("digitpad epoch " P[i] " threads=2 extrapolated")
        printf "%-34s %12s %12s %10s\n", "epoch " P[i] ", 2 thr (s)", num(s, "%.3f"), "", (x == 1 ? "extrapol." : (s == "" ? "" : "measured"))
    }
    pk = med("digitpad train_peak_rss_mb")
    printf "%-34s %12s\n", "peak RSS, cnn --limit 6400 (MB)", num(pk, "%.1f")
    a = med("digitpad train seed threads=1 sps"); b = med("torch train seed threads=1 sps")
    ns = med("numpy seed train_s"); ds = med("digitpad epoch seed threads=2 seconds")
    if (ns != "" && ds != "")
        printf "\nseed, one epoch: numpy %.1f s, digitpad %.3f s: %.1fx faster (target >= 20x)\n", ns, ds, ns / ds
    c2 = med("digitpad train cnn threads=2 sps"); c1 = med("digitpad train cnn threads=1 sps")
    t2 = med("torch train cnn threads=2 sps")
    if (c1 != "" && c2 != "") printf "cnn 2-thread scaling: %.2fx (target >= 1.7x)\n", c2 / c1
    if (c2 != "" && t2 != "") printf "cnn training vs PyTorch, 2 threads: %.2fx (target >= 1.5x)\n", c2 / t2
}' "$RAW"

echo
echo "load after: $(uptime)"
echo "results: $OUT (this machine is shared: ratios from one run count, absolute times do not)"
