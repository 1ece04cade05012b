# tests/lib.sh — what the shell tests share (sourced, not run).
#
# Data: full MNIST is needed by several tests and must never be a reason to
# skip.  It is the developers' ../shared/mnist when present, else the copy
# scripts/fetch-mnist.sh puts in the source tree's data/mnist (scripts/check.sh
# fetches it there on a fresh clone).  The pen-drawn digits live only in
# ../shared (a corpus we may use but not redistribute), so a part that needs
# them is the one thing allowed to skip, and says so with SKIPPED-PART.

# mnist_dir: prints the directory holding the four MNIST files (raw or .gz);
# returns 1, with a line saying what to run, when there is none.
mnist_dir() {
    local src=${DIGITPAD_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
    local shared=${DIGITPAD_SHARED:-$src/../shared}
    local d f ok
    for d in "$shared/mnist" "$src/data/mnist"; do
        ok=1
        for f in train-images-idx3-ubyte train-labels-idx1-ubyte \
                 t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
            [ -r "$d/$f.gz" ] || [ -r "$d/$f" ] || { ok=0; break; }
        done
        if [ $ok -eq 1 ]; then echo "$d"; return 0; fi
    done
    echo "FAIL: full MNIST not found in $shared/mnist or $src/data/mnist:" \
         "run scripts/fetch-mnist.sh (scripts/check.sh does)" >&2
    return 1
}

# pen_digits: prints the path of the developers' pen-drawn digits (dev.txt),
# or returns 1 when they are absent (a user's clone).
pen_digits() {
    local src=${DIGITPAD_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
    local f=${DIGITPAD_SHARED:-$src/../shared}/pen-digits/dev.txt
    [ -r "$f" ] && echo "$f"
}

# skip_part WHY: the one allowed kind of skip (see above), printed so that a
# run shows what it did not check.
skip_part() { echo "SKIPPED-PART: $*"; }
