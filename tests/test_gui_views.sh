#!/usr/bin/env bash
# test_gui_views.sh — issues 15 and 30 through the real window (digitpad
# --script under SDL's dummy driver): with a small seed, mlp and cnn model
# each, the layers view (V and its on-screen button), the weights view (W),
# the saliency overlay (X) and a click on a bar that chooses an output ([
# and ] too) each change the pixels where they should (panel or canvas,
# compared region by region between screenshots) and report the stages the
# model's architecture has; every preset and three specs with the other
# layer kinds open the explorer, step through it with the arrow keys and
# draw every weighted layer's page exactly as the weights are
# (check-weights), at four sizes without a layout fault; the weights view
# follows a background run's snapshots, each page equal to the snapshot
# drawn, pixel for pixel; pointing at units (hover, click, arrows) says and
# shows what feeds them; and with the explorer open while the cnn trains
# the frame times are printed (a frame over 250 ms, or 1 s on a busy
# machine, fails: a stall, never a speed).
set -u
. "$(dirname "$0")/lib.sh"

BIN=$(need_bin) || exit 1
MNIST=$(mnist_dir) || exit 1
export SDL_VIDEODRIVER=dummy
TMP=$(test_tmpdir gui-views)
export DIGITPAD_HOME="$TMP/home"
mkdir -p "$DIGITPAD_HOME"

# field NAME LINE: the value of NAME=... in a print line
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $2"; }

# hash_regions BMP...: for each screenshot (SDL_SaveBMP's 32-bit BMP), a
# line "NAME CANVAS PANEL VIEW": hashes of the pixels of the canvas, the
# panel and the view's picture inside it, so a status-line message cannot
# pass for a drawn view.  One python run for all (it starts slowly on a
# loaded machine).  At --size 1000x640 (layout.c) the canvas is 560 px
# square at (20, 20), the panel 380 px wide at x 600.
hash_regions() {
    python3 - "$@" << 'EOF'
import hashlib, os, struct, sys
RECTS = [(20, 20, 560, 560), (600, 20, 380, 560), (612, 80, 356, 480)]
for path in sys.argv[1:]:
    d = open(path, "rb").read()
    off, = struct.unpack_from("<I", d, 10)
    W, H = struct.unpack_from("<ii", d, 18)
    bpp, = struct.unpack_from("<H", d, 28)
    rowb = (W * bpp // 8 + 3) // 4 * 4
    out = [os.path.basename(path)[:-4]]
    for x, y, w, h in RECTS:
        m = hashlib.md5()
        for r in range(y, y + h):
            src = r if H < 0 else abs(H) - 1 - r  # bottom-up unless H < 0
            s = off + src * rowb + x * bpp // 8
            m.update(d[s:s + w * bpp // 8])
        out.append(m.hexdigest())
    print(" ".join(out))
EOF
}
# hash NAME canvas|panel|view: that hash from $HASHES (hash_regions' lines)
hash() {
    local col
    case $2 in canvas) col=2 ;; panel) col=3 ;; *) col=4 ;; esac
    awk -v n="$1" -v c="$col" '$1 == n { print $c }' <<< "$HASHES"
}
differs() { # differs A B REGION: that region's pixels differ between shots
    local x y
    x=$(hash "$1" "$3")
    y=$(hash "$2" "$3")
    [ -n "$x" ] && [ -n "$y" ] && [ "$x" != "$y" ]
}
same() {
    local x y
    x=$(hash "$1" "$3")
    y=$(hash "$2" "$3")
    [ -n "$x" ] && [ "$x" = "$y" ]
}
# both CMD... -- CMD...: two checks that must both pass
both() {
    local first=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do first+=("$1"); shift; done
    shift
    "${first[@]}" && "$@"
}

