"""Training pairs as token arrays, whatever the direction: a source of code steps (an image grid read column by column,
or audio frames) and a single-stream target (LMX or MIDI tokens). One .npz per data-factory shard:
codes (ΣT, 4) codebook indices, code_offsets, rows (image grid rows; 0 for audio), tokens (unified indices),
token_offsets, keys, looks."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import vocabulary as V


@dataclass
class Pair:
    key: str
    look: str
    source_modality: int
    codes: np.ndarray   # (T, 4) codebook indices 0 … 1023
    rows: int           # image grid rows; 0 for a 1-D source
    target_modality: int
    tokens: np.ndarray  # unified token indices, without EOS

    def source(self):
        """(steps (T, 4) unified indices, positions: (T, 2) of (column, row) for images, (T,) otherwise)."""
        t = len(self.codes)
        start = V.block(self.source_modality, 0)[0]
        steps = torch.from_numpy(self.codes.astype(np.int64)) + start + torch.arange(V.CODEBOOKS) * V.CODEBOOK_SIZE
        index = torch.arange(t)
        if self.rows:
            return steps, torch.stack([index // self.rows, index % self.rows], 1)
        return steps, index

    def target(self):
        steps = torch.zeros(len(self.tokens) + 1, V.CODEBOOKS, dtype=torch.long)
        steps[:-1, 0] = torch.from_numpy(self.tokens.astype(np.int64))
        steps[-1, 0] = V.eos(self.target_modality)
        return steps


class PairWriter:
    """Collects one shard's pairs and writes them whole (under a temporary name, then renamed)."""

    def __init__(self):
        self.codes, self.code_offsets, self.rows = [], [0], []
        self.tokens, self.token_offsets, self.keys, self.looks = [], [0], [], []

    def add(self, key, look, codes, rows, tokens):
        self.codes.append(codes.astype(np.uint16))
        self.code_offsets.append(self.code_offsets[-1] + len(codes))
        self.rows.append(rows)
        self.tokens.extend(tokens)
        self.token_offsets.append(len(self.tokens))
        self.keys.append(key)
        self.looks.append(look)

    def __len__(self):
        return len(self.keys)

    def save(self, target):
        arrays = {"codes": np.concatenate(self.codes) if self.codes else np.zeros((0, V.CODEBOOKS), np.uint16),
                  "code_offsets": np.array(self.code_offsets, np.int64), "rows": np.array(self.rows, np.int16),
                  "tokens": np.array(self.tokens, np.int16), "token_offsets": np.array(self.token_offsets, np.int64),
                  "keys": np.array(self.keys), "looks": np.array(self.looks)}
        partial = Path(target).with_suffix(".partial.npz")
        np.savez_compressed(partial, **arrays)
        partial.rename(target)


def write_manifest(folder, tokenizer_path, counts):
    """What a token folder was made from (the tokenizer's file) and how many pairs each split got."""
    (Path(folder) / "manifest.json").write_text(json.dumps({"tokenizer": str(tokenizer_path), **counts}, indent=1))


def load_pairs(folder, source_modality, target_modality, looks=None):
    pairs = []
    for path in sorted(Path(folder).glob("*.npz")):
        if path.name.endswith(".partial.npz"):
            continue
        data = np.load(path)
        # The first OMR caches called the tokens "lmx".
        tokens, token_offsets = ((data["tokens"], data["token_offsets"]) if "tokens" in data
                                 else (data["lmx"], data["lmx_offsets"]))
        c = data["code_offsets"]
        for i, key in enumerate(data["keys"]):
            if looks is None or str(data["looks"][i]) in looks:
                pairs.append(Pair(str(key), str(data["looks"][i]), source_modality, data["codes"][c[i]:c[i + 1]],
                                  int(data["rows"][i]), target_modality, tokens[token_offsets[i]:token_offsets[i + 1]]))
    return pairs
