#!/usr/bin/env bash
# test_gui_data.sh — issue 28's training data in the real window (digitpad
# --script under SDL's dummy driver): without MNIST, T and Shift+T say "no
# training data" with the absolute path and what to do, each time they are
# pressed (a repeated message is shown again), and not as a failure; F
# downloads MNIST by running scripts/fetch-mnist.sh as a child process
# (pointed at a local copy with DIGITPAD_FETCH_FROM, so no network is
# needed), shows it in the training panel and then starts the training
# Shift+T asked for; F twice cancels and keeps nothing; with no network
# the window says so; MNIST put in place while the window is open is found
# at the next T.
set -u
. "$(dirname "$0")/lib.sh"

BIN=$(need_bin) || exit 1
SRC=${DIGITPAD_SRC:?DIGITPAD_SRC must point to the source tree}
MODEL=$SRC/models/default.safetensors
MNIST=$(mnist_dir) || exit 1
export SDL_VIDEODRIVER=dummy
unset DIGITPAD_DATA DIGITPAD_FETCH_FROM
TMP=$(test_tmpdir gui-data)
TIMEOUT=$(command -v timeout)
mkdir -p "$TMP/cwd" "$TMP/home"

# run NAME [ENV...]: runs $TMP/NAME.txt in the window from $TMP/cwd with
# --data rel/mnist (a relative path); output in $TMP/out-NAME.txt.
run() {
    local name=$1
    shift
    (cd "$TMP/cwd" && env DIGITPAD_HOME="$TMP/home" "$@" "$TIMEOUT" 300 "$BIN" --model "$MODEL" \
        --data "rel-$name/mnist" --script "$TMP/$name.txt" > "$TMP/out-$name.txt" \
        2> "$TMP/err-$name.txt")
    rc=$?
    sed "s/^/[$name] /" "$TMP/out-$name.txt"
    [ -s "$TMP/err-$name.txt" ] && sed "s/^/[$name stderr] /" "$TMP/err-$name.txt"
    check "$name: exit code 0 (got $rc)" test "$rc" -eq 0
    check "$name: no failed expectation" bash -c "! grep -q '^FAIL' '$TMP/out-$name.txt'"
}

# ------------------------------ 1. no data, then F fetches and Shift+T runs
ABS="$TMP/cwd/rel-fetch/mnist"
{
    echo "wait-frames 2"
    echo "key t"                       # no MNIST, no drawings: says so, with the path
    echo "expect-training 0"
    echo "expect-message No training data: MNIST is not in $ABS and no drawing is labelled yet"
    echo "expect-text-rgb 228,231,237 No training data"     # plain text,
    echo "expect-no-text-rgb 240,104,104 No training data"  # not an error's red
    echo "print"
    echo "key c"                       # another message in between
    echo "key t"                       # the same again: shown again
    echo "expect-message No training data: MNIST is not in $ABS"
    echo "key shift+t"
    echo "expect-training 0"
    echo "expect-message No training data for a model from scratch: MNIST is not in $ABS"
    echo "expect-text Get MNIST"       # the panel's button
    echo "check-layout no-data"
    echo "print"
    echo "key f"
    echo "expect-message Downloading MNIST into $ABS"
    echo "wait-training 1 120000"      # the fetch ended and Shift+T's run started
    echo "expect-message Training from scratch"
    echo "wait-version 1 120000"       # a first snapshot: the model to name
    echo "key t"
    echo "wait-training 0 60000"
    echo "expect-text not saved"       # the footer says the new model is not saved
    echo "print"
    echo "quit"
} > "$TMP/fetch.txt"
run fetch DIGITPAD_FETCH_FROM="$MNIST"
out="$TMP/out-fetch.txt"
check "fetch: the model trained here is named as new, from scratch" \
    grep -q 'model="new model · from scratch · [0-9]* epochs*"' "$out"
check "fetch: the four files are in the absolute directory" \
    test "$(ls "$ABS"/*.gz 2> /dev/null | wc -l)" -eq 4
check "fetch: no temporary file left" test -z "$(ls -A "$ABS" | grep -v '^[a-z0-9-]*\.gz$')"

# ------------------------------------ 2. F twice cancels; offline says so
mkdir -p "$TMP/slow"
cat > "$TMP/slow/gzip" << 'EOS'
#!/bin/sh
sleep 0.3
exec "$REAL_GZIP" "$@"
EOS
chmod +x "$TMP/slow/gzip"
{
    echo "wait-frames 2"
    echo "key g"
    echo "key f"
    echo "wait-frames 2"
    echo "expect-text GETTING MNIST"
    echo "expect-text Cancel"
    echo "check-layout fetching"
    echo "key f"
    echo "wait-message MNIST download cancelled"
    echo "print"
    echo "quit"
} > "$TMP/cancel.txt"
run cancel DIGITPAD_FETCH_FROM="$MNIST" REAL_GZIP="$(command -v gzip)" PATH="$TMP/slow:$PATH"
check "cancel: nothing kept" test -z "$(ls -A "$TMP/cwd/rel-cancel/mnist" 2> /dev/null)"

# no network and no npm: only the tools the script uses, proxies that refuse
OFF="$TMP/offbin"
mkdir -p "$OFF"
for tool in bash dirname mktemp gzip sha256sum cut sed mkdir rm cp mv find head tar curl cat; do
    ln -s "$(command -v "$tool")" "$OFF/$tool"
done
{
    echo "wait-frames 2"
    echo "key f"
    echo "wait-message No network: MNIST could not be downloaded"
    echo "print"
    echo "quit"
} > "$TMP/offline.txt"
run offline PATH="$OFF" http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9

# ---------- 3. a run without MNIST, then MNIST arrives: the next run uses it
# (the trainer looks again at every T instead of remembering the miss)
{
    echo "wait-frames 2"
    echo "wait-loaded 10000"
    seven
    echo "key 7"
    echo "key t"                        # drawings alone: asks first
    echo "expect-message No MNIST in $TMP/cwd/rel-recheck/mnist (F downloads it)"
    echo "key t"
    echo "expect-training 1"
    echo "wait-training 0 120000"
    echo "expect-message on your drawings alone: no MNIST in $TMP/cwd/rel-recheck/mnist (F fetches it)"
    echo "key f"
    echo "wait-message MNIST is ready in $TMP/cwd/rel-recheck/mnist"
    echo "key t"                        # one digit only: asks first
    echo "key t"
    echo "expect-training 1"
    echo "wait-message MNIST + 1 of your drawings"
    echo "key t"
    echo "wait-training 0 60000"
    echo "quit"
} > "$TMP/recheck.txt"
run recheck DIGITPAD_FETCH_FROM="$MNIST"

finish test_gui_data "$TMP"