# ------------------------------------------------ 1. each view, each preset
for preset in seed mlp cnn; do
    model="$TMP/$preset.safetensors"
    if ! "$BIN" --train --arch "$preset" --epochs 1 --limit 1000 --data "$MNIST" \
        --out "$model" > "$TMP/train-$preset.txt" 2>&1; then
        sed "s/^/[$preset train] /" "$TMP/train-$preset.txt"
        check "$preset: a small model trains" false
        continue
    fi
    s="$TMP/$preset"
    {
        echo "wait-frames 2"
        seven
        echo "wait-frames 2"
        echo "screenshot $s-none.bmp"
        echo "key v"
        echo "expect-view layers"
        echo "wait-frames 2"
        echo "print-views"                 # 1: the stages
        echo "screenshot $s-layers.bmp"
        echo "click-bar 1"                 # why not 1?
        echo "expect-chosen 1"
        echo "expect-saliency 1"
        echo "wait-saliency 90000"         # computed off the UI thread
        echo "wait-frames 2"
        echo "print-views"                 # 2: the input gradient of 1
        echo "screenshot $s-chosen.bmp"
        echo "click-bar 1"                 # the same bar again: the top answer
        echo "expect-chosen -1"
        echo "key x"
        echo "expect-saliency 0"
        echo "key v"
        echo "expect-view off"
        echo "wait-frames 2"
        echo "screenshot $s-none2.bmp"
        echo "key w"
        echo "expect-view weights"
        echo "wait-frames 2"
        echo "print-views"                 # 3: the weights view
        echo "screenshot $s-weights.bmp"
        echo "key w"
        echo "key x"
        echo "expect-saliency 1"
        echo "wait-saliency 90000"         # computed off the UI thread
        echo "wait-frames 2"
        echo "print-views"                 # 4: gradient x input of the top output
        echo "screenshot $s-why.bmp"
        echo "key ]"                       # top -> 0 -> 1
        echo "key ]"
        echo "expect-chosen 1"
        echo "key ["
        echo "key ["
        echo "key ["
        echo "expect-chosen 9"             # ... wraps round through the top answer
        echo "click-bar 4"                 # the bar chart's row, view closed
        echo "expect-chosen 4"
        echo "tap-bar 6"                   # a finger on a bar does the same
        echo "expect-chosen 6"
        echo "click-toggle"                # the on-screen LAYERS button
        echo "expect-view layers"
        echo "wait-frames 2"
        echo "tap-bar 2"                   # the layers view's bars, by touch
        echo "expect-chosen 2"
        echo "click-toggle"                # the view's close button
        echo "expect-view off"
        echo "tap-toggle"                  # LAYERS by touch, and closed again
        echo "expect-view layers"
        echo "wait-frames 2"
        echo "tap-toggle"
        echo "expect-view off"
        echo "key c"
        echo "key v"
        echo "wait-frames 2"
        echo "print-views"                 # 5: empty canvas, view open
        seven
        echo "key m"                       # the best measured -> the raw gradient
        echo "wait-saliency 90000"
        echo "wait-frames 2"
        echo "print-views"                 # 6
        echo "expect-text raw gradient"
        echo "key m"                       # -> SmoothGrad
        echo "key m"                       # -> integrated gradients
        echo "wait-saliency 90000"
        echo "wait-frames 2"
        echo "print-views"                 # 7
        echo "expect-text IG path gradient"
        echo "key m"                       # -> the best again: SmoothGrad for why not
        echo "wait-saliency 90000"
        echo "wait-frames 2"
        echo "expect-text SmoothGrad"
        echo "quit"
    } > "$s.txt"
    out="$s-out.txt"
    # Stall bounds, not speeds: each map is waited for up to 90 s and the
    # run up to 600 s (an ASan run at load 8 took over 30 s for one
    # integrated-gradients map of the cnn; at load 2 the run takes ~125 s).
    timeout 600 "$BIN" --model "$model" --size 1000x640 --script "$s.txt" > "$out" \
        2> "$s-err.txt"
    rc=$?
    sed "s/^/[$preset] /" "$out"
    [ -s "$s-err.txt" ] && sed "s/^/[$preset stderr] /" "$s-err.txt"
    HASHES=$(hash_regions "$s"-*.bmp)
    check "$preset: exit code 0 (got $rc)" test "$rc" -eq 0
    check "$preset: no failed expectation" bash -c "! grep -q '^FAIL' '$out'"
    v1=$(grep '^views:' "$out" | sed -n 1p)
    v2=$(grep '^views:' "$out" | sed -n 2p)
    v3=$(grep '^views:' "$out" | sed -n 3p)
    v4=$(grep '^views:' "$out" | sed -n 4p)
    case $preset in
    seed)
        stages='stage1="fc100 · sigmoid|100 units|64/100" stage2="fc10 · sigmoid|10 outputs|10/10"'
        units="weights_layer=0 weights_units=100 weights_shown=100" ;;
    mlp)
        stages='stage1="fc256 · relu|256 units|64/256" stage2="fc128 · relu|128 units|64/128" stage3="fc10 · sigmoid|10 outputs|10/10"'
        units="weights_layer=0 weights_units=256 weights_shown=100" ;;
    cnn)
        stages='stage1="conv32k5 · relu|32 maps 28×28|32/32" stage2="pool|32 maps 14×14|32/32" stage3="conv64k5 · relu|64 maps 14×14|64/64" stage4="pool|64 maps 7×7|64/64" stage5="fc128 · relu|128 units|64/128" stage6="fc10 · sigmoid|10 outputs|10/10"'
        units="weights_layer=0 weights_units=32 weights_shown=32" ;;
    esac
    check "$preset: the layers view has the arch's stages, 64 of a wider layer" \
        grep -qF "stage0=\"input|28×28|1/1\" $stages" <<< "$v1"
    check "$preset: a clicked bar shows that output's input gradient" \
        grep -q 'chosen=1 sal_valid=1 sal_output=1 sal_method=gradient ' <<< "$v2"
    check "$preset: the weights view shows the first layer's units" \
        grep -q "mode=weights .*$units" <<< "$v3"
    check "$preset: X explains the top output by gradient x input" \
        grep -q "saliency=1 chosen=-1 sal_valid=1 sal_output=[0-9] sal_method=gradient_x_input sal_attr=ig map=1" <<< "$v4"
    check "$preset: with the canvas cleared the view stays open, nothing to explain" \
        grep -q 'mode=layers saliency=1 chosen=2 sal_valid=0' <<< "$(grep '^views:' "$out" | sed -n 5p)"
    check "$preset: M shows the raw gradient" \
        grep -q 'sal_valid=1 sal_output=2 sal_method=gradient sal_attr=raw ' \
        <<< "$(grep '^views:' "$out" | sed -n 6p)"
    check "$preset: M again shows integrated gradients" \
        grep -q 'sal_valid=1 sal_output=2 sal_method=gradient sal_attr=ig ' \
        <<< "$(grep '^views:' "$out" | sed -n 7p)"
    # V is the explorer: the canvas shrinks and the network takes its place.
    check "$preset: the explorer changed both the canvas's and the panel's places" \
        both differs $preset-none $preset-layers panel -- differs $preset-none $preset-layers canvas
    check "$preset: choosing 1 drew the overlay on the (smaller) canvas" \
        differs $preset-layers $preset-chosen canvas
    check "$preset: closing the views gives the canvas and panel back as they were" \
        both same $preset-none $preset-none2 canvas -- same $preset-none $preset-none2 panel
    check "$preset: the weights view differs from the layers view" \
        differs $preset-layers $preset-weights panel
    check "$preset: X drew the overlay on the canvas and the preview" \
        both differs $preset-none $preset-why canvas -- differs $preset-none $preset-why panel
