"""An independent judge of audio (issue 5): Basic Pitch (`train/judge/`, the npm package @spotify/basic-pitch 1.0.1)
transcribes a sound, and `sightread eval notes --onset-only` (mir_eval's rules, the C metric every other task is
scored with) says how many of the true notes it heard. The codec is judged by how much of the original's score its
reconstruction keeps."""

import json
import math
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

JUDGE = Path(__file__).resolve().parents[1] / "judge"
BASIC_PITCH_RATE = 22050
# Clips are laid end to end with this much silence between them, so that one call scores them all and no note of one
# clip can match a note of another.
GAP_SECONDS = 10.0


def basic_pitch_notes(clips, sample_rate):
    """CLIPS (float32 mono arrays at SAMPLE_RATE) → per clip a list of (onset s, offset s, MIDI pitch)."""
    node_modules = JUDGE / "node_modules" / "@spotify" / "basic-pitch"
    if not node_modules.is_dir():
        raise SystemExit(f"Basic Pitch is not installed: run `npm ci --ignore-scripts` in {JUDGE}")
    divisor = math.gcd(BASIC_PITCH_RATE, sample_rate)
    with tempfile.TemporaryDirectory(prefix="sightread-judge-") as scratch:
        paths = []
        for i, clip in enumerate(clips):
            path = Path(scratch) / f"{i}.f32"
            resampled = resample_poly(clip.astype(np.float64), BASIC_PITCH_RATE // divisor, sample_rate // divisor)
            resampled.astype("<f4").tofile(path)
            paths.append(str(path))
        listing = Path(scratch) / "clips.json"
        listing.write_text(json.dumps(paths))
        result = subprocess.run(["node", str(JUDGE / "basic_pitch.mjs"), str(listing)], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"Basic Pitch failed: {result.stderr.strip()[-2000:]}")
        return [[tuple(note) for note in notes] for notes in json.loads(result.stdout)]


def _note_list(per_clip, clip_seconds):
    notes, offset = [], 0.0
    for clip_notes, seconds in zip(per_clip, clip_seconds):
        notes += [{"onset": offset + on, "offset": offset + max(off, on + 0.01), "pitch": int(pitch)}
                  for on, off, pitch in clip_notes]
        offset += seconds + GAP_SECONDS
    return notes


def onset_scores(reference, estimate, clip_seconds, sightread, tolerance=0.05):
    """Note onset precision, recall and F1 of ESTIMATE against REFERENCE (per clip lists of (onset, offset, pitch)),
    over all clips together, onsets within TOLERANCE seconds, by `sightread eval notes --onset-only --json`."""
    with tempfile.TemporaryDirectory(prefix="sightread-judge-") as scratch:
        paths = []
        for name, per_clip in (("reference", reference), ("estimate", estimate)):
            path = Path(scratch) / f"{name}.json"
            path.write_text(json.dumps(_note_list(per_clip, clip_seconds)))
            paths.append(str(path))
        result = subprocess.run([str(sightread), "eval", "notes", *paths, "--onset-only", "--json",
                                 "--onset-tolerance", f"{tolerance:g}"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"sightread eval notes failed: {result.stderr.strip()}")
        return json.loads(result.stdout)
