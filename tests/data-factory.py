"""The data factory on three pieces, checked the way the models will use it (TAP):
- every system's LMX sounds the notes stored with it (pitch and onset in quarters);
- the onsets heard in its audio fall within 30 ms of its notes;
- its crop contains its engraved noteheads, in ink;
- a second run makes nothing (the build is incremental) and the splits are the ones in train/splits.tsv;
- over the whole corpus, the pieces drawn to look scanned and to be sounded are the shares asked for, in every split,
  and a larger share keeps every piece a smaller one drew.
Usage: data-factory.py SIGHTREAD SHARED"""

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import soundfile
from scipy.ndimage import maximum_filter1d, uniform_filter1d

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "train" / "data"))
from build import shard_look, shard_sounded  # noqa: E402
from corpus import pieces  # noqa: E402
from splits import read_splits  # noqa: E402

PIECES = "Bach_Prelude_bwv_846_|lc4976777|lc4976849"  # a prelude and two songs: about 25 systems
sightread, shared = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + (f"  # {detail}" if detail else ""), flush=True)


def build(cache):
    return subprocess.run([sys.executable, REPO / "train" / "data" / "build.py", "build", "--cache", cache,
                           "--shared", shared, "--sightread", sightread, "--only", PIECES, "--variants", "2",
                           "--scan-share", "0", "--audio-share", "1"],
                          capture_output=True, text=True, check=True).stdout


