"""The Salamander Grand Piano (V3, Alexander Holm, CC BY 3.0) as a SoundFont, so that FluidSynth sounds it as it
sounds Debian's three: a recorded concert grand beside three General MIDI pianos.

npm carries the samples as MP3 files, one package per velocity layer (`@audio-samples/piano-mp3-velocityN`, installed
by `npm ci --prefix train/data`): every third semitone from A0 to C8. `soundfont()` writes them once into a SoundFont 2
file in the user's cache — one instrument whose zones split the keyboard between the recorded notes and the
velocities between six of the sixteen layers — and returns its path."""

import os
import re
import struct
from pathlib import Path

import numpy as np
import soundfile

RATE = 44100
PACKAGES = Path(__file__).resolve().parent / "node_modules" / "@audio-samples"
# Six of the sixteen recorded layers, each with the MIDI velocities it answers: the layer k of 16 was recorded for
# velocities near 8k, and each range ends half way to the next chosen layer.
LAYERS = {2: (1, 24), 5: (25, 48), 8: (49, 72), 11: (73, 96), 14: (97, 116), 16: (117, 127)}
# Longer notes fade out here: the low strings ring for 25 s, a system's notes rarely last 8, and the file stays small.
MAX_SECONDS = 8.0
FADE_SECONDS = 0.25
RELEASE_SECONDS = 0.35  # the damper's fall after the key is up (the V3 release samples are not in the packages)
VERSION = 2  # of the SoundFont this file writes: a new version is written beside the old one


def cache_path():
    cache = Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser()
    return cache / "sightread" / "soundfonts" / f"salamander-grand-v3-{VERSION}.sf2"


def midi_number(name):
    """'D#4' → 63 (C4 = 60)."""
    match = re.fullmatch(r"([A-G])(#?)(-?\d)", name)
    if not match:
        raise ValueError(f"not a note name: {name}")
    letter, sharp, octave = match.groups()
    return 12 * (int(octave) + 1) + "C D EF G A B".index(letter) + (1 if sharp else 0)


def recorded_notes(layer):
    """{MIDI note: MP3 path} of one velocity layer."""
    folder = PACKAGES / f"piano-mp3-velocity{layer}" / "audio"
    if not folder.is_dir():
        raise SystemExit(f"{folder} is missing: run npm ci --prefix train/data")
    return {midi_number(path.stem[:-len(f"v{layer}")]): path for path in folder.glob(f"*v{layer}.mp3")}


def key_ranges(roots):
    """Each recorded note sounds the keys nearer to it than to its neighbours; the lowest and highest reach to the
    ends of the MIDI range."""
    roots = sorted(roots)
    ranges = {}
    for i, root in enumerate(roots):
        low = 0 if i == 0 else (roots[i - 1] + root) // 2 + 1
        high = 127 if i == len(roots) - 1 else (root + roots[i + 1]) // 2
        ranges[root] = (low, high)
    return ranges


