#!/bin/sh
# Engraves the bundled sample score from its hand-made LilyPond source, and plays it as the bundled sound sample.
# Output: minuet-in-g.pdf (vector), minuet-in-g.png (first page, 150 dpi, grey), minuet-in-g.flac: the first 30 s
# (20 bars) played by FluidSynth with Debian's FluidR3_GM piano — a sound the transcription model is not trained on
# (train_translator.py --hold-out FluidR3_GM) — mono, 44.1 kHz, peaks at -6 dBFS, the last 50 ms faded out; and
# minuet-in-g.notes, the notes it plays (onset s, MIDI pitch, duration s, velocity, a note a line, as madmom writes
# them): train/eval_recordings.py scores transcriptions of the sample against them.
# Needs Debian's lilypond, fluid-soundfont-gm and python3-soundfile, and a built sightread (SIGHTREAD, default
# ../../build/sightread).
set -eu
cd "$(dirname "$0")"
sightread=${SIGHTREAD:-../../build/sightread}
lilypond --pdf -o minuet-in-g minuet-in-g.ly
lilypond --png -dresolution=150 -dpixmap-format=pnggray -o minuet-in-g minuet-in-g.ly

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lilypond -dprint-pages=#f -o "$work/sound" minuet-in-g-sound.ly
"$sightread" synth --reference --soundfont /usr/share/sounds/sf2/FluidR3_GM.sf2 "$work/sound.midi" -o "$work/sound.wav"
/usr/bin/python3 - "$work/sound.wav" minuet-in-g.flac <<'PY'
import sys
import numpy as np
import soundfile
sound, rate = soundfile.read(sys.argv[1])
kept = sound[:int(30.0 * rate) - 1].copy()   # bar 21 starts at 30 s
fade = int(0.05 * rate)
kept[-fade:] *= np.linspace(1, 0, fade)
soundfile.write(sys.argv[2], (kept * 0.5 / np.abs(kept).max()).astype(np.float32), rate, subtype="PCM_16")
PY
{
  echo "# the notes of minuet-in-g.flac: onset (s), MIDI pitch, duration (s), velocity"
  "$sightread" midi notes "$work/sound.midi" | awk '!/^#/ && $1 < 30 { end = $2 < 30 ? $2 : 30;
    printf "%.3f\t%d\t%.3f\t%d\n", $1, $3, end - $1, $4 }'
} > minuet-in-g.notes
