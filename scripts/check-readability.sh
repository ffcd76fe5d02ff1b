#!/usr/bin/env bash
# Compare ticketlint's Flesch-Kincaid grade with textstat's reference grades in
# tests/data/fk_reference.tsv (see its header and scripts/fk-reference.py) on the bench corpus.
# Fails when fewer than MIN_AGREE percent of the files agree within 1.0 grade (default 95),
# or when the mean absolute difference is above 0.5.
#
#   scripts/check-readability.sh [CORPUS_DIR]      # default ../shared/bench/corpus
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/bench/corpus}"
min_agree="${MIN_AGREE:-95}"
table=tests/data/fk_reference.tsv
if [ ! -d "$corpus" ]; then
    echo "check-readability: no corpus at $corpus; skipped"
    exit 0
fi
cargo build --release --quiet --example readability
bin=target/release/examples/readability
paths=()
refs=()
while IFS=$'\t' read -r path grade; do
    case "$path" in '#'*|path|'') continue ;; esac
    paths+=("$corpus/$path")
    refs+=("$grade")
done < "$table"
"$bin" "${paths[@]}" | awk -F'\t' -v refs="${refs[*]}" -v min="$min_agree" '
    BEGIN { n = split(refs, r, " ") }
    {
        i++; ours = $2; ref = r[i]
        if (ours == "-") { bad++; print "no grade: " $1; next }
        d = ours - ref; if (d < 0) d = -d
        sum += d; if (d <= 1.0) ok++; else { bad++; if (bad <= 10) printf "off by %.2f: %s (ours %.2f, textstat %.2f)\n", d, $1, ours, ref }
        if (d > max) max = d
    }
    END {
        pct = 100 * ok / i; mean = sum / i
        printf "readability: %d of %d files within 1.0 grade of textstat (%.1f%%), mean |diff| %.2f, max %.2f\n", ok, i, pct, mean, max
        if (i != n) { print "readability: table has " n " rows, got " i " grades"; exit 1 }
        if (pct < min || mean > 0.5) exit 1
    }'
