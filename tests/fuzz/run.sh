#!/usr/bin/env bash
# run.sh — builds the libFuzzer targets (clang, ASan + UBSan) and runs each
# for SECONDS (default 30) on a copy of its seed corpus in tests/fuzz/corpus.
#
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
#        (targets: model idx ink_strokes ink_image args text; default all)
# Output: build-fuzz/ (or $FUZZ_BUILD): the libraries, the targets, each
# target's log (fuzz_T.log) and its findings in findings-T/ (crash-*,
# leak-*, timeout-*, oom-*).
#
# The library sources are compiled once, side by side, into three static
# libraries (nn+base, ink+base, the parser), and every target links the one
# it needs; the targets then run side by side, as many at once as there are
# cores (FUZZ_JOBS to change), each for SECONDS of wall time.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_EACH="${1:-30}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(model idx ink_strokes ink_image args text)
OUT="${FUZZ_BUILD:-$SRC/build-fuzz}"
CC="${FUZZ_CC:-clang}"
JOBS="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}"
command -v "$CC" >/dev/null || { echo "fuzz: needs clang (apt-get install clang)" >&2; exit 77; }
rm -rf "$OUT/obj"
mkdir -p "$OUT/obj"

# The library without BLAS or OpenMP: the fuzzers exercise parsing, and a
# single-threaded build keeps the sanitizers' reports simple.  Library code
# gets fuzzer-no-link (coverage without libFuzzer's main); only the targets
# link libFuzzer itself.
SAN="address,undefined"
CFLAGS=(-std=c11 -g -O1 -fno-sanitize-recover=undefined -Wno-unknown-pragmas
        -I"$SRC/include" -I"$SRC/nn" -I"$SRC/ink" -I"$SRC/app/cli" -I"$SRC/app/common"
        -I"$SRC/base")
LIBS=(-lcjson -lz -lm -lpthread)

t0=$SECONDS
echo "== fuzz: compiling the library sources once ($JOBS at a time)"
# Each source becomes obj/<dir>_<name>.o; xargs -P runs the compilers.
compile_list() {
    for f in "$SRC"/nn/*.c "$SRC"/ink/*.c "$SRC"/base/*.c \
             "$SRC"/app/cli/args.c "$SRC"/app/common/*.c; do
        printf '%s\n' "$f"
    done
}
export CC OUT SRC
export CFLAGS_STR="${CFLAGS[*]} -fsanitize=fuzzer-no-link,$SAN"
compile_list | xargs -P "$JOBS" -I{} sh -c '
    f={}; rel=${f#"$SRC"/}; o="$OUT/obj/$(printf %s "$rel" | tr / _).o"
    # shellcheck disable=SC2086
    $CC $CFLAGS_STR -c "$f" -o "$o" || { echo "fuzz: compiling $rel failed" >&2; exit 255; }'
objs() { ls "$OUT"/obj/"$1"_*.o; }
rm -f "$OUT"/lib*.a
# shellcheck disable=SC2046
ar rcs "$OUT/libdp_base.a" $(objs base)
# shellcheck disable=SC2046
ar rcs "$OUT/libdp_nn.a" $(objs nn)
# shellcheck disable=SC2046
ar rcs "$OUT/libdp_ink.a" $(objs ink)
# shellcheck disable=SC2046
ar rcs "$OUT/libdp_args.a" "$OUT/obj/app_cli_args.c.o" $(objs app_common)

echo "== fuzz: linking ${#TARGETS[*]} targets"
for t in "${TARGETS[@]}"; do
    case $t in
        ink_*) LIBA=("$OUT/libdp_ink.a" "$OUT/libdp_base.a") ;;
        # common/ takes its argmax from nn (nn_argmax); args.c reads
        # --threshold with common/'s parser
        args | text) LIBA=("$OUT/libdp_args.a" "$OUT/libdp_nn.a" "$OUT/libdp_base.a") ;;
        *) LIBA=("$OUT/libdp_nn.a" "$OUT/libdp_base.a") ;;
    esac
    "$CC" "${CFLAGS[@]}" "-fsanitize=fuzzer,$SAN" "$SRC/tests/fuzz/fuzz_$t.c" "${LIBA[@]}" \
        "${LIBS[@]}" -o "$OUT/fuzz_$t" &
done
fail=0
for job in $(jobs -p); do wait "$job" || fail=1; done
[ $fail -eq 0 ] || { echo "fuzz: linking failed" >&2; exit 1; }
echo "   built in $((SECONDS - t0)) s"

# fuzz_one T: runs target T for SECONDS_EACH into its log; the exit status
# says whether it ended cleanly.
fuzz_one() {
    local t=$1
    mkdir -p "$OUT/corpus-$t" "$OUT/findings-$t"
    cp -n "$SRC/tests/fuzz/corpus/$t"/* "$OUT/corpus-$t/" 2>/dev/null || true
    local dict=()
    [ -f "$SRC/tests/fuzz/$t.dict" ] && dict=(-dict="$SRC/tests/fuzz/$t.dict")
    local rc=0
    (cd "$OUT" && "./fuzz_$t" "${dict[@]}" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
        -max_len=65536 -timeout=10 -print_final_stats=1 -artifact_prefix="findings-$t/" \
        "corpus-$t" >"fuzz_$t.log" 2>&1) || rc=$?
    echo "$rc" >"$OUT/fuzz_$t.rc"
}

echo "== fuzz: running ${#TARGETS[*]} targets for ${SECONDS_EACH} s each, $JOBS at a time"
status=0
t1=$SECONDS
for t in "${TARGETS[@]}"; do
    # at most JOBS targets at once
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    rm -rf "$OUT/findings-$t" "$OUT/fuzz_$t.rc"
    fuzz_one "$t" &
done
wait
for t in "${TARGETS[@]}"; do
    rc=$(cat "$OUT/fuzz_$t.rc" 2>/dev/null || echo "no status")
    echo "== fuzz_$t: exit $rc"
    grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY)" \
        "$OUT/fuzz_$t.log" | tail -n 6 | sed 's/^/   /'
    if [ "$rc" != 0 ]; then
        echo "fuzz_$t: failed (exit $rc); log: $OUT/fuzz_$t.log" >&2
        status=1
    fi
    if ls "$OUT/findings-$t"/* >/dev/null 2>&1; then
        echo "fuzz_$t: findings in $OUT/findings-$t" >&2
        status=1
    fi
done
echo "== fuzz: ran in $((SECONDS - t1)) s; $((SECONDS - t0)) s in all"
exit $status
