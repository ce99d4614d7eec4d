"""Proposes system boxes for the labelled real-scan pages, by a method of its own (not the program's detector), for a
person to check and correct; writes tests/data/real-scan-system-boxes.tsv and one preview PNG a page.

  /usr/bin/python3 tools/label-system-boxes.py SIGHTREAD [--shared ../shared] [--previews DIR]

For each page in tests/data/real-scan-system-counts.tsv (file, page, how many systems a reader counts), the page is
rendered by `sightread pages` and turned level by the angle `sightread systems` reports (so the boxes are in the
pixels of the page as the program analyses it) and:
1. staff lines are the rows where, in the middle third of the page's width (where a skewed or curved page's lines
   stay level), horizontal dark runs of 40 px or more cover a share of it: a quarter, or less (a sixth, an eighth, a
   tenth) where that finds two staves a counted system (faint pages);
2. lines 0–1.6 staff spaces apart (one staff space measured on the page) make a staff; twice as many staves as
   counted systems pair up into grand staves (these are piano editions), other numbers fall into the counted number
   of systems at the widest gaps between neighbouring staves;
3. a system's box is the bounding box of the ink in its band: from its top staff line up to one staff height (room
   for ledger lines, stems, dynamics) but never past the middle of the gap to the system above, and likewise below,
   and only as far as the ink goes on without a blank stretch wider than a staff space (text beyond that — a title,
   a footnote, a copyright line — is not the system's);
   columns and rows with fewer than 3 dark pixels are specks, not ink, and a thin inked stretch of columns (under
   1.5 staff spaces) standing apart in the page's outer fiftieth is the scan's dark edge.
Corrections a person made after looking at the previews go in OVERRIDES below, with the reason."""

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
COUNTS = REPO / "tests" / "data" / "real-scan-system-counts.tsv"
BOXES = REPO / "tests" / "data" / "real-scan-system-boxes.tsv"
OVERRIDES = {}  # (file, page) → list of (x0, y0, x1, y1), set by hand after looking at the preview


def long_run_cover(dark, length=40):
    """Per row, how many pixels lie in horizontal dark runs of at least LENGTH."""
    cover = np.zeros(dark.shape[0], dtype=np.int64)
    padded = np.pad(dark.astype(np.int8), ((0, 0), (1, 1)))
    edges = np.diff(padded, axis=1)
    for row in range(dark.shape[0]):
        starts = np.flatnonzero(edges[row] == 1)
        ends = np.flatnonzero(edges[row] == -1)
        runs = ends - starts
        cover[row] = runs[runs >= length].sum()
    return cover


