"""Which work a corpus file belongs to, so that splits are made by work, across corpora.

The same piece often sits in two corpora (Beethoven's sonatas are both kern and ASAP MusicXML; Chopin's études are in
ASAP and in the NIFC first editions), and a work has many files (movements, editions, `_no_repeat` variants). Every
file maps to one work key; files with equal keys always land in the same split. Where numbering schemes might
disagree the keys err towards joining works, which costs nothing but a little balance."""

import re
from pathlib import PurePosixPath

CHOPIN_BALLADE_OPUS = {1: 23, 2: 38, 3: 47, 4: 52}
CHOPIN_SONATA_OPUS = {1: 4, 2: 35, 3: 58}


def _kern_key(collection, stem):
    m = re.fullmatch(r"sonata(\d+)-.*", stem)
    if m and collection in ("beethoven-piano-sonatas", "mozart-piano-sonatas", "haydn-piano-sonatas"):
        return f"{collection.split('-')[0]}/sonata/{int(m.group(1))}"
    m = re.fullmatch(r"wtc([12])[pf](\d+)", stem)
    if m and collection == "bach-wtc":
        return f"bach/bwv/{846 + (int(m.group(1)) - 1) * 24 + int(m.group(2)) - 1}"
    m = re.fullmatch(r"(\d+)-.*", stem)
    if m and collection == "chopin-first-editions-nifc":
        return f"chopin/op/{int(m.group(1))}"
    m = re.fullmatch(r"(?:mazurka|prelude)(\d+)-.*", stem)
    if m and collection in ("chopin-mazurkas", "chopin-preludes"):
        return f"chopin/op/{int(m.group(1))}"
    m = re.fullmatch(r"L\d+(K\d+)", stem)
    if m and collection == "scarlatti-keyboard-sonatas":
        return f"scarlatti/{m.group(1)}"
    return f"{collection}/{stem}"


def _asap_key(parts):
    composer, collection, piece = parts[0], parts[1], re.sub(r"_no_.*", "", parts[2]) if len(parts) > 2 else ""
    number = re.match(r"(\d+)", piece)
    if collection in ("Piano_Sonatas", "Keyboard_Sonatas") and number:
        return f"{composer.lower()}/sonata/{int(number.group(1))}"
    if composer == "Bach" and collection in ("Prelude", "Fugue"):
        return f"bach/bwv/{int(re.sub(r'[^0-9]', '', piece))}"
    if composer == "Chopin":
        opus = re.search(r"op_(\d+)", collection)
        if opus:
            return f"chopin/op/{int(opus.group(1))}"
        if collection == "Ballades" and number:
            return f"chopin/op/{CHOPIN_BALLADE_OPUS[int(number.group(1))]}"
        if collection in ("Scherzos", "Polonaises") and number:
            return f"chopin/op/{int(number.group(1))}"
        sonata = re.fullmatch(r"Sonata_(\d)", collection)
        if sonata:
            return f"chopin/op/{CHOPIN_SONATA_OPUS[int(sonata.group(1))]}"
        return f"chopin/{collection.lower()}"
    return "/".join(p.lower() for p in (composer, collection, re.sub(r"-\d+$", "", piece)) if p)


def work_key(relative_path):
    """RELATIVE_PATH is a score's path under shared/data, e.g. 'aligned/asap/Chopin/Scherzos/20/xml_score.mxl'."""
    p = PurePosixPath(relative_path)
    parts = p.parts
    if parts[:2] == ("scores", "kern"):
        return _kern_key(parts[2], p.stem)
    if parts[:2] == ("aligned", "asap"):
        return _asap_key(parts[2:-1])
    if parts[:3] == ("scores", "musicxml", "openscore-lieder"):
        # scores/<composer>/<set>/<song>/lcNNN.mxl: a song is a work
        return "lieder/" + "/".join(parts[4:-1]).lower()
    raise ValueError(f"no work rule for {relative_path}")
