"""Score-following videos become image → audio training pairs (issue 15), checked as the models will read them (TAP):
- every slide `sightread videoset` kept is one pair: its systems' crops in reading order, exactly as videoset cut
  them, and its sound, 44.1 kHz mono;
- the pairs stream through the same shard reader as the data factory's;
- a second run makes nothing; a video's split comes from its name unless one is named;
- a damaged slide (a truncated crop, a missing sound, a broken manifest line) is named and left out, the video's other
  slides are kept, and a folder that is not videoset's is named without stopping the others (exit 1).
Usage: video-pairs.py MAKE_SCORE_FILM SIGHTREAD"""

import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "train" / "data"))
sys.path.insert(0, str(REPO / "train"))
from splits import hashed_split  # noqa: E402
from sightread_train.shards import read_pgm, samples, shard_paths  # noqa: E402

make_film, sightread = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + (f"  # {detail}" if detail else ""), flush=True)


def video_pairs(*args):
    return subprocess.run([sys.executable, REPO / "train" / "data" / "video_pairs.py", *map(str, args)],
                          capture_output=True, text=True)


with tempfile.TemporaryDirectory(prefix="sr-video-pairs-") as tmp:
    tmp = Path(tmp)
    film = tmp / "minuet-film.mkv"
    subprocess.run([make_film, film], check=True)
    subprocess.run([sightread, "videoset", film, "-o", tmp / "pairs"], check=True, capture_output=True)
    folder = tmp / "pairs" / "minuet-film"
    kept = [s for s in map(json.loads, (folder / "manifest.jsonl").read_text().splitlines()) if s["kept"]]
    check("videoset keeps the film's three music slides", len(kept) == 3, f"{len(kept)} kept")

    cache = tmp / "cache"
    made = video_pairs(tmp / "pairs", "--cache", cache)
    split = hashed_split("minuet-film")
    shards = shard_paths(cache, f"video-{split}")
    check("one shard for the video, in the split its name hashes to", made.returncode == 0 and len(shards) == 1,
          made.stdout.strip().splitlines()[-1] if made.stdout else made.stderr.strip())

    pairs = list(samples(shards, wanted=("crops", "flac", "json")))
    check("one pair per kept slide", len(pairs) == len(kept), f"{len(pairs)} pairs")
    same_crops, same_sound, same_times = True, True, True
    for pair, slide in zip(pairs, kept):
        wanted = [read_pgm((folder / s["crop"]).read_bytes()) for s in slide["systems"] if s.get("crop")]
        same_crops &= len(wanted) == len(pair["crops"]) == 2 and all(
            np.array_equal(a, b) for a, b in zip(wanted, pair["crops"]))
        heard, rate = soundfile.read(io.BytesIO(pair["flac"]), dtype="float32")
        written, _ = soundfile.read(folder / slide["audio"], dtype="float32")
        same_sound &= rate == 44100 and heard.ndim == 1 and np.array_equal(heard, written)
        meta = pair["json"]
        same_times &= (meta["slide"], meta["start_seconds"], meta["end_seconds"], meta["look"], meta["split"]) == (
            slide["slide"], slide["start"], slide["end"], "video", split)
        same_times &= abs(meta["seconds"] - written.size / 44100) < 1e-3
    check("each pair holds its slide's system crops, in reading order, pixel for pixel", same_crops)
    check("each pair holds its slide's sound, 44.1 kHz mono, sample for sample", same_sound)
    check("each pair says which video and slide, when, and how long", same_times)

    before = shards[0].stat().st_mtime_ns
    again = video_pairs(tmp / "pairs", "--cache", cache)
    check("a second run makes nothing", again.returncode == 0 and "up to date" in again.stdout
          and shards[0].stat().st_mtime_ns == before, again.stdout.strip().splitlines()[0])

    named = video_pairs(folder, "--cache", cache, "--split", "test")
    check("a named split puts the video there", named.returncode == 0
          and len(list(samples(shard_paths(cache, "video-test"), wanted=("crops", "flac")))) == 3)

    # A damaged copy: slide 1's first crop cut short, slide 2's sound gone, slide 3's line broken.
    damaged = tmp / "damaged" / "minuet-damaged"
    shutil.copytree(folder, damaged)
    first_crop = damaged / kept[0]["systems"][0]["crop"]
    first_crop.write_bytes(first_crop.read_bytes()[:40])
    (damaged / kept[1]["audio"]).unlink()
    lines = (damaged / "manifest.jsonl").read_text().splitlines()
    third = next(i for i, line in enumerate(lines) if json.loads(line)["slide"] == kept[2]["slide"])
    lines[third] = lines[third][: len(lines[third]) // 2]
    (damaged / "manifest.jsonl").write_text("\n".join(lines) + "\n")
    (tmp / "damaged" / "not-a-video").mkdir()
    (tmp / "damaged" / "not-a-video" / "notes.txt").write_text("hello")
    broken = video_pairs(tmp / "damaged" / "minuet-damaged", tmp / "damaged" / "not-a-video", folder, "--cache",
                         tmp / "cache2", "--split", "train")
    report = broken.stdout + broken.stderr
    check("damaged slides are named and left out", "truncated" in report and kept[1]["audio"] in report
          and f"line {third + 1}" in report, report.strip().replace("\n", " | "))
    check("a folder that is not videoset's is named, and the batch ends with exit 1",
          broken.returncode == 1 and "not-a-video: no manifest.jsonl" in report)
    left = {}
    for pair in samples(shard_paths(tmp / "cache2", "video-train"), wanted=("crops", "flac")):
        left[pair["json"]["video"]] = left.get(pair["json"]["video"], 0) + 1
    check("the rest of the batch is made", left == {"minuet-film": 3}, str(left))

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