def staff_lines(dark, share):
    middle = dark[:, dark.shape[1] // 3:2 * dark.shape[1] // 3]  # a skewed or curved page's lines stay level here
    rows = np.flatnonzero(long_run_cover(middle) > middle.shape[1] * share)
    lines, start = [], None
    for i, row in enumerate(rows):
        if start is None:
            start = row
        if i + 1 == len(rows) or rows[i + 1] > row + 1:
            lines.append((start + row) / 2)
            start = None
    return lines


def staves_of(lines):
    gaps = np.diff(lines)
    space = float(np.median(gaps[gaps < np.percentile(gaps, 60) * 1.5])) if len(gaps) else 0
    if len(lines) == 0:
        return [], 0
    staves, current = [], [lines[0]]
    for a, b in zip(lines, lines[1:]):
        if b - a <= 1.6 * space:
            current.append(b)
        else:
            staves.append(current)
            current = [b]
    if current:
        staves.append(current)
    return [s for s in staves if len(s) >= 4], space


def ink_span(inked, space):
    """The first and last inked column, leaving out thin runs (under 1.5 staff spaces wide, gaps up to half a space
    bridged) that touch the page's outer fiftieth: the scan's dark edge (slanted on a turned page)."""
    columns = np.flatnonzero(inked)
    runs, start = [], columns[0]
    for a, b in zip(columns, columns[1:]):
        if b - a > space / 2:
            runs.append((start, a))
            start = b
    runs.append((start, columns[-1]))
    near_edge = len(inked) / 50
    wide = [r for r in runs if r[1] - r[0] >= 1.5 * space or near_edge < r[0] and r[1] < len(inked) - near_edge] or runs
    return int(wide[0][0]), int(wide[-1][1])


def boxes_for(dark, count):
    # A skewed or faint page's lines cover less of a row: the lowest share that finds two staves a system (piano), or
    # else one, or else at least one.
    found = [staves_of(staff_lines(dark, share)) for share in (1 / 4, 1 / 6, 1 / 8, 1 / 10)]
    for wanted in (lambda n: n == 2 * count, lambda n: n == count, lambda n: n >= count):
        chosen = [f for f in found if wanted(len(f[0]))]
        if chosen:
            staves, space = chosen[0]
            break
    else:
        return None, f"{max(len(f[0]) for f in found)} staves for {count} systems"
    gaps = [staves[i + 1][0] - staves[i][-1] for i in range(len(staves) - 1)]
    if len(staves) == 2 * count:
        cuts = list(range(1, len(staves) - 1, 2))  # piano: a grand staff a system, whatever the gaps
    else:
        cuts = sorted(np.argsort(gaps)[::-1][:count - 1]) if count > 1 else []
    systems, first = [], 0
    for cut in list(cuts) + [len(staves) - 1]:
        systems.append((staves[first][0], staves[cut][-1]))
        first = cut + 1
    height = 4 * space
    boxes = []
    for i, (top, bottom) in enumerate(systems):
        above = top - height if i == 0 else max(top - height, (systems[i - 1][1] + top) / 2)
        below = bottom + height if i + 1 == len(systems) else min(bottom + height, (bottom + systems[i + 1][0]) / 2)
        y0, y1 = int(max(above, 0)), int(min(below, dark.shape[0] - 1))
        inked = dark[y0:y1 + 1].sum(1) >= 3
        # From the outer staff lines outwards, ink goes on until a blank stretch wider than a staff space: text
        # beyond it (a title, a footnote, a copyright line) is not the system's.
        first = int(top) - y0
        last = int(bottom) - y0
        for step, end in ((-1, 0), (1, len(inked) - 1)):
            row, blank, edge = (first if step < 0 else last), 0, (first if step < 0 else last)
            while row != end and blank <= space:
                row += step
                blank = 0 if inked[row] else blank + 1
                if inked[row]:
                    edge = row
            if step < 0:
                first = edge
            else:
                last = edge
        band = dark[y0 + first:y0 + last + 1]
        ink = band.sum(0)
        left, right = ink_span(ink >= 3, space)
        boxes.append((left, y0 + first, right, y0 + last))
    return boxes, None


def straightened(image, sightread, path, page):
    """The page turned as the program turns it before it looks for systems (deskew.c: about its centre, by the angle it
    reports), so that the labels lie on the same pixels as its boxes. The angle is the only thing taken from the
    program; the previews show whether the staff lines come out level."""
    found = json.loads(subprocess.run([sightread, "systems", "--json", "--page", page, str(path)], check=True,
                                      capture_output=True, text=True).stdout)["systems"]
    degrees = found[0]["skew_degrees"] if found else 0.0
    if abs(degrees) < 0.05:
        return image
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    cx, cy = image.width / 2, image.height / 2
    # Each straightened pixel (x, y) comes from (cx + dx c − dy s, cy + dx s + dy c) on the scan, bilinear, white outside.
    return image.transform(image.size, Image.AFFINE, (c, -s, cx - cx * c + cy * s, s, c, cy - cx * s - cy * c),
                           resample=Image.BILINEAR, fillcolor=255)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sightread")
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--previews", help="write a preview PNG a page here")
    args = parser.parse_args()
    out = ["# System boxes on the real-scan pages of real-scan-system-counts.tsv, in the program's page pixels (the scan's own resolution).",
           "# Proposed by tools/label-system-boxes.py (its docstring says how) and checked by eye on its previews;",
           "# corrections are in its OVERRIDES. x0 y0 x1 y1 inclusive. Checked on 2026-11-26: every page's systems are",
           "# found and split as a reader splits them; a box takes all ink in its band, so a mark in the margin or the",
           "# scan's dark edge beside a system widens it (L503K513 page 4 reaches the right edge; L101K156 page 2 system 2",
           "# starts at a margin mark).",
           "# file (under ../shared/data)\tpage\tsystem\tx0\ty0\tx1\ty1"]
    failures = 0
    for line in COUNTS.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        file, page, count = line.split("\t")
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run([args.sightread, "pages", str(Path(args.shared) / "data" / file), "-o", folder], check=True,
                           capture_output=True)
            image = Image.open(Path(folder) / f"page-{int(page):03d}.png").convert("L")
        image = straightened(image, args.sightread, Path(args.shared) / "data" / file, page)
        dark = np.asarray(image) < 128
        boxes = OVERRIDES.get((file, int(page)))
        if boxes is None:
            boxes, why = boxes_for(dark, int(count))
            if boxes is None:
                print(f"{file} page {page}: {why}: label it by hand in OVERRIDES", file=sys.stderr)
                failures += 1
                continue
        for i, box in enumerate(boxes):
            out.append("\t".join([file, page, str(i + 1), *map(str, box)]))
        if args.previews:
            preview = image.convert("RGB")
            draw = ImageDraw.Draw(preview)
            for box in boxes:
                draw.rectangle(box, outline=(255, 0, 0), width=6)
            name = f"{Path(file).stem}-p{page}.png"
            preview.resize((preview.width // 4, preview.height // 4)).save(Path(args.previews) / name)
    BOXES.write_text("\n".join(out) + "\n")
    print(f"{sum(not line.startswith('#') for line in out)} boxes written to {BOXES}; {failures} pages need a hand label")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
