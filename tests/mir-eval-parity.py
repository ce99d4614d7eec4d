#!/usr/bin/python3
"""`sightread eval notes` against Debian's python3-mir-eval on the same notes: precision, recall and F1 must agree
to 1e-9, with and without offsets, on real ASAP pairs (score MIDI against a performance) and on perturbed ones.

Usage: mir-eval-parity.py SIGHTREAD SHARED_DIR. Exits 77 (skipped) when mir_eval is not installed."""
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import mir_eval.transcription
except ImportError:
    print("1..0 # SKIP python3-mir-eval is not installed")
    sys.exit(77)

SIGHTREAD, SHARED = sys.argv[1], sys.argv[2]
PIECES = 12
PERTURBED_PER_PIECE = 3
# mir_eval compares every pair of notes; the first minute of each piece keeps that quick.
EXCERPT_SECONDS = 60.0


def run(*args):
    return subprocess.run([SIGHTREAD, *args], check=True, capture_output=True, text=True).stdout


def notes_of(path):
    return [n for n in json.loads(run("midi", "notes", "--json", path)) if not n["drum"]]


def write_midi(path, notes):
    """A format-0 file at 120 bpm and 500 ticks per quarter: one tick per millisecond."""
    events = []
    for n in notes:
        on = max(0, round(n["onset"] * 1000))
        off = max(on + 1, round(n["offset"] * 1000))
        events.append((on, 1, n["pitch"], max(1, n.get("velocity", 64))))
        events.append((off, 0, n["pitch"], 0))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    body, tick = bytearray(), 0

    def vlq(value):
        out = [value & 0x7F]
        value >>= 7
        while value:
            out.append(0x80 | (value & 0x7F))
            value >>= 7
        return bytes(reversed(out))

    body += b"\x00\xff\x51\x03\x07\xa1\x20"
    for t, is_on, pitch, velocity in events:
        body += vlq(t - tick) + bytes((0x90 if is_on else 0x80, pitch, velocity))
        tick = t
    body += b"\x00\xff\x2f\x00"
    with open(path, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, 500) + b"MTrk" + struct.pack(">I", len(body)) + body)


def excerpt(path, scratch, name):
    """The first minute of a MIDI file, written anew: both tools then read exactly the same notes."""
    notes = [n for n in notes_of(path) if n["onset"] < EXCERPT_SECONDS]
    target = os.path.join(scratch, name)
    write_midi(target, notes)
    return target


def perturb(notes, rng):
    out = []
    for n in notes:
        if rng.random() < 0.1:
            continue
        jitter = rng.choice([0.0, 0.05, -0.05, rng.gauss(0, 0.03)])
        m = dict(n, onset=max(0.0, n["onset"] + jitter), offset=n["offset"] + rng.gauss(0, 0.05))
        if m["offset"] <= m["onset"] + 0.002:
            m["offset"] = m["onset"] + 0.01
        if rng.random() < 0.05:
            m["pitch"] = min(127, max(0, m["pitch"] + rng.choice([-12, -1, 1, 12])))
        out.append(m)
    for _ in range(len(notes) // 20):
        start = rng.uniform(0, max(n["offset"] for n in notes))
        out.append({"onset": start, "offset": start + rng.uniform(0.02, 1.0), "pitch": rng.randint(21, 108)})
    return out


def mir_eval_scores(ref, est, onset_only):
    def arrays(notes):
        intervals = np.array([[n["onset"], n["offset"]] for n in notes]).reshape(-1, 2)
        pitches = np.array([440.0 * 2.0 ** ((n["pitch"] - 69.0) / 12.0) for n in notes])
        return intervals, pitches

    ref_i, ref_p = arrays(ref)
    est_i, est_p = arrays(est)
    p, r, f, _ = mir_eval.transcription.precision_recall_f1_overlap(
        ref_i, ref_p, est_i, est_p, offset_ratio=None if onset_only else 0.2)
    return p, r, f


def main():
    root = os.path.join(SHARED, "data", "aligned", "asap")
    pieces = sorted(dirpath for dirpath, _, files in os.walk(root)
                    if "midi_score.mid" in files and any(f.endswith(".mid") and f != "midi_score.mid" for f in files))
    if not pieces:
        print("1..0 # SKIP no ASAP pieces under " + root)
        return 77
    rng = random.Random(20261125)
    chosen = rng.sample(pieces, min(PIECES, len(pieces)))
    checks, worst = 0, 0.0
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        pairs = []
        for number, piece in enumerate(chosen):
            name = os.path.basename(piece)
            performance = sorted(f for f in os.listdir(piece) if f.endswith(".mid") and f != "midi_score.mid")[0]
            score = excerpt(os.path.join(piece, "midi_score.mid"), scratch, f"{number}-{name}-score.mid")
            played = excerpt(os.path.join(piece, performance), scratch, f"{number}-{name}-performance.mid")
            pairs.append((score, played))
            reference = notes_of(played)
            for k in range(PERTURBED_PER_PIECE):
                path = os.path.join(scratch, f"{number}-{name}-perturbed-{k}.mid")
                write_midi(path, perturb(reference, rng))
                pairs.append((played, path))

        for ref_path, est_path in pairs:
            ref, est = notes_of(ref_path), notes_of(est_path)
            for onset_only in (False, True):
                flags = ["--onset-only"] if onset_only else []
                ours = json.loads(run("eval", "notes", "--json", *flags, ref_path, est_path))
                theirs = mir_eval_scores(ref, est, onset_only)
                ours_triple = (ours["precision"], ours["recall"], ours["f1"])
                difference = max(abs(a - b) for a, b in zip(ours_triple, theirs))
                worst = max(worst, difference)
                checks += 1
                ok = difference <= 1e-9
                results.append(ok)
                status = "ok" if ok else "not ok"
                print(f"{status} {checks} - {os.path.basename(est_path)} "
                      f"{'onset-only' if onset_only else 'with offsets'}: "
                      f"ours F1 {ours['f1']:.6f}, mir_eval {theirs[2]:.6f}, difference {difference:.1e}")
    print(f"1..{checks}")
    print(f"# largest difference {worst:.1e} over {checks} comparisons")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
