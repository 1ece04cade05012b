#!/usr/bin/env bash
# bench/quick.sh — issue 31's figures, self-contained: the quick preset
# from nothing (`digitpad --train --arch quick`, 3 seeds) on each kernel
# path, the same network and recipe in PyTorch (bench/torch_quick.py, when
# /usr/bin/python3 has torch), and the window's trainer beside the command
# line's (bench/window_sps.sh).  Prints the CPU, kernel path, threads, load
# average, train and total seconds, process CPU seconds and accuracy per
# seed, the accuracy after each epoch against training time for both, and
# each one's time to 99.0% test accuracy with the ratio.
#
# usage: bench/quick.sh [--seeds 1,2,3] [--threads 2] [--no-torch] [--no-window]
#                       [--limit N]   (smoke runs: the first N training images)
# Environment: DIGITPAD_DATA (MNIST dir), BENCH_BUILD (default build-bench),
# BENCH_KERNELS (default "<best> avx2").  bench/run.sh --to99 runs it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SEEDS=1,2,3
THREADS=2
TORCH=1
WINDOW=1
LIMIT=
while [ $# -gt 0 ]; do
    case "$1" in
    --seeds) SEEDS=${2:?--seeds needs a list}; shift ;;
    --threads) THREADS=${2:?--threads needs a number}; shift ;;
    --no-torch) TORCH=0 ;;
    --no-window) WINDOW=0 ;;
    --limit) LIMIT=${2:?--limit needs a number}; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "quick.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
# $DIGITPAD_DATA, else the tests' lookup (../shared/mnist, data/mnist)
DATA=${DIGITPAD_DATA:-$(DIGITPAD_SRC=$ROOT; . "$ROOT/tests/lib.sh"; mnist_dir)} || exit 1
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }

echo "== quick preset benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | sed 's/^[^:]*: *//'), $(nproc) threads online"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $DATA; threads: $THREADS; seeds: $SEEDS"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDIGITPAD_BENCH=ON \
    >"$TMP/cmake.log" 2>&1 || { cat "$TMP/cmake.log"; exit 1; }
cmake --build "$BUILD" -j2 --target digitpad >"$TMP/build.log" 2>&1 ||
    { cat "$TMP/build.log"; exit 1; }
BIN=$BUILD/digitpad
BEST=$("$BIN" --version | sed -n 's/^kernels: \([a-z0-9]*\).*/\1/p')
KERNELS=${BENCH_KERNELS:-$BEST}
if [ -z "${BENCH_KERNELS:-}" ] && [ "$BEST" != avx2 ] &&
    DIGITPAD_KERNELS=avx2 "$BIN" --version >/dev/null 2>&1; then
    KERNELS="$KERNELS avx2"
fi

# digitpad: the whole command per seed; its per-epoch test accuracy is the
# curve, its "training N s" the training time.
for k in $KERNELS; do
    for s in ${SEEDS//,/ }; do
        l0=$(load)
        /usr/bin/time -f "%U %S %e" -o "$TMP/time" env DIGITPAD_KERNELS="$k" \
            "$BIN" --train --arch quick --seed "$s" --threads "$THREADS" --data "$DATA" ${LIMIT:+--limit "$LIMIT"} \
            --out "$TMP/quick-$s.safetensors" >"$TMP/out" 2>/dev/null ||
            { cat "$TMP/out"; echo "quick.sh: --train failed" >&2; exit 1; }
        [ -s "$TMP/recipe" ] || grep -A1 '^recipe:' "$TMP/out" >"$TMP/recipe" || true
        read -r user sys wall <"$TMP/time"
        train=$(sed -n 's/.*, training \([0-9.]*\) s,.*/\1/p' "$TMP/out")
        acc=$(sed -n 's/^saved .*(test accuracy \([0-9.]*\)%)$/\1/p' "$TMP/out")
        # curve: cumulative epoch seconds and the test accuracy after each
        awk -v k="$k" -v s="$s" '/^epoch [0-9]+\/[0-9]+ .*test accuracy/ {
                split($2, e, "/"); acc = $0; sub(/.*test accuracy */, "", acc); sub(/%.*/, "", acc)
                t = $0; sub(/.*\) *epoch /, "", t); sub(/ s .*/, "", t); cum += t
                printf "digitpad curve kernels=%s seed=%s epoch=%s train_s=%.2f test_acc=%.4f\n", k, s, e[1], cum, acc / 100 }' \
            "$TMP/out"
        to99=$(awk -v a="$acc" -v t="$train" 'BEGIN { print (a >= 99.0 ? t : "none") }')
        echo "digitpad done kernels=$k seed=$s threads=$THREADS load=$l0 train_s=$train total_s=$wall cpu_s=$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}') test_acc=$(awk -v a="$acc" 'BEGIN{printf "%.4f", a/100}') to99_s=$to99"
    done
