# tests/lib.sh — what the shell tests share (sourced, not run): finding
# MNIST, the pen digits, the one allowed kind of skip, and the plumbing below.
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

# mnist_slice SRC DST NTRAIN NTEST: writes the first NTRAIN training and
# NTEST test images and labels of the MNIST in SRC (raw or .gz) into DST,
# gzipped, for a test that trains small models and needs no full test-set
# pass (each pass of the cnn over 10,000 images is slow under ASan).
mnist_slice() {
    python3 - "$@" <<'PY'
import gzip, os, struct, sys
src, dst, ntrain, ntest = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(dst, exist_ok=True)
for part, n in (("train", ntrain), ("t10k", ntest)):
    for kind, size in (("images-idx3-ubyte", 784), ("labels-idx1-ubyte", 1)):
        name = "%s-%s" % (part, kind)
        path = os.path.join(src, name)
        opener = open
        if os.path.exists(path + ".gz"):
            path, opener = path + ".gz", gzip.open
        with opener(path, "rb") as f:
            head = f.read(16 if size > 1 else 8)
            m = min(n, struct.unpack(">I", head[4:8])[0])
            body = f.read(m * size)
        if len(body) != m * size:
            sys.exit("mnist_slice: %s is shorter than its header says" % path)
        with gzip.open(os.path.join(dst, name + ".gz"), "wb") as f:
            f.write(head[:4] + struct.pack(">I", m) + head[8:] + body)
PY
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

# ------------------------------------------------------------ plumbing
# Counters, checks and the summary every shell test prints; the temporary
# directory; the binary under test; stroke generators for window scripts.
# A test sources this file, then: BIN=$(need_bin) || exit 1 (or reads
# DIGITPAD_BIN itself), tmp=$(test_tmpdir NAME), check ..., finish [NAME].

passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
skip() { skipped=$((skipped + 1)); echo "SKIP: $*"; }

# check DESCRIPTION COMMAND...: passes if the command succeeds.
check() {
    local what=$1
    shift
    if "$@"; then pass; else fail "$what"; fi
}

# check_eval 'EXPRESSION': passes if the shell expression (eval'd in the
# caller's variables) succeeds; the expression is its own description.
check_eval() {
    if eval "$1"; then pass; else fail "$1"; fi
}

# test_tmpdir NAME: prints a fresh temporary directory; finish removes it
# when every check passed and keeps it as evidence otherwise.
test_tmpdir() {
    mktemp -d "${TMPDIR:-/tmp}/digitpad-$1.XXXXXX"
}

# need_bin: prints the absolute path of the digitpad under test
# ($DIGITPAD_BIN, set by ctest); returns 1 with a message when it is not
# an executable.
need_bin() {
    local b=${DIGITPAD_BIN:-}
    if [[ -z "$b" || ! -x "$b" ]]; then
        echo "DIGITPAD_BIN is not set to the digitpad executable" >&2
        return 1
    fi
    echo "$(cd "$(dirname "$b")" && pwd)/$(basename "$b")"
}

# finish [NAME] [DIR]: prints "NAME: N passed, M failed" (and skips, if
# any), removes DIR when nothing failed, and returns the test's status.
finish() {
    local name=${1:+$1: } dir=${2:-}
    echo "$name$passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
    if [ "$failed" -gt 0 ]; then
        [ -n "$dir" ] && echo "evidence kept in $dir" >&2
        return 1
    fi
    [ -n "$dir" ] && rm -rf "$dir"
    return 0
}

# Window script commands (digitpad --script; coordinates in the canvas's
# 1000-unit ink box), one drawing each.
# A "1": one vertical stroke, point by point as a mouse would move.
one() {
    echo "down 500 150"
    for y in $(seq 175 25 850); do echo "move 500 $y"; done
    echo "up 500 850"
}
# A "0": an ellipse of 40 points, closed.
zero() {
    awk 'BEGIN { for (i = 0; i <= 40; i++) { a = 6.2831853 * i / 40;
                 x = 500 + 220 * sin(a); y = 500 - 330 * cos(a);
                 printf "%s %.1f %.1f\n", (i == 0 ? "down" : "move"), x, y }
                 printf "up %.1f %.1f\n", 500, 170 }'
}
# A 7 with a crossbar: the kind of drawing a person corrects.
seven() {
    echo "down 250 180"
    for x in $(seq 300 50 750); do echo "move $x 180"; done
    for i in $(seq 1 10); do echo "move $((750 - i * 30)) $((180 + i * 65))"; done
    echo "up 450 830"
    echo "down 330 500"
    echo "move 450 500"
    echo "move 600 500"
    echo "up 600 500"
}
