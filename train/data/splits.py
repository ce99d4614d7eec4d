"""Train / validation / test splits by work, made before anything else and kept in train/splits.tsv.

Run:  /usr/bin/python3 train/data/splits.py [--shared ../shared]
A work already in the file keeps its split for ever; a new work gets one from a hash of its key (90 / 5 / 5), so the
file only ever grows. Works whose printed edition is among the real scans are validation, whatever the hash says:
the scans are validation pairs, and the model must not have trained on an engraving of the same music."""

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from works import work_key  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SPLITS = REPO / "train" / "splits.tsv"


def corpus_scores(data):
    """Every score file the data factory reads, as paths relative to DATA."""
    paths = [p for p in (data / "scores" / "kern").rglob("*.krn")]
    paths += [p for p in (data / "aligned" / "asap").rglob("xml_score.mxl")]
    paths += [p for p in (data / "scores" / "musicxml" / "openscore-lieder").rglob("*.mxl")]
    return sorted(str(p.relative_to(data)) for p in paths)


def scanned_works(data):
    works = set()
    for pdf in (data / "scans" / "reference-editions").rglob("*.pdf"):
        kern = data / "scores" / "kern" / pdf.parent.name / (pdf.stem + ".krn")
        if kern.exists():
            works.add(work_key(str(kern.relative_to(data))))
    return works


def key_fraction(key):
    """A number in [0, 1) fixed by KEY: its place in a share that stays put from run to run."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 2**32


def hashed_split(key):
    bucket = key_fraction(key)
    return "train" if bucket < 0.90 else "validation" if bucket < 0.95 else "test"


def read_splits(path=SPLITS):
    splits = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line and not line.startswith("#"):
                key, split = line.split("\t")
                splits[key] = split
    return splits


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder (default ../shared)")
    args = parser.parse_args()
    data = Path(args.shared) / "data"
    splits = read_splits()
    scanned = scanned_works(data)
    added = 0
    for path in corpus_scores(data):
        key = work_key(path)
        if key not in splits:
            splits[key] = "validation" if key in scanned else hashed_split(key)
            added += 1
    with open(SPLITS, "w") as out:
        out.write("# work\tsplit  (made by train/data/splits.py; lines are never changed, only added)\n")
        for key in sorted(splits):
            out.write(f"{key}\t{splits[key]}\n")
    counts = {s: sum(1 for v in splits.values() if v == s) for s in ("train", "validation", "test")}
    print(f"{len(splits)} works ({added} new): " + ", ".join(f"{n} {s}" for s, n in counts.items()))


if __name__ == "__main__":
    main()
