#!/usr/bin/env bash
# screenshots.sh — redraws the README's pictures with the shipped model, so
# they show what a fresh checkout shows: docs/screenshot.png (a drawn 7),
# docs/screenshot-portrait.png (the same in a 480×800 window),
# docs/screenshot-layers.png (the explorer, V), docs/screenshot-hover.png
# (the explorer pointing at a conv map pixel: its receptive field outlined),
# docs/screenshot-inspector.png (a conv64k5 pixel pinned by the arrow keys:
# the kernels of its three strongest input maps beside the input),
# docs/screenshot-filters.png (the shipped cnn's first-layer filters, W),
# docs/screenshot-kernels.png (its second layer's page: each map's three
# strongest input kernels, W then Down),
# docs/screenshot-history.png (the history of drawings, Ctrl+H, with a
# thinner brush), docs/screenshot-why.png
# (the saliency overlay, X, then "why not 1?" by a click on 1's bar),
# docs/screenshot-message.png (a message too long for the footer, whole in
# its card), docs/screenshot-training.png (a background fine-tune under way) and
# docs/screenshot-weights.png (the quick network's first-layer filters while
# it trains from scratch, W).
#   scripts/screenshots.sh [BUILD_DIR]      default build/
# Drives the real window with --script under SDL's dummy video driver (no
# display needed); the training and weights pictures need MNIST in
# data/mnist or ../shared/mnist and are skipped, with a message, without it.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
BUILD=${1:-$SRC/build}
BIN=$BUILD/digitpad
MODEL=$SRC/models/default.safetensors
[[ -x $BIN ]] || { echo "screenshots.sh: no $BIN; build first (cmake --build $BUILD)" >&2; exit 1; }
command -v convert >/dev/null || { echo "screenshots.sh: needs ImageMagick's convert" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/digitpad-shots.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy DIGITPAD_HOME=$tmp/home

# stroke X0 Y0 X1 Y1: a straight stroke in the 1000-unit canvas box, as a
# mouse would move along it (25 points).
stroke() {
    awk -v x0="$1" -v y0="$2" -v x1="$3" -v y1="$4" 'BEGIN {
        for (i = 0; i <= 24; i++) {
            t = i / 24
            printf "%s %.0f %.0f\n", (i == 0 ? "down" : i == 24 ? "up" : "move"),
                   x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        } }'
}
seven() {
    stroke 230 200 770 195
    stroke 770 195 420 830
    stroke 390 510 680 500
}
# A 3 for the training picture: two arcs, one stroke.
three() {
    awk 'BEGIN { n = 0
        for (i = 0; i <= 20; i++) { a = -2.4 + 3.9 * i / 20
            printf "%s %.0f %.0f\n", (n++ ? "move" : "down"), 480 + 210 * sin(a + 1.57), 330 - 160 * cos(a + 1.57) }
        for (i = 1; i <= 24; i++) { a = -1.57 + 4.0 * i / 24
            printf "move %.0f %.0f\n", 480 + 240 * cos(a), 660 + 190 * sin(a) }
        print "up 240 700" }'
}
shot() { # shot NAME: BMP from the window to docs/NAME.png
    convert "$tmp/$1.bmp" "PNG24:$SRC/docs/$1.png"
    echo "wrote docs/$1.png"
}

{
    echo "wait-frames 2"
    seven
    echo "wait-frames 2"
    echo "expect-top 7"
    echo "print"
    echo "screenshot $tmp/screenshot.bmp"
} >"$tmp/still.txt"
"$BIN" --model "$MODEL" --size 1000x640 --script "$tmp/still.txt"
shot screenshot

# The same drawing in a tall (portrait) window: the panel below the canvas.
"$BIN" --model "$MODEL" --size 480x800 --script "$tmp/still.txt" >/dev/null
mv "$tmp/screenshot.bmp" "$tmp/screenshot-portrait.bmp"
shot screenshot-portrait

