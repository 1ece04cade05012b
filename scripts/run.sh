#!/usr/bin/env bash
# Quick start: install what is missing, build, and open the window on the
# shipped model.  Arguments go to digitpad (e.g. --model FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)"
exec build/digitpad "$@"
