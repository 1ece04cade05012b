#!/usr/bin/env bash
# test_gui_history.sh — issue 29 through the real window (digitpad --script
# under SDL's dummy driver): the history of drawings (kept by C, shown
# newest first, a click brings one back and Ctrl+Z undoes that, delete and
# clear all, kept across a restart, a damaged line left out), the brush
# size (keys and the Pen button, remembered across a restart, and the same
# strokes at three sizes give a byte-identical 28×28 input), the eraser
# that cuts strokes (right button and the E tool by mouse and touch; one
# undo per gesture) and the Ctrl+E export (a PNG in the data directory,
# named in the status line, never over an existing file), with the layout
# check at 480×320 and the default size.
set -u
. "$(dirname "$0")/lib.sh"

BIN=$(need_bin) || exit 1
export SDL_VIDEODRIVER=dummy
TMP=$(test_tmpdir gui-history)
MODEL="$(dirname "$0")/../models/default.safetensors"
HOME_DIR="$TMP/home"
mkdir -p "$HOME_DIR"
export DIGITPAD_HOME="$HOME_DIR"

# run NAME: runs $TMP/NAME.txt; its output in $TMP/out-NAME.txt; checks
# that the script passed.
run() {
    timeout 300 "$BIN" --model "$MODEL" --script "$TMP/$1.txt" > "$TMP/out-$1.txt" 2>&1
    local rc=$?
    check "$1: script passes (exit $rc)" test "$rc" -eq 0
    if grep -q FAIL "$TMP/out-$1.txt"; then grep FAIL "$TMP/out-$1.txt" >&2; fi
}

# A horizontal stroke across the canvas at height y.
hline() {
    echo "down 150 $1"
    for x in $(seq 200 50 850); do echo "move $x $1"; done
    echo "up 850 $1"
}

# ------------------------------------------------------------- history
{
    echo "expect-history 0"
    one
    echo "key c"
    echo "expect-history 1"
    zero
    echo "key 0"
    echo "key c"
    echo "expect-history 2"
    seven
    echo "key ctrl+h"
    echo "wait-frames 2"
    echo "check-layout history-open"
    echo "expect-text YOUR DRAWINGS 1"
    echo "# newest first: the 0, labelled, then the 1"
    echo "expect-text yours 0"
    echo "click-history 1"
    echo "wait-frames 2"
    echo "expect-message Brought back (read as 1"
    echo "# the 7 on the canvas was kept first"
    echo "expect-history 3"
    echo "expect-strokes 1"
    echo "expect-top 1"
    echo "key ctrl+z"
    echo "expect-message Undid bringing the drawing back"
    echo "expect-strokes 2"
    echo "# bringing it back and clearing it again stores nothing new"
    echo "tap-history 2"
    echo "wait-frames 2"
    echo "expect-top 1"
    echo "key c"
    echo "expect-history 3"
    echo "# delete mode: a click deletes; Clear all asks, then empties"
    echo "click Delete"
    echo "wait-frames 1"
    echo "expect-text TAP A DRAWING TO DELETE IT"
    echo "click-history 0"
    echo "wait-frames 1"
    echo "expect-message Deleted from the history (2 left)"
    echo "expect-history 2"
    echo "click Delete"
    echo "resize 480 320"
    echo "wait-frames 3"
    echo "check-layout history-480x320"
    echo "key ctrl+h"
    echo "wait-frames 2"
    echo "check-layout history-closed-480x320"
    echo "key h"
    echo "wait-frames 2"
    echo "check-layout help-480x320"
    echo "key h"
} > "$TMP/history.txt"
run history
check "history: two drawings on disk" test "$(grep -c . "$HOME_DIR/history.strokes")" -eq 2
check "history: the labelled 0 is kept with its label" \
    grep -q '^0 h[0-9]*-[0-9]*-[0-9a-f]*\.p0\.c[0-9]*\.u0\.l0 |' "$HOME_DIR/history.strokes"

# A damaged line (a write cut short) is left out, said once; the rest
# loads after a restart.
printf '3 h1-1-bad.p3.c900.u0.l0 | 100,100 20' >> "$HOME_DIR/history.strokes"
{
    echo "wait-frames 2"
    echo "expect-message 1 damaged line left out"
    echo "expect-history 2"
    echo "key ctrl+h"
    echo "click Clear all"
    echo "wait-frames 1"
    echo "expect-history 2"
    echo "expect-message Delete the whole history?"
    echo "click Clear all"
    echo "wait-frames 1"
    echo "expect-history 0"
    echo "expect-message History cleared (2 drawings)"
} > "$TMP/restart.txt"
run restart
check "history: cleared on disk" test ! -s "$HOME_DIR/history.strokes"

