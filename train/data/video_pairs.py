"""Image → audio training pairs from score-following videos: what `sightread videoset` wrote, as data factory shards.

  sightread videoset VIDEOS… -o PAIRS                       # the C side: slides, systems, sound, filters
  /usr/bin/python3 train/data/video_pairs.py PAIRS [PAIRS…] [--cache ~/.cache/sightread/data] [--split S] [--redo]

PAIRS is a videoset output folder (a sub-folder per video, each with its manifest.jsonl) or one video's folder. Each
video becomes one shard, <cache>/shards/video-<split>/<video>.tar, holding per kept slide:
  KEY.crops  its kept systems' crops in reading order (an uncompressed .npz of arrays s00, s01, …, the crops as the
             models see them: the models join a slide's systems with [SEP], spec §1.1);
  KEY.flac   the slide's sound (44.1 kHz mono, as videoset cut it);
  KEY.json   video (its name; source: its path), slide, times, boxes, sound level, look "video".
A video's split comes from a hash of its name (90 / 5 / 5, as works get theirs in splits.py) unless --split names
one, so all of a video's slides share a split. Shards are written whole or not at all, and a video whose shard is
newer than its manifest is not done again (--redo does it): runs are resumable, and a list of folders can be shared
between processes (e.g. `parallel`), each video being one shard. A slide whose files are missing or damaged is left
out and named; a folder without a readable manifest is named and the rest go on (exit 1 at the end)."""

import argparse
import io
import json
import os
import sys
import tarfile
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import add_bytes  # noqa: E402
from splits import hashed_split  # noqa: E402

RATE = 44100


def video_folders(paths):
    """The video folders under PATHS: a folder with a manifest is one; otherwise its sub-folders with one."""
    for path in map(Path, paths):
        if (path / "manifest.jsonl").exists():
            yield path
        elif path.is_dir():
            inside = sorted(p.parent for p in path.glob("*/manifest.jsonl"))
            if not inside:
                yield path  # reported as having no manifest
            yield from inside
        else:
            yield path


def read_pgm(path):
    data = path.read_bytes()
    parts = data.split(maxsplit=4)
    if len(parts) < 5 or parts[0] != b"P5" or parts[3] != b"255":
        raise ValueError(f"{path.name} is not an 8-bit PGM")
    width, height = int(parts[1]), int(parts[2])
    pixels = parts[4]
    if width <= 0 or height <= 0 or len(pixels) < width * height:
        raise ValueError(f"{path.name} is truncated")
    return np.frombuffer(pixels[:width * height], dtype=np.uint8).reshape(height, width)


def slide_pair(folder, video, slide):
    """(crops, flac bytes, metadata) of one kept manifest line; raises ValueError saying what is wrong."""
    systems = [s for s in slide.get("systems", []) if s.get("crop")]
    if not systems:
        raise ValueError("no system crop")
    crops = [read_pgm(folder / s["crop"]) for s in systems]
    sound_path = folder / slide.get("audio", "")
    if not slide.get("audio") or not sound_path.is_file():
        raise ValueError(f"sound {slide.get('audio')} is missing")
    flac = sound_path.read_bytes()
    try:
        info = soundfile.info(io.BytesIO(flac))
    except (RuntimeError, soundfile.LibsndfileError) as error:
        raise ValueError(f"{sound_path.name}: {error}") from None
    if info.samplerate != RATE or info.channels != 1 or info.frames == 0:
        raise ValueError(f"{sound_path.name}: {info.samplerate} Hz, {info.channels} channels, {info.frames} frames "
                         f"(videoset writes 44.1 kHz mono)")
    meta = {"video": video, "source": slide.get("video"), "slide": slide["slide"], "look": "video", "start_seconds": slide["start"],
            "end_seconds": slide["end"], "seconds": round(info.frames / RATE, 4), "sound_dbfs": slide.get("sound_dbfs"),
            "page": slide.get("page"), "picture": slide.get("picture"),
            "systems": [{k: v for k, v in s.items() if k not in ("crop", "dropped_by")} for s in systems]}
    return crops, flac, meta


def crops_bytes(crops):
    buffer = io.BytesIO()
    np.savez(buffer, **{f"s{k:02d}": crop for k, crop in enumerate(crops)})
    return buffer.getvalue()


def make_shard(folder, out, split):
    """Writes FOLDER's shard into OUT/video-SPLIT; returns (pairs, systems, seconds, [(slide, reason)])."""
    video = folder.name
    shard = out / f"video-{split}" / f"{video}.tar"
    shard.parent.mkdir(parents=True, exist_ok=True)
    partial = shard.with_suffix(".tar.partial")
    pairs, systems, seconds, left_out = 0, 0, 0.0, []
    with tarfile.open(partial, "w") as tar:
        for number, line in enumerate((folder / "manifest.jsonl").read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                try:
                    slide = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValueError(f"not a JSON line ({error})") from None
                if not slide.get("kept"):
                    continue
                crops, flac, meta = slide_pair(folder, video, slide)
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                left_out.append((f"line {number}", str(error) or type(error).__name__))
                continue
            key = f"{video}-slide-{meta['slide']:03d}"
            add_bytes(tar, key + ".crops", crops_bytes(crops))
            add_bytes(tar, key + ".flac", flac)
            add_bytes(tar, key + ".json", json.dumps(meta | {"split": split}).encode())
            pairs, systems, seconds = pairs + 1, systems + len(crops), seconds + meta["seconds"]
    os.replace(partial, shard)
    return pairs, systems, seconds, left_out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", metavar="PAIRS", help="videoset output folders")
    parser.add_argument("--cache", default="~/.cache/sightread/data", help="where the dataset lives (outside git)")
    parser.add_argument("--split", choices=("train", "validation", "test"),
                        help="put every video in this split (default: a hash of each video's name)")
    parser.add_argument("--redo", action="store_true", help="make shards again even where they are up to date")
    args = parser.parse_args()
    out = Path(args.cache).expanduser() / "shards"
    failed = 0
    totals = [0, 0, 0.0]
    for folder in video_folders(args.folders):
        manifest = folder / "manifest.jsonl"
        if not manifest.is_file():
            print(f"{folder}: no manifest.jsonl (not a folder `sightread videoset` wrote)", file=sys.stderr)
            failed += 1
            continue
        split = args.split or hashed_split(folder.name)
        shard = out / f"video-{split}" / f"{folder.name}.tar"
        if not args.redo and shard.exists() and shard.stat().st_mtime >= manifest.stat().st_mtime:
            print(f"{folder.name}: up to date ({shard})")
            continue
        try:
            pairs, systems, seconds, left_out = make_shard(folder, out, split)
        except (OSError, UnicodeDecodeError) as error:
            print(f"{folder}: {error}", file=sys.stderr)
            failed += 1
            continue
        print(f"{folder.name}: {pairs} pairs, {systems} systems, {seconds:.1f} s of sound → video-{split}")
        for where, reason in left_out:
            print(f"  left out {where}: {reason}")
        totals = [totals[0] + pairs, totals[1] + systems, totals[2] + seconds]
    print(f"{totals[0]} image → audio pairs ({totals[1]} systems, {totals[2] / 3600:.2f} h of sound) in {out}/video-*"
          + (f"; {failed} folder(s) could not be read" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
