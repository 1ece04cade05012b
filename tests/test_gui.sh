#!/usr/bin/env bash
# test_gui.sh — end-to-end test of the window: drives the real SDL event
# loop with scripted mouse, touch, key and drop events (digitpad --script)
# under SDL's dummy video driver, and once more under Xvfb when xvfb-run
# exists; checks predictions for a drawn 1 and 0, frames, undo, clear,
# eraser, help, the P view, a bad dropped model, a dropped folder and FIFO,
# resizing and saving.
set -u
. "$(dirname "$0")/lib.sh"

BIN=$(need_bin) || exit 1
SRC=${DIGITPAD_SRC:?DIGITPAD_SRC must point to the source tree}
MODEL=${DIGITPAD_GUI_MODEL:-$SRC/models/default.safetensors}
if [ ! -f "$MODEL" ]; then
    echo "skip: no model at $MODEL (train one with digitpad --train)"
    exit 77
fi
MODEL_NAME=$(basename "$MODEL")

TMP=$(test_tmpdir gui)

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
    echo "# clear is undoable, and redoable (Ctrl+Z, Ctrl+Y, Ctrl+Shift+Z)"
    echo "key ctrl+z"
    echo "expect-strokes 1"
    echo "expect-top 1"
    echo "expect-message Undid the clear"
    echo "key ctrl+y"
    echo "expect-strokes 0"
    echo "key ctrl+z"
    echo "key ctrl+shift+z"
    echo "expect-strokes 0"
    echo "expect-message Redid the clear"
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
    echo "# one more undo takes back the Delete: the 0 is there again"
    echo "key u"
    echo "expect-strokes 1"
    echo "expect-top 0"
    echo "key c"
    echo "# the eraser cuts the stroke under the cursor in two"
    one
    echo "rdown 505 500"
    echo "rup 505 500"
    echo "expect-strokes 2"
    echo "expect-message 1 stroke cut"
    echo "key ctrl+z"
    echo "expect-strokes 1"
    echo "expect-message Undid the erase"
    echo "key c"
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
    echo "# saving: unlabelled (S never reuses an earlier digit), then labelled"
    echo "key s"
    echo "expect-message Saved without a label (?)"
    echo "key 1"
    echo "key s"
    echo "expect-message Saved labelled 1 to"
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
    check "$label: drawing saved with its label, and once without" \
        bash -c "grep -q '^1 [^ ]* | ' '$home/drawings.strokes' && grep -q '^? [^ ]* | ' '$home/drawings.strokes'"
    check "$label: 28x28 PGM saved" bash -c "ls '$home'/drawing-*.pgm >/dev/null 2>&1"
    if [ -s "$TMP/err-$label.txt" ]; then
        sed "s/^/[$label stderr] /" "$TMP/err-$label.txt"
    fi
}

run dummy SDL_VIDEODRIVER=dummy

# --model naming a missing or broken file: one line on stderr and exit 2,
# before any window opens (script mode never shows the message box a
# desktop start gets).
echo "quit" > "$TMP/quit.txt"
printf 'not a model\n' > "$TMP/broken.safetensors"
for bad in missing broken; do
    SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$TMP/home-nomodel" timeout 60 "$BIN" \
        --model "$TMP/$bad.safetensors" --script "$TMP/quit.txt" > "$TMP/out-$bad.txt" 2> "$TMP/err-$bad.txt"
    rc=$?
    sed "s/^/[$bad model] /" "$TMP/err-$bad.txt"
    check "$bad model: exit code 2 (got $rc)" test "$rc" -eq 2
    check "$bad model: one line on stderr naming the file" \
        bash -c "test \$(wc -l < '$TMP/err-$bad.txt') -eq 1 && grep -q '^digitpad: .*$bad.safetensors' '$TMP/err-$bad.txt'"
    check "$bad model: no window ran" test ! -s "$TMP/out-$bad.txt"
done

# No display: exit 2 with one clear line, never an invisible window (SDL's
# offscreen and dummy drivers count only when SDL_VIDEODRIVER asks for them).
NODISPLAY="digitpad: no display: set DISPLAY or WAYLAND_DISPLAY, or use --predict / --train"
# SDL's video back-ends (D-Bus, X11) keep allocations until exit that
# LeakSanitizer would pin on us, as in the Xvfb run below.
NOLEAKS="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
for how in unset bogus; do
    if [ $how = unset ]; then
        env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER XDG_RUNTIME_DIR=/nonexistent "$NOLEAKS" \
            DIGITPAD_HOME="$TMP/home-nodisplay" timeout 30 "$BIN" > "$TMP/out-nod.txt" 2> "$TMP/err-nod.txt"
    else
        env -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER DISPLAY=:31999 XDG_RUNTIME_DIR=/nonexistent "$NOLEAKS" \
            DIGITPAD_HOME="$TMP/home-nodisplay" timeout 30 "$BIN" > "$TMP/out-nod.txt" 2> "$TMP/err-nod.txt"
    fi
    rc=$?
    sed "s/^/[no display, $how] /" "$TMP/err-nod.txt"
    check "no display ($how): exit code 2 (got $rc)" test "$rc" -eq 2
    check "no display ($how): says so" grep -qxF "$NODISPLAY" "$TMP/err-nod.txt"
