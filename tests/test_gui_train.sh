#!/usr/bin/env bash
# test_gui_train.sh — background training in the real window (digitpad
# --script under SDL's dummy driver): training from scratch on MNIST while
# strokes are drawn without pause, frames keep coming (worst and 99th
# percentile frame time printed), the bars change once the first snapshot
# is installed, and closing the window mid-epoch, or SIGTERM, exits promptly
# and cleanly;
# then corrections (digit keys), training on them alone when MNIST is
# missing, Ctrl+S, the saved model loading at the next start, --model and
# --shipped-model winning over it, and the --help text.
set -u
. "$(dirname "$0")/lib.sh"

BIN=$(need_bin) || exit 1
SRC=${DIGITPAD_SRC:?DIGITPAD_SRC must point to the source tree}
MODEL=$SRC/models/default.safetensors
MNIST=$(mnist_dir) || exit 1
if [ ! -f "$MODEL" ]; then
    echo "skip: no model at $MODEL (train one with digitpad --train)"
    exit 77
fi
export SDL_VIDEODRIVER=dummy
# Every time limit here bounds a stall (a stop flag never read, a join that
# never returns, a UI thread blocked by the trainer), never a speed: the
# figures are printed for the record (docs/benchmarks.md has the measured
# ones), and the limits hold on a machine with a load of 10 or under the
# sanitizers.  T's stop is checked after every training step, which takes
# milliseconds; seconds mean it was missed.
STOP_LIMIT_MS=5000   # T to the worker stopped and the last snapshot shown
EXIT_LIMIT_MS=10000  # quit or SIGTERM to the process gone
FRAME_STALL_MS=1000  # one frame this long is a stall

TMP=$(test_tmpdir gui-train)
now_ms() { date +%s%3N; }
# field NAME LINE: the value of NAME=... in a print line
field() { sed -n "s/.* $1=\([^ ]*\) .*/\1/p" <<< "$2"; }
# reap LABEL PID: waits for a background run, sets rc and t_end, shows its
# output (out-LABEL.txt, err-LABEL.txt) with LABEL in front of each line.
reap() {
    wait "$2"
    rc=$?
    t_end=$(now_ms)
    sed "s/^/[$1] /" "$TMP/out-$1.txt"
    [ -s "$TMP/err-$1.txt" ] && sed "s/^/[$1 stderr] /" "$TMP/err-$1.txt"
}

