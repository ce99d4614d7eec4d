"""The data factory: every piece in ../shared/data engraved, cut into systems and sounded, as tar shards.

  /usr/bin/python3 train/data/build.py build --cache ~/.cache/sightread/data [--variants 1] [--only REGEX]
  /usr/bin/python3 train/data/build.py stats --cache ~/.cache/sightread/data

Each (piece, layout variant) becomes one shard, <cache>/shards/<split>/<piece>-v<k>.tar, written under a temporary
name and renamed when complete: a build tops up what is missing and resumes after an interruption. A shard holds,
per system, <key>.pgm (the crop as the models see it), <key>.lmx, <key>.flac (44.1 kHz mono) and <key>.json
(where it came from, its box on the page, its notes with their times, its noteheads in crop pixels).

Variant 0 of a piece is a clean engraving or, for --scan-share of the pieces, scan-like (degrade.py); later variants
are scan-like, each in another layout. Only variant 0 of --audio-share of the pieces is sounded: audio is the
dearest part (three times the rest of a system's making), and three pieces in ten give the hours needed. Both draws
are a hash of the piece's id, so a piece keeps its look and its sound from one build to the next, and a larger share
only adds pieces."""

import argparse
import io
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audio  # noqa: E402
from corpus import pieces, piano_part, read_mxl, spread_pieces  # noqa: E402
from degrade import degrade, random_degradation, rotate_box  # noqa: E402
from engraver import Engraver  # noqa: E402
from layout import random_layout, system_boxes  # noqa: E402
from splits import key_fraction  # noqa: E402
from svg_pages import render_page  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
_engraver = None


def run(command, **kwargs):
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(str(c) for c in command)}: {done.stderr.strip()}")
    return done.stdout


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def shard_look(piece_id, variant, scan_share):
    return "scan" if variant > 0 or key_fraction(f"look/{piece_id}") < scan_share else "engraved"


def shard_sounded(piece_id, variant, audio_share):
    return variant == 0 and key_fraction(f"audio/{piece_id}") < audio_share


def engrave_pages(piece, look, tmp, rng):
    """PIECE engraved by verovio in a random layout and rendered as page images, clean for LOOK "engraved" and
    degraded like a scan (degrade.py) for "scan", into TMP. Returns (score, layout, pages), each page (index, greyscale
    image, [(system, known box)], pixels per layout unit), or why it was skipped. The known boxes are what the crops
    are cut from, and what the system detector is measured against (eval_systems.py)."""
    global _engraver
    if _engraver is None:
        _engraver = Engraver()
    options = random_layout(rng)
    if piece.path.suffix == ".krn":
        # verovio reads the kern and hands the C code its MEI: the same measures as the pages.
        answer = _engraver.engrave(piece.path, tmp / "engraved", options, mei=True)
        if not answer.get("ok"):
            return f"verovio: {answer.get('error')}"
        score = tmp / "engraved" / "score.mei"
        n_measures = len(re.findall(r"<measure[ >]", score.read_text()))
    else:
        part = piano_part(read_mxl(piece.path))
        if part is None:
            return "no part"
        xml, n_measures, _ = part
        score = tmp / "score.musicxml"
        score.write_bytes(xml)
        answer = _engraver.engrave(score, tmp / "engraved", options)
        if not answer.get("ok"):
            return f"verovio: {answer.get('error')}"
    if answer["measures"] != n_measures:
        return f"verovio laid out {answer['measures']} of {n_measures} measures"
    layout = json.loads((tmp / "engraved" / "layout.json").read_text())

    # Pages as a scan would give them: a staff 32–56 px high (200–300 dpi for most editions).
    staff_px = rng.uniform(32, 56)
    first = layout["systems"][0]["staves"][0]
    pages = []
    for page_index, page in enumerate(layout["pages"]):
        px_per_unit = staff_px / (first[-1] - first[0])
        width_px = int(round(page["width"] * px_per_unit))
        page_image = render_page(tmp / "engraved" / f"page-{page_index + 1}.svg", width_px)
        ink = np.asarray(page_image) < 128
        page_boxes = system_boxes(layout, page_index, ink, width_px / page["width"])
        if not page_boxes:
            continue
        if look == "scan":
            # A scan-like page degrades, and the boxes turn with it. The box as it was stays beside it: a page
            # straightened back has its systems there (eval_systems.py).
            degradation = random_degradation(rng)
            page_image = degrade(page_image, degradation)
            page_boxes = [(i, rotate_box(b, degradation["angle"], *page_image.size)
                           | {"degradation": degradation, "upright": {k: b[k] for k in ("x", "y", "width", "height")}})
                          for i, b in page_boxes]
        pages.append((page_index, page_image, page_boxes, width_px / page["width"]))
    return score, layout, options, pages


