"""A contact sheet of random crops from the shards, each above the start of its LMX: for checking pairs by eye.

  /usr/bin/python3 train/data/contact_sheet.py OUT.png [--split real-scan|train|…] [--look scan] [--count 24]"""

import argparse
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sightread_train.shards import samples, shard_paths  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--cache", default="~/.cache/sightread/data")
    parser.add_argument("--split", default="train")
    parser.add_argument("--look", help="only this look: engraved, scan or real-scan")
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lmx", type=int, default=12, help="LMX tokens to print under each crop (0: none)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    paths = shard_paths(args.cache, args.split)
    rng.shuffle(paths)
    chosen = []
    for sample in samples(paths[: args.count * 4], wanted=("pgm", "lmx", "json"),
                          looks={args.look} if args.look else None):
        chosen.append(sample)
    chosen = rng.sample(chosen, min(args.count, len(chosen)))
    width = max(s["pgm"].shape[1] for s in chosen)
    rows = [(Image.fromarray(s["pgm"]), " ".join(s["lmx"].split()[: args.lmx]), s["key"]) for s in chosen]
    text = 14 if args.lmx else 0
    sheet = Image.new("L", (width, sum(im.height + text + 16 for im, _, _ in rows)), 255)
    draw = ImageDraw.Draw(sheet)
    y = 0
    for image, tokens, key in rows:
        draw.text((2, y), key[-40:], fill=96)
        sheet.paste(image, (0, y + 12))
        if text:
            draw.text((2, y + 12 + image.height), tokens, fill=0)
        y += image.height + text + 16
    sheet.save(args.output)
    print(f"{len(rows)} crops → {args.output}")


if __name__ == "__main__":
    main()