def sample_pcm(path):
    """The recording as 16-bit mono PCM from a millisecond before its attack, at most MAX_SECONDS long with a fade at
    a cut. Before the attack the files hold 10–15 ms of the MP3 coder's delay and pre-echo (below -40 dB of the peak;
    the hammer's attack then rises past -30 dB within 2 ms): left in, every note would sound that much late."""
    audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
    if rate != RATE:
        raise SystemExit(f"{path}: {rate} Hz, expected {RATE}")
    mono = audio.mean(axis=1)
    loud = np.flatnonzero(np.abs(mono) > 10 ** (-30 / 20) * np.abs(mono).max())
    start = max(int(loud[0]) - RATE // 1000, 0) if loud.size else 0
    mono = mono[start:start + int(MAX_SECONDS * RATE)]
    if mono.size == int(MAX_SECONDS * RATE):
        fade = int(FADE_SECONDS * RATE)
        mono[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)
    return np.clip(np.round(mono * 32767), -32768, 32767).astype("<i2")


def chunk(tag, payload):
    payload = payload + (b"\0" if len(payload) % 2 else b"")
    return tag + struct.pack("<I", len(payload)) + payload


def list_chunk(kind, chunks):
    return chunk(b"LIST", kind + b"".join(chunks))


def name20(text):
    return text.encode("ascii")[:19].ljust(20, b"\0")


def timecents(seconds):
    return int(round(1200 * np.log2(seconds)))


# SoundFont 2.04 generator numbers
KEY_RANGE, VEL_RANGE, RELEASE_VOL_ENV, INSTRUMENT, SAMPLE_ID, SAMPLE_MODES, ROOT_KEY = 43, 44, 38, 41, 53, 54, 58
# FluidSynth's default velocity → attenuation modulator (concave, 96 dB): the layers are already recorded louder or
# softer, so inside the instrument it is halved instead of doubling the recorded dynamics.
VELOCITY_SOURCE, ATTENUATION = 0x0502, 48


def write_soundfont(path, layers=LAYERS):
    """The SoundFont 2 file: one preset (bank 0, program 0) of one instrument with a zone per (layer, recorded note)."""
    samples, zones, pcm, offset = [], [], [], 0
    for layer, velocities in sorted(layers.items()):
        notes = recorded_notes(layer)
        for root, keys in sorted(key_ranges(notes).items()):
            data = sample_pcm(notes[root])
            name = f"{notes[root].stem}"
            samples.append(struct.pack("<20s5IBbHH", name20(name), offset, offset + data.size, offset,
                                       offset + data.size, RATE, root, 0, 0, 1))
            zones.append((keys, velocities, len(samples) - 1, root))
            pcm += [data, np.zeros(46, "<i2")]  # the format wants 46 zero samples after each
            offset += data.size + 46
    samples.append(struct.pack("<20s5IBbHH", name20("EOS"), 0, 0, 0, 0, 0, 0, 0, 0, 0))

    generators, bags = [], []
    modulators = [struct.pack("<HHhHH", VELOCITY_SOURCE, ATTENUATION, 480, 0, 0)]
    # The global zone: its modulator and release apply to every zone.
    bags.append(struct.pack("<HH", 0, 0))
    generators.append(struct.pack("<Hh", RELEASE_VOL_ENV, timecents(RELEASE_SECONDS)))
    for (low_key, high_key), (low_vel, high_vel), sample, root in zones:
        bags.append(struct.pack("<HH", len(generators), len(modulators)))
        generators += [struct.pack("<HBB", KEY_RANGE, low_key, high_key),
                       struct.pack("<HBB", VEL_RANGE, low_vel, high_vel),
                       struct.pack("<Hh", SAMPLE_MODES, 0),
                       struct.pack("<Hh", ROOT_KEY, root),
                       struct.pack("<Hh", SAMPLE_ID, sample)]
    bags.append(struct.pack("<HH", len(generators), len(modulators)))
    generators.append(struct.pack("<HH", 0, 0))
    modulators.append(struct.pack("<HHhHH", 0, 0, 0, 0, 0))

    pdta = [
        chunk(b"phdr", struct.pack("<20sHHHIII", name20("Salamander Grand"), 0, 0, 0, 0, 0, 0)
              + struct.pack("<20sHHHIII", name20("EOP"), 0, 0, 1, 0, 0, 0)),
        chunk(b"pbag", struct.pack("<HH", 0, 0) + struct.pack("<HH", 1, 0)),
        chunk(b"pmod", struct.pack("<HHhHH", 0, 0, 0, 0, 0)),
        chunk(b"pgen", struct.pack("<Hh", INSTRUMENT, 0) + struct.pack("<HH", 0, 0)),
        chunk(b"inst", struct.pack("<20sH", name20("Salamander Grand"), 0)
              + struct.pack("<20sH", name20("EOI"), len(bags) - 1)),
        chunk(b"ibag", b"".join(bags)),
        chunk(b"imod", b"".join(modulators)),
        chunk(b"igen", b"".join(generators)),
        chunk(b"shdr", b"".join(samples)),
    ]
    info = [chunk(b"ifil", struct.pack("<HH", 2, 4)), chunk(b"isng", b"EMU8000\0"),
            chunk(b"INAM", b"Salamander Grand Piano V3\0"),
            chunk(b"ICOP", b"Alexander Holm, CC BY 3.0\0")]
    body = b"sfbk" + list_chunk(b"INFO", info) + list_chunk(b"sdta", [chunk(b"smpl", np.concatenate(pcm).tobytes())]) \
        + list_chunk(b"pdta", pdta)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".partial{os.getpid()}")
    partial.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    os.replace(partial, path)  # whole or not at all: build workers may look at the same time
    return path


def soundfont():
    """The SoundFont's path, written first when it is not in the cache yet."""
    path = cache_path()
    return path if path.exists() else write_soundfont(path)
