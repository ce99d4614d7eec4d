"""Sound made from notes, judged as issue 7 and the model spec (§7) ask: Basic Pitch (`train/judge/`) transcribes each
sound, and its note onsets are scored against the notes the sound was made from, within 50, 100 and 200 ms. On the
data factory's test systems, side by side:
- the factory's own audio (FluidSynth through one of four piano sounds, with room and noise: the scale);
- the codec's reconstruction of that audio (the ceiling of any model that speaks in codec tokens);
- the reference synthesizer, `sightread synth --reference` (FluidSynth, Debian's General MIDI piano), from the notes;
- the MIDI → audio model, where the I2A weights name that task in their metadata (none do yet: the row says so).

  /usr/bin/python3 train/eval_synthesis.py --clips 48 --json synthesis.json
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sightread_train import safetensors_io  # noqa: E402
from sightread_train.judge import basic_pitch_notes, onset_scores  # noqa: E402
from train_codec import judged_clips, load_model  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TOLERANCES = (0.05, 0.1, 0.2)


def reference_synthesizer(clips, sightread, rate):
    """Each clip's notes rendered by `sightread synth --reference`, as float32 at RATE, cut or padded to the clip."""
    import soundfile
    sounds = []
    with tempfile.TemporaryDirectory(prefix="sightread-synthesis-") as scratch:
        for i, (audio, notes) in enumerate(clips):
            listing = Path(scratch) / f"{i}.json"
            listing.write_text(json.dumps([{"onset": on, "offset": off, "pitch": int(pitch)}
                                           for on, off, pitch in notes]))
            tokens = subprocess.run([str(sightread), "midi", "encode", str(listing), "--ids"], check=True,
                                    capture_output=True, text=True).stdout
            (Path(scratch) / f"{i}.tokens").write_text(tokens)
            midi, wav = Path(scratch) / f"{i}.mid", Path(scratch) / f"{i}.wav"
            subprocess.run([str(sightread), "midi", "decode", str(Path(scratch) / f"{i}.tokens"), "-o", str(midi)],
                           check=True, capture_output=True)
            subprocess.run([str(sightread), "synth", "--reference", str(midi), "-o", str(wav)], check=True,
                           capture_output=True)
            sound, sound_rate = soundfile.read(wav, dtype="float32", always_2d=True)
            if sound_rate != rate:
                raise SystemExit(f"the reference synthesizer wrote {sound_rate} Hz, not {rate}")
            sound = sound.mean(1)
            sounds.append(np.pad(sound, (0, max(0, len(audio) - len(sound))))[:len(audio)])
    return sounds


@torch.no_grad()
def through_codec(codec, clips):
    hop = codec.config.hop
    decoded = []
    for audio, _ in clips:
        padded = np.pad(audio, (0, -len(audio) % hop))
        y = codec.decode(codec.encode(torch.from_numpy(padded)[None, None]))
        decoded.append(y.flatten().numpy()[:len(audio)])
    return decoded


def model_tasks(path):
    _, metadata = safetensors_io.load(path)
    return json.loads(metadata.get("sightread.tasks", "[]"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default="~/.cache/sightread/data", help="the data factory's output")
    parser.add_argument("--split", default="test")
    parser.add_argument("--clips", type=int, default=48)
    parser.add_argument("--codec", default=str(REPO / "resources" / "models" / "codec.safetensors"))
    parser.add_argument("--i2a", default=str(REPO / "resources" / "models" / "i2a.safetensors"))
    parser.add_argument("--sightread", default=str(REPO / "build" / "sightread"))
    parser.add_argument("--json", help="also write the numbers to this JSON file")
    args = parser.parse_args()

    codec, _ = load_model(Path(args.codec))
    codec.eval()
    rate = codec.config.sample_rate
    clips = judged_clips(Path(args.cache).expanduser(), args.clips, args.split)
    if not clips:
        raise SystemExit(f"no {args.split} systems with sound and notes under {args.cache}")
    truth = [notes for _, notes in clips]
    seconds = [len(audio) / rate for audio, _ in clips]
    sounds = {"factory audio": [audio for audio, _ in clips], "codec reconstruction": through_codec(codec, clips),
              "reference synthesizer": reference_synthesizer(clips, args.sightread, rate)}
    summary = {"split": args.split, "clips": len(clips), "seconds": round(sum(seconds), 1),
               "reference_notes": sum(len(n) for n in truth), "onset_f1": {}}
    print(f"{len(clips)} {args.split} systems, {summary['seconds']} s, {summary['reference_notes']} notes; Basic Pitch "
          f"note onset F1 within " + " / ".join(f"{t * 1000:.0f}" for t in TOLERANCES) + " ms:")
    for name, audio in sounds.items():
        heard = basic_pitch_notes(audio, rate)
        scores = [onset_scores(truth, heard, seconds, args.sightread, tolerance)["f1"] for tolerance in TOLERANCES]
        summary["onset_f1"][name] = {f"{t * 1000:.0f}ms": round(f, 4) for t, f in zip(TOLERANCES, scores)}
        print(f"  {name:24s} " + " / ".join(f"{f:.4f}" for f in scores))
    tasks = model_tasks(args.i2a)
    if "m2a" in tasks:
        raise SystemExit("the I2A model names MIDI → audio, but its reading is not built here yet")
    summary["onset_f1"]["MIDI → audio model"] = None
    print(f"  {'MIDI → audio model':24s} not measured: {Path(args.i2a).name} has not learned it (its tasks: "
          f"{', '.join(tasks)})")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
