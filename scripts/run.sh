#!/usr/bin/env bash
# Quick start: install what is missing, build, and open the window on the
# shipped model, saying what each step does and how long it took.  A second
# run reuses the build (a few seconds when nothing changed).
#   scripts/run.sh [digitpad arguments, e.g. --model FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

now() { date +%s.%N; }
T0=$(now)
step_start() { echo "digitpad setup: $*"; S=$(now); }
step_end() { awk -v a="$S" -v b="$(now)" 'BEGIN { printf "digitpad setup:   done in %.1f s\n", b - a }'; }

step_start "checking the Debian packages it needs (scripts/deps.sh; installs only what is missing)"
scripts/deps.sh
step_end

if [ ! -f build/CMakeCache.txt ]; then
  step_start "configuring the build in build/ (cmake, Release)"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  step_end
fi

step_start "building digitpad (cmake --build build; only what changed)"
if ! cmake --build build --target digitpad -j"$(nproc 2>/dev/null || echo 2)" \
      >build/run-build.log 2>&1; then
  cat build/run-build.log >&2
  echo "digitpad setup: the build failed (log above, also in build/run-build.log)" >&2
  exit 1
fi
step_end

awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "digitpad setup: ready in %.1f s; starting build/digitpad\n", b - a }'
exec build/digitpad "$@"