def onsets_heard(audio, rate):
    """Onset times by spectral flux with a vibrato-suppressing maximum filter (SuperFlux, Böck & Widmer 2013): a
    2048-point STFT every 5 ms up to 6 kHz, log magnitudes, the rise over the previous frame's frequency-wise
    maximum, peaks standing one standard deviation above the local mean, at least 30 ms apart."""
    hop, size = rate // 200, 2048
    frames = np.lib.stride_tricks.sliding_window_view(np.pad(audio, (size // 2, size)), size)[::hop]
    magnitude = np.abs(np.fft.rfft(frames * np.hanning(size), axis=1))[:, : int(6000 * size / rate)]
    level = np.log1p(10 * magnitude)
    flux = np.maximum(level[1:] - maximum_filter1d(level, 3, axis=1)[:-1], 0).sum(axis=1)
    rise = np.concatenate([[0], flux])
    rise -= uniform_filter1d(rise, 21)
    # Standing out from the local level, and not merely from the noise of a silent stretch (a piece's last system
    # rings out into silence).
    threshold = max(rise.std(), 0.1 * np.percentile(rise, 99.5))
    peaks = [i for i in range(1, len(rise) - 1)
             if rise[i] > threshold and rise[i] >= rise[i - 1] and rise[i] >= rise[i + 1]]
    kept = []
    for i in peaks:
        if not kept or i - kept[-1] >= 6:
            kept.append(i)
    return np.array(kept) * hop / rate


def lmx_notes(lmx, folder):
    (folder / "system.lmx").write_text(lmx)
    subprocess.run([sightread, "lmx", "decode", folder / "system.lmx", "-o", folder / "system.musicxml"],
                   check=True, capture_output=True)
    performance = json.loads(subprocess.run([sightread, "midi", "render", folder / "system.musicxml", "--no-repeats",
                                             "--json"], check=True, capture_output=True, text=True).stdout)
    return sorted((round(n["onset_quarters"], 3), n["pitch"]) for n in performance["notes"])


with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    cache = tmp / "cache"
    log = build(cache)
    shards = sorted((cache / "shards").rglob("*.tar"))
    check("three pieces in two variants make six shards", len(shards) == 6, f"{len(shards)} shards")
    splits = read_splits()
    samples = {}
    for shard in shards:
        with tarfile.open(shard) as tar:
            for member in tar.getmembers():
                key, kind = member.name.rsplit(".", 1)
                samples.setdefault(key, {})[kind] = tar.extractfile(member).read()
    metas = {k: json.loads(v["json"]) for k, v in samples.items()}
    check("every system has a crop, LMX and notes; the sounded variant has audio",
          all({"pgm", "lmx", "json"} <= v.keys() and (("flac" in v) == (metas[k]["variant"] == 0))
              for k, v in samples.items()), f"{len(samples)} systems")
    check("each system's split is its work's split in train/splits.tsv",
          all(splits.get(m["work"]) == m["split"] for m in metas.values()))

    same = total = 0
    for key, sample in samples.items():
        meta = metas[key]
        stored = sorted((round(n[4], 3), n[2]) for n in meta["notes"])
        decoded = lmx_notes(sample["lmx"].decode(), tmp)
        # Notes tied in from the previous system are the one difference allowed.
        common = sum(min(stored.count(x), decoded.count(x)) for x in set(stored))
        same += common
        total += max(len(stored), len(decoded))
    check("the LMX of each system sounds its stored notes (pitch, onset in quarters) for ≥ 98 % of notes",
          same >= 0.98 * total, f"{same} of {total}")

    heard_within = expected = heard_total = heard_explained = 0
    errors = []
    for key, sample in samples.items():
        if "flac" not in sample:
            continue
        audio, rate = soundfile.read(__import__("io").BytesIO(sample["flac"]), dtype="float32")
        # What starts right at the cut is the next system's first note.
        heard = onsets_heard(audio, rate)
        heard = heard[heard < len(audio) / rate - 0.030]
        times = sorted({round(n[0], 3) for n in metas[key]["notes"] if 0 <= n[0] < len(audio) / rate - 0.05})
        times = [t for i, t in enumerate(times) if i == 0 or t - times[i - 1] >= 0.06]
        heard_total += heard.size
        every_onset = np.array([n[0] for n in metas[key]["notes"]] or [-1.0])
        heard_explained += sum(1 for h in heard if np.min(np.abs(every_onset - h)) <= 0.030)
        for t in times:
            expected += 1
            if heard.size and np.min(np.abs(heard - t)) <= 0.030:
                heard_within += 1
                errors.append(np.min(np.abs(heard - t)))
    check("≥ 90 % of note onsets are heard in the system's audio within 30 ms, and ≥ 90 % of what is heard is a note",
          expected > 0 and heard_within >= 0.9 * expected and heard_explained >= 0.9 * heard_total,
          f"{heard_within} of {expected} notes heard, {heard_explained} of {heard_total} heard onsets are notes, "
          f"median error {1000 * np.median(errors):.1f} ms")

    inked = noteheads = 0
    for key, sample in samples.items():
        if metas[key]["variant"] != 0:
            continue
        raw = sample["pgm"]
        header = raw.split(b"\n", 3)
        width, height = map(int, header[1].split())
        pixels = np.frombuffer(header[3], dtype=np.uint8).reshape(height, width)
        for x, y in metas[key]["noteheads"]:
            noteheads += 1
            xi, yi = int(round(x)), int(round(y))
            window = pixels[max(yi - 2, 0):yi + 3, max(xi, 0):xi + 5]
            inked += 0 <= xi < width and 0 <= yi < height and window.size > 0 and window.min() < 128
    check("every engraved notehead lies in its crop, on ink (≥ 99 %)", noteheads > 0 and inked >= 0.99 * noteheads,
          f"{inked} of {noteheads}")

    again = build(cache)
    check("a second build has nothing to do", "0 shards to make" in again, again.splitlines()[0] if again else "")

corpus = pieces(Path(shared) / "data")
for split in ("train", "validation", "test"):
    ids = [p.id for p in corpus if p.split == split]
    sounded = sum(shard_sounded(i, 0, 0.3) for i in ids) / max(len(ids), 1)
    scanned = sum(shard_look(i, 0, 0.5) == "scan" for i in ids) / max(len(ids), 1)
    check(f"{split}: 30 % of the pieces sounded and 50 % scan-like in variant 0 (± 6 points)",
          len(ids) >= 50 and abs(sounded - 0.3) <= 0.06 and abs(scanned - 0.5) <= 0.06,
          f"{len(ids)} pieces: {100 * sounded:.1f} % sounded, {100 * scanned:.1f} % scan-like")
ids = [p.id for p in corpus]
check("a larger share only adds pieces; later variants are never sounded and always scan-like",
      all(shard_sounded(i, 0, 0.5) for i in ids if shard_sounded(i, 0, 0.3))
      and not any(shard_sounded(i, 1, 1.0) for i in ids) and all(shard_look(i, 1, 0.0) == "scan" for i in ids))

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
