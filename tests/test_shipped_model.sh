#!/usr/bin/env bash
# test_shipped_model.sh — the shipped default model keeps its accuracy on
# MNIST's test set and on real pen-drawn digits replayed through
# --predict-strokes (exactly the window's rendering and preprocessing).
# The MNIST test set redrawn with the window's pen (traced to its centre
# line and inked again, ink_redraw) stands in for drawings where the pen
# digits are absent, so every machine checks the drawn-digit floor.
# It also checks what the model does with non-digits and with digit styles
# MNIST rarely shows, drawn by rule on the test seed (--eval --drawn).
# Thresholds sit a little below what the shipped model measures (see
# docs/model.md), so a regression fails CI; the margins allow for another
# CPU's or kernel's rounding (the held-out kinds move most between runs).  The dev.txt part needs the
# developers' ../shared and is skipped (SKIPPED-PART) without it; the pen
# test set (26 writers of datasets/pen-digits/, never trained on) is in the
# repo, so that part runs on every machine.
set -u
. "$(dirname "$0")/lib.sh"
BIN=${DIGITPAD_BIN:?} SRC=${DIGITPAD_SRC:?}
MODEL="$SRC/models/default.safetensors"
MIN_MNIST=99.40   # measured 99.58
MIN_DEV=98.30     # measured 98.66
MAX_UNSURE_MNIST=2.0  # measured 1.21
MAX_UNSURE_DEV=2.4    # measured 1.52
MIN_NONDIGIT=93.0     # measured 95.1 (unsure, all 16 test kinds)
MIN_HELD_OUT=80.0     # measured 86.9 (unsure, the 6 kinds never trained on)
MIN_STYLE=95.0        # measured 97.3-100 (each style read right)
MIN_REDRAWN=98.30     # measured 98.69 (the MNIST test set redrawn with the pen)
MAX_UNSURE_REDRAWN=3.0  # measured 1.74
MIN_PEN_TEST=98.30    # measured 98.72 (the pen test set: 3,738 drawings, 26 writers never trained on)
MAX_UNSURE_PEN_TEST=2.0  # measured 1.23 (46 of 3,738)
MAX_SCRIBBLES=6.5     # measured 5.0 (of 2,000 synthetic scribbles, answered)
PEN="$SRC/datasets/pen-digits/pendigits.txt.gz,$SRC/datasets/pen-digits/uji.txt.gz"
[ -f "$MODEL" ] || { echo "FAIL: no shipped model at $MODEL"; exit 1; }
tmp=$(test_tmpdir model)

# The pen test set, scored as labelled ("# accuracy: 0.9561 (3574/3738 ...)").
"$BIN" --predict-strokes "$PEN" --pen-test --model "$MODEL" >"$tmp/pen" 2>&1
pen=$(awk '/^# accuracy:/ { print $3 * 100 }' "$tmp/pen")
pen_n=$(sed -n 's|^# accuracy: .*/\([0-9]*\) labelled.*|\1|p' "$tmp/pen")
pen_unsure=$(awk '/^# unsure:/ { printf "%.2f", 100 * $3 / $5 }' "$tmp/pen")
echo "pen test set accuracy: ${pen:-?}% of ${pen_n:-?} (minimum $MIN_PEN_TEST%), unsure ${pen_unsure:-?}% (at most $MAX_UNSURE_PEN_TEST%)"
check_eval '[ "$pen_n" = 3738 ] && grep -q "^# per writer: 26 writers" "$tmp/pen"'
check_eval '[ -n "$pen" ] && awk -v a="$pen" -v m="$MIN_PEN_TEST" "BEGIN { exit !(a >= m) }"'
check_eval '[ -n "$pen_unsure" ] && awk -v u="$pen_unsure" -v m="$MAX_UNSURE_PEN_TEST" "BEGIN { exit !(u <= m) }"'

mnist_d=$(mnist_dir) || exit 1