done

# No usable data directory (issue 18 row 12): a correction is kept for the
# session and the window says plainly that it is not on disk.
{
    one
    echo "key 4"
    echo "print"
    echo "expect-corrections 1"
} > "$TMP/nohome.txt"
for how in unset unusable; do
    if [ $how = unset ]; then
        env -u HOME -u DIGITPAD_HOME -u XDG_DATA_HOME SDL_VIDEODRIVER=dummy timeout 60 "$BIN" \
            --model "$MODEL" --script "$TMP/nohome.txt" > "$TMP/out-nohome.txt" 2>&1
    else
        env -u XDG_DATA_HOME SDL_VIDEODRIVER=dummy DIGITPAD_HOME=/proc/digitpad-cannot-be-here \
            timeout 60 "$BIN" --model "$MODEL" --script "$TMP/nohome.txt" > "$TMP/out-nohome.txt" 2>&1
    fi
    rc=$?
    sed "s/^/[no data dir, $how] /" "$TMP/out-nohome.txt"
    check "no data dir ($how): exit 0 (got $rc)" test "$rc" -eq 0
    check "no data dir ($how): says the correction is not on disk" \
        grep -q 'msg="Kept as a 4 for this session only, not on disk (no data directory: ' "$TMP/out-nohome.txt"
done

# A huge corrections file (issue 18 row 9): 40 drawings of 30,000 points
# and 600 ordinary ones.  The first frame comes all the same (the file loads
# in the background; the bound is a stall's, 5 s, so a busy machine or the
# sanitizers never reach it; the figure is printed), the oversized drawings
# are left out and the status line says so.
mkdir -p "$TMP/home-big"
awk 'BEGIN { for (i = 0; i < 40; i++) { printf "%d big%d |", i % 10, i;
             for (k = 0; k < 30000; k++) printf " %d,%d", 200 + k % 600, 200 + int(k / 600) % 600;
             printf "\n" }
             for (i = 0; i < 600; i++) printf "%d ok%d | 500,150 500,500 %d,850\n", i % 10, i, 450 + i % 100 }' \
    > "$TMP/home-big/corrections.strokes"
printf 'print\nwait-loaded 120000\nwait-frames 2\nprint\nexpect-corrections 600\n' > "$TMP/big.txt"
SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$TMP/home-big" timeout 180 "$BIN" --model "$MODEL" \
    --script "$TMP/big.txt" > "$TMP/out-big.txt" 2>&1
rc=$?
sed 's/^/[big corrections] /' "$TMP/out-big.txt" | cut -c1-300
first_ms=$(sed -n '1s/.* ms=\([0-9]*\) .*/\1/p' "$TMP/out-big.txt")
echo "big corrections file: first frame ${first_ms:-?} ms after start-up"
check "big corrections: exit 0 (got $rc)" test "$rc" -eq 0
check "big corrections: first frame within 5 s (${first_ms:-?} ms)" test "${first_ms:-99999}" -lt 5000
check "big corrections: the oversized drawings left out, and said so" \
    grep -q 'corrections=600 .*msg="600 labelled drawings of yours; 40 drawings over 20000 points and 0 past the first 20000 left out"' \
    "$TMP/out-big.txt"

