#!/usr/bin/env bash
# test_kernels.sh — the kernel paths as the user sees them (issue 13):
# --version and the --train header name the path, DIGITPAD_KERNELS forces a
# lower one or is refused in one line, a generic fallback is warned about;
# on an emulated CPU without AVX2 (qemu-x86_64 -cpu Westmere) the program
# says so in one line and exits 2 instead of dying of SIGILL (a build with
# DIGITPAD_MARCH=x86-64-v2 instead runs there, on the generic path, to the
# same digit), and on one with AVX2 but no AVX-512 (-cpu max) it predicts
# on the avx2 path; in a
# Release build without BLAS, --predict and --eval finish under
# `ulimit -v 150000` (OpenBLAS 0.3.21 hung there, issue 18 row 2).
# Exit 0 pass, 1 fail; parts without qemu or MNIST are skipped.
set -u

. "$(dirname "$0")/lib.sh" # counters, check, need_bin, test_tmpdir, finish
BIN=$(need_bin) || exit 1
SRC=${DIGITPAD_SRC:-}
tmp=$(test_tmpdir kernels)
# run ARGS...: stdout in $tmp/out, stderr in $tmp/err, status in $rc.
run() {
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
lines() { wc -l <"$1"; }

MODEL=$SRC/models/default.safetensors
# A 28x28 picture of a vertical bar: any digit will do.
{
    printf 'P5\n28 28\n255\n'
    for ((y = 0; y < 28; y++)); do
        for ((x = 0; x < 28; x++)); do
            if ((x >= 12 && x <= 15 && y >= 4 && y <= 23)); then printf '\377'; else printf '\000'; fi
        done
    done
} >"$tmp/one.pgm"

# ------------------------------------------------------ the path, by name
run "$BIN" --version
check "--version exits 0" test "$rc" -eq 0
best=$(sed -n 's/^kernels: \([a-z0-9]*\) .*/\1/p' "$tmp/out")
check "--version names the kernel path (got '$best')" \
    grep -Eq '^kernels: (avx512|avx2|generic) \(own\)$|^kernels: blas \(OpenBLAS [A-Za-z0-9]+\)$' "$tmp/out"
if [[ $best != blas ]]; then
    flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
    want=generic
    [[ $flags == *" avx2 "* && $flags == *" fma "* ]] && want=avx2
    [[ $want == avx2 && $flags == *" avx512f "* ]] && want=avx512
    check "the default path is the best this CPU has ($want, got $best)" test "$best" = "$want"
    check "no warning on the best path" test ! -s "$tmp/err"
fi

for p in avx2 generic; do
    run env DIGITPAD_KERNELS=$p "$BIN" --version
    check "DIGITPAD_KERNELS=$p: exit 0" test "$rc" -eq 0
    check "DIGITPAD_KERNELS=$p is the path in use" grep -qx "kernels: $p (own)" "$tmp/out"
done
check "the generic fallback is warned about in one line" test "$(lines "$tmp/err")" -eq 1
check "the warning names the better path" grep -q "^digitpad: warning: generic kernels in use although this CPU supports" "$tmp/err"

run env DIGITPAD_KERNELS=avx9 "$BIN" --predict "$tmp/one.pgm" --model "$MODEL"
check "an unknown DIGITPAD_KERNELS exits 2" test "$rc" -eq 2
check "... with one line naming it" grep -Eqx "digitpad: DIGITPAD_KERNELS=avx9: unknown kernel path 'avx9' \(use avx512, avx2, generic( or blas)?\)" "$tmp/err"
check "... and nothing on stdout" test ! -s "$tmp/out"

# The same prediction on every path this CPU takes (the tests of
# test_nn_kernels prove the kernels; this proves the program uses them).
for p in avx512 avx2 generic; do
    run env DIGITPAD_KERNELS=$p "$BIN" --predict "$tmp/one.pgm" --model "$MODEL"
    if [[ $rc -eq 2 ]] && grep -q "not available on this CPU" "$tmp/err"; then
        skip "path $p: this CPU lacks it"
        continue
    fi
    check "--predict on path $p" test "$rc" -eq 0
    grep -v '^#' "$tmp/out" | cut -d' ' -f2 >"$tmp/digit.$p"
done
check "every path predicts the same digit" test "$(cat "$tmp"/digit.* | sort -u | wc -l)" -eq 1

# --------------------------------------------------- the --train header
# MNIST is never a reason to skip (tests/lib.sh: ../shared or data/mnist)
if MNIST=$(mnist_dir); then
    # 2000 images (61% here): a run below 20% test accuracy is a failed
    # one (issue 26), and 640 gave 16%
    run env DIGITPAD_KERNELS=avx2 "$BIN" --train --arch mlp --limit 2000 --epochs 1 --threads 1 \
        --data "$MNIST" --out "$tmp/m.safetensors"
    check "--train runs" test "$rc" -eq 0
    check "the --train header names the path" grep -qx "kernels: avx2 (own)" "$tmp/out"
else
    fail "--train header: no MNIST"
fi

# ----------------------------------------------- CPUs without AVX2 (qemu)
if [[ ${DIGITPAD_NATIVE:-OFF} == ON ]]; then
    skip "CPUs without AVX2: a DIGITPAD_NATIVE build is for this CPU alone"
elif command -v qemu-x86_64 >/dev/null && [[ $(uname -m) == x86_64 && $best != blas ]] &&
    [[ ${DIGITPAD_SANITIZE:-} == "" && ${DIGITPAD_MARCH:-} == x86-64-v2 ]]; then
    # The build for CPUs without AVX2: Westmere (SSE4.2, no AVX) runs it.
    run timeout 300 qemu-x86_64 -cpu Westmere "$BIN" --predict "$tmp/one.pgm" --model "$MODEL"
    check "x86-64-v2 build on a CPU without AVX2: --predict runs (rc $rc)" test "$rc" -eq 0
    check "... to the same digit" test "$(grep -v '^#' "$tmp/out" | cut -d' ' -f2)" = "$(cat "$tmp"/digit.* | head -1)"
    run timeout 120 qemu-x86_64 -cpu Westmere "$BIN" --version
    check "... on the generic path, without a warning" grep -qx "kernels: generic (own)" "$tmp/out"
    check "... and nothing on stderr" test ! -s "$tmp/err"
elif command -v qemu-x86_64 >/dev/null && [[ $(uname -m) == x86_64 && $best != blas ]] &&
    [[ ${DIGITPAD_SANITIZE:-} == "" && -z ${DIGITPAD_MARCH:-} ]]; then
    run timeout 120 qemu-x86_64 -cpu Westmere "$BIN" --version
    check "without AVX2: exit 2, not SIGILL (rc $rc)" test "$rc" -eq 2
    check "without AVX2: one line saying so" \
        grep -qx "digitpad: this CPU lacks AVX2 and FMA, which this build needs (any x86-64 CPU since 2013-2015 has them); rebuild on this machine with -DDIGITPAD_NATIVE=ON" "$tmp/err"
    check "without AVX2: exactly that line" test "$(lines "$tmp/err")" -eq 1
    check "without AVX2: nothing on stdout" test ! -s "$tmp/out"
    run timeout 300 qemu-x86_64 -cpu max "$BIN" --predict "$tmp/one.pgm" --model "$MODEL"
    if [[ $rc -eq 2 ]] && grep -q "lacks AVX2" "$tmp/err"; then
        skip "this qemu's -cpu max has no AVX2"
    else
        check "AVX2 without AVX-512 (qemu -cpu max): --predict runs" test "$rc" -eq 0
        check "... to the same digit" test "$(grep -v '^#' "$tmp/out" | cut -d' ' -f2)" = "$(cat "$tmp"/digit.* | head -1)"
        run timeout 120 qemu-x86_64 -cpu max "$BIN" --version
        check "... on the avx2 path" grep -qx "kernels: avx2 (own)" "$tmp/out"
    fi
else
    skip "CPUs without AVX2: needs qemu-x86_64 (apt-get install qemu-user), an x86-64 build without BLAS or sanitizers, for AVX2 (the default) or x86-64-v2"
fi

# ------------------------------------------------- a memory limit (Release)
# Sanitizer builds cannot start under ulimit -v; Debug builds are not what
# the limit is about.
if [[ ${DIGITPAD_BUILD_TYPE:-} == Release && -z ${DIGITPAD_SANITIZE:-} && $best != blas ]]; then
    limit=(bash -c 'ulimit -v 150000 && exec "$@"' limit)
    start=$(date +%s)
    run timeout 60 "${limit[@]}" "$BIN" --predict "$tmp/one.pgm" --model "$MODEL"
    check "ulimit -v 150000: --predict finishes with a result (rc $rc)" test "$rc" -eq 0
    check "... one answer" test "$(grep -vc '^#' "$tmp/out")" -eq 1
    if [[ -e $MNIST/t10k-images-idx3-ubyte.gz || -e $MNIST/t10k-images-idx3-ubyte ]]; then
        # A result, or (when the C library's per-thread arenas took too much
        # of the limit) the out-of-memory exit code and one clear line;
        # never a hang.
        run timeout 60 "${limit[@]}" "$BIN" --eval --model "$MODEL" --data "$MNIST"
        if [[ $rc -eq 0 ]]; then
            check "ulimit -v 150000: --eval gives the accuracy" grep -q "^accuracy" "$tmp/out"
        else
            check "ulimit -v 150000: --eval finishes within 60 s, with a result or out of memory (rc $rc; 124 is the timeout)" \
                test "$rc" -eq 4
            check "... saying so in one line" grep -qx "digitpad: .*out of memory.*" "$tmp/err"
        fi
        # Tighter: too little memory for the test set is refused clearly,
        # with the README's exit code for running out of memory.
        run timeout 60 bash -c 'ulimit -v 40000 && exec "$@"' limit "$BIN" --eval --model "$MODEL" --data "$MNIST"
        check "ulimit -v 40000: --eval stops within 60 s, out of memory (rc $rc, want 4)" test "$rc" -eq 4
        check "... in one line" test "$(grep -c '^digitpad: ' "$tmp/err")" -eq 1
    else
        fail "--eval under ulimit -v: no MNIST"
    fi
    echo "memory-limit cases took $(($(date +%s) - start)) s"
else
    skip "ulimit -v cases: Release builds without sanitizers or BLAS only"
fi

finish test_kernels "$tmp"