"$BIN" --eval --drawn --model "$MODEL" --data "$mnist_d" >"$tmp/eval" 2>&1
mnist=$(awk '/^accuracy/ { sub("%", "", $2); print $2 }' "$tmp/eval")
echo "MNIST test accuracy: ${mnist:-?}% (minimum $MIN_MNIST%)"
check_eval '[ -n "$mnist" ] && awk -v a="$mnist" -v m="$MIN_MNIST" "BEGIN { exit !(a >= m) }"'
# The model carries a threshold picked from data, and it doubts few digits.
unsure=$(sed -n "s/^unsure .*threshold \([0-9.]*\): \([0-9.]*\)% of the test images.*/\1 \2/p" "$tmp/eval")
echo "threshold and MNIST unsure %: ${unsure:-?} (at most $MAX_UNSURE_MNIST%)"
check_eval '[ -n "$unsure" ] && ! grep -q "(default)" "$tmp/eval"'
check_eval '[ -n "$unsure" ] && awk -v u="${unsure#* }" -v m="$MAX_UNSURE_MNIST" "BEGIN { exit !(u <= m) }"'
# Scribbles: "...; 5.0% of 2000 scribbles still get an answer".
scr=$(sed -n 's/^unsure .*; \([0-9.]*\)% of [0-9]* scribbles still get an answer.*/\1/p' "$tmp/eval")
echo "scribbles answered: ${scr:-?}% (at most $MAX_SCRIBBLES%)"
check_eval '[ -n "$scr" ] && awk -v u="$scr" -v m="$MAX_SCRIBBLES" "BEGIN { exit !(u <= m) }"'
# The test set redrawn: "redrawn   ...: accuracy A%, unsure U% (...)".
rd=$(sed -n 's/^redrawn .*accuracy \([0-9.]*\)%, unsure \([0-9.]*\)%.*/\1 \2/p' "$tmp/eval")
echo "redrawn MNIST test accuracy and unsure %: ${rd:-?} (minimum $MIN_REDRAWN, at most $MAX_UNSURE_REDRAWN)"
check_eval '[ -n "$rd" ] && awk -v a="${rd% *}" -v m="$MIN_REDRAWN" "BEGIN { exit !(a >= m) }"'
check_eval '[ -n "$rd" ] && awk -v u="${rd#* }" -v m="$MAX_UNSURE_REDRAWN" "BEGIN { exit !(u <= m) }"'

# Non-digits: "non-digits  unsure at threshold T on A% of 16 kinds x 300
# drawings (kinds trained on B%, kinds never trained on C%)".
nd=$(sed -n 's/^non-digits .* on \([0-9.]*\)% of 16 kinds.*never trained on \([0-9.]*\)%.*/\1 \2/p' "$tmp/eval")
echo "non-digits unsure, all kinds and held-out kinds: ${nd:-?} (minimum $MIN_NONDIGIT and $MIN_HELD_OUT)"
check_eval '[ -n "$nd" ] && awk -v a="${nd% *}" -v m="$MIN_NONDIGIT" "BEGIN { exit !(a >= m) }"'
check_eval '[ -n "$nd" ] && awk -v a="${nd#* }" -v m="$MIN_HELD_OUT" "BEGIN { exit !(a >= m) }"'
styles=$(grep -c "read right" "$tmp/eval")
worst=$(awk '/read right/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "read") { v = $i; sub("%", "", v); if (min == "" || v + 0 < min) min = v + 0 } } END { print min }' "$tmp/eval")
echo "digit styles: $styles, worst read right ${worst:-?}% (minimum $MIN_STYLE%)"
check_eval '[ "$styles" -eq 5 ] && [ -n "$worst" ] && awk -v a="$worst" -v m="$MIN_STYLE" "BEGIN { exit !(a >= m) }"'

if dev_txt=$(pen_digits); then
    "$BIN" --predict-strokes "$dev_txt" --model "$MODEL" >"$tmp/dev" 2>&1
    lines=$(grep -vc '^#' "$tmp/dev")
    total=$(grep -vc '^#' "$dev_txt")
    check_eval '[ "$lines" -eq "$total" ]'
    dev=$(awk '/^# accuracy:/ { print $3 * 100 }' "$tmp/dev")
    echo "dev.txt accuracy: ${dev:-?}% (minimum $MIN_DEV%)"
    check_eval '[ -n "$dev" ] && awk -v a="$dev" -v m="$MIN_DEV" "BEGIN { exit !(a >= m) }"'
    dev_unsure=$(grep -v '^#' "$tmp/dev" | awk '{ n++; u += $5 == "unsure" } END { if (n) printf "%.2f", 100 * u / n }')
    echo "dev.txt unsure: ${dev_unsure:-?}% (at most $MAX_UNSURE_DEV%)"
    check_eval '[ -n "$dev_unsure" ] && awk -v u="$dev_unsure" -v m="$MAX_UNSURE_DEV" "BEGIN { exit !(u <= m) }"'
    # Every line is "id predicted confidence label sure|unsure" with a digit
    # and a [0,1] confidence.
    check_eval '! grep -v "^#" "$tmp/dev" | awk "NF != 5 || \$2 !~ /^[0-9]$/ || \$3 < 0 || \$3 > 1 || \$5 !~ /^(un)?sure$/ { bad = 1 } END { exit !bad }"'
else
    skip_part "test_shipped_model: dev.txt accuracy; the pen-drawn digits are only in the developers' ../shared"
fi

finish test_shipped_model "$tmp"
