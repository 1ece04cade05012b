#!/usr/bin/env bash
# pen-folds.sh — the fold table of docs/model.md from `digitpad --train
# --pen ... --pen-fold K/N` logs: one row per log (its held-out fold's
# accuracy, unsure at the model's threshold and at 0.5/0.6/0.7, the highest
# threshold keeping at most 1% of its right answers unsure, MNIST test
# accuracy), then each candidate's mean, a candidate being the log's name
# up to "-fold" (A-fold1.log, A-fold2.log, ... are candidate A).
#
# Usage: scripts/pen-folds.sh LOG...
set -euo pipefail
[ $# -ge 1 ] || { sed -n 9p "$0" >&2; exit 2; }
printf '| run | fold | accuracy | unsure at the model'"'"'s threshold | unsure at 0.5 / 0.6 / 0.7 | <= 1%% of right answers unsure up to | MNIST test |\n'
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
for log in "$@"; do
    name=$(basename "$log" .log)
    awk -v run="${name%%-fold*}" '
        /^pen fold [0-9]+\/[0-9]+ held out:/ {
            fold = $3; acc = $12; th = $18
            unsure = $15
        }
        /^pen fold [0-9]+\/[0-9]+ unsure at other thresholds:/ {
            u50 = $9; u60 = $11; u70 = $13; pick = $NF
        }
        /^epoch .* test accuracy/ { for (i = 1; i <= NF; i++) if ($i == "accuracy") mnist = $(i + 1) }
        END {
            if (fold == "") { print "| " run " | (no fold result yet) | | | | | |"; exit }
            printf "| %s | %s | %s | %s at %s | %s / %s / %s | %s | %s |\n",
                   run, fold, acc, unsure, th, u50, u60, u70, pick, mnist
        }' "$log"
done
# The means per candidate, over the folds that have finished.
for log in "$@"; do
    name=$(basename "$log" .log)
    awk -v run="${name%%-fold*}" '/^pen fold [0-9]+\/[0-9]+ held out:/ {
        a = $12; sub("%", "", a); u = $15; sub("%", "", u); print run, a, u }' "$log"
done | awk '{ n[$1]++; a[$1] += $2; u[$1] += $3 }
    END { for (r in n) printf "mean of %s over %d fold(s): accuracy %.2f%%, unsure %.2f%%\n",
                               r, n[r], a[r] / n[r], u[r] / n[r] }' | sort
