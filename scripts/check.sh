#!/usr/bin/env bash
# Checks that calls between files point one way (scripts/check-cycles.sh),
# then builds digitpad and runs the test suite five ways:
#   build/       Release            every test
#   build-blas/  Release + OpenBLAS the kernel tests, with the optional blas path
#   build-v2/    Release for CPUs without AVX2 (DIGITPAD_MARCH=x86-64-v2): the
#                kernel tests, and the program on an emulated Westmere
#   build-asan/  ASan + UBSan       the library, parser and threading tests and
#                                   the end-to-end tests that add something
#                                   there (label `nosan` marks the others;
#                                   docs/testing.md lists them and what still
#                                   covers each)
#   build-tsan/  ThreadSanitizer    the threading tests (OpenMP off: libgomp is
#                                   not instrumented, so TSan would cry wolf)
# Full MNIST comes from the developers' ../shared/mnist when it is there, else
# scripts/fetch-mnist.sh gets it into data/mnist (verified), so every test
# runs on a fresh clone too.  Only parts that need the pen-drawn digits
# (../shared only) print SKIPPED-PART.  Each step prints its time.
#   scripts/check.sh [--quick]    --quick: the Release builds only (build/, build-blas/, build-v2/)
set -euo pipefail
cd "$(dirname "$0")/.."
t_start=$SECONDS
times=()
# timed NAME CMD...: runs CMD and records how long it took.
timed() {
  local name=$1 t0=$SECONDS
  shift
  "$@"
  times+=("$(printf '%5d s  %s' $((SECONDS - t0)) "$name")")
}
timed "dependencies" scripts/deps.sh
if [ ! -d ../shared/mnist ]; then
  echo "== no ../shared/mnist: getting MNIST into data/mnist"
  timed "MNIST into data/mnist" scripts/fetch-mnist.sh data/mnist
fi

# No file of app/, nn/ or ink/ calls up into one that calls it back.
timed "check-cycles" scripts/check-cycles.sh

jobs=$(nproc 2>/dev/null || echo 2)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

run() { # dir ctest-args targets cmake-args...   targets: "" builds all
  local dir=$1 sel=$2 targets=$3 t0=$SECONDS
  shift 3
  echo "== $dir: configure and build${targets:+ ($targets)}"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  local tflags=()
  for t in $targets; do tflags+=(--target "$t"); done
  if ! cmake --build "$dir" -j"$jobs" "${tflags[@]}" >"$dir/build.log" 2>&1; then
    cat "$dir/build.log"; echo "== $dir: build failed" >&2; return 1
  fi
  if grep -E "warning:" "$dir/build.log"; then
    echo "== $dir: the build printed warnings (we keep it warning-free)" >&2; return 1
  fi
  local t1=$SECONDS
  echo "== $dir: tests"
  # shellcheck disable=SC2086
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" $sel
  times+=("$(printf '%5d s  %s (build %d s, tests %d s)' $((SECONDS - t0)) "$dir" \
    $((t1 - t0)) $((SECONDS - t1)))")
}

run build "" ""
# The other kernel paths need only the kernel tests and the program.
run build-blas "-R ^(test_nn_kernels|test_kernels)$" "test_nn_kernels digitpad" \
  -DDIGITPAD_BLAS=ON -DDIGITPAD_GUI=OFF
run build-v2 "-R ^(test_nn_kernels|test_kernels)$" "test_nn_kernels digitpad" \
  -DDIGITPAD_MARCH=x86-64-v2 -DDIGITPAD_GUI=OFF
if [ $quick -eq 0 ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run build-asan "-LE slow|nosan" "" -DDIGITPAD_SANITIZE=address,undefined
  # Only the threading tests and what they link.
  TSAN_OPTIONS=halt_on_error=1 \
    run build-tsan "-L threads" "test_bgtrain test_app_corrections" \
    -DDIGITPAD_SANITIZE=thread -DDIGITPAD_OPENMP=OFF
fi
echo "== step times"
printf '%s\n' "${times[@]}"
printf '%5d s  total\n' $((SECONDS - t_start))
echo "== all checks passed"
