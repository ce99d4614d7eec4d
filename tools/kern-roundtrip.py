"""Kern → (verovio) MEI → LMX → MusicXML → LMX on a sample of the kern corpora: how many measures come back identical.

  /usr/bin/python3 tools/kern-roundtrip.py [--count 60] [--seed 3] [--sightread build/sightread]

The kern corpora reach the models only through verovio's MEI and app/notation/mei-read.c; this measures that the
LMX they give is stable, as tests/test-lmx-corpus.c does for the MusicXML corpora."""

import argparse
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "train" / "data"))
from engraver import Engraver  # noqa: E402


def measures(lmx):
    """The measures of an LMX text, as token lists ('measure' tokens start them; 'rest:measure' does not)."""
    result = []
    for token in lmx.split():
        if token == "measure":
            result.append([])
        elif result:
            result[-1].append(token)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--sightread", default=str(REPO / "build" / "sightread"))
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    args = parser.parse_args()
    files = sorted(p for p in (Path(args.shared) / "data" / "scores" / "kern").rglob("*.krn")
                   if p.parent.name != "bach-370-chorales")
    random.Random(args.seed).shuffle(files)
    engraver = Engraver()
    same = total = failed = 0
    for kern in files[: args.count]:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            answer = engraver.engrave(kern, tmp / "e", {}, mei=True)
            mei = tmp / "e" / "score.mei"
            first = subprocess.run([args.sightread, "lmx", "encode", mei, "--part", "1"], capture_output=True, text=True)
            if not answer.get("ok") or first.returncode != 0:
                failed += 1
                print(f"{kern.name}: failed")
                continue
            (tmp / "a.lmx").write_text(first.stdout)
            subprocess.run([args.sightread, "lmx", "decode", tmp / "a.lmx", "-o", tmp / "a.musicxml"], check=True,
                           capture_output=True)
            again = subprocess.run([args.sightread, "lmx", "encode", tmp / "a.musicxml", "--part", "1"],
                                   capture_output=True, text=True, check=True)
            a, b = measures(first.stdout), measures(again.stdout)
            in_mei = len(re.findall(r"<measure[ >]", mei.read_text()))
            if in_mei != len(a):
                print(f"{kern.name}: {in_mei} measures in the MEI, {len(a)} in the LMX")
            total += len(a)
            same += sum(1 for x, y in zip(a, b) if x == y)
    engraver.close()
    print(f"{same} of {total} measures identical after LMX → MusicXML → LMX ({100 * same / max(total, 1):.3f} %), "
          f"{min(args.count, len(files))} kern files, {failed} failed")


if __name__ == "__main__":
    main()