# ------------------------------------------- 1. training while drawing
{
    home="$TMP/home-train"
    mkdir -p "$home"
    {
        echo "wait-frames 2"
        one
        echo "print"                       # 1: the shipped model's outputs
        echo "key shift+t"                 # asks first
        echo "expect-training 0"
        echo "expect-message Shift+T again within 5 s replaces this model"
        echo "key shift+t"
        echo "expect-training 1"
        echo "wait-version 1 30000"
        echo "print"                       # 2: the first snapshot's
        echo "scribble 5000"
        echo "key c"
        one
        echo "print"                       # 3: still training, mid-epoch
        echo "key t"
        echo "expect-training 0"
        echo "print"                       # 4: stopped; how long that took
        echo "key shift+t"
        echo "key shift+t"
        echo "wait-ms 1500"
        echo "expect-training 1"
        echo "print"                       # 5: a second run, mid-epoch
        echo "quit"
    } > "$TMP/train.txt"
    out="$TMP/out-train.txt"
    DIGITPAD_HOME="$home" DIGITPAD_DATA="$MNIST" timeout 120 "$BIN" --model "$MODEL" \
        --script "$TMP/train.txt" > "$out" 2> "$TMP/err-train.txt" &
    pid=$!
    # The moment the last print appears, the script pushes quit on the next
    # frame: from then on the process must be gone within 2 s.
    t_quit=""
    while kill -0 "$pid" 2> /dev/null; do
        if [ -z "$t_quit" ] && [ "$(grep -c '^frame=' "$out" 2> /dev/null)" -ge 5 ]; then
            t_quit=$(now_ms)
        fi
        sleep 0.01
    done
    reap train "$pid"
    check "train: exit code 0 (got $rc)" test "$rc" -eq 0
    check "train: no failed expectation" bash -c "! grep -q '^FAIL' '$out'"
    p1=$(grep '^frame=' "$out" | sed -n 1p)
    p2=$(grep '^frame=' "$out" | sed -n 2p)
    p3=$(grep '^frame=' "$out" | sed -n 3p)
    check "train: before training, version 0 and not training" \
        test "$(field version "$p1")/$(field training "$p1")" = "0/0"
    check "train: a snapshot was installed (version $(field version "$p2"))" \
        test "$(field version "$p2")" -ge 1
    y1=$(field y "$p1")
    y2=$(field y "$p2")
    echo "outputs before: $y1"
    echo "outputs after snapshot $(field version "$p2"): $y2"
    check "train: the outputs changed after the first snapshot" \
        test -n "$y1" -a "$y1" != none -a "$y2" != none -a "$y1" != "$y2"
    check "train: the window predicts with the snapshot" \
        bash -c "grep -q 'model=\"new model · from scratch · [0-9]* epochs*\"' <<< '$p2'"
    p4=$(grep '^frame=' "$out" | sed -n 4p)
    p5=$(grep '^frame=' "$out" | sed -n 5p)
    check "train: still training, mid-epoch, after drawing" \
        test "$(field training "$p3")" = 1
    check "train: later snapshots kept coming ($(field version "$p3"))" \
        test "$(field version "$p3")" -gt "$(field version "$p2")"
    stop_ms=$(field stop_ms "$p4")
    echo "T stopped the run in $stop_ms ms"
    # The stopped run's snapshot shows its own figure, or none: never the
    # figure of the model it started from.
    if grep -q 'msg="stopped after 0 full epochs' <<< "$p4"; then
        check "train: stopped before an epoch ended: accuracy not measured yet" \
            grep -q 'acc="accuracy not measured yet"' <<< "$p4"
    else
        check "train: stopped after an epoch: its own held-out accuracy" \
            grep -q 'acc="held-out accuracy [0-9.]*% on [0-9]* MNIST test images"' <<< "$p4"
    fi
    check "train: the shipped model's figure says it is the MNIST test accuracy" \
        grep -q 'acc="MNIST test accuracy [0-9.]*%"' <<< "$p1"
    check "train: T stops within $STOP_LIMIT_MS ms ($stop_ms ms), final snapshot installed" \
        bash -c "awk -v v='${stop_ms:-9999}' 'BEGIN { exit !(v < $STOP_LIMIT_MS) }' &&
                 test '$(field training "$p4")' = 0 && grep -q 'msg=\"stopped after' <<< '$p4' &&
                 test '$(field version "$p4")' -gt '$(field version "$p3")'"
    check "train: a second run starts and is mid-epoch when the window closes" \
        test "$(field training "$p5")" = 1
    check "train: its snapshots keep the original model's name" \
        bash -c "grep -q 'model=\"new model · from scratch · [0-9]* epochs*\"' <<< '$p5'"
    stats=$(grep '^train_frames=' "$out")
    tf=$(field train_frames " $stats")
    tmax=$(field train_max_frame_ms " $stats")
    tp99=$(field train_p99_frame_ms " $stats")
    joined=$(sed -n 's/.*quit_to_joined_ms=\([0-9.]*\).*/\1/p' <<< "$stats")
    echo "frame time while training: $tf frames, worst $tmax ms, 99th percentile $tp99 ms" \
         "(target < 20 ms); quit to worker joined: $joined ms"
    # Five seconds of drawing give hundreds of frames on a quiet machine and
    # dozens on a loaded one; a UI thread blocked by the trainer gives a few.
    check "train: frames kept coming while training ($tf)" test "${tf:-0}" -ge 10
    check "train: no frame stalled (worst $tmax ms < $FRAME_STALL_MS)" \
        awk -v v="${tmax:-99999}" -v lim="$FRAME_STALL_MS" 'BEGIN { exit !(v < lim) }'
    if ! awk -v v="${tp99:-9999}" 'BEGIN { exit !(v < 20) }'; then
        echo "note: 99th percentile $tp99 ms is above the 20 ms target" \
             "(expected under sanitizers or a busy machine)"
    fi
    check "train: closed mid-epoch with the worker running" \
        grep -q 'quit_while_training=1' "$out"
    if [ -n "$t_quit" ]; then
        echo "exit $((t_end - t_quit)) ms after the last print (quit is the next frame)"
        check "train: exited within $EXIT_LIMIT_MS ms of quit ($((t_end - t_quit)) ms)" \
            test $((t_end - t_quit)) -lt $EXIT_LIMIT_MS
    else
        check "train: the last print appeared" false
    fi

    # SIGTERM (a logout, `kill`, a service manager) mid-epoch: SDL turns it
    # into a quit, so the window stops the worker and exits as if closed.
    printf '%s\n' "wait-frames 2" "key shift+t" "key shift+t" "wait-version 1 30000" "print" \
        "wait-ms 60000" > "$TMP/term.txt"
    out="$TMP/out-term.txt"
    DIGITPAD_HOME="$home" DIGITPAD_DATA="$MNIST" timeout 120 "$BIN" --model "$MODEL" \
        --script "$TMP/term.txt" > "$out" 2> "$TMP/err-term.txt" &
    pid=$!
    while kill -0 "$pid" 2> /dev/null && ! grep -q '^frame=' "$out"; do
        sleep 0.05
    done
    t_term=$(now_ms)
    kill -TERM "$pid" 2> /dev/null
    reap term "$pid"
    echo "SIGTERM mid-epoch to exit: $((t_end - t_term)) ms"
    check "term: SIGTERM mid-epoch exits 0 (got $rc)" test "$rc" -eq 0
    check "term: the worker was running and was joined" \
        grep -q 'quit_while_training=1' "$out"
    check "term: gone within $EXIT_LIMIT_MS ms of the signal ($((t_end - t_term)) ms)" \
        test $((t_end - t_term)) -lt $EXIT_LIMIT_MS
}