done

# ------------------ 1b. every preset and layer kind: V, W's pages, arrows
# Each preset and three specs with the layer kinds the presets lack (convs
# without a pool, a sigmoid conv, a conv straight into a pool, sigmoid
# hidden layers, a network of one dense layer): the explorer opens, the
# arrow keys step through its units and pin them, W's hint names the layer
# and offers Up/Down only when there is another, every page's pictures
# equal the model's weights pixel for pixel (check-weights), and every
# state passes the layout check at four sizes.  The small specs get more
# steps than the presets: one small epoch leaves them near chance, which
# --train refuses.
# name|spec|weighted layers|stages|page kinds|training
KINDS='seed|seed|2|3|image matrix|--epochs 1 --limit 1000
mlp|mlp|3|4|image matrix matrix|--epochs 1 --limit 1000
cnn|cnn|4|7|filters kernels mapsum matrix|--epochs 1 --limit 1000
quick|quick|4|7|filters kernels mapsum matrix|--epochs 1 --limit 1000
nopool|conv4k3,relu,conv4k3,relu,fc16,relu,fc10,sigmoid|4|5|filters kernels mapsum matrix|--epochs 1 --limit 6000 --lr 0.003
sigmoid|conv6k3,sigmoid,conv6k3,pool,fc16,sigmoid,fc10,sigmoid|4|6|filters kernels mapsum matrix|--epochs 2 --limit 10000 --lr 0.003
dense|fc10,sigmoid|1|2|image|--epochs 1 --limit 3000 --lr 0.01'
sizes() { # check-layout NAME at four sizes, back to 1000x640
    local sz
    for sz in "480 320" "800 600" "1280 800" "600 900"; do
        echo "resize $sz"
        echo "wait-frames 2"
        echo "check-layout $1-${sz/ /x}"
    done
    echo "resize 1000 640"
    echo "wait-frames 2"
}
# The small models train on a slice: the first 10,000 training images (the
# most any of them takes) and 1,000 test images for --train's closing pass
# and calibration; the full test set would add nothing here, and its pass
# is slow under ASan (it kept quick out of the sanitizer run before).
SLICE="$TMP/mnist-slice"
mnist_slice "$MNIST" "$SLICE" 10000 1000 || check "the MNIST slice for the small models is written" false
while IFS='|' read -r name spec nw nst kinds how; do
    model="$TMP/$name.safetensors"
    # shellcheck disable=SC2086 # $how is a list of options
    if [ ! -f "$model" ] && ! "$BIN" --train --arch "$spec" $how \
        --data "$SLICE" --out "$model" > "$TMP/train-$name.txt" 2>&1; then
        sed "s/^/[$name train] /" "$TMP/train-$name.txt"
        check "$name: a small model trains" false
        continue
    fi
    s="$TMP/kinds-$name"
    {
        echo "wait-frames 2"
        seven
        echo "key v"
        echo "expect-view layers"
        echo "wait-frames 2"
        echo "print-views"                 # 1: the stages
        echo "key right"                   # the first layer's first unit
        echo "wait-frames 2"
        echo "print-views"                 # 2: pinned, with its inspector
        echo "key right"
        echo "wait-frames 2"
        echo "print-views"                 # 3: one along
        echo "key shift+down"
        echo "wait-frames 2"
        echo "print-views"                 # 4: a stage down
        echo "key shift+up"
        echo "wait-frames 2"
        sizes "explorer-$name"
        echo "key w"
        echo "expect-view weights"
        echo "wait-frames 2"
        if [ "$nw" -gt 1 ]; then
            echo "expect-message layer 1 of $nw · ↑ ↓: other layers"
        else
            echo "expect-message layer 1 of 1"
        fi
        for i in $(seq 1 "$nw"); do
            echo "check-weights"
            echo "print-views"
            sizes "weights$i-$name"
            echo "key down"
            echo "wait-frames 2"
        done
        echo "print-views"                 # past the last page: it stays
        echo "quit"
    } > "$s.txt"
    timeout 120 "$BIN" --model "$model" --size 1000x640 --script "$s.txt" > "$s-out.txt" \
        2> "$s-err.txt"
    rc=$?
    sed "s/^/[$name] /" "$s-out.txt" | cut -c1-300
    [ -s "$s-err.txt" ] && sed "s/^/[$name stderr] /" "$s-err.txt"
    check "$name: exit code 0 (got $rc)" test "$rc" -eq 0
    check "$name: no failed expectation or layout check" bash -c "! grep -q '^FAIL' '$s-out.txt'"
    if [ "$nw" -le 1 ]; then
        check "$name: W's hint offers no other layer" bash -c "! grep -q 'other layers' '$s-out.txt'"
    fi
    v=$(grep '^views:' "$s-out.txt")
    v1=$(sed -n 1p <<< "$v")
    check "$name: the explorer has the arch's $nst stages" \
        test "$(grep -o ' stage[0-9]*=' <<< "$v1" | wc -l)" -eq "$nst"
    check "$name: an arrow key points at the first layer's unit and pins it, with its weights beside the input" \
        grep -q 'unit=1:[0-9]*:[0-9]*:[0-9]* pinned=1 unit_value=[-0-9.]* inspector=[1-3] ' \
        <<< "$(sed -n 2p <<< "$v")"
    check "$name: the next arrow moves it along" \
        test "$(field unit "$(sed -n 2p <<< "$v")")" != "$(field unit "$(sed -n 3p <<< "$v")")"
    if [ "$nst" -gt 2 ]; then
        check "$name: Shift+Down goes a stage down" \
            grep -q 'unit=2:[0-9]*:[0-9]*:[0-9]* pinned=1 ' <<< "$(sed -n 4p <<< "$v")"
    else # the outputs are the first layer: nothing below them
        check "$name: Shift+Down from the last stage stays there" \
            grep -q 'unit=1:[0-9]*:0:0 pinned=1 ' <<< "$(sed -n 4p <<< "$v")"
    fi
    got=$(grep '^weights-drawn:' "$s-out.txt" | sed 's/.* kind=\([a-z]*\) .*/\1/' | tr '\n' ' ')
    check "$name: W's pages are the layers' pictures: $kinds (got $got)" test "$got" = "$kinds "
    check "$name: every page drawn is the model's weights, pixel for pixel" \
        test "$(grep '^weights-drawn:' "$s-out.txt" | grep -c ' pixels=[1-9][0-9]* mismatched=0 ')" -eq "$nw"
    check "$name: Down past the last layer stays there" \
        grep -q "weights_page=$nw/$nw " <<< "$(tail -n 1 <<< "$v")"
