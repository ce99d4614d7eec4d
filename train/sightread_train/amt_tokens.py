"""Transcription pairs as token arrays: windows of a system's audio through the frozen codec (4 codes per 512-sample
frame, spec §1.2) beside the MIDI event tokens of the window's segment, made by the C tokenizer (`sightread midi
encode NOTES.json --segment-seconds`, ties included), so there is one tokenizer. A window is 5.12 s: short crops
learn sooner than the paper's 10 s (MT3 itself reads 2 s), and 5.12 s is 441 codec frames and 512 steps of 10 ms
at once, so a window's codes and its token times start and end together. The whole system is brought to the codec's
input level first, then cut: a quiet window stays quiet beside a loud one, as in a recording read window by window.
A last window of at least 2 s (or a system shorter than a window) is padded with silence; a window without a note
that starts or sounds in it is left out. With SHIFTS > 1 a training system is also encoded delayed by k / SHIFTS of a
codec frame (k = 1 … SHIFTS − 1; spec §1.2's nine temporal shifts with 9), its notes delayed with it: the same
music in other codes, against the codec's quantisation."""

import io
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch

from . import vocabulary as V
from .codec import normalize_loudness
from .pairs import PairWriter
from .shards import samples

WINDOW_SECONDS = 5.12
SHORTEST_LAST_WINDOW_SECONDS = 2.0


def midi_segments(sightread, note_lists, ends):
    """NOTE_LISTS: per clip, its notes [onset s, offset s, pitch, velocity, …] from the clip's start; ENDS: each
    clip's length in seconds → per clip, per WINDOW_SECONDS segment, its unified MIDI token indices (offsets past
    the clip's end are cut there). One start of the C tokenizer for them all (`midi encode --lists`): a start a
    system took longer than the encoding."""
    kept = [[{"onset": float(n[0]), "offset": float(min(n[1], end)), "pitch": int(n[2]), "velocity": int(n[3])}
             for n in notes if 0 <= n[0] < end and min(n[1], end) > n[0]]
            for notes, end in zip(note_lists, ends)]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(kept, file)
        file.flush()
        result = subprocess.run([str(sightread), "midi", "encode", "--lists", "--json", "--segment-seconds",
                                 f"{WINDOW_SECONDS:g}", file.name], check=True, capture_output=True, text=True)
    return [[[V.midi_token(t) for t in segment] for segment in segments]
            for segments in json.loads(result.stdout)["lists"]]


def encode_audio(codec, audio):
    """float32 mono at 44.1 kHz, already at the codec's input level → (T, 4) uint16 codes, padded with silence to
    whole frames."""
    hop = codec.config.hop
    x = torch.from_numpy(np.pad(audio, (0, -audio.size % hop)).astype(np.float32))[None, None]
    with torch.no_grad():
        return codec.encode(x)[0].numpy().astype(np.uint16)


def windowed_codes(codec, audio):
    """The system's audio (float32 mono at 44.1 kHz) brought to the codec's level, cut to whole windows (a last part
    of at least SHORTEST_LAST_WINDOW_SECONDS, or a system shorter than a window, padded with silence; a shorter last
    part dropped), encoded in one pass and cut into each window's (441, 4) codes: as a recording is read, encoded
    once and then read window by window."""
    size = round(WINDOW_SECONDS * codec.config.sample_rate)
    whole, rest = divmod(audio.size, size)
    count = whole + (rest >= SHORTEST_LAST_WINDOW_SECONDS * codec.config.sample_rate or whole == 0)
    audio = normalize_loudness(audio)[: count * size]
    codes = encode_audio(codec, np.pad(audio, (0, count * size - audio.size)))
    frames = size // codec.config.hop
    return [codes[i * frames:(i + 1) * frames] for i in range(count)]


def delayed(notes, seconds):
    return [[n[0] + seconds, n[1] + seconds, *n[2:]] for n in notes]


def tokenize_shard(codec, shard, sightread, shifts=1):
    import soundfile  # here, not above: OMR training (where only PyTorch is installed) imports this module too
    writer = PairWriter()
    skipped = {"no audio": 0, "no notes": 0}
    clips = []
    for sample in samples([shard], wanted=("flac", "json")):
        try:
            audio, rate = soundfile.read(io.BytesIO(sample["flac"]), dtype="float32")
        except soundfile.LibsndfileError:
            skipped["no audio"] += 1
            continue
        if rate != codec.config.sample_rate or audio.size == 0:
            skipped["no audio"] += 1
            continue
        clips.append((sample, audio))
    rate = codec.config.sample_rate
    # Each (clip, shift): its audio delayed by whole samples and its notes by the same time.
    versions = [(sample, np.pad(audio, (delay, 0)), delayed(sample["json"]["notes"], delay / rate), shift)
                for sample, audio in clips for shift in range(shifts)
                for delay in [round(shift * codec.config.hop / shifts)]]
    segment_lists = midi_segments(sightread, [notes for _, _, notes, _ in versions],
                                  [audio.size / rate for _, audio, _, _ in versions]) if versions else []
    for (sample, audio, notes, shift), segments in zip(versions, segment_lists):
        # The "look" of a sound is its SoundFont, so that a held-out piano can be scored apart.
        sound = Path(sample["json"].get("sound", {}).get("soundfont", "unknown")).stem
        name = sample["key"] + (f"-t{shift}" if shift else "")
        for index, codes in enumerate(windowed_codes(codec, audio)):
            start, end = index * WINDOW_SECONDS, (index + 1) * WINDOW_SECONDS
            if index >= len(segments) or not any(n[0] < end and n[1] > start for n in notes):
                skipped["no notes"] += 1
                continue
            writer.add(f"{name}-w{index}", sound, codes, 0, segments[index])
    return writer, skipped

