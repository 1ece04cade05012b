#!/usr/bin/env bash
# run.sh — builds the libFuzzer targets (clang, ASan + UBSan) and runs each
# for SECONDS (default 30) on a copy of its seed corpus in tests/fuzz/corpus.
#
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
#        (targets: model idx ink_strokes ink_image args text; default all)
# Output: build-fuzz/ (or $FUZZ_BUILD); findings there as crash-* files.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_EACH="${1:-30}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(model idx ink_strokes ink_image args text)
OUT="${FUZZ_BUILD:-$SRC/build-fuzz}"
CC="${FUZZ_CC:-clang}"
command -v "$CC" >/dev/null || { echo "fuzz: needs clang (apt-get install clang)" >&2; exit 77; }
mkdir -p "$OUT"

# The library without BLAS or OpenMP: the fuzzers exercise parsing, and a
# single-threaded build keeps the sanitizers' reports simple.
FLAGS=(-std=c11 -g -O1 "-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=undefined
       -Wno-unknown-pragmas -I"$SRC/include" -I"$SRC/nn" -I"$SRC/app/cli" -I"$SRC/app/common" -I"$SRC/base")
LIBS=(-lcjson -lz -lm -lpthread)

status=0
for t in "${TARGETS[@]}"; do
    echo "== fuzz_$t: building"
    case $t in
        ink_*) LIBSRC=("$SRC"/ink/*.c "$SRC"/base/*.c) ;;
        # common.c takes its argmax from nn (nn_argmax); args.c reads
        # --threshold with the model card's parser (modelcard.c, paths.c)
        args | text) LIBSRC=("$SRC"/app/cli/args.c "$SRC"/app/common/*.c "$SRC"/nn/*.c "$SRC"/base/*.c) ;;
        *) LIBSRC=("$SRC"/nn/*.c "$SRC"/base/*.c) ;;
    esac
    "$CC" "${FLAGS[@]}" "$SRC/tests/fuzz/fuzz_$t.c" "${LIBSRC[@]}" "${LIBS[@]}" -o "$OUT/fuzz_$t"
    mkdir -p "$OUT/corpus-$t"
    cp -n "$SRC/tests/fuzz/corpus/$t"/* "$OUT/corpus-$t/" 2>/dev/null || true
    echo "== fuzz_$t: running ${SECONDS_EACH}s"
    DICT=()
    [ -f "$SRC/tests/fuzz/$t.dict" ] && DICT=(-dict="$SRC/tests/fuzz/$t.dict")
    if ! (cd "$OUT" && ./"fuzz_$t" "${DICT[@]}" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
            -max_len=65536 -timeout=10 -print_final_stats=1 "corpus-$t" 2>&1 |
            grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|.*cov:)" |
            tail -n 6); then
        status=1
    fi
    if ls "$OUT"/crash-* "$OUT"/leak-* "$OUT"/timeout-* "$OUT"/oom-* >/dev/null 2>&1; then
        echo "fuzz_$t: findings in $OUT" >&2
        status=1
    fi
done
exit $status
