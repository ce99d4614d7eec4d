#!/bin/sh
# Engraves the bundled sample score from its hand-made LilyPond source.
# Output: minuet-in-g.pdf (vector) and minuet-in-g.png (first page, 150 dpi, grey).
set -eu
cd "$(dirname "$0")"
lilypond --pdf -o minuet-in-g minuet-in-g.ly
lilypond --png -dresolution=150 -dpixmap-format=pnggray -o minuet-in-g minuet-in-g.ly