done | tee "$TMP/dp.txt"
cat "$TMP/recipe" 2>/dev/null || true

if [ "$TORCH" = 1 ]; then
    if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
        # the recipe from the preset itself (the saved model's metadata)
        spec=$(/usr/bin/python3 - "$TMP/quick-${SEEDS%%,*}.safetensors" <<'PY'
import json, struct, sys
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", b[:8])[0]
m = json.loads(b[8:8 + n])["__metadata__"]
print(m["arch"], m["epochs"], m["batch"], m["lr"], m["schedule"], m.get("warmup", "0.2"), m["weight_decay"],
      m.get("skip_easy", "0"))
PY
)
        read -r arch epochs batch lr sched warm wd skip <<<"$spec"
        echo "-- PyTorch, load average $(load)"
        /usr/bin/python3 "$ROOT/bench/torch_quick.py" --data "$DATA" --spec "$arch" \
            --epochs "$epochs" --batch "$batch" --lr "$lr" --schedule "$sched" --warmup "$warm" \
            --weight-decay "$wd" --skip-easy "$skip" --threads "$THREADS" --seeds "$SEEDS" ${LIMIT:+--limit "$LIMIT"} |
            tee "$TMP/torch.txt"
    else
        echo "-- PyTorch: /usr/bin/python3 has no torch (apt-get install python3-torch); skipped"
    fi
fi

echo "== summary (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
touch "$TMP/torch.txt" # with --no-torch too: awk stops at a missing file
awk '
/^digitpad done/ { for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    k = f["kernels"]; n[k]++; tr[k] += f["train_s"]; tot[k] += f["total_s"]; ok[k] += f["test_acc"] >= 0.99
    if (f["to99_s"] != "none") { t99[k] += f["to99_s"]; n99[k]++ } }
/^torch done/ { for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    tn++; ttr += f["train_s"]; tok += f["test_acc"] >= 0.99
    if (f["to99_s"] != "none") { tt99 += f["to99_s"]; tn99++ } }
END {
    for (k in n) printf "digitpad %-7s mean train %.1f s, mean whole command %.1f s, >= 99.0%%: %d of %d seeds, mean time to 99.0%%: %s\n",
        k, tr[k] / n[k], tot[k] / n[k], ok[k], n[k], n99[k] ? sprintf("%.1f s", t99[k] / n99[k]) : "never"
    if (tn) printf "torch           mean train %.1f s, >= 99.0%%: %d of %d seeds, mean time to 99.0%%: %s\n",
        ttr / tn, tok, tn, tn99 ? sprintf("%.1f s", tt99 / tn99) : "never"
    for (k in n) if (tn && n[k]) printf "torch / digitpad %s, training time: %.2fx\n", k, ttr / tn / (tr[k] / n[k])
}' "$TMP/dp.txt" "$TMP/torch.txt" 2>/dev/null

if [ "$WINDOW" = 1 ]; then
    echo "-- the window's trainer beside the command line's"
    BENCH_BUILD=$BUILD "$ROOT/bench/window_sps.sh" --threads "$THREADS"
fi