def evaluation_sample(doc, default_limit):
    """The evaluation scripts' command line (--shared, --sightread, --split, --look, --limit, --json) and the pieces it
    names: --limit pieces spread over the split."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--sightread", default=str(REPO / "build" / "sightread"))
    parser.add_argument("--split", default="test")
    parser.add_argument("--look", choices=("engraved", "scan"), default="engraved")
    parser.add_argument("--limit", type=int, default=default_limit,
                        help=f"pieces, spread over the split (default {default_limit})")
    parser.add_argument("--json", help="write the numbers and every page's here")
    args = parser.parse_args()
    return args, spread_pieces(Path(args.shared) / "data", args.split, args.limit)


def system_lmx(sightread, score, layout):
    """Each laid-out system's measures (first, end: 0-based, end excluded) and its LMX line, through the C linearizer."""
    starts, position = [], 0
    for system in layout["systems"]:
        starts.append((position, position + len(system["measures"])))
        position += len(system["measures"])
    ranges = ",".join(f"{a + 1}-{b}" for a, b in starts)
    return starts, run([sightread, "lmx", "encode", score, "--part", "1", "--measures", ranges]).splitlines()


def make_shard(job):
    """Engraves, cuts and sounds one piece in one layout variant; returns its summary (or why it was skipped)."""
    piece, variant, look, with_audio, cache, sightread = job
    rng = random.Random(f"{piece.id}/{variant}")
    shard = cache / "shards" / piece.split / f"{piece.id}-v{variant}.tar"
    summary = {"piece": piece.id, "variant": variant, "split": piece.split, "work": piece.work, "systems": 0,
               "audio_seconds": 0.0, "lmx_lengths": [], "image_lengths": [], "skipped": None}
    with tempfile.TemporaryDirectory(prefix="sr-data-") as tmp:
        tmp = Path(tmp)
        engraved = engrave_pages(piece, look, tmp, rng)
        if isinstance(engraved, str):
            return {**summary, "skipped": engraved}
        score, layout, options, pages = engraved
        if not pages:
            return {**summary, "skipped": "no system on any page"}
        # All pages cut in one call, as the pages of one TIFF: a call a page spent more time starting the program
        # than cutting (crops byte for byte the same; the crop step 2.3 times faster on 8 shards).
        book = tmp / "pages.tif"
        images = [image for _, image, _, _ in pages]
        images[0].save(book, save_all=True, append_images=images[1:])
        (tmp / "boxes.json").write_text(json.dumps([{k: b[k] for k in ("x", "y", "width", "height", "staff_height")}
                                                    | {"page": n + 1}
                                                    for n, (_, _, page_boxes, _) in enumerate(pages)
                                                    for _, b in page_boxes]))
        crops = iter(json.loads(run([sightread, "crop", book, "--boxes", tmp / "boxes.json", "-o", tmp / "crops",
                                     "--json"])))
        boxes = [(index, box, next(crops), scale) for _, _, page_boxes, scale in pages for index, box in page_boxes]

        # Measures of each system, their LMX, and their performance.
        starts, lmx = system_lmx(sightread, score, layout)
        tempo_scale = round(rng.uniform(0.8, 1.2), 3)
        midi = tmp / "piece.mid"
        performance = json.loads(run([sightread, "midi", "render", score, "--no-repeats", "--tempo-scale", tempo_scale,
                                      "--json", "-o", midi]))
        measure_onsets = {m["measure"]: m["onset_seconds"] for m in performance["measures"]}
        measure_quarters = {m["measure"]: m["onset_quarters"] for m in performance["measures"]}
        sound = audio.random_sound(rng) if with_audio else None
        waveform = audio.synthesize(midi, sound) if with_audio else None
        last_offset = max((n["offset_seconds"] for n in performance["notes"]), default=0.0)
        end_of_piece = waveform.size / audio.RATE if with_audio else last_offset + 1.5

        shard.parent.mkdir(parents=True, exist_ok=True)
        partial = shard.with_suffix(".tar.partial")
        system_notes = []
        with tarfile.open(partial, "w") as tar:
            for index, box, crop, px_per_unit in boxes:
                first_measure, end_measure = starts[index]
                start = measure_onsets.get(first_measure + 1)
                end = measure_onsets.get(end_measure + 1, end_of_piece)
                if start is None or end <= start:
                    continue
                # [onset s, offset s, pitch, velocity, onset in quarters], all from the system's start
                notes = [[round(n["onset_seconds"] - start, 4), round(n["offset_seconds"] - start, 4), n["pitch"],
                          n["velocity"], round(n["onset_quarters"] - measure_quarters[first_measure + 1], 5)]
                         for n in performance["notes"] if first_measure < n["measure"] <= end_measure]
                scale, ox, oy = crop["scale"], crop["origin_x"], crop["origin_y"]
                noteheads = [[round((n["x"] * px_per_unit - ox) * scale, 1), round((n["y"] * px_per_unit - oy) * scale, 1)]
                             for n in layout["notes"] if n["system"] == index]
                key = f"{piece.id}-v{variant}-s{index:03d}"
                clip = None
                if with_audio:
                    # Measures past the sound's end (rests after the last note) are silence of their own length.
                    first_sample, end_sample = int(start * audio.RATE), int(end * audio.RATE)
                    clip = waveform[first_sample:end_sample]
                    clip = np.pad(clip, (0, max(end_sample - first_sample - clip.size, 0)))
                meta = {"piece": piece.id, "work": piece.work, "split": piece.split, "variant": variant,
                        "system": index, "page": box["page"], "box": box, "crop": crop | {"file": None},
                        "measures": [first_measure + 1, end_measure], "start_seconds": round(start, 4),
                        "end_seconds": round(end, 4), "notes": notes, "noteheads": noteheads,
                        "look": look, "layout": options, "tempo_scale": tempo_scale, "sound": sound}
                add_bytes(tar, key + ".pgm", Path(crop["file"]).read_bytes())
                add_bytes(tar, key + ".lmx", (lmx[index] + "\n").encode())
                if with_audio:
                    add_bytes(tar, key + ".flac", audio.flac_bytes(clip))
                    summary["audio_seconds"] += clip.size / audio.RATE
                    summary.setdefault("audio_lengths", []).append(round(clip.size / audio.RATE * audio.RATE / 512))
                add_bytes(tar, key + ".json", json.dumps(meta).encode())
                system_notes.append(notes)
                summary["systems"] += 1
                summary["lmx_lengths"].append(len(lmx[index].split()))
                summary["image_lengths"].append(-(-crop["height"] // 16) * -(-crop["width"] // 16))
        os.replace(partial, shard)
        if with_audio and system_notes:
            summary["midi_lengths"] = midi_token_lengths(sightread, system_notes, tmp)
    return summary


def midi_token_lengths(sightread, note_lists, tmp):
    """Each system's count of MIDI event tokens (20-s segments), from the C tokenizer in one call."""
    path = tmp / "notes.json"
    path.write_text(json.dumps([[{"onset": n[0], "offset": n[1], "pitch": n[2], "velocity": n[3]}
                                 for n in notes if n[0] >= 0 and n[1] > n[0]] for notes in note_lists]))
    encoded = json.loads(run([sightread, "midi", "encode", "--lists", "--json", path]))
    return [sum(len(segment) for segment in segments) for segments in encoded["lists"]]


def try_shard(job):
    """make_shard, with a failure reported instead of raised: one bad piece does not stop a build of thousands, and
    since it leaves no index entry, the next build tries it again."""
    piece, variant = job[0], job[1]
    try:
        return make_shard(job)
    except Exception as error:  # noqa: BLE001 - anything a piece can throw is reported and retried next time
        return {"piece": piece.id, "variant": variant, "failed": f"{type(error).__name__}: {error}"}


def build(args):
    data = Path(args.shared) / "data"
    cache = Path(args.cache).expanduser()
    sightread = Path(args.sightread).resolve()
    if not sightread.exists():
        raise SystemExit(f"{sightread} is missing: build the project first (./setup.sh test or ninja -C build)")
    todo = []
    for piece in pieces(data):
        if args.only and not re.search(args.only, piece.id):
            continue
        if args.splits and piece.split not in args.splits.split(","):
            continue
        for variant in range(args.variants):
            if not (cache / "index" / f"{piece.id}-v{variant}.json").exists():
                todo.append((piece, variant, shard_look(piece.id, variant, args.scan_share),
                             shard_sounded(piece.id, variant, args.audio_share), cache, sightread))
    if args.shuffle is not None:
        # A build cut short (--limit, or stopped) then holds a spread of the corpora, not the first corpus alone.
        random.Random(args.shuffle).shuffle(todo)
    if args.limit:
        todo = todo[:args.limit]
    (cache / "index").mkdir(parents=True, exist_ok=True)
    if any(job[3] for job in todo):
        # Written once here, not by every worker at once (a few seconds, once per SoundFont version).
        print("piano sounds: " + ", ".join(Path(font).stem for font in audio.available_soundfonts()), flush=True)
    print(f"{len(todo)} shards to make in {cache}", flush=True)
    started, systems = time.time(), 0
    with multiprocessing.Pool(args.jobs) as pool:
        failures = 0
        for i, summary in enumerate(pool.imap_unordered(try_shard, todo), 1):
            if "failed" in summary:
                failures += 1
                print(f"[{i}/{len(todo)}] {summary['piece']} v{summary['variant']}: FAILED {summary['failed']}",
                      flush=True)
                continue
            index = cache / "index" / f"{summary['piece']}-v{summary['variant']}.json"
            index.write_text(json.dumps(summary))
            systems += summary["systems"]
            elapsed = time.time() - started
            note = f"skipped: {summary['skipped']}" if summary["skipped"] else f"{summary['systems']} systems"
            print(f"[{i}/{len(todo)}] {summary['piece']} v{summary['variant']}: {note}  "
                  f"({systems / elapsed:.2f} systems/s)", flush=True)
    print(f"done: {systems} systems in {time.time() - started:.0f} s, {failures} shards failed (a new build retries "
          f"them)", flush=True)
    if failures:
        sys.exit(1)


def stats(args):
    cache = Path(args.cache).expanduser()
    summaries = [json.loads(p.read_text()) for p in sorted((cache / "index").glob("*.json"))]
    print(f"{cache}: {len(summaries)} shards, {sum(1 for s in summaries if s['skipped'])} skipped")
    for split in ("train", "validation", "test"):
        chosen = [s for s in summaries if s["split"] == split and not s["skipped"]]
        systems = sum(s["systems"] for s in chosen)
        hours = sum(s["audio_seconds"] for s in chosen) / 3600
        works = len({s["work"] for s in chosen})
        print(f"\n{split}: {systems} systems from {works} works, {hours:.2f} h of audio")
        for name, key, edges in (("LMX tokens", "lmx_lengths", [0, 100, 200, 400, 700, 1000, 1400, 10**9]),
                                 ("image steps", "image_lengths", [0, 100, 200, 400, 800, 1600, 3200, 10**9]),
                                 ("audio steps", "audio_lengths", [0, 200, 400, 862, 1723, 3446, 10**9]),
                                 ("MIDI tokens", "midi_lengths", [0, 100, 200, 400, 800, 1600, 10**9])):
            values = np.array([v for s in chosen for v in s.get(key, [])])
            if values.size == 0:
                continue
            counts, _ = np.histogram(values, bins=edges)
            cells = "  ".join(f"{a}–{b if b < 10**9 else '∞'}: {c}" for a, b, c in zip(edges, edges[1:], counts))
            print(f"  {name} (median {int(np.median(values))}, max {values.max()}): {cells}")
    real = sorted((cache / "shards" / "real-scan").glob("*.tar"))
    if real:
        pairs = 0
        for path in real:
            with tarfile.open(path) as tar:
                pairs += sum(1 for name in tar.getnames() if name.endswith(".pgm"))
        print(f"\nreal-scan validation pairs (train/data/scan_pairs.py): {pairs} systems from {len(real)} scans")
    reasons = {}
    for s in summaries:
        if s["skipped"]:
            reasons[s["skipped"].split(":")[0]] = reasons.get(s["skipped"].split(":")[0], 0) + 1
    if reasons:
        print("\nskipped: " + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="make the shards that are missing")
    s = commands.add_parser("stats", help="counts, hours of audio and token lengths per split (LMX, image, audio, MIDI)")
    for p in (b, s):
        p.add_argument("--cache", default="~/.cache/sightread/data", help="where the dataset lives (outside git)")
    b.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder (default ../shared)")
    b.add_argument("--sightread", default=str(REPO / "build" / "sightread"), help="the sightread program")
    b.add_argument("--variants", type=int, default=1,
                   help="layouts per piece (default 1); those after the first are scan-like")
    b.add_argument("--scan-share", type=float, default=0.5,
                   help="share of the pieces whose first variant is scan-like too (default 0.5)")
    b.add_argument("--audio-share", type=float, default=0.3,
                   help="share of the pieces whose first variant is sounded (default 0.3; 1: every piece)")
    b.add_argument("--only", help="only pieces whose id matches this regular expression")
    b.add_argument("--splits", help="only pieces of these splits, comma-separated (e.g. validation,test: a held-out "
                                    "set first)")
    b.add_argument("--limit", type=int, help="make at most this many shards")
    b.add_argument("--shuffle", type=int, metavar="SEED", help="make the shards in a seeded random order")
    b.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    args = parser.parse_args()
    build(args) if args.command == "build" else stats(args)


if __name__ == "__main__":
    main()
