"""The Salamander Grand Piano as the data factory's fourth piano sound (train/data/salamander.py), heard through
FluidSynth as the build hears it (TAP):
- every key sounds its own pitch, the recorded notes and the keys shifted up or down from them;
- a harder key stroke is louder (the velocity layers and the velocity curve);
- a note starts when its MIDI note-on says and stops soon after its note-off;
- the data factory's equaliser boosts and cuts where it says."""

import math
import struct
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train" / "data"))
import audio  # noqa: E402
import salamander  # noqa: E402

RATE = audio.RATE
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + (f"  # {detail}" if detail else ""), flush=True)


def midi_file(path, notes):
    """A one-track MIDI file of NOTES [(onset s, offset s, pitch, velocity)] at 120 bpm, 480 ticks a quarter
    (1 ms = 0.96 ticks)."""
    events = sorted([(round(on * 960), 0x90, p, v) for on, _, p, v in notes]
                    + [(round(off * 960), 0x80, p, 0) for _, off, p, _ in notes])
    track, now = b"", 0
    for tick, status, pitch, velocity in events:
        delta, now = tick - now, tick
        varlen = [delta & 0x7F]
        while delta > 0x7F:
            delta >>= 7
            varlen.insert(0, (delta & 0x7F) | 0x80)
        track += bytes(varlen) + bytes([status, pitch, velocity])
    track += b"\x00\xff\x2f\x00"
    path.write_bytes(b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(track)) + track)


def render(notes, folder, font):
    midi_file(folder / "notes.mid", notes)
    sound = {"soundfont": str(font), "gain": 0.6, "room_size": 0.1, "reverb_level": 0.0}
    return synthesizer.render(folder / "notes.mid", sound)


def pitch_of(clip):
    """The fundamental by the harmonic product spectrum (three harmonics) over 40 Hz – 2.2 kHz, refined by the
    spectral peak's parabola."""
    size = 1 << 16
    spectrum = np.abs(np.fft.rfft(clip[:size] * np.hanning(min(size, clip.size)), size))
    product = spectrum.copy()
    for k in (2, 3):
        product[: len(spectrum) // k] *= spectrum[::k][: len(spectrum) // k]
    low, high = int(40 * size / RATE), int(2200 * size / RATE)
    peak = low + int(np.argmax(product[low:high]))
    a, b, c = np.log(spectrum[peak - 1: peak + 2] + 1e-12)
    return (peak + 0.5 * (a - c) / (a - 2 * b + c)) * RATE / size


def rms_db(clip):
    return 20 * math.log10(math.sqrt(float(np.mean(np.square(clip, dtype=np.float64)))) + 1e-12)


synthesizer = audio.Synthesizer()
with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    font = salamander.write_soundfont(tmp / "salamander.sf2")
    check("the SoundFont is written from every chosen layer's recordings",
          font.stat().st_size > 10_000_000, f"{font.stat().st_size} bytes")

    # C4 and D#4 are recorded; C#4 is C4 shifted up, D4 is D#4 shifted down. (Below A2 the fundamental is too weak
    # for this measure, and above C6 a piano is tuned sharp, 20–30 cents at C7.)
    keys = [45, 50, 57, 60, 61, 62, 63, 69, 72, 78, 84]
    wrong = []
    for key in keys:
        clip = render([(0.1, 1.6, key, 80)], tmp, font)[int(0.2 * RATE): int(1.6 * RATE)]
        heard, expected = pitch_of(clip), 440 * 2 ** ((key - 69) / 12)
        if abs(1200 * math.log2(heard / expected)) > 20:
            wrong.append(f"{key}: {heard:.1f} Hz, not {expected:.1f}")
    check(f"each of {len(keys)} keys sounds its pitch within 20 cents", not wrong, "; ".join(wrong))

    ends = [rms_db(render([(0.1, 1.1, key, 80)], tmp, font)[int(0.1 * RATE): int(1.1 * RATE)]) for key in (21, 108)]
    check("the lowest and the highest key (A0, C8) sound", min(ends) > -70, f"{ends[0]:.1f}, {ends[1]:.1f} dB")

    levels = [rms_db(render([(0.1, 1.1, 60, v)], tmp, font)[int(0.1 * RATE): int(1.1 * RATE)])
              for v in (12, 40, 64, 90, 110, 127)]
    check("harder strokes are louder across the velocity layers", all(b > a for a, b in zip(levels, levels[1:])),
          " < ".join(f"{level:.1f}" for level in levels) + " dB")
    check("pianissimo to fortissimo spans 20 to 50 dB", 20 <= levels[-1] - levels[0] <= 50,
          f"{levels[-1] - levels[0]:.1f} dB")

    clip = render([(0.5, 1.5, 64, 90)], tmp, font)
    loud = np.flatnonzero(np.abs(clip) > 0.05 * np.abs(clip).max())
    check("a note starts within 5 ms of its note-on", abs(loud[0] / RATE - 0.5) < 0.005,
          f"first sound at {loud[0] / RATE * 1000:.1f} ms, note-on at 500 ms")
    held = rms_db(clip[int(1.3 * RATE): int(1.5 * RATE)])
    after = rms_db(clip[int(2.2 * RATE): int(2.4 * RATE)])
    check("and falls silent within 0.7 s of its note-off", after < held - 30, f"{held:.1f} dB held, {after:.1f} after")

noise = np.random.default_rng(1).standard_normal(RATE * 4).astype(np.float32)


def band_db(signal, low, high):
    spectrum = np.abs(np.fft.rfft(signal)) ** 2
    freqs = np.fft.rfftfreq(signal.size, 1 / RATE)
    return 10 * math.log10(spectrum[(freqs >= low) & (freqs < high)].mean())


eq = {"low_shelf_db": 6.0, "low_shelf_hz": 200, "high_shelf_db": -9.0, "high_shelf_hz": 4000,
      "bell_db": 6.0, "bell_hz": 1000, "bell_q": 1.0}
shaped = audio.equalise(noise, eq)
changes = [band_db(shaped, low, high) - band_db(noise, low, high)
           for low, high in ((30, 80), (900, 1100), (2500, 2600), (12000, 16000))]
check("the equaliser: +6 dB lows, +6 dB at its bell, nothing between, -9 dB highs",
      abs(changes[0] - 6) < 1 and abs(changes[1] - 6) < 1 and abs(changes[2]) < 1.5 and abs(changes[3] + 9) < 1,
      ", ".join(f"{c:+.1f}" for c in changes) + " dB")

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