# ----------------- 2. corrections, MNIST missing, Ctrl+S, the next start
home="$TMP/home-user"
mkdir -p "$home"
{
    echo "wait-frames 2"
    echo "key 7"                           # empty canvas: nothing stored
    echo "expect-corrections 0"
    seven
    echo "key 7"
    echo "key 7"                           # the same drawing: not stored twice
    echo "expect-corrections 1"
    echo "print"                           # 1: says it is already stored
    echo "key 1"                           # a wrong key: replaces the label
    echo "expect-corrections 1"
    echo "expect-message Now a 1, not a 7"
    echo "key ctrl+z"                      # and undo puts the 7 back
    echo "expect-corrections 1"
    echo "expect-message Undid the label: the 1 is a 7 again"
    echo "key c"
    for i in 1 2 3; do
        seven
        echo "key 7"
        echo "key c"
        one
        echo "key 1"
        echo "key c"
    done
    seven
    echo "key 7"
    echo "expect-corrections 8"
    echo "print"                           # 2: eight corrections stored
    echo "key shift+t"                     # from scratch without MNIST: refused
    echo "expect-training 0"
    echo "expect-message No training data for a model from scratch: MNIST is not in $TMP/no-mnist"
    echo "key shift+t"
    echo "expect-training 0"
    echo "key t"                           # the drawings alone, of 2 digits: asks
    echo "expect-training 0"
    echo "expect-message T again within 5 s to train on your 8 drawings alone; your 8 drawings cover only 1, 7, so the model would learn to answer only those digits"
    echo "key t"
    echo "expect-training 1"
    # Each epoch on the drawings alone says where MNIST was looked for and
    # how to fetch it; waited for, as a print could come after the last
    # epoch on a busy machine.
    echo "wait-message no MNIST in $TMP/no-mnist (F fetches it)"
    echo "wait-version 1 60000"
    echo "print"                           # 3: the first snapshot
    echo "wait-training 0 60000"
    echo "print"                           # 4: done
    echo "expect-training 0"
    echo "key ctrl+s"
    echo "print"                           # 5: where the model went
    echo "quit"
} > "$TMP/user.txt"
out="$TMP/out-user.txt"
# --data names the (missing) MNIST directory and wins over DIGITPAD_DATA.
DIGITPAD_HOME="$home" DIGITPAD_DATA="$MNIST" timeout 120 "$BIN" --model "$MODEL" \
    --data "$TMP/no-mnist" --script "$TMP/user.txt" > "$out" 2> "$TMP/err-user.txt"
