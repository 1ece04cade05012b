#!/usr/bin/env bash
# test_gui.sh — end-to-end test of the window: drives the real SDL event
# loop with scripted mouse, touch, key and drop events (digitpad --script)
# under SDL's dummy video driver, and once more under Xvfb when xvfb-run
# exists; checks predictions for a drawn 1 and 0, frames, undo, clear,
# eraser, help, the P view, a bad dropped model, a dropped folder and FIFO,
# resizing and saving.
set -u

BIN=${DIGITPAD_BIN:?DIGITPAD_BIN must point to the digitpad binary}
SRC=${DIGITPAD_SRC:?DIGITPAD_SRC must point to the source tree}
MODEL=${DIGITPAD_GUI_MODEL:-$SRC/models/default.safetensors}
if [ ! -f "$MODEL" ]; then
    echo "skip: no model at $MODEL (train one with digitpad --train)"
    exit 77
fi
MODEL_NAME=$(basename "$MODEL")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/digitpad-gui.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $what"
    fi
}

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

printf 'not a model\n' > "$TMP/bad.safetensors"
# A folder and a FIFO dropped by mistake: refused at once (a FIFO with no
# writer must not block the window).
mkdir "$TMP/a-folder"
mkfifo "$TMP/a-fifo"
cp "$MODEL" "$TMP/other.safetensors"

{
    echo "# empty canvas: no prediction"
    echo "wait-frames 2"
    echo "expect-top none"
    echo "expect-model $MODEL_NAME"
    one
    echo "print"
    echo "expect-top 1"
    echo "expect-strokes 1"
    echo "key c"
    echo "expect-strokes 0"
    echo "expect-top none"
    zero
    echo "print"
    echo "expect-top 0"
    echo "# undo: a 1 plus a stray dash, undo the dash"
    echo "key Delete"
    one
    echo "down 100 100"
    echo "move 150 120"
    echo "up 150 120"
    echo "expect-strokes 2"
    echo "key ctrl+z"
    echo "expect-strokes 1"
    echo "expect-top 1"
    echo "key u"
    echo "expect-strokes 0"
    echo "key u"
    echo "expect-strokes 0"
    echo "# the eraser removes the stroke under the cursor"
    one
    echo "rdown 505 500"
    echo "rup 505 500"
    echo "expect-strokes 0"
    echo "# touch draws too"
    echo "fdown 500 150"
    for y in $(seq 200 50 850); do echo "fmove 500 $y"; done
    echo "fup 500 850"
    echo "expect-strokes 1"
    echo "expect-top 1"
    echo "# help overlay"
    echo "key h"
    echo "expect-help 1"
    echo "print"
    echo "key F1"
    echo "expect-help 0"
    echo "key F1"
    echo "key Escape"
    echo "expect-help 0"
    echo "# comparison view"
    echo "key p"
    echo "expect-compare 1"
    echo "print"
    echo "key p"
    echo "expect-compare 0"
    echo "# saving with a label"
    echo "key 1"
    echo "key s"
    echo "print"
    echo "# a bad model file leaves the current one in place; a good one loads"
    echo "drop $TMP/bad.safetensors"
    echo "print"
    echo "expect-model $MODEL_NAME"
    echo "expect-top 1"
    echo "drop $TMP/a-folder"
    echo "print"
    echo "drop $TMP/a-fifo"
    echo "print"
    echo "expect-model $MODEL_NAME"
    echo "expect-top 1"
    echo "drop $TMP/other.safetensors"
    echo "expect-model other.safetensors"
    echo "# resize: the layout follows and drawing still maps onto the canvas"
    echo "resize 800 600"
    echo "wait-frames 3"
    echo "key c"
    zero
    echo "print"
    echo "expect-top 0"
    echo "quit"
} > "$TMP/script.txt"

