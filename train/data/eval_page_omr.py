"""OMR of whole pages against OMR of the ground-truth crops (issue 12: "OMR from a whole engraved page, detection and
reading, within 2 SER points of reading the ground-truth crops").

  /usr/bin/python3 train/data/eval_page_omr.py [--look engraved|scan] [--split test] [--limit 12] [--json OUT.json]

Pieces of the split are engraved exactly as the data factory engraves them (build.py's engrave_pages, same seed).
Each page is read twice by `sightread omr` with the shipped models: once at the engraver's own system boxes
(`--boxes`: the crops the model was trained on), once finding its systems itself (straightening, detection,
cropping). A page's reading is its systems' LMX one after another, compared with the page's reference LMX (the
systems' measures, `sightread lmx encode --measures`) by the C metric (`sightread eval ser`): a system missed, split
or merged by the detector costs what it costs the reader. Reported: SER of both routes over all pages, and the
difference."""

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import engrave_pages, evaluation_sample, system_lmx  # noqa: E402


def run(*arguments):
    answer = subprocess.run([str(a) for a in arguments], capture_output=True, text=True)
    if answer.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, arguments))}: {answer.stderr.strip()}")
    return answer.stdout


def reading(sightread, png, lmx, boxes=None):
    """The page's reading: its systems' LMX lines joined, in reading order."""
    run(sightread, "omr", "-q", png, "--lmx", lmx, *(["--boxes", boxes] if boxes else []))
    return " ".join(line.strip() for line in Path(lmx).read_text().splitlines() if line and not line.startswith("#"))


def ser(sightread, references, readings, folder):
    ref, pred = Path(folder) / "ref.lmx", Path(folder) / "pred.lmx"
    ref.write_text("".join(r + "\n" for r in references))
    pred.write_text("".join(r + "\n" for r in readings))
    return json.loads(run(sightread, "eval", "ser", "--json", ref, pred))


def main():
    args, chosen = evaluation_sample(__doc__, 12)
    references, given, found, report = [], [], [], []
    variant = 0 if args.look == "engraved" else 1
    for piece in chosen:
        with tempfile.TemporaryDirectory(prefix="sr-eval-page-omr-") as tmp:
            tmp = Path(tmp)
            engraved = engrave_pages(piece, args.look, tmp, random.Random(f"{piece.id}/{variant}"))
            if isinstance(engraved, str):
                print(f"{piece.id}: skipped ({engraved})", file=sys.stderr)
                continue
            score, layout, _, pages = engraved
            _, lmx = system_lmx(args.sightread, score, layout)
            for page_index, png, page_boxes, _ in pages:
                boxes = tmp / f"boxes-{page_index + 1}.json"
                boxes.write_text(json.dumps([{k: b[k] for k in ("x", "y", "width", "height", "staff_height")} |
                                             {"page": 1} for _, b in page_boxes]))
                references.append(" ".join(lmx[index] for index, _ in page_boxes))
                given.append(reading(args.sightread, png, tmp / "given.lmx", boxes))
                found.append(reading(args.sightread, png, tmp / "found.lmx"))
                report.append({"piece": piece.id, "page": page_index + 1, "systems": len(page_boxes)})
    with tempfile.TemporaryDirectory() as folder:
        at_boxes = ser(args.sightread, references, given, folder)
        detected = ser(args.sightread, references, found, folder)
    summary = {"look": args.look, "split": args.split, "pages": len(references),
               "systems": sum(r["systems"] for r in report), "ser_ground_truth_crops": at_boxes["ser"],
               "ser_whole_pages": detected["ser"], "difference": detected["ser"] - at_boxes["ser"]}
    print(f"{summary['pages']} {args.look} pages ({summary['systems']} systems) of {len(chosen)} {args.split} pieces: "
          f"SER {summary['ser_ground_truth_crops']:.2f} % reading the engraver's crops, "
          f"{summary['ser_whole_pages']:.2f} % reading whole pages (difference {summary['difference']:+.2f} points)")
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "pages": report}, indent=1) + "\n")


if __name__ == "__main__":
    main()