{
    echo "wait-frames 2"
    seven
    echo "key v"
    echo "wait-frames 2"
    echo "expect-view layers"
    echo "screenshot $tmp/screenshot-layers.bmp"
    echo "hover-unit 1 14 8"
    echo "wait-frames 2"
    echo "screenshot $tmp/screenshot-hover.bmp"
    echo "key right"
    echo "key shift+down"
    echo "key shift+down"
    echo "wait-frames 2"
    echo "screenshot $tmp/screenshot-inspector.bmp"
    echo "key w"
    echo "wait-frames 2"
    echo "expect-view weights"
    echo "screenshot $tmp/screenshot-filters.bmp"
    echo "key down"
    echo "wait-frames 2"
    echo "screenshot $tmp/screenshot-kernels.bmp"
    echo "key up"
    echo "key w"
    echo "key x"
    echo "expect-saliency 1"
    echo "wait-saliency 30000"
    echo "wait-frames 2"
    echo "screenshot $tmp/screenshot-why.bmp"
    echo "click-bar 1"
    echo "expect-chosen 1"
    echo "wait-saliency 30000"
    echo "wait-frames 2"
    echo "screenshot $tmp/screenshot-why-not.bmp"
} >"$tmp/views.txt"
"$BIN" --model "$MODEL" --size 1000x640 --script "$tmp/views.txt"
shot screenshot-layers
shot screenshot-hover
shot screenshot-inspector
shot screenshot-filters
shot screenshot-kernels
# The two saliency pictures side by side: the canvas of each.
convert "$tmp/screenshot-why.bmp" -crop 580x580+10+10 +repage "$tmp/why-a.png"
convert "$tmp/screenshot-why-not.bmp" -crop 580x580+10+10 +repage "$tmp/why-b.png"
convert "$tmp/why-a.png" "$tmp/why-b.png" +append "PNG24:$SRC/docs/screenshot-why.png"
echo "wrote docs/screenshot-why.png"

# A message too long for the footer, whole in its card: T with no MNIST
# where --data points (a long path that does not exist) and no drawings.
{
    echo "wait-frames 2"
    echo "key t"
    echo "wait-frames 2"
    echo "expect-message No training data"
    echo "screenshot $tmp/screenshot-message.bmp"
} >"$tmp/message.txt"
"$BIN" --model "$MODEL" --size 1000x640 --data "/home/you/datasets/handwriting/mnist" \
    --script "$tmp/message.txt" >/dev/null
shot screenshot-message
# The history (Ctrl+H) after a few drawings, one labelled, with a thinner
# brush (-) on the canvas: the drawings come back with a click.
rm -rf "$tmp/home"
{
    echo "wait-frames 2"
    three
    echo "key c"
    stroke 500 150 500 850
    echo "key c"
    seven
    echo "key 7"
    echo "key c"
    three
    echo "key 3"
    echo "key c"
    stroke 480 160 520 840
    echo "key c"
    seven
    echo "key -"
    echo "key ctrl+h"
    echo "wait-frames 2"
    echo "expect-history 5"
    echo "screenshot $tmp/screenshot-history.bmp"
} >"$tmp/history.txt"
"$BIN" --model "$MODEL" --size 1000x640 --script "$tmp/history.txt" >/dev/null
shot screenshot-history
# Its labels are corrections: the training picture starts without them.
rm -rf "$tmp/home"

data=""
for d in "$SRC/data/mnist" "$SRC/../shared/mnist"; do
    [[ -e $d/train-images-idx3-ubyte.gz || -e $d/train-images-idx3-ubyte ]] && { data=$d; break; }
done
if [[ -z $data ]]; then
    echo "no MNIST in data/mnist or ../shared/mnist: docs/screenshot-training.png and" \
         "docs/screenshot-weights.png left as they are"
    exit 0
fi
{
    echo "wait-frames 2"
    three
    echo "key t"
    echo "wait-training 1 60000"
    # Into the second epoch, so the plot has an epoch mark and an accuracy.
    echo "wait-epoch 2 180000"
    echo "wait-ms 3000"
    echo "print"
    echo "screenshot $tmp/screenshot-training.bmp"
    echo "key t"
    echo "wait-training 0 60000"
} >"$tmp/training.txt"
"$BIN" --model "$MODEL" --size 1000x640 --data "$data" --script "$tmp/training.txt"
shot screenshot-training

# Shift+T from a seed network: a new quick network (issue 31) trains from
# scratch, its 32 first-layer filters shown as they take shape.
"$BIN" --train --arch seed --epochs 1 --limit 1000 --data "$data" --out "$tmp/seed.safetensors" \
    >/dev/null 2>&1
{
    echo "wait-frames 2"
    echo "key w"
    echo "key shift+t"
    echo "key shift+t"                     # the second press confirms
    echo "wait-training 1 60000"
    echo "wait-version 3 60000"
    echo "wait-frames 2"
    echo "print-views"
    echo "screenshot $tmp/screenshot-weights.bmp"
    echo "key t"
    echo "wait-training 0 60000"
} >"$tmp/weights.txt"
"$BIN" --model "$tmp/seed.safetensors" --size 1000x640 --data "$data" --script "$tmp/weights.txt"
shot screenshot-weights
