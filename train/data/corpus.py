"""The pieces the data factory engraves: where they are, which work and split they belong to, and their MusicXML."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from splits import read_splits
from works import work_key


@dataclass(frozen=True)
class Piece:
    id: str      # stable name for file names: the path under shared/data, flattened
    path: Path   # the score file
    work: str
    split: str


def _flatten(relative):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(relative).rsplit(".", 1)[0]).strip("_")


def pieces(data):
    """ASAP scores (one per piece; the `_no_repeat` variants are the same music), the OpenScore Lieder songs and the
    kern piano corpora."""
    splits = read_splits()
    found = []
    asap = sorted((data / "aligned" / "asap").rglob("xml_score.mxl"))
    for path in asap:
        if "_no_" in path.parent.name and (path.parent.parent / path.parent.name.split("_no_")[0]).exists():
            continue
        found.append(path)
    found += sorted((data / "scores" / "musicxml" / "openscore-lieder").rglob("*.mxl"))
    # Kern: piano music read through verovio's MEI. The chorales are four voices, not piano music: left out.
    found += sorted(p for p in (data / "scores" / "kern").rglob("*.krn") if p.parent.name != "bach-370-chorales")
    result = []
    for path in found:
        relative = path.relative_to(data)
        key = work_key(str(relative))
        if key not in splits:
            raise SystemExit(f"{relative}: its work {key} has no split; run train/data/splits.py first")
        result.append(Piece(_flatten(relative), path, key, splits[key]))
    return result


def spread_pieces(data, split, limit):
    """LIMIT pieces of SPLIT spread evenly over it, in corpus order (the evaluation scripts' sample)."""
    chosen = [p for p in pieces(data) if p.split == split]
    step = max(len(chosen) / limit, 1)
    return [chosen[int(i * step)] for i in range(min(limit, len(chosen)))]


def read_mxl(path):
    """The root MusicXML text of a .mxl container, as META-INF/container.xml names it."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = None
        if "META-INF/container.xml" in names:
            container = ET.fromstring(archive.read("META-INF/container.xml"))
            for element in container.iter():
                if element.tag.endswith("rootfile") and element.get("full-path"):
                    root = element.get("full-path")
                    break
        if root is None:
            root = next(n for n in names if n.endswith((".xml", ".musicxml")) and not n.startswith("META-INF"))
        return archive.read(root)


def piano_part(xml_bytes):
    """The score with only its keyboard part: the part with the most staves (a grand staff), ties going to the
    last such part (songs put the voice first). Returns (MusicXML bytes, number of measures, part index) or None."""
    root = ET.fromstring(xml_bytes)
    parts = root.findall("part")
    if not parts:
        return None
    def staves(part):
        values = [int(s.text) for s in part.iter("staves") if s.text and s.text.strip().isdigit()]
        return max(values, default=1)
    best = max(range(len(parts)), key=lambda i: (staves(parts[i]), i))
    keep = parts[best].get("id")
    part_list = root.find("part-list")
    if part_list is not None:
        for child in list(part_list):
            if child.tag == "score-part" and child.get("id") != keep:
                part_list.remove(child)
            elif child.tag == "part-group":
                part_list.remove(child)
    for i, part in enumerate(parts):
        if i != best:
            root.remove(part)
    measures = len(parts[best].findall("measure"))
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue(), measures, best
