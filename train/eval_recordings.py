"""Transcription of real recordings (issue 6): every recording in ../shared/data/audio that has notes, and the bundled
sound sample (resources/samples/minuet-in-g.flac, FluidR3_GM's piano, held out of training), transcribed by
the product (`sightread transcribe`, the shipped A2I model through the C runtime) and by Basic Pitch (the npm package
@spotify/basic-pitch 1.0.1, `train/judge/`), both scored by `sightread eval notes --onset-only` (mir_eval's rules:
±50 ms, same pitch) against the same reference.

  /usr/bin/python3 train/eval_recordings.py [--sightread build/sightread] [--json OUT.json]

A recording's reference is either its own note list (`NAME.notes` beside `NAME.flac|wav`: onset s, MIDI pitch,
duration s, velocity, a note a line, as madmom writes them) or, for performances of one score with no note-level
alignment (`PIECE_MIDI.csv` beside `PIECE_PERFORMER.wav`: start;duration;pitch;velocity;instrument), the score's notes
moved onto the recording by dynamic time warping of chroma features, computed from the sound and from the score
alone, so the alignment favours neither transcriber. Such references are only as good as the alignment: read their
F1 side by side, not as absolute numbers."""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sightread_train.judge import basic_pitch_notes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AUDIO = ROOT.parent / "shared" / "data" / "audio"
SAMPLES = ROOT / "resources" / "samples"
FRAME_SECONDS = 0.02   # the alignment's feature frames


def references(folder):
    """(recording path, reference notes [(onset, offset, pitch)], whether the reference was aligned here), sorted."""
    found = []
    for notes in sorted(folder.rglob("*.notes")):
        for suffix in (".flac", ".wav"):
            recording = notes.with_suffix(suffix)
            if recording.exists():
                rows = [line.split() for line in notes.read_text().splitlines() if line and not line.startswith("#")]
                found.append((recording, [(float(r[0]), float(r[0]) + float(r[2]), int(r[1])) for r in rows], False))
                break
    for score in sorted(folder.rglob("*_MIDI.csv")):
        piece = score.name[:-len("_MIDI.csv")]
        with score.open() as file:
            rows = list(csv.DictReader(file, delimiter=";"))
        notes = [(float(r["Start"]), float(r["Start"]) + float(r["Duration"]), int(r["Pitch"])) for r in rows]
        for recording in sorted(score.parent.glob(f"{piece}_*.wav")):
            found.append((recording, notes, True))
    return found