rc=$?
sed 's/^/[user] /' "$out"
[ -s "$TMP/err-user.txt" ] && sed 's/^/[user stderr] /' "$TMP/err-user.txt"
check "user: exit code 0 (got $rc)" test "$rc" -eq 0
check "user: no failed expectation" bash -c "! grep -q '^FAIL' '$out'"
check "user: a drawing is stored once" \
    grep -q 'corrections=1 .*msg="Already stored as a 7 — draw another one"' "$out"
check "user: the status line counts the corrections" \
    grep -q 'corrections=8 .*msg="Saved as a 7 — 8 corrections; press T to learn from them"' "$out"
# The relabelled 7 left a 1 and a second 7 behind, each 1-or-7 taken back
# by a retraction record: 6 lines of 7s, 4 of 1s, 2 records.
check "user: corrections file with the 7s, 1s and two retractions" \
    test "$(grep -c '^7 ' "$home/corrections.strokes" 2> /dev/null)" = 6 -a \
         "$(grep -c '^1 ' "$home/corrections.strokes" 2> /dev/null)" = 4 -a \
         "$(grep -c '^# retract user-' "$home/corrections.strokes" 2> /dev/null)" = 2
check "user: without MNIST the status line says where it looked and how to fetch it" \
    bash -c "! grep -q '^FAIL.*wait-message' '$out'"
p2=$(grep '^frame=' "$out" | sed -n 3p)
p3=$(grep '^frame=' "$out" | sed -n 4p)
check "user: trained on the drawings alone to the end (version $(field version "$p3"))" \
    bash -c "test '$(field version "$p3")' -ge 3 && grep -q 'msg=\"done: 3 epochs' <<< '$p3'"
t2=$(field ms "$p2")
t3=$(field ms "$p3")
[ -n "$t2" ] && [ -n "$t3" ] &&
    echo "fine-tune on 8 corrections without MNIST (3 epochs): about $((t3 - t2)) ms"
check "user: Ctrl+S saved the model" test -s "$home/model.safetensors"
check "user: the status line says where" \
    grep -q "msg=\"Model saved to $home/model.safetensors" "$out"
check "user: no temporary file left" \
    test "$(ls "$home" | grep -v '^corrections-user-.*\.pgm$' | sort | tr '\n' ' ')" = "corrections.strokes history.strokes model.safetensors "
check "user: each correction's 28x28 input saved beside it" \
    test "$(ls "$home" | grep -c '^corrections-user-.*\.pgm$')" -eq 8

startup() { # startup LABEL ARGS...: one print at start-up
    local label=$1
    shift
    printf 'wait-loaded 20000\nwait-frames 2\nprint\nquit\n' > "$TMP/start.txt"
    DIGITPAD_HOME="$home" timeout 60 "$BIN" "$@" --script "$TMP/start.txt" \
        > "$TMP/out-$label.txt" 2>&1
    local r=$?
    sed "s/^/[$label] /" "$TMP/out-$label.txt"
    check "$label: exit code 0 (got $r)" test "$r" -eq 0
}
startup restart
check "restart: the saved model is loaded and the status line says so" \
    grep -q "model=\"your model\" .*msg=\"your model (fine-tuned): $home/model.safetensors · --shipped-model" \
    "$TMP/out-restart.txt"