# ---------------------------------------------------------------- brush
{
    seven
    echo "expect-brush 4"
    echo "save-input $TMP/in-4.f32"
    echo "key -"
    echo "key -"
    echo "key -"
    echo "wait-frames 2"
    echo "expect-brush 1"
    echo "expect-message Brush 1 of 5"
    echo "expect-top 7"
    echo "save-input $TMP/in-1.f32"
    echo "screenshot $TMP/brush-1.bmp"
    echo "key shift+="
    echo "key ="
    echo "key ="
    echo "key ="
    echo "key ="
    echo "wait-frames 2"
    echo "expect-brush 5"
    echo "save-input $TMP/in-5.f32"
    echo "screenshot $TMP/brush-5.bmp"
    echo "# the Pen button goes round: 5 -> the eraser -> 1 -> 2"
    echo "click Pen"
    echo "wait-frames 1"
    echo "expect-message Eraser on"
    echo "click Pen"
    echo "wait-frames 1"
    echo "expect-brush 1"
    echo "click Pen"
    echo "wait-frames 1"
    echo "expect-brush 2"
} > "$TMP/brush.txt"
run brush
check "brush: the same input at sizes 1 and 4" cmp -s "$TMP/in-4.f32" "$TMP/in-1.f32"
check "brush: the same input at sizes 4 and 5" cmp -s "$TMP/in-4.f32" "$TMP/in-5.f32"
check "brush: the input is 784 floats" test "$(stat -c %s "$TMP/in-4.f32")" -eq 3136
check "brush: the canvas differs between sizes 1 and 5" \
    bash -c "! cmp -s '$TMP/brush-1.bmp' '$TMP/brush-5.bmp'"
check "brush: remembered in settings.txt" grep -qx 'brush 2' "$HOME_DIR/settings.txt"
{
    echo "expect-brush 2"
} > "$TMP/brush2.txt"
run brush2

# --------------------------------------------------------------- eraser
{
    echo "# a right-button sweep across two strokes cuts both: one undo"
    hline 300
    hline 700
    echo "rdown 500 150"
    echo "rmove 500 400"
    echo "rmove 500 600"
    echo "rmove 500 850"
    echo "rup 500 850"
    echo "expect-strokes 4"
    echo "expect-message Erased: 2 strokes cut"
    echo "key ctrl+z"
    echo "expect-strokes 2"
    echo "expect-message Undid the erase"
    echo "# the E tool: the left button erases, the end of a stroke only"
    echo "key e"
    echo "expect-message Eraser on"
    echo "down 850 300"
    echo "up 850 300"
    echo "expect-strokes 2"
    echo "expect-message 1 stroke cut"
    echo "# by touch: a finger across both strokes"
    echo "fdown 300 150"
    echo "fmove 300 500"
    echo "fmove 300 850"
    echo "fup 300 850"
    echo "expect-strokes 4"
    echo "key u"
    echo "expect-strokes 2"
    echo "key e"
    echo "expect-message Eraser off"
    echo "down 500 500"
    echo "up 500 500"
    echo "expect-strokes 3"
} > "$TMP/eraser.txt"
run eraser

# --------------------------------------------------------------- export
# A file with the name the export would pick must stay as it was: the
# export of a second window in the same second takes "-2".
{
    seven
    echo "key ctrl+e"
    echo "wait-frames 1"
    echo "expect-message Exported $HOME_DIR/digitpad-"
    echo "key ctrl+e"
    echo "wait-frames 1"
    echo "expect-message .png"
    echo "key v"
    echo "wait-frames 2"
    echo "key ctrl+e"
    echo "wait-frames 1"
} > "$TMP/export.txt"
run export
n_png=$(find "$HOME_DIR" -maxdepth 1 -name 'digitpad-*.png' | wc -l)
check "export: three pictures, none overwritten ($n_png)" test "$n_png" -eq 3
for f in "$HOME_DIR"/digitpad-*.png; do
    check "export: $(basename "$f") is a PNG" bash -c "head -c 8 '$f' | od -An -tx1 | tr -d ' \n' | grep -qx 89504e470d0a1a0a"
done
# The third (with the layers view) is taller than the first.
first=$(ls "$HOME_DIR"/digitpad-*.png | head -1)
last=$(ls -t "$HOME_DIR"/digitpad-*.png | head -1)
h_first=$(od -An -tu1 -j20 -N4 "$first" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
h_last=$(od -An -tu1 -j20 -N4 "$last" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
check "export: the layers view goes in too ($h_first < $h_last px high)" test "$h_first" -lt "$h_last"
# Never over a file: with every plain name of the next 90 seconds taken
# (and the first "-2"), the exports take new ones and leave those alone.
D2="$TMP/home2"
mkdir -p "$D2"
now=$(date +%s)
for s in $(seq 0 89); do
    echo "keep me" > "$D2/digitpad-$(date -d "@$((now + s))" +%Y%m%d-%H%M%S).png"
done
echo "keep me" > "$D2/digitpad-$(date -d "@$now" +%Y%m%d-%H%M%S)-2.png"
{
    seven
    for s in 0 1 2; do
        echo "key ctrl+e"
        echo "wait-frames 1"
    done
} > "$TMP/export2.txt"
DIGITPAD_HOME="$D2" run export2
kept=$(grep -l "^keep me$" "$D2"/digitpad-*.png | wc -l)
check "export: the files that were there are untouched ($kept of 91)" test "$kept" -eq 91
n_new=$(find "$D2" -name 'digitpad-*-[0-9].png' -newer "$TMP/export2.txt" | wc -l)
check "export: three new names beside them ($n_new)" test "$n_new" -eq 3

finish test_gui_history "$TMP"