done <<< "$KINDS"

# ----------------------- 2. the weights view follows the trainer's snapshots
model="$TMP/seed.safetensors"
if [ -f "$model" ]; then
    s="$TMP/follow"
    # While the quick network trains, every page is checked against the
    # snapshot installed when it was drawn, pixel for pixel.
    printf '%s\n' "wait-frames 2" "key w" "wait-frames 2" "print-views" \
        "screenshot $s-0.bmp" "key shift+t" "key shift+t" "wait-version 2 60000" "wait-frames 2" \
        "print-views" "screenshot $s-2.bmp" "print" \
        "check-weights" "key down" "wait-frames 2" "check-weights" "key down" "wait-frames 2" \
        "check-weights" "key down" "wait-frames 2" "check-weights" \
        "key t" "wait-training 0 30000" "quit" > "$s.txt"
    DIGITPAD_DATA="$MNIST" timeout 120 "$BIN" --model "$model" --size 1000x640 \
        --script "$s.txt" > "$s-out.txt" 2> "$s-err.txt"
    rc=$?
    sed 's/^/[follow] /' "$s-out.txt"
    HASHES=$(hash_regions "$s"-*.bmp)
    check "follow: exit code 0 (got $rc)" test "$rc" -eq 0
    check "follow: no failed expectation" bash -c "! grep -q '^FAIL' '$s-out.txt'"
    w0=$(grep '^views:' "$s-out.txt" | sed -n 1p)
    w2=$(grep '^views:' "$s-out.txt" | sed -n 2p)
    p=$(grep '^frame=' "$s-out.txt" | sed -n 1p)
    check "follow: before training, the loaded model's weights (version 0)" \
        test "$(field weights_version "$w0")" = 0
    check "follow: the view shows the installed snapshot ($(field weights_version "$w2") of $(field version "$p"))" \
        test "$(field weights_version "$w2")" = "$(field version "$p")" -a \
             "$(field version "$p")" -ge 2
    check "follow: the pictures changed as the seed's units trained" \
        differs follow-0 follow-2 view
    drawn=$(grep '^weights-drawn:' "$s-out.txt")
    check "follow: the quick network's four layers were drawn while it trained" \
        test "$(sed 's/.* kind=\([a-z]*\) .*/\1/' <<< "$drawn" | tr '\n' ' ')" = "filters kernels mapsum matrix "
    check "follow: each was a snapshot as published (its version, its parameters' checksum)" \
        test "$(grep -c 'snapshot_params=match ' <<< "$drawn")" -eq 4
    check "follow: each page drawn equals that snapshot's weights, pixel for pixel" \
        test "$(grep -c ' pixels=[1-9][0-9]* mismatched=0 ' <<< "$drawn")" -eq 4
    vers=$(sed 's/.* version=\([0-9]*\) snapshot_version=\([0-9]*\) .*/\1=\2/' <<< "$drawn" | sort -u)
    check "follow: the snapshot drawn is the one installed, from version 2 on ($(tr '\n' ' ' <<< "$vers"))" \
        awk -F= '$1 != $2 || $1 < 2 { bad = 1 } END { exit bad || NR == 0 }' <<< "$vers"
