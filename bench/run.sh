#!/usr/bin/env bash
# bench/run.sh — the speed benchmark of issues 5 and 13: builds bench/bench_nn,
# runs it under two kernel paths (the best this CPU has and AVX2-only),
# interleaved with the same models in PyTorch (bench/torch_bench.py, when
# /usr/bin/python3 has torch) so the ratios come from the same minutes,
# then the seed post's numpy program; prints medians and ratios.
# docs/benchmarks.md explains what is measured.
#
# usage: bench/run.sh [--quick] [--repeats N] [--out FILE] | --to99 [quick.sh's options]
#   --quick     smoke run: one repeat, short windows, 3,200 cnn images
#   --to99      instead: from nothing to 99% (issue 31), the quick preset
#               beside PyTorch and the window's trainer (bench/quick.sh)
#   --repeats   whole-benchmark repeats whose medians are reported (default 3)
#   --out       results file (default bench/results-<date>.txt)
# Environment: DIGITPAD_DATA (MNIST dir), DIGITPAD_SHARED (default ../shared),
# BENCH_BUILD (build dir, default build-bench), BENCH_KERNELS (the paths to
# compare, default "<best> avx2").
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
REPEATS=3
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) QUICK=1 ;;
    --to99) shift; exec "$(dirname "$0")/quick.sh" "$@" ;;
    --repeats) REPEATS=${2:?--repeats needs a number}; shift ;;
    --out) OUT=${2:?--out needs a file}; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$REPEATS" in ''|*[!0-9]*|0) echo "run.sh: --repeats must be >= 1" >&2; exit 2 ;; esac

if [ "$QUICK" = 1 ]; then
    REPEATS=1 SECONDS_=0.5 RUNS=1000 EPOCH_S=2 NUMPY_RUNS=1 CNN_IMAGES=3200
else
    SECONDS_=3 RUNS=2000 EPOCH_S=10 NUMPY_RUNS=$REPEATS CNN_IMAGES=12800
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
CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/^[^:]*: *//')
echo "machine: $(uname -m), ${CPU:-unknown CPU}, $(nproc) threads"
echo "cpu flags: $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | tr ' ' '\n' |
    grep -E '^(avx2|fma|avx512f)$' | tr '\n' ' ')"
echo "load before: $(uptime)"
if [ -n "$DATA" ]; then
    echo "data: $DATA"
else
    synthetic_banner() {
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        echo "!! NO MNIST FOUND: bench_nn times SYNTHETIC inputs. These are NOT the real  !!"
        echo "!! training speeds (the sparse kernels depend on the digits' ink); no epoch !!"
        echo "!! times, no numpy ratio. Run scripts/fetch-mnist.sh or set DIGITPAD_DATA. !!"
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    }
    synthetic_banner
fi
echo "repeats: $REPEATS$([ "$QUICK" = 1 ] && echo ' (quick: 3,200 cnn images, not the headline)')"

echo "-- building bench_nn in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDIGITPAD_BENCH=ON \
    -DDIGITPAD_GUI=OFF >"$TMP/cmake.log" 2>&1 || { cat "$TMP/cmake.log"; exit 1; }
cmake --build "$BUILD" -j2 --target bench_nn digitpad >"$TMP/build.log" 2>&1 ||
    { cat "$TMP/build.log"; exit 1; }
grep -o -- '-mavx2 -mfma\|-march=native' "$BUILD/CMakeFiles/nn.dir/flags.make" 2>/dev/null |
    head -1 | sed 's/^/compiled for: /' || true
# The kernel paths to compare: the one the program picks here (it says
# which), and AVX2-only, what a CPU without AVX-512 gets.
BEST=$("$BUILD/digitpad" --version | sed -n 's/^kernels: \([a-z0-9]*\).*/\1/p')
echo "kernels: $("$BUILD/digitpad" --version 2>&1 | grep -A1 '^kernels:' | tr '\n' ' ')"
KERNELS=${BENCH_KERNELS:-$BEST}
if [ -z "${BENCH_KERNELS:-}" ] && [ "$BEST" != avx2 ] &&
    DIGITPAD_KERNELS=avx2 "$BUILD/digitpad" --version >/dev/null 2>&1; then
    KERNELS="$KERNELS avx2"
fi
echo "kernel paths compared: $KERNELS"

# The matrix products alone, per path, and OpenBLAS's as this environment
# makes it pick (the evidence for leaving OpenBLAS out of the default
# build): a second build with -DDIGITPAD_BLAS=ON when OpenBLAS is installed.
GEMM_PATHS=$KERNELS
for k in $KERNELS; do
    DIGITPAD_KERNELS=$k "$BUILD/bench_nn" --gemm | tee -a "$RAW"
