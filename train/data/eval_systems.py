"""The system detector against the engraver's own boxes (issue 10's engraved-page targets).

  /usr/bin/python3 train/data/eval_systems.py [--look engraved|scan] [--split test] [--limit 30] [--json OUT.json]

Pieces of the split are engraved exactly as the data factory engraves them (same seed, same layout, same page
images: build.py's engrave_pages): the clean variant 0, or with --look scan variant 1, degraded like a scan and
turned by up to 1.5 degrees. `sightread systems --json` reads every page (straightening it first, so a scan-like
page's systems are compared with their boxes before the page was turned), and each known system box is matched to at most one detected box (greedily by intersection over union, a match at IoU >= 0.5). Reported:
system recall and precision, mean IoU of the matches, the staff height's relative error, pages whose system count is
right. Targets: recall and precision >= 99 %, mean IoU >= 0.90, staff height within 5 %."""

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import engrave_pages, evaluation_sample  # noqa: E402


def iou(a, b):
    x0, y0 = max(a["x"], b["x"]), max(a["y"], b["y"])
    x1 = min(a["x"] + a["width"], b["x"] + b["width"])
    y1 = min(a["y"] + a["height"], b["y"] + b["height"])
    inter = max(x1 - x0, 0) * max(y1 - y0, 0)
    union = a["width"] * a["height"] + b["width"] * b["height"] - inter
    return inter / union if union > 0 else 0.0


def match(known, detected, threshold=0.5):
    """Pairs (known index, detected index, IoU), one-to-one, best overlaps first."""
    candidates = sorted(((iou(k, d), i, j) for i, k in enumerate(known) for j, d in enumerate(detected)),
                        reverse=True)
    used_known, used_detected, pairs = set(), set(), []
    for overlap, i, j in candidates:
        if overlap < threshold or i in used_known or j in used_detected:
            continue
        used_known.add(i)
        used_detected.add(j)
        pairs.append((i, j, overlap))
    return pairs


def main():
    args, chosen = evaluation_sample(__doc__, 30)
    known_total = detected_total = matched = right_count = n_pages = 0
    overlaps, staff_errors, report = [], [], []
    for piece in chosen:
        with tempfile.TemporaryDirectory(prefix="sr-eval-systems-") as tmp:
            variant = 0 if args.look == "engraved" else 1
            engraved = engrave_pages(piece, args.look, Path(tmp), random.Random(f"{piece.id}/{variant}"))
            if isinstance(engraved, str):
                print(f"{piece.id}: skipped ({engraved})", file=sys.stderr)
                continue
            for page_index, png, page_boxes, _ in engraved[3]:
                answer = subprocess.run([args.sightread, "systems", str(png), "--json"], capture_output=True,
                                        text=True)
                if answer.returncode != 0:
                    raise SystemExit(f"sightread systems {png}: {answer.stderr.strip()}")
                detected = json.loads(answer.stdout)["systems"]
                known = [box["upright"] | {"staff_height": box["staff_height"]} if "upright" in box else box
                         for _, box in page_boxes]
                pairs = match(known, detected)
                known_total += len(known)
                detected_total += len(detected)
                matched += len(pairs)
                right_count += len(known) == len(detected)
                n_pages += 1
                overlaps += [overlap for _, _, overlap in pairs]
                staff_errors += [abs(detected[j]["staff_height"] / known[i]["staff_height"] - 1) for i, j, _ in pairs]
                report.append({"piece": piece.id, "page": page_index + 1, "known": len(known),
                               "detected": len(detected), "matched": len(pairs),
                               "mean_iou": sum(o for _, _, o in pairs) / len(pairs) if pairs else 0.0})
                if len(pairs) < max(len(known), len(detected)):
                    print(f"{piece.id} page {page_index + 1}: {len(known)} systems, {len(detected)} found, "
                          f"{len(pairs)} matched", file=sys.stderr)
    summary = {
        "look": args.look, "split": args.split, "pieces": len(chosen), "pages": n_pages, "systems": known_total,
        "recall": matched / max(known_total, 1), "precision": matched / max(detected_total, 1),
        "mean_iou": sum(overlaps) / max(len(overlaps), 1),
        "staff_height_error_mean": sum(staff_errors) / max(len(staff_errors), 1),
        "staff_height_within_5_percent": sum(e <= 0.05 for e in staff_errors) / max(len(staff_errors), 1),
        "pages_with_the_right_count": right_count / max(n_pages, 1),
    }
    print(f"{summary['pages']} {args.look} pages of {summary['pieces']} {args.split} pieces, {known_total} systems: "
          f"recall {100 * summary['recall']:.2f} %, precision {100 * summary['precision']:.2f} %, mean IoU "
          f"{summary['mean_iou']:.3f}, staff height off by {100 * summary['staff_height_error_mean']:.2f} % on "
          f"average ({100 * summary['staff_height_within_5_percent']:.1f} % within 5 %), system count right on "
          f"{100 * summary['pages_with_the_right_count']:.1f} % of pages")
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "pages": report}, indent=1) + "\n")


if __name__ == "__main__":
    main()