def audio_chroma(samples, rate):
    """(frames, 24): chroma and its rise (onsets) every FRAME_SECONDS, each half scaled to unit length."""
    hop = int(round(FRAME_SECONDS * rate))
    window = 4096 if rate > 30000 else 2048
    padded = np.pad(samples, (window // 2, window // 2))
    frames = 1 + (len(padded) - window) // hop
    index = np.arange(window)[None, :] + hop * np.arange(frames)[:, None]
    spectrum = np.abs(np.fft.rfft(padded[index] * np.hanning(window), axis=1))
    frequencies = np.fft.rfftfreq(window, 1 / rate)
    usable = (frequencies > 27.5) & (frequencies < 4200)
    pitch_class = np.round(69 + 12 * np.log2(frequencies[usable] / 440)).astype(int) % 12
    chroma = np.zeros((frames, 12))
    for c in range(12):
        chroma[:, c] = spectrum[:, usable][:, pitch_class == c].sum(1)
    return _features(np.log1p(100 * chroma / max(chroma.max(), 1e-9)))


def score_chroma(notes, frames):
    """The same features from NOTES alone: each note's pitch class sounding from onset to offset, fading as a piano's
    does."""
    chroma = np.zeros((frames, 12))
    for onset, offset, pitch in notes:
        first, last = int(onset / FRAME_SECONDS), min(frames, max(int(offset / FRAME_SECONDS), int(onset /
                                                                                                   FRAME_SECONDS) + 1))
        if first >= frames:
            continue
        t = np.arange(last - first) * FRAME_SECONDS
        chroma[first:last, pitch % 12] += np.exp(-t / 1.0)
    return _features(np.log1p(100 * chroma / max(chroma.max(), 1e-9)))


def _features(chroma):
    rise = np.maximum(np.diff(chroma, axis=0, prepend=chroma[:1]), 0)
    unit = lambda x: x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)  # noqa: E731
    return np.hstack([unit(chroma), unit(rise)])


def warp(score_features, audio_features):
    """DTW from the first frames to the last (steps (1,1), (2,1), (1,2): local tempo within ½ … 2×, each step's cost
    weighted by how far it goes, so that no step is cheaper for skipping cells) → for each score frame its audio
    frame."""
    cost = 1 - score_features @ audio_features.T / 2   # two unit halves: cosine in [-1, 1] per half
    n, m = cost.shape
    total = np.full((n, m), np.inf)
    total[0, 0] = cost[0, 0]
    move = np.zeros((n, m), np.int8)
    for i in range(1, n):
        candidates = np.full((3, m), np.inf)
        candidates[0, 1:] = total[i - 1, :-1] + 2 * cost[i, 1:]
        if i >= 2:
            candidates[1, 1:] = total[i - 2, :-1] + 3 * cost[i, 1:]
        candidates[2, 2:] = total[i - 1, :-2] + 3 * cost[i, 2:]
        move[i] = candidates.argmin(0)
        total[i] = candidates[move[i], np.arange(m)]
    i, j = n - 1, m - 1
    path = [(i, j)]
    while i > 0 and j > 0:
        di, dj = ((1, 1), (2, 1), (1, 2))[move[i, j]]
        i, j = i - di, j - dj
        path.append((max(i, 0), max(j, 0)))
    path = np.array(path[::-1])
    return np.interp(np.arange(n), path[:, 0], path[:, 1])


def aligned(notes, samples, rate):
    """The score NOTES moved onto the recording: scaled to its length first, then warped frame by frame."""
    seconds = len(samples) / rate
    end = max(offset for _, offset, _ in notes)
    scale = seconds / end
    scaled = [(on * scale, off * scale, p) for on, off, p in notes]
    audio_features = audio_chroma(samples, rate)
    mapping = warp(score_chroma(scaled, len(audio_features)), audio_features) * FRAME_SECONDS
    moved = lambda t: float(np.interp(t / FRAME_SECONDS, np.arange(len(mapping)), mapping))  # noqa: E731
    return [(moved(on), max(moved(off), moved(on) + 0.05), p) for on, off, p in scaled]


def note_list(notes):
    return [{"onset": on, "offset": max(off, on + 0.01), "pitch": int(p)} for on, off, p in notes]


def score(sightread, reference, estimate_path):
    result = subprocess.run([str(sightread), "eval", "notes", str(reference), str(estimate_path), "--onset-only",
                             "--json"], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sightread", default=str(ROOT / "build" / "sightread"))
    parser.add_argument("--models", help="the models folder for `sightread transcribe` (default: the shipped ones)")
    parser.add_argument("--audio", action="append",
                        help="a folder of recordings, each named relative to the folder above it (default: "
                             "../shared/data/audio and resources/samples); may be given more than once")
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = []
    folders = [Path(folder) for folder in (args.audio or [AUDIO, SAMPLES])]
    found = [(folder, *reference) for folder in folders for reference in references(folder)]
    with tempfile.TemporaryDirectory(prefix="sightread-recordings-") as scratch:
        scratch = Path(scratch)
        for index, (folder, recording, notes, needs_alignment) in enumerate(found):
            samples, rate = soundfile.read(recording, dtype="float32", always_2d=True)
            samples = samples.mean(1)
            reference = aligned(notes, samples, rate) if needs_alignment else notes
            reference_path = scratch / f"{index}-reference.json"
            reference_path.write_text(json.dumps(note_list(reference)))
            ours = scratch / f"{index}-sightread.mid"
            command = [args.sightread, "transcribe", "--device", "cpu", "-q", str(recording), "-o", str(ours)]
            run = subprocess.run(command + (["--models", args.models] if args.models else []), capture_output=True,
                                 text=True)
            if run.returncode == 0:
                ours_scores = score(args.sightread, reference_path, ours)
            else:
                ours_scores = {"f1": 0.0, "precision": 0.0, "recall": 0.0, "error": run.stderr.strip()[-300:]}
            judge = scratch / f"{index}-basic-pitch.json"
            judge.write_text(json.dumps(note_list(basic_pitch_notes([samples], rate)[0])))
            theirs = score(args.sightread, reference_path, judge)
            row = {"recording": str(recording.relative_to(folder.parent)), "seconds": round(len(samples) / rate, 2),
                   "reference_notes": len(reference), "reference": "aligned here (DTW)" if needs_alignment else "own",
                   "sightread": {k: ours_scores[k] for k in ("precision", "recall", "f1", "error")
                                 if k in ours_scores},
                   "basic_pitch": {k: theirs[k] for k in ("precision", "recall", "f1")}}
            rows.append(row)
            print(f"{row['recording']}: {row['seconds']} s, {len(reference)} notes ({row['reference']}): onset F1 "
                  f"sightread {ours_scores['f1']:.3f}, Basic Pitch {theirs['f1']:.3f}"
                  + (f" — sightread failed: {ours_scores['error']}" if "error" in ours_scores else ""))
    if args.json:
        Path(args.json).write_text(json.dumps({"recordings": rows}, indent=1))


if __name__ == "__main__":
    main()