startup shipped --shipped-model
check "--shipped-model: the shipped model, not the saved one" \
    grep -q 'model="default.safetensors"' "$TMP/out-shipped.txt"
startup explicit --model "$MODEL"
check "--model wins over the saved model" \
    grep -q 'model="default.safetensors"' "$TMP/out-explicit.txt"
cp "$home/model.safetensors" "$TMP/keep.safetensors"
printf 'garbage\n' > "$home/model.safetensors"
startup damaged
check "damaged saved model: reported, the shipped one used" \
    grep -q 'model="default.safetensors" .*msg="Your saved model did not load' \
    "$TMP/out-damaged.txt"
cp "$TMP/keep.safetensors" "$home/model.safetensors"
# A crash mid-append leaves half a line: that drawing is left out, said so,
# and the others still count.
n_corr=$(ls "$home" | grep -c '^corrections-user-.*\.pgm$')
printf '7 cut | 500,120 500,' >> "$home/corrections.strokes"
startup cutline
check "half-written corrections line: left out and reported, $n_corr still loaded" \
    grep -q "corrections=$n_corr .*msg=\"$n_corr labelled drawings of yours; 1 damaged line left out" \
    "$TMP/out-cutline.txt"

# ------------------ 3. an unsaved trained model: quit asks; Ctrl+R goes back
{
    echo "wait-loaded 20000"
    seven
    echo "key 7"
    echo "expect-corrections 9"
    echo "key t"
    echo "key t"
    echo "wait-version 1 60000"
    echo "wait-training 0 60000"
    echo "key ctrl+z"                      # the 7 leaves the store, not the model
    echo "expect-corrections 8"
    echo "expect-message Undid the label: the 7 is out of your corrections (the model already fine-tuned on it keeps what it learnt)"
    echo "quit"                            # the close button: asks first
    echo "wait-frames 2"
    echo "expect-message Unsaved model: Ctrl+S saves it, quit again to discard"
    echo "print"                           # 1: still open, asking
    echo "key ctrl+r"                      # Ctrl+R asks too: the model stays
    echo "expect-message Unsaved model: Ctrl+S saves it, Shipped model (Ctrl+R) again to discard"
    echo "print"                           # 2: the trained model stays
    echo "key ctrl+r"                      # the second one goes back
    echo "expect-model default.safetensors"
    echo "expect-message Back to the shipped model default.safetensors · the trained one was discarded"
    echo "print"                           # 3: the shipped model again
    echo "key t"
    echo "key t"
    echo "wait-version 1 60000"
    echo "wait-training 0 60000"
    echo "drop $MODEL"                     # a dropped model asks too...
    echo "expect-message Unsaved model: Ctrl+S saves it, drop a model again to discard"
    echo "print"                           # 4: the trained model stays
    echo "drop $MODEL"                     # ...and the second one loads it
    echo "expect-model $(basename "$MODEL")"
    echo "key t"                           # unsaved once more, for Esc
    echo "key t"
    echo "wait-version 1 60000"
    echo "wait-training 0 60000"
    echo "key Escape"                      # Esc asks too...
    echo "expect-message Unsaved model"
    echo "print"                           # 5
    echo "key Escape"                      # ...and the second one quits
    echo "print"                           # never printed: the window is gone
    echo "wait-ms 3000"
} > "$TMP/quit.txt"
out="$TMP/out-quit.txt"
DIGITPAD_HOME="$home" timeout 120 "$BIN" --model "$MODEL" --data "$TMP/no-mnist" \
    --script "$TMP/quit.txt" > "$out" 2> "$TMP/err-quit.txt"
rc=$?
sed 's/^/[quit] /' "$out" | cut -c1-400
check "quit: exit code 0 (got $rc)" test "$rc" -eq 0
check "quit: no failed expectation" bash -c "! grep -q '^FAIL' '$out'"
check "quit: the first close asked, the window stayed" \
    grep -q 'msg="Unsaved model: Ctrl+S saves it, quit again to discard"' "$out"