done
if pkg-config --exists openblas 2>/dev/null; then
    if cmake -S "$ROOT" -B "$BUILD-blas" -DCMAKE_BUILD_TYPE=Release -DDIGITPAD_BENCH=ON \
        -DDIGITPAD_GUI=OFF -DDIGITPAD_BLAS=ON >"$TMP/cmake-blas.log" 2>&1 &&
        cmake --build "$BUILD-blas" -j2 --target bench_nn digitpad >"$TMP/build-blas.log" 2>&1; then
        echo "OpenBLAS: $("$BUILD-blas/digitpad" --version 2>&1 | grep '^kernels:') (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
        DIGITPAD_KERNELS=blas OPENBLAS_NUM_THREADS=1 "$BUILD-blas/bench_nn" --gemm | tee -a "$RAW"
        GEMM_PATHS="$GEMM_PATHS blas"
    else
        echo "(OpenBLAS build failed: no blas column; see $BUILD-blas)"
    fi
fi

PY=/usr/bin/python3
HAVE_TORCH=0
if [ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null; then
    HAVE_TORCH=1
else
    echo "-- PyTorch: /usr/bin/python3 has no torch (apt-get install python3-torch); skipped"
fi

# Each repeat runs every kernel path and PyTorch back to back, so each
# ratio compares numbers taken within the same few minutes of load.
for r in $(seq 1 "$REPEATS"); do
    for k in $KERNELS; do
        echo "-- digitpad, kernels $k, run $r/$REPEATS ($(uptime | sed 's/.*load/load/'))"
        DIGITPAD_KERNELS=$k "$BUILD/bench_nn" ${DATA:+--data "$DATA"} --seconds "$SECONDS_" \
            --runs "$RUNS" --epoch --epoch-seconds "$EPOCH_S" --cnn-images "$CNN_IMAGES" |
            tee -a "$RAW"
    done
    if [ "$HAVE_TORCH" = 1 ]; then
        echo "-- PyTorch, run $r/$REPEATS ($(uptime | sed 's/.*load/load/'))"
        "$PY" "$ROOT/bench/torch_bench.py" --repeats 1 --seconds "$SECONDS_" \
            --runs "$RUNS" | tee -a "$RAW"
    fi
done

# Real training, as a user runs it: one whole cnn epoch over the 60,000
# images (--quick: 6,400), then the tail (test pass and threshold
# calibration), per kernel path and thread count.  Its peak memory too.
if [ -n "$DATA" ]; then
    LIMIT=60000
    [ "$QUICK" = 1 ] && LIMIT=6400
    for k in $KERNELS; do
        for th in 1 2; do
            echo "-- digitpad --train --arch cnn --epochs 1 --limit $LIMIT --threads $th, kernels $k ($(uptime | sed 's/.*load/load/'))"
            DIGITPAD_KERNELS=$k "$BUILD/digitpad" --train --arch cnn --epochs 1 --limit "$LIMIT" \
                --threads "$th" --data "$DATA" --out "$TMP/cnn.safetensors" >"$TMP/train.log" 2>&1 ||
                { cat "$TMP/train.log"; exit 1; }
            grep -v '%  *[0-9]* samples/s' "$TMP/train.log" | grep -E '^epoch|^wall' | sed 's/^/   /'
            awk -v k="$k" -v th="$th" -v n="$LIMIT" '
                /^epoch .* samples\/s\), test / {
                    for (i = 1; i <= NF; i++) {
                        if ($i == "epoch" && $(i + 2) == "s") ep = $(i + 1)
                        if ($i == "test" && $(i + 2) ~ /^s/) tail = $(i + 1)
                    }
                }
                /peak memory/ { for (i = 1; i <= NF; i++) if ($i == "memory") mb = $(i + 1) }
                END { printf "digitpad realtrain cnn kernels=%s threads=%s images=%d sps=%.1f epoch_s=%s tail_s=%s tail_share=%.3f peak_mb=%s\n",
                             k, th, n, n / ep, ep, tail, tail / ep, mb }' "$TMP/train.log" | tee -a "$RAW"
        done
    done
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
awk -v kernels="$KERNELS" '
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
function ratio(d, t, higher) { return (d == "" || t == "" || d == 0 || t == 0) ? "-" : sprintf("%.2fx", higher ? d / t : t / d) }
# One row: a value per kernel path, PyTorch, then each path against PyTorch.
function row(name, dkey, tkey, f, higher,   i, line, d) {
    line = sprintf("%-30s", name)
    for (i = 1; i <= nk; i++) { d[i] = med(sprintf(dkey, K[i])); line = line sprintf(" %11s", num(d[i], f)) }
    line = line sprintf(" %11s", num(med(tkey), f))
    for (i = 1; i <= nk; i++) line = line sprintf(" %9s", ratio(d[i], med(tkey), higher))
    print line
}
END {
    nk = split(kernels, K, " ")
    head = sprintf("\n%-30s", "median of runs")
    for (i = 1; i <= nk; i++) head = head sprintf(" %11s", "dp " K[i])
    head = head sprintf(" %11s", "PyTorch")
    for (i = 1; i <= nk; i++) head = head sprintf(" %9s", K[i] "/pt")
    print head
    printf "%-30s (ratios > 1: digitpad faster)\n", ""
    split("seed mlp cnn", P, " ")
    for (i = 1; i <= 3; i++) for (th = 1; th <= 2; th++)
        row("train " P[i] " " (P[i] == "seed" ? "b1" : "b64") ", " th " thr (samples/s)",
            "digitpad train " P[i] " kernels=%s threads=" th " sps", "torch train " P[i] " threads=" th " sps", "%.0f", 1)
    for (i = 1; i <= 3; i++) {
        row("infer " P[i] " median (ms)", "digitpad infer " P[i] " kernels=%s median_ms", "torch infer " P[i] " median_ms", "%.4f", 0)
        row("infer " P[i] " p99 (ms)", "digitpad infer " P[i] " kernels=%s p99_ms", "torch infer " P[i] " p99_ms", "%.4f", 0)
    }
    for (i = 1; i <= 3; i++)
        row("epoch " P[i] ", 2 thr (s)" (P[i] == "cnn" ? " extrap." : ""), "digitpad epoch " P[i] " kernels=%s threads=2 seconds", "none", "%.3f", 0)
    for (th = 1; th <= 2; th++) {
        row("real --train cnn, " th " thr (sps)", "digitpad realtrain cnn kernels=%s threads=" th " sps", "torch train cnn threads=" th " sps", "%.0f", 1)
        row("  its tail (s)", "digitpad realtrain cnn kernels=%s threads=" th " tail_s", "none", "%.1f", 0)
        row("  tail / epoch", "digitpad realtrain cnn kernels=%s threads=" th " tail_share", "none", "%.3f", 0)
        row("  peak memory (MB)", "digitpad realtrain cnn kernels=%s threads=" th " peak_mb", "none", "%.0f", 0)
    }
    for (i = 1; i <= nk; i++) {
        printf "\nkernels %s:\n", K[i]
        ns = med("numpy seed train_s"); ds = med("digitpad epoch seed kernels=" K[i] " threads=2 seconds")
        if (ns != "" && ds != "")
            printf "  seed, one epoch: numpy %.1f s, digitpad %.3f s: %.1fx faster (target >= 20x)\n", ns, ds, ns / ds
        c2 = med("digitpad realtrain cnn kernels=" K[i] " threads=2 sps"); c1 = med("digitpad realtrain cnn kernels=" K[i] " threads=1 sps")
        ta = med("digitpad realtrain cnn kernels=" K[i] " threads=2 tail_s"); ts = med("digitpad realtrain cnn kernels=" K[i] " threads=2 tail_share")
        t2 = med("torch train cnn threads=2 sps"); t1 = med("torch train cnn threads=1 sps")
        m2 = med("digitpad train mlp kernels=" K[i] " threads=2 sps"); m1 = med("digitpad train mlp kernels=" K[i] " threads=1 sps")
        u2 = med("torch train mlp threads=2 sps"); u1 = med("torch train mlp threads=1 sps")
        ci = med("digitpad infer cnn kernels=" K[i] " median_ms"); ti = med("torch infer cnn median_ms")
        if (c1 != "" && c2 != "") printf "  real cnn training, 2-thread scaling: %.2fx (target >= 1.7x)\n", c2 / c1
        if (ta != "") printf "  --train tail at 2 threads: %.1f s, %.1f%% of the epoch (target <= 10%% or 2 s)\n", ta, 100 * ts
        if (c2 != "" && t2 != "") printf "  real cnn training vs PyTorch: %.2fx at 2 threads (target >= 1.5x), %.2fx at 1 (>= 1.2x)\n", c2 / t2, c1 / t1
        if (m2 != "" && u2 != "") printf "  mlp training vs PyTorch: %.2fx at 2 threads, %.2fx at 1 (targets >= 2x)\n", m2 / u2, m1 / u1
        if (ci != "" && ti != "") printf "  cnn inference: %.3f ms, %.2f of PyTorch'"'"'s %.3f ms (target <= 0.5)\n", ci, ci / ti, ti
    }
}' "$RAW"

# The matrix products: GFLOP/s per shape and path.
awk -v paths="$GEMM_PATHS" '
/^digitpad gemm / {
    split($3, a, "="); split($4, b, "="); split($5, c, "=")
    g[a[2], b[2]] = c[2]; if (!(b[2] in seen)) { seen[b[2]] = 1; order[++ns] = b[2] }
}
END {
    np = split(paths, P, " ")
    line = sprintf("\n%-24s", "nn_gemm GFLOP/s (best of 200)")
    for (i = 1; i <= np; i++) line = line sprintf(" %9s", P[i])
    print line
    for (s = 1; s <= ns; s++) {
        line = sprintf("%-24s", order[s])
        for (i = 1; i <= np; i++) line = line sprintf(" %9s", ((P[i], order[s]) in g) ? g[P[i], order[s]] : "-")
        print line
    }
}' "$RAW"

echo
echo "load after: $(uptime)"
[ -n "$DATA" ] || synthetic_banner
echo "results: $OUT (on a shared machine ratios from one run count, absolute times do not)"
