"""Streaming the data factory's tar shards: samples are read one at a time, never the whole dataset into memory."""

import io
import json
import random
import tarfile
from pathlib import Path

import numpy as np


def shard_paths(cache, split):
    return sorted((Path(cache).expanduser() / "shards" / split).glob("*.tar"))


def read_crops(data):
    """A video slide's system crops (train/data/video_pairs.py), in reading order."""
    with np.load(io.BytesIO(data)) as arrays:
        return [arrays[name] for name in sorted(arrays.files)]


def read_pgm(data):
    header = data.split(b"\n", 3)
    width, height = map(int, header[1].split())
    return np.frombuffer(header[3], dtype=np.uint8)[: width * height].reshape(height, width)


def samples(paths, wanted=("pgm", "json"), shuffle_seed=None, looks=None):
    """Yields dicts kind → decoded content (pgm: uint8 array, crops: list of them, json: dict, lmx: str, flac: bytes) per
    system (per slide in video shards), shard by
    shard; with SHUFFLE_SEED the shards come in a seeded random order (and again, differently, each pass)."""
    paths = list(paths)
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(paths)
    for path in paths:
        with tarfile.open(path) as tar:
            current, key = {}, None
            for member in tar:
                name, kind = member.name.rsplit(".", 1)
                if name != key:
                    if current and all(k in current for k in wanted):
                        if looks is None or current["json"]["look"] in looks:
                            yield current
                    current, key = {"key": name}, name
                if kind not in wanted and kind != "json":
                    continue
                data = tar.extractfile(member).read()
                current[kind] = (read_pgm(data) if kind == "pgm" else read_crops(data) if kind == "crops"
                                 else json.loads(data) if kind == "json" else data.decode() if kind == "lmx" else data)
            if current and all(k in current for k in wanted):
                if looks is None or current["json"]["look"] in looks:
                    yield current