fi

# ------------- 2b. the explorer: pointing at units, pinning, p99 frames
# V gives the network most of the window (the canvas smaller, still
# drawable); hovering a conv map pixel says its value and the input pixels
# it sees, a click pins it, a dense unit names its strongest weights; then
# the pointer sweeps over the maps while the cnn trains: the frame times
# are printed (docs/benchmarks.md), a frame over 250 ms fails.
model="$TMP/cnn.safetensors"
if [ -f "$model" ]; then
    s="$TMP/explore"
    {
        echo "wait-frames 2"
        seven
        echo "key v"
        echo "expect-view layers"
        echo "wait-frames 2"
        echo "check-layout explorer"
        echo "print"                       # 1: the canvas is smaller now
        echo "hover-unit 1 14 10"          # conv32k5 · relu, a pixel of its first map
        echo "wait-frames 2"
        echo "print-views"                 # 1: the unit, not pinned
        echo "expect-message sees input"
        echo "screenshot $s-hover.bmp"
        echo "check-layout explorer-hover"
        echo "click-unit 3 7 7"            # conv64k5: pinned
        echo "wait-frames 2"
        echo "print-views"                 # 2
        echo "expect-message pinned: conv64k5"
        echo "expect-text strongest inputs here" # the inspector's title
        echo "key right"                   # the arrows move the pinned unit
        echo "wait-frames 2"
        echo "print-views"                 # 3: a pixel right, pinned
        echo "key left"
        echo "hover-unit 1 3 3"            # a pinned unit stays
        echo "wait-frames 2"
        echo "print-views"                 # 4
        echo "click-unit 3 7 7"            # let go
        echo "hover-unit 5 3 0"            # fc128 · relu, a cell
        echo "wait-frames 2"
        echo "print-views"                 # 5
        echo "expect-message +: map"
        echo "down 300 300"                # the smaller canvas still draws
        echo "move 700 700"
        echo "up 700 700"
        echo "wait-frames 2"
        echo "expect-strokes 3"
        echo "key shift+t"
        echo "key shift+t"
        echo "expect-training 1"
        echo "wait-version 1 120000"
        for i in $(seq 0 60); do
            echo "hover-unit $(( 1 + i % 4 )) $(( i % 7 )) $(( (i * 3) % 7 ))"
            echo "wait-frames 1"
        done
        echo "print"                       # 2: frame times so far
        echo "quit"
    } > "$s.txt"
    DIGITPAD_DATA="$MNIST" timeout 240 "$BIN" --model "$model" --size 1280x800 --script "$s.txt" \
        > "$s-out.txt" 2> "$s-err.txt"
    rc=$?
    sed 's/^/[explore] /' "$s-out.txt" | cut -c1-400
    check "explore: exit code 0 (got $rc)" test "$rc" -eq 0
    check "explore: no failed expectation" bash -c "! grep -q '^FAIL' '$s-out.txt'"
    p1=$(grep '^frame=' "$s-out.txt" | sed -n 1p)
    check "explore: the canvas gave the network room ($(field canvas "$p1") px of 1280x800)" \
        test "$(field canvas "$p1")" -lt 420
    e1=$(grep '^views:' "$s-out.txt" | sed -n 1p)
    e2=$(grep '^views:' "$s-out.txt" | sed -n 2p)
    e3=$(grep '^views:' "$s-out.txt" | sed -n 4p)
    e4=$(grep '^views:' "$s-out.txt" | sed -n 5p)
    ea=$(grep '^views:' "$s-out.txt" | sed -n 3p)
    check "explore: hover names conv1's map pixel (14,10), not pinned" \
        grep -q 'unit=1:[0-9]*:14:10 pinned=0 ' <<< "$e1"
    check "explore: a click pins a conv2 pixel, the kernels of its 3 strongest input maps beside the input" \
        grep -q 'unit=3:[0-9]*:[0-9]*:[0-9]* pinned=1 unit_value=[-0-9.]* inspector=3 ' <<< "$e2"
    u2=$(field unit "$e2")
    IFS=: read -r us uc ux uy <<< "$u2"
    check "explore: Right moves the pinned unit a pixel along ($u2 -> $(field unit "$ea"))" \
        grep -q "unit=$us:$uc:$((ux + 1)):$uy pinned=1 " <<< "$ea"
    check "explore: a pinned unit stays when the pointer moves" \
        test "$(field unit "$e2")" = "$(field unit "$e3")"
    check "explore: a dense unit after letting go" grep -q 'unit=5:[0-9]*:0:0 pinned=0 ' <<< "$e4"
    stats=$(grep '^train_frames=' "$s-out.txt")
    tmax=$(field train_max_frame_ms "$stats")
    tp99=$(field train_p99_frame_ms "$stats")
    echo "explorer open, hovering, cnn training: $(field train_frames "$stats") frames, worst" \
         "$tmax ms, 99th percentile $tp99 ms; load $(cut -d' ' -f1-3 /proc/loadavg);" \
         "$(grep -m1 'model name' /proc/cpuinfo)"
    # The 250 ms stall bound holds when the machine has a core for each
    # runnable task; under heavier load (a shared CI box) it is reported,
    # not failed on: a busy machine must not fail a test (docs/testing.md).
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v c="$(nproc)" 'BEGIN { exit !(l <= c) }'; then
        check "explore: no frame over 250 ms while hovering and training (worst $tmax ms)" \
            awk -v v="${tmax:-99999}" 'BEGIN { exit !(v < 250) }'
    else
        check "explore: no frame over 1000 ms (worst $tmax ms; load $load > $(nproc) cores: not the 250 ms bound)" \
            awk -v v="${tmax:-99999}" 'BEGIN { exit !(v < 1000) }'
    fi