# `digitpad FILE.safetensors` opens the window with that model; a dropped
# PNG or JPEG (SDL_image) is classified through the same preprocessing as
# --predict (the same figure as --predict on the same pixels as a PGM); a
# dropped file that is neither says so by name.
if command -v convert > /dev/null 2>&1; then
    convert -size 280x280 xc:white -stroke black -strokewidth 26 -draw "line 140,40 150,240" \
        "$TMP/one.png"
    # A cross: no digit, so the figure is not saturated and a different
    # preprocessing would show in its fourth decimal.
    convert -size 280x280 xc:white -stroke black -strokewidth 26 \
        -draw "line 140,40 150,240 line 100,140 200,140" "$TMP/cross.png"
    convert "$TMP/cross.png" "$TMP/cross.pgm"
    convert -size 200x260 xc:white -fill none -stroke black -strokewidth 22 \
        -draw "ellipse 100,130 55,95 0,360" -quality 90 "$TMP/zero.jpg"
    printf 'shopping list\n' > "$TMP/notes.txt"
    {
        echo "wait-frames 2"
        echo "expect-model other.safetensors"
        echo "drop $TMP/one.png"
        echo "wait-frames 2"
        echo "expect-top 1"
        echo "expect-message one.png: classified as the 28×28 input shown"
        echo "drop $TMP/cross.png"
        echo "wait-frames 2"
        echo "print"
        echo "drop $TMP/zero.jpg"
        echo "wait-frames 2"
        echo "expect-top 0"
        echo "drop $TMP/notes.txt"
        echo "expect-message Not a model or image: notes.txt"
        echo "expect-top 0"
        echo "# drawing goes back to strokes"
        one
        echo "expect-top 1"
        echo "expect-strokes 1"
    } > "$TMP/images.txt"
    SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$TMP/home-images" timeout 60 "$BIN" \
        "$TMP/other.safetensors" --script "$TMP/images.txt" > "$TMP/out-images.txt" 2>&1
    rc=$?
    sed 's/^/[images] /' "$TMP/out-images.txt" | sed 's/ y=[^ ]* / /'
    check "images: exit 0 (got $rc)" test "$rc" -eq 0
    check "images: no failed expectation" bash -c "! grep -q '^FAIL' '$TMP/out-images.txt'"
    win=$(sed -n 's/^frame=.* top=\([0-9]\) conf=\([0-9.]*\) .*msg="cross.png: classified.*/\1 \2/p' \
          "$TMP/out-images.txt")
    cli=$("$BIN" --predict "$TMP/cross.pgm" --model "$TMP/other.safetensors" 2> /dev/null |
          awk '$1 ~ /cross.pgm$/ { print ($2 == "?" ? substr($5, 1, 1) : $2), $3 }')
    echo "dropped PNG: window reads ${win:-?}, --predict on the same pixels as PGM ${cli:-?}"
    check "images: the window reads the PNG as --predict reads the PGM ($win vs $cli)" \
        test -n "$win" -a "$win" = "$cli"
    # --predict reads the PNG itself through the window's loader (issue 26)
    clipng=$("$BIN" --predict "$TMP/cross.png" --model "$TMP/other.safetensors" 2> /dev/null |
          awk '$1 ~ /cross.png$/ { print ($2 == "?" ? substr($5, 1, 1) : $2), $3 }')
    check "images: --predict reads the PNG as the window does ($clipng vs $win)" \
        test -n "$clipng" -a "$clipng" = "$win"
else
    echo "SKIPPED-PART: no ImageMagick convert to write the test images"
fi

# The status line (issue 14): at the minimum size a long message is broken
# into lines (issue 28: whole, in a card when the footer is too small);
# information expires after about 5 s, an error stays until the next
# action.
{
    echo "resize 480 320"
    echo "wait-frames 3"
    echo "drop $TMP/bad.safetensors"
    echo "wait-frames 2"
    echo "print"                     # 1: a long error, whole in lines
    echo "wait-ms 5600"
    echo "print"                     # 2: the error is still there
    echo "key p"
    echo "wait-frames 2"
    echo "print"                     # 3: gone at the next action; "Comparison: ..." instead
    echo "wait-ms 5600"
    echo "print"                     # 4: information expired
} > "$TMP/status.txt"
SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$TMP/home-status" timeout 60 "$BIN" --model "$MODEL" \
    --script "$TMP/status.txt" > "$TMP/out-status.txt" 2>&1
rc=$?
sed 's/^/[status] /' "$TMP/out-status.txt" | sed 's/ y=[^ ]* / /'
check "status: exit 0 (got $rc)" test "$rc" -eq 0
st() { grep '^frame=' "$TMP/out-status.txt" | sed -n "$1p"; }
shown=$(st 1 | sed -n 's/.* status="\(.*\)" msg=".*/\1/p')
msg=$(st 1 | sed -n 's/.* msg="\(.*\)"$/\1/p')
echo "status line drawn at 480x320: [$shown]"
# Issue 28: never cut: too long for the footer, it is shown whole in a card
# of as many lines as it needs (line breaks may fall inside a long path).
squeezed_shown=$(printf '%s' "$shown" | sed 's/ | //g; s/ //g')
squeezed_msg=$(printf '%s' "$msg" | sed 's/ //g')
check "status: the long error is shown whole, no ellipsis" \
    test -n "$msg" -a "$squeezed_shown" = "$squeezed_msg"
