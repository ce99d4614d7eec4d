"""OMR pairs as token arrays: every system crop through the frozen RQVAE (a code step per 16×16 cell, read column by
column, with its (column, row) position) beside its LMX token IDs. Made once per RQVAE version and shard and kept in the
cache, because encoding the crops at every training step would cost more than the translator's own step.

LMX text becomes IDs through `sightread lmx vocabulary`, the C table, so there is one vocabulary."""

import hashlib
import subprocess
from pathlib import Path

import numpy as np
import torch

from . import vocabulary as V
from .rqvae import pad_to_multiple, pixels_to_ink
from .pairs import PairWriter, load_pairs
from .shards import samples

MAX_COLUMNS = 151   # spec §1.1: column x ≤ 150
MAX_ROWS = 27       # spec §1.1: row y ≤ 26
MAX_LMX = 1400      # spec §1: ≤ 1400 LMX tokens


def lmx_table(sightread):
    """LMX token text → unified token index, from the C vocabulary."""
    words = subprocess.run([str(sightread), "lmx", "vocabulary"], check=True, capture_output=True,
                           text=True).stdout.split()
    if len(words) != V.LMX_SIZE:
        raise SystemExit(f"{sightread} lists {len(words)} LMX tokens, the vocabulary module expects {V.LMX_SIZE}")
    return {word: V.lmx_token(i) for i, word in enumerate(words)}


def fingerprint(path):
    """The first 12 hex digits of a weight file's SHA-256: token caches are per RQVAE version."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def encode_crop(rqvae, pixels, shift=(0, 0)):
    """A uint8 crop → (steps (T, 4) uint16 codes in reading order, grid rows), the crop moved SHIFT = (dx, dy) pixels
    right and down on white paper first (spec §1.1's augmentation against quantisation instability)."""
    dx, dy = shift
    if dx or dy:
        moved = np.full((pixels.shape[0] + dy, pixels.shape[1] + dx), 255, np.uint8)
        moved[dy:, dx:] = pixels
        pixels = moved
    x = pad_to_multiple(pixels_to_ink(torch.from_numpy(np.array(pixels)))[None, None])
    with torch.no_grad():
        codes = rqvae.encode(x)[0]                          # (rows, columns, 4)
    rows = codes.shape[0]
    return codes.permute(1, 0, 2).reshape(-1, codes.shape[-1]).numpy().astype(np.uint16), rows


def tokenize_shard(rqvae, shard, table, shifts, rng):
    """One shard's systems → a PairWriter, and counts of what was left out and why."""
    writer = PairWriter()
    skipped = {"too large": 0, "unknown LMX tokens": 0}
    for sample in samples([shard], wanted=("pgm", "lmx", "json")):
        ids = [table.get(word, -1) for word in sample["lmx"].split()]
        if -1 in ids:
            skipped["unknown LMX tokens"] += 1
            continue
        pixels = sample["pgm"]
        for variant in range(shifts):
            shift = (0, 0) if variant == 0 else (int(rng.integers(0, 8)), int(rng.integers(0, 4)))
            steps, grid_rows = encode_crop(rqvae, pixels, shift)
            if grid_rows > MAX_ROWS or len(steps) // grid_rows > MAX_COLUMNS or len(ids) + 1 > MAX_LMX:
                skipped["too large"] += 1
                break
            writer.add(sample["key"], sample["json"].get("look", ""), steps, grid_rows, ids)
    return writer, skipped


def load_omr_pairs(folder, looks=None):
    return load_pairs(folder, V.IMAGE, V.LMX, looks)