fi

# ------------------- 3. frame times: layers view open, the cnn training
model="$TMP/cnn.safetensors"
if [ -f "$model" ]; then
    s="$TMP/frames"
    {
        echo "wait-frames 2"
        echo "key v"
        seven
        echo "key shift+t"
        echo "key shift+t"                 # the second press confirms (issue 14)
        echo "expect-training 1"
        echo "wait-version 1 60000"
        echo "print-views"
        echo "scribble 5000"
        echo "expect-view layers"
        echo "print-views"
        echo "print"
        echo "quit"
    } > "$s.txt"
    DIGITPAD_DATA="$MNIST" timeout 120 "$BIN" --model "$model" --script "$s.txt" \
        > "$s-out.txt" 2> "$s-err.txt"
    rc=$?
    sed 's/^/[frames] /' "$s-out.txt"
    check "frames: exit code 0 (got $rc)" test "$rc" -eq 0
    check "frames: no failed expectation" bash -c "! grep -q '^FAIL' '$s-out.txt'"
    a=$(grep '^views:' "$s-out.txt" | sed -n 1p)
    b=$(grep '^views:' "$s-out.txt" | sed -n 2p)
    n=$(( $(field recomputes "$b") - $(field recomputes "$a") ))
    nf=$(( $(field frame "$b") - $(field frame "$a") ))
    stats=$(grep '^train_frames=' "$s-out.txt")
    tf=$(field train_frames "$stats")
    tmax=$(field train_max_frame_ms "$stats")
    tp99=$(field train_p99_frame_ms "$stats")
    echo "layers view open, cnn training: $tf frames, worst $tmax ms, 99th percentile" \
         "$tp99 ms (target < 20 ms); the view recomputed $n times in $nf frames of drawing" \
         "(worst recompute $(field max_ms "$b") ms); $(grep -m1 'model name' /proc/cpuinfo)"
    # Every frame of the scribble adds a point (or clears): each recomputes.
    check "frames: the view followed the drawing ($n recomputes in $nf frames)" \
        test "$nf" -ge 20 -a $((n * 10)) -ge $((nf * 8))
    # Stall bounds, not speeds: a UI thread blocked by the trainer or the
    # view shows a handful of frames and seconds-long ones; a busy machine
    # or the sanitizers show fewer, slower frames but none of a second.
    # The 20 ms target is measured in docs/benchmarks.md, not here.
    check "frames: frames kept coming while training ($tf)" test "${tf:-0}" -ge 10
    check "frames: no frame stalled (worst $tmax ms < 1000)" \
        awk -v v="${tmax:-99999}" 'BEGIN { exit !(v < 1000) }'
    if ! awk -v v="${tp99:-9999}" 'BEGIN { exit !(v < 20) }'; then
        echo "note: 99th percentile $tp99 ms is above the 20 ms target" \
             "(${DIGITPAD_BUILD_TYPE:-unknown} build${DIGITPAD_SANITIZE:+ with $DIGITPAD_SANITIZE}; a busy machine?)"
    fi
fi

# --------------------------------------------------------------- --help
"$BIN" --help > "$TMP/help.txt" 2>&1
check "--help lists V, W, X and [ ] with the saliency method" \
    bash -c "grep -q '^ *V  *layers view' '$TMP/help.txt' && grep -q '^ *W  *weights view' '$TMP/help.txt' &&
             grep -q '^ *X  *why: the ink behind the answer (IG)' '$TMP/help.txt' &&
             grep -q '^ *M  *why.s method: the next of four' '$TMP/help.txt' && grep -q '^ *\[  or  \]' '$TMP/help.txt'"

finish "" "$TMP"
