#!/usr/bin/env bash
# contact-sheet.sh — a PNG of every drawing a model gets wrong in a labelled
# strokes file, each shown as the 28x28 image the network saw, captioned
# "true→predicted confidence" (docs/model.md's failure-mode pictures).
#
# Usage: scripts/contact-sheet.sh STROKES OUT.png [--model FILE] [--unsure] [--pen-test]
#   --unsure    also include right answers below the model's threshold
#   --pen-test  only the pen test set's writers (STROKES may be FILE,FILE)
# Needs ImageMagick (montage) and a built digitpad (build/, or $DIGITPAD).
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
DP="${DIGITPAD:-$SRC/build/digitpad}"
[ $# -ge 2 ] || { sed -n 6,8p "$0" >&2; exit 2; }
strokes=$1 out=$2
shift 2
model=() unsure=0 pentest=()
while [ $# -gt 0 ]; do
    case $1 in
        --model) model=(--model "$2"); shift 2 ;;
        --unsure) unsure=1; shift ;;
        --pen-test) pentest=(--pen-test); shift ;;
        *) echo "contact-sheet: unknown option '$1'" >&2; exit 2 ;;
    esac
done
command -v montage >/dev/null || { echo "contact-sheet: needs ImageMagick's montage" >&2; exit 2; }
[ -x "$DP" ] || { echo "contact-sheet: no digitpad at $DP (build first)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$DP" --predict-strokes "$strokes" "${model[@]}" "${pentest[@]}" --save-inputs "$work" >"$work/pred.txt"
threshold=$(sed -n 's/^# unsure: .*threshold \([0-9.]*\)).*/\1/p' "$work/pred.txt")

# One montage tile per chosen drawing, in file order; the file name is the
# drawing's number in the file and its ID with the characters --save-inputs
# replaces (NNNNN-ID.pgm).
n=0
no=0
args=()
while read -r id pred conf label _sure; do
    case $id in \#*) continue ;; esac
    no=$((no + 1))
    [ "$label" != "?" ] || continue
    wrong=$([ "$pred" != "$label" ] && echo 1 || echo 0)
    low=$(awk -v c="$conf" -v t="$threshold" 'BEGIN { print (c < t) ? 1 : 0 }')
    if [ "$wrong" = 1 ] || { [ "$unsure" = 1 ] && [ "$low" = 1 ]; }; then
        file="$work/$(printf '%05d-%s' "$no" "$(printf '%s' "$id" | sed 's/[^A-Za-z0-9._-]/_/g; s/^\./_/')").pgm"
        args+=(-label "$label→$pred $(printf '%.2f' "$conf")" "$file")
        n=$((n + 1))
    fi
done <"$work/pred.txt"
[ "$n" -gt 0 ] || { echo "contact-sheet: nothing misrecognised; no sheet written"; exit 0; }
font=()
[ -f "$SRC/fonts/DejaVuSans.ttf" ] && font=(-font "$SRC/fonts/DejaVuSans.ttf")
montage "${font[@]}" -pointsize 11 -filter point -resize 84x84 -geometry +4+4 -tile 12x \
    -background white "${args[@]}" "$out"
echo "contact-sheet: $n drawings -> $out"
