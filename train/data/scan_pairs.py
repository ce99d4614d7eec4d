"""Real-scan validation pairs: the scanned printed editions in ../shared/data/scans cut into systems, each paired with
the LMX of the same measures from the kern encoding of that edition.

  /usr/bin/python3 train/data/scan_pairs.py [--cache ~/.cache/sightread/data]

The kern files mark the edition's line breaks (!!LO:LB:g=original); verovio carries them into its MEI as <sb>, and
the MEI reader into <print new-system>. `sightread systems` finds the systems on the scanned pages. Where the two
counts agree, the k-th system found is the k-th system encoded; where they differ, the piece is left out and listed
(never guessed). The pairs go to <cache>/shards/real-scan/<piece>.tar like the factory's shards (look "real-scan"),
and are for validation only: their works are validation works in train/splits.tsv."""

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import add_bytes, run  # noqa: E402
from engraver import Engraver  # noqa: E402
from splits import read_splits  # noqa: E402
from works import work_key  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def encoded_systems(mei_text):
    """Measure ranges (0-based, end excluded) of the systems the encoding's <sb> elements delimit."""
    ranges, start, index = [], 0, 0
    for match in re.finditer(r"<(measure|sb)[ >/]", mei_text):
        if match.group(1) == "measure":
            index += 1
        elif index > start:
            ranges.append((start, index))
            start = index
    if index > start:
        ranges.append((start, index))
    return ranges


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default="~/.cache/sightread/data")
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--sightread", default=str(REPO / "build" / "sightread"))
    args = parser.parse_args()
    data = Path(args.shared) / "data"
    out = Path(args.cache).expanduser() / "shards" / "real-scan"
    out.mkdir(parents=True, exist_ok=True)
    splits = read_splits()
    engraver = Engraver()
    made, left_out = 0, []
    for pdf in sorted((data / "scans" / "reference-editions").rglob("*.pdf")):
        kern = data / "scores" / "kern" / pdf.parent.name / (pdf.stem + ".krn")
        if not kern.exists():
            left_out.append((pdf.name, "no kern file"))
            continue
        key = work_key(str(kern.relative_to(data)))
        if splits.get(key) == "train":
            left_out.append((pdf.name, f"its work {key} is a training work"))
            continue
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            answer = engraver.engrave(kern, tmp / "engraved", {"breaks": "encoded"}, mei=True)
            if not answer.get("ok"):
                left_out.append((pdf.name, f"verovio: {answer.get('error')}"))
                continue
            mei = tmp / "engraved" / "score.mei"
            systems = encoded_systems(mei.read_text())
            found = json.loads(run([args.sightread, "systems", pdf, "--json"]))["systems"]
            if len(systems) < 2 or len(found) != len(systems):
                left_out.append((pdf.name, f"{len(found)} systems on the scan, {len(systems)} encoded"))
                continue
            (tmp / "boxes.json").write_text(json.dumps(found))
            crops = json.loads(run([args.sightread, "crop", pdf, "--boxes", tmp / "boxes.json", "-o", tmp / "crops",
                                    "--json"]))
            ranges = ",".join(f"{a + 1}-{b}" for a, b in systems)
            lmx = run([args.sightread, "lmx", "encode", mei, "--part", "1", "--measures", ranges]).splitlines()
            piece = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{pdf.parent.name}_{pdf.stem}")
            partial = out / f"{piece}.tar.partial"
            with tarfile.open(partial, "w") as tar:
                for k, (box, crop, line) in enumerate(zip(found, crops, lmx)):
                    name = f"{piece}-s{k:03d}"
                    meta = {"piece": piece, "work": key, "split": splits.get(key, "validation"), "look": "real-scan",
                            "scan": str(pdf.relative_to(data)), "kern": str(kern.relative_to(data)), "system": k,
                            "box": box, "crop": crop | {"file": None},
                            "measures": [systems[k][0] + 1, systems[k][1]]}
                    add_bytes(tar, name + ".pgm", Path(crop["file"]).read_bytes())
                    add_bytes(tar, name + ".lmx", (line + "\n").encode())
                    add_bytes(tar, name + ".json", json.dumps(meta).encode())
            partial.rename(out / f"{piece}.tar")
            made += len(found)
            print(f"{pdf.parent.name}/{pdf.name}: {len(found)} pairs", flush=True)
    engraver.close()
    print(f"\n{made} real-scan pairs in {out}; left out {len(left_out)} scans:")
    for name, reason in left_out:
        print(f"  {name}: {reason}")


if __name__ == "__main__":
    main()
