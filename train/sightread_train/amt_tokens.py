"""Transcription pairs as token arrays: each system's audio through the frozen codec (4 codes per 512-sample frame,
spec §1.2) beside the MIDI event tokens of its notes, made by the C tokenizer (`sightread midi encode NOTES.json`),
so there is one tokenizer. A2I reads at most 10 s of audio (spec §4): longer systems keep their first 10 s and the
notes that start in them."""

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

MAX_SECONDS = 10.0


def midi_tokens(sightread, note_lists, seconds):
    """NOTE_LISTS: per clip, its notes [onset s, offset s, pitch, velocity, …] from the clip's start → per clip, the
    unified MIDI token indices of a SECONDS-long segment (offsets past its end are cut there). One start of the C
    tokenizer for them all (`midi encode --lists`): a start a system took longer than the encoding."""
    kept = [[{"onset": float(n[0]), "offset": float(min(n[1], seconds)), "pitch": int(n[2]), "velocity": int(n[3])}
             for n in notes if 0 <= n[0] < seconds and min(n[1], seconds) > n[0]]
            for notes in note_lists]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(kept, file)
        file.flush()
        result = subprocess.run([str(sightread), "midi", "encode", "--lists", "--json", "--segment-seconds",
                                 f"{MAX_SECONDS:g}", file.name], check=True, capture_output=True, text=True)
    return [[V.midi_token(t) for t in segments[0]] if segments else [] for segments in json.loads(result.stdout)["lists"]]


def encode_audio(codec, audio):
    """float32 mono at 44.1 kHz → (T, 4) uint16 codes: the clip brought to the codec's input level, padded with
    silence to whole frames."""
    hop = codec.config.hop
    audio = normalize_loudness(audio)
    x = torch.from_numpy(np.pad(audio, (0, -audio.size % hop)).astype(np.float32))[None, None]
    with torch.no_grad():
        return codec.encode(x)[0].numpy().astype(np.uint16)


def tokenize_shard(codec, shard, sightread):
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
        clips.append((sample, audio[: int(MAX_SECONDS * rate)]))
    token_lists = midi_tokens(sightread, [sample["json"]["notes"] for sample, _ in clips], MAX_SECONDS) if clips else []
    for (sample, audio), tokens in zip(clips, token_lists):
        if not tokens:
            skipped["no notes"] += 1
            continue
        # The "look" of a sound is its SoundFont, so that a held-out piano can be scored apart.
        sound = Path(sample["json"].get("sound", {}).get("soundfont", "unknown")).stem
        writer.add(sample["key"], sound, encode_audio(codec, audio), 0, tokens)
    return writer, skipped