check "quit: Ctrl+R installed the shipped model and said so" \
    grep -q 'model="default.safetensors" acc="MNIST test accuracy [0-9.]*%" .*msg="Back to the shipped model' "$out"
check "quit: the second Esc quit at once (5 prints, not 6)" \
    test "$(grep -c '^frame=' "$out")" -eq 5
check "quit: the first Ctrl+R and the first drop asked and kept the trained model" \
    test "$(grep -c 'model="default.safetensors · fine-tuned · [0-9]* epochs*" .*msg="Unsaved model: Ctrl+S saves it, \(Shipped model (Ctrl+R)\|drop a model\) again to discard"' "$out")" -eq 2
check "quit: the trained-on-drawings figure says what it measured" \
    grep -q 'acc="[0-9]*% of your [89] drawings right (trained on them, not a test)"' "$out"

# ----------------------------------------------- 3. the training panel
# A tiny model fine-tuned for its 3 epochs: the panel's curve has axes
# (tick labels, the unit, epoch marks with the time each accuracy was
# reached) and the figures say when; Ctrl+R then discards the model and
# with it the run's figures and curve (they described a model that is gone).
home="$TMP/home-panel"
mkdir -p "$home"
tiny="$TMP/tiny.safetensors"
if "$BIN" --train --arch mlp --epochs 1 --limit 1000 --data "$MNIST" --out "$tiny" \
    > "$TMP/train-tiny.txt" 2>&1; then
    {
        echo "wait-frames 2"
        seven
        echo "key t"
        echo "expect-training 1"
        echo "wait-training 0 120000"
        echo "wait-frames 2"
        echo "expect-text TRAINING DONE"
        echo "expect-text samples"         # the x axis and its unit
        echo "expect-text 100%"            # the accuracy axis
        echo "expect-text loss"            # the loss axis
        echo "expect-text e3 "             # the last epoch's mark and its time
        echo "expect-text % at 0:"         # when the held-out accuracy was reached
        echo "expect-text ran 0:"          # the elapsed time
        echo "print"                       # 1: trained
        echo "key ctrl+r"
        echo "key ctrl+r"                  # the second press discards it
        echo "expect-model default.safetensors"
        echo "wait-frames 2"
        echo "expect-no-text % at "
        echo "expect-no-text e1 "
        echo "expect-no-text ran "
        echo "expect-no-text TRAINING DONE"
        echo "expect-text held-out accuracy" # the empty plot keeps its axes
        echo "print"                       # 2: the shipped model, no figures
        echo "quit"
    } > "$TMP/panel.txt"
    out="$TMP/out-panel.txt"
    DIGITPAD_HOME="$home" DIGITPAD_DATA="$MNIST" timeout 180 "$BIN" --model "$tiny" \
        --size 1024x768 --script "$TMP/panel.txt" > "$out" 2> "$TMP/err-panel.txt"
    rc=$?
    sed 's/^/[panel] /' "$out" | cut -c1-300
    check "panel: exit code 0 (got $rc)" test "$rc" -eq 0
    check "panel: no failed expectation" bash -c "! grep -q '^FAIL' '$out'"
    check "panel: two prints" test "$(grep -c '^frame=' "$out")" -eq 2
else
    sed 's/^/[tiny train] /' "$TMP/train-tiny.txt"
    check "panel: a tiny model trains" false
fi

# ------------------------------------------------------------ --help
"$BIN" --help > "$TMP/help.txt" 2>&1
check "--help lists T, Shift+T, Ctrl+S and --shipped-model" \
    bash -c "grep -q 'Shift+T' '$TMP/help.txt' && grep -q 'Ctrl+S' '$TMP/help.txt' &&
             grep -q -- '--shipped-model' '$TMP/help.txt'"

finish "" "$TMP"
