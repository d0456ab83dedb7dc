#!/usr/bin/env bash
# Write the sample page images of the README (docs/dossier/): the Shining Path dossier on the
# bundled Peru seeds, its first three pages (subject, network chart, timeline chart) as PNG.
#
#   scripts/dossier-samples.sh [DPI]      # default 60: small enough for the repository
#
# Needs what `make install` and scripts/install-system-deps.sh install (Chromium, Graphviz,
# poppler-utils' pdftoppm). The images change with the data: run it again after editing the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
dpi="${1:-60}"
out=docs/dossier
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
.venv/bin/crimegraph report shining-path -o "$tmp/sp.pdf"
pdftoppm -r "$dpi" -png -f 1 -l 3 "$tmp/sp.pdf" "$tmp/page"
mkdir -p "$out"
for f in "$tmp"/page-*.png; do
    n="${f##*-}"          # 1.png or 01.png, by the page count
    n="${n%.png}"
    mv "$f" "$out/shining-path-page-$((10#$n)).png"
done
ls -l "$out"
