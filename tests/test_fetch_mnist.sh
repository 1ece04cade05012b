#!/usr/bin/env bash
# test_fetch_mnist.sh — scripts/fetch-mnist.sh without the network: copies
# from a local MNIST (../shared/mnist, or the data/mnist that check.sh
# fetched), is idempotent, rejects and replaces bad files, and says what to
# do when every source fails.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
SRC="${DIGITPAD_SRC:-$(cd "$(dirname "$0")/.." && pwd)}"
FETCH="$SRC/scripts/fetch-mnist.sh"
LOCAL=$(mnist_dir) || exit 1

T="$(mktemp -d "${TMPDIR:-/tmp}/test-fetch-mnist.XXXXXX")"
passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
    local what="$1"
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what" >&2; fi
}

# No network and no npm: a bin directory with only the tools the script uses,
# and proxies that refuse every connection.
BIN="$T/bin"
mkdir -p "$BIN"
for tool in bash dirname mktemp gzip sha256sum cut sed mkdir rm cp mv find head tar curl cat; do
    ln -s "$(command -v "$tool")" "$BIN/$tool"
done
offline() { PATH="$BIN" http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 "$@"; }

D="$T/mnist"
check "copy from the shared directory" "$FETCH" --from "$LOCAL" "$D" > "$T/out1" 2>&1
check "four .gz files" test "$(find "$D" -name "*.gz" | wc -l)" -eq 4

offline bash "$FETCH" "$D" > "$T/out2" 2>&1
check "second run is a no-op, even offline" grep -q "all four files present and verified" "$T/out2"

DIGITPAD_DATA="$D" offline bash "$FETCH" > "$T/out3" 2>&1
check "DIGITPAD_DATA picks the directory" grep -q "present and verified in $D" "$T/out3"

# a corrupt file is noticed and replaced
echo garbage | gzip > "$D/train-labels-idx1-ubyte.gz"
"$FETCH" --from "$LOCAL" "$D" > "$T/out4" 2>&1
check "corrupt file replaced" grep -q "train-labels-idx1-ubyte: ok" "$T/out4"
check "replacement verifies" "$FETCH" --from "$LOCAL" "$D" > /dev/null 2>&1

# a source with a wrong file is refused
mkdir -p "$T/bad"
cp "$LOCAL"/*.gz "$T/bad/"
gzip -dc "$LOCAL/t10k-labels-idx1-ubyte.gz" | head -c 5000 | gzip > "$T/bad/t10k-labels-idx1-ubyte.gz"
"$FETCH" --from "$T/bad" "$T/fresh" > "$T/out5" 2>&1
rc=$?
check "bad source fails" test "$rc" -eq 1
check "bad source explained" grep -q "checksum mismatch" "$T/out5"

# offline with nothing: says what to do, fails quickly
offline bash "$FETCH" "$T/empty" > "$T/out6" 2>&1
rc=$?
check "offline fails" test "$rc" -eq 1
check "offline explains --from" grep -q -- "--from DIR" "$T/out6"
check "offline explains DIGITPAD_DATA" grep -q "DIGITPAD_DATA" "$T/out6"

"$FETCH" --bogus > "$T/out7" 2>&1
rc=$?
check "unknown option is a usage error" test "$rc" -eq 2

rm -rf "$T"
echo "test_fetch_mnist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
