#!/usr/bin/env bash
# Checks that calls between files point one way (scripts/check-cycles.sh),
# then builds digitpad and runs the whole test suite four ways:
#   build/       Release            every test
#   build-blas/  Release + OpenBLAS the kernel tests, with the optional blas path
#   build-v2/    Release for CPUs without AVX2 (DIGITPAD_MARCH=x86-64-v2): the
#                kernel tests, and the program on an emulated Westmere
#   build-asan/  ASan + UBSan       every test but the slow ones (full-MNIST training)
#   build-tsan/  ThreadSanitizer    the threading tests (OpenMP off: libgomp is
#                                   not instrumented, so TSan would cry wolf)
# Full MNIST comes from the developers' ../shared/mnist when it is there, else
# scripts/fetch-mnist.sh gets it into data/mnist (verified), so every test
# runs on a fresh clone too.  Only parts that need the pen-drawn digits
# (../shared only) print SKIPPED-PART.
#   scripts/check.sh [--quick]    --quick: the Release builds only (build/, build-blas/, build-v2/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ ! -d ../shared/mnist ]; then
  echo "== no ../shared/mnist: getting MNIST into data/mnist"
  scripts/fetch-mnist.sh data/mnist
fi

# No file of app/, nn/ or ink/ calls up into one that calls it back.
scripts/check-cycles.sh

jobs=$(nproc 2>/dev/null || echo 2)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

run() { # dir label-args cmake-args...
  local dir=$1 sel=$2; shift 2
  echo "== $dir: configure and build"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  if ! cmake --build "$dir" -j"$jobs" >"$dir/build.log" 2>&1; then
    cat "$dir/build.log"; echo "== $dir: build failed" >&2; return 1
  fi
  if grep -E "warning:" "$dir/build.log"; then
    echo "== $dir: the build printed warnings (we keep it warning-free)" >&2; return 1
  fi
  echo "== $dir: tests"
  # shellcheck disable=SC2086
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" $sel
}

run build ""
run build-blas "-R nn_kernels|test_kernels" -DDIGITPAD_BLAS=ON -DDIGITPAD_GUI=OFF
run build-v2 "-R nn_kernels|test_kernels" -DDIGITPAD_MARCH=x86-64-v2 -DDIGITPAD_GUI=OFF
if [ $quick -eq 0 ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run build-asan "-LE slow" -DDIGITPAD_SANITIZE=address,undefined
  TSAN_OPTIONS=halt_on_error=1 \
    run build-tsan "-L threads" -DDIGITPAD_SANITIZE=thread -DDIGITPAD_OPENMP=OFF
fi
echo "== all checks passed"