run() { # run LABEL ENV... : runs the script, checks its output
    local label=$1
    shift
    local out="$TMP/out-$label.txt" home="$TMP/home-$label"
    mkdir -p "$home"
    env "$@" DIGITPAD_HOME="$home" timeout 120 "$BIN" --model "$MODEL" --script "$TMP/script.txt" \
        > "$out" 2> "$TMP/err-$label.txt"
    local rc=$?
    sed "s/^/[$label] /" "$out"
    check "$label: exit code 0 (got $rc)" test "$rc" -eq 0
    check "$label: no failed expectation" bash -c "! grep -q '^FAIL' '$out'"
    local frames
    frames=$(sed -n 's/^frames=\([0-9]*\) .*/\1/p' "$out")
    check "$label: frames rendered" test "${frames:-0}" -gt 0
    check "$label: a 1 is recognised, title shows it" \
        grep -q '^frame=[0-9]* top=1 conf=[0-9.]* unsure=0 title="digitpad — 1 ([0-9]*%)" strokes=1 ' "$out"
    check "$label: a 0 is recognised" \
        grep -q '^frame=[0-9]* top=0 conf=[0-9.]* unsure=0 title="digitpad — 0 ([0-9]*%)"' "$out"
    check "$label: help overlay shown" grep -q ' help=1 ' "$out"
    check "$label: P view predicts the raw canvas too" grep -q ' compare=1 raw_top=[0-9] ' "$out"
    check "$label: bad model reported, old one kept" \
        grep -q "model=\"$MODEL_NAME\" .*msg=\"Could not load model: .*bad.safetensors" "$out"
    check "$label: a dropped folder is refused" \
        grep -q "model=\"$MODEL_NAME\" .*msg=\"Could not load model: .*a-folder: is a directory" "$out"
    check "$label: a dropped FIFO is refused" \
        grep -q "model=\"$MODEL_NAME\" .*msg=\"Could not load model: .*a-fifo: is a FIFO, not a model file" "$out"
    check "$label: resized" grep -q ' size=800x600 ' "$out"
    check "$label: drawing saved with its label" \
        grep -q '^1 [^ ]* | ' "$home/drawings.strokes"
    check "$label: 28x28 PGM saved" bash -c "ls '$home'/drawing-*.pgm >/dev/null 2>&1"
    if [ -s "$TMP/err-$label.txt" ]; then
        sed "s/^/[$label stderr] /" "$TMP/err-$label.txt"
    fi
}

run dummy SDL_VIDEODRIVER=dummy

# Without a usable model the window still opens, drawing works and the
# status line says why there is no prediction.
{
    one
    echo "print"
    echo "expect-strokes 1"
    echo "expect-top none"
    echo "quit"
} > "$TMP/nomodel.txt"
SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$TMP/home-nomodel" timeout 60 "$BIN" \
    --model "$TMP/missing.safetensors" --script "$TMP/nomodel.txt" > "$TMP/out-nomodel.txt" 2>&1
rc=$?
sed 's/^/[no model] /' "$TMP/out-nomodel.txt"
check "no model: window runs, exit code 0 (got $rc)" test "$rc" -eq 0
check "no model: strokes drawn, no prediction, reason shown" \
    grep -q 'top=none .* strokes=1 .*msg="Could not load model: .*missing.safetensors' "$TMP/out-nomodel.txt"
if command -v xvfb-run > /dev/null 2>&1 && timeout 30 xvfb-run -a true > /dev/null 2>&1; then
    # The same run and checks with xvfb-run wrapping the binary; -a picks a
    # free display.
    BIN_REAL=$BIN
    BIN="$TMP/xvfb-wrap.sh"
    printf '#!/bin/sh\nexec xvfb-run -a -s "-screen 0 1280x1024x24" "%s" "$@"\n' "$BIN_REAL" > "$BIN"
    chmod +x "$BIN"
    # Leak checking stays with the dummy run: X11 and the GL driver keep
    # allocations until exit that LeakSanitizer would pin on us.
    run xvfb SDL_VIDEODRIVER=x11 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    BIN=$BIN_REAL
else
    echo "note: no working xvfb-run, ran under the dummy driver only"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