check "status: in several lines" grep -q ' | ' <<< "$shown"
check "status: an error stays past 5 s" bash -c "grep -q 'msg=\"Could not load model' <<< '$(st 2)'"
check "status: the next action clears it" bash -c "grep -q 'msg=\"Comparison: raw canvas' <<< '$(st 3)'"
check "status: information expires after about 5 s" \
    bash -c "grep -q 'status=\"\" msg=\"\"$' <<< '$(st 4)'"

# A missing font: fontconfig's DejaVu Sans (or any sans) with a note; none
# at all (an empty fontconfig setup): exit 2 with a message.
if command -v fc-match > /dev/null 2>&1 && fc-match -f '%{file}' sans > /dev/null 2>&1; then
    DIGITPAD_FONT="$TMP/no-such-font.ttf" SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$TMP/home-font" \
        timeout 60 "$BIN" --model "$MODEL" --script "$TMP/quit.txt" > "$TMP/out-font.txt" 2> "$TMP/err-font.txt"
    rc=$?
    sed 's/^/[no font] /' "$TMP/err-font.txt"
    check "missing font: runs with fontconfig's font (exit $rc)" test "$rc" -eq 0
    check "missing font: a one-line note" grep -q '^digitpad: note: .*no-such-font.ttf not found; using .* (fontconfig)$' "$TMP/err-font.txt"
    check "missing font: frames drawn" grep -q '^frames=' "$TMP/out-font.txt"
else
    echo "SKIPPED-PART: fontconfig has no sans font here"
fi
printf '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n' > "$TMP/empty-fonts.conf"
FONTCONFIG_FILE="$TMP/empty-fonts.conf" DIGITPAD_FONT="$TMP/no-such-font.ttf" SDL_VIDEODRIVER=dummy \
    DIGITPAD_HOME="$TMP/home-font" timeout 60 "$BIN" --model "$MODEL" --script "$TMP/quit.txt" \
    > "$TMP/out-nofont.txt" 2> "$TMP/err-nofont.txt"
rc=$?
sed 's/^/[no font at all] /' "$TMP/err-nofont.txt"
check "no font at all: exit code 2 (got $rc)" test "$rc" -eq 2
check "no font at all: says so" grep -q "fontconfig knows no sans font" "$TMP/err-nofont.txt"
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

    # The live title as a desktop reads it (issue 14): both WM_NAME and
    # _NET_WM_NAME (what GNOME, KDE and Xfce show) carry the em dash and the
    # digit, in UTF-8, also when started in the C locale.
    if command -v xprop > /dev/null 2>&1 && command -v xwininfo > /dev/null 2>&1; then
        { one; echo "print"; echo "wait-ms 4000"; } > "$TMP/title.txt"
        cat > "$TMP/title.sh" << 'EOS'
#!/bin/sh
# title.sh BIN MODEL SCRIPT OUT: runs the window, reads its title properties
"$1" --model "$2" --script "$3" > "$4" 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ] && ! grep -q '^frame=' "$4"; do sleep 0.05; i=$((i + 1)); done
# the X tools read UTF-8 whatever locale the window was started in
export LC_ALL=C.UTF-8
id=$(xwininfo -root -tree | sed -n 's/^ *\(0x[0-9a-f]*\) "digitpad.*/\1/p' | head -1)
echo "window: ${id:-none}"
[ -n "$id" ] && xprop -id "$id" WM_NAME _NET_WM_NAME
wait $pid
EOS
        chmod +x "$TMP/title.sh"
        for loc in C.UTF-8 C; do
            env LC_ALL=$loc SDL_VIDEODRIVER=x11 DIGITPAD_HOME="$TMP/home-title" \
                ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" timeout 60 \
                xvfb-run -a -s "-screen 0 1280x1024x24" "$TMP/title.sh" "$BIN" "$MODEL" \
                "$TMP/title.txt" "$TMP/out-title-$loc.txt" > "$TMP/xprop-$loc.txt" 2>&1
            sed "s/^/[title, LC_ALL=$loc] /" "$TMP/xprop-$loc.txt"
            check "title (LC_ALL=$loc): WM_NAME is the UTF-8 title with the digit" \
                grep -qE '^WM_NAME\((UTF8_STRING|UTF-8|COMPOUND_TEXT|STRING)\) = "digitpad — 1 \([0-9]+%\)"$' \
                "$TMP/xprop-$loc.txt"
            check "title (LC_ALL=$loc): _NET_WM_NAME is the UTF-8 title with the digit" \
                grep -qE '^_NET_WM_NAME\(UTF8_STRING\) = "digitpad — 1 \([0-9]+%\)"$' \
                "$TMP/xprop-$loc.txt"
        done
    else
        echo "SKIPPED-PART: no xprop/xwininfo (package x11-utils): the X title is not read"
    fi
else
    echo "note: no working xvfb-run, ran under the dummy driver only"
fi

finish "" "$TMP"
