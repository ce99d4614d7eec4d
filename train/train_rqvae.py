"""Trains, evaluates and exports the score-image tokenizer (RQVAE) on the data factory's crops.

  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 train/train_rqvae.py train --steps 2000      # resumes from the shipped model
  torchrun --nproc_per_node 8 train/train_rqvae.py train --steps 2000                 # the same with DDP
  /usr/bin/python3 train/train_rqvae.py eval [--model resources/models/rqvae.safetensors]

Training resumes from the exported weights alone (resources/models/rqvae.safetensors) when they exist, so a run that
is stopped loses at most the steps since the last export. Each validation that improves the binarised pixel error
exports: fp16 weights, metadata (spec §6) and a golden file for the C parity tests."""

import argparse
import copy
import datetime
import json
import logging
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sightread_train import safetensors_io  # noqa: E402
from sightread_train.rqvae import RQVAE, RQVAEConfig, flatten_codes, pad_to_multiple, pixels_to_ink  # noqa: E402
from sightread_train.shards import samples, shard_paths  # noqa: E402
from sightread_train.training import place, setup_logging, unwrap, wrap  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "resources" / "models" / "rqvae.safetensors"
FORMAT = 1


def training_windows(cache, height, width, seed):
    """Endless random windows HEIGHT × WIDTH of training crops (ink units), padded with paper where a crop is
    smaller; a shuffle buffer mixes shards."""
    rng = random.Random(seed)
    buffer = []
    epoch = 0
    while True:
        paths = shard_paths(cache, "train")
        if not paths:
            raise SystemExit(f"no training shards in {cache}: run train/data/build.py build first")
        for sample in samples(paths, wanted=("pgm", "json"), shuffle_seed=seed + epoch):
            buffer.append(sample["pgm"])
            if len(buffer) < 256:
                continue
            crop = buffer.pop(rng.randrange(len(buffer)))
            h, w = crop.shape
            y = rng.randrange(max(h - height, 0) + 1)
            x = rng.randrange(max(w - width, 0) + 1)
            window = np.full((height, width), 255, dtype=np.uint8)
            piece = crop[y:y + height, x:x + width]
            window[:piece.shape[0], :piece.shape[1]] = piece
            yield window
        epoch += 1


def validation_crops(cache, look, limit):
    chosen = []
    for sample in samples(shard_paths(cache, "validation"), wanted=("pgm", "json"), looks={look}):
        chosen.append(sample["pgm"])
        if len(chosen) == limit:
            break
    return chosen


@torch.no_grad()
def pixel_error(model, crops):
    """Share of crop pixels whose binarised reconstruction (ink > 0.5) differs from the binarised input."""
    model.eval()
    wrong = total = 0
    for crop in crops:
        x = pixels_to_ink(torch.from_numpy(np.array(crop)))[None, None]
        h, w = x.shape[-2:]
        y, _, _ = model(pad_to_multiple(x))
        wrong += int(((y[..., :h, :w] > 0.5) != (x > 0.5)).sum())
        total += h * w
    model.train()
    return wrong / max(total, 1)


def load_model(path):
    state, metadata, config = safetensors_io.load_model_file(path, "rqvae", FORMAT)
    config = RQVAEConfig(**config)
    model = RQVAE(config)
    # The EMA sums restart from the codebooks themselves.
    state["quantizer.embed_sum"] = state["quantizer.codebooks"].clone()
    state["quantizer.cluster_size"] = torch.ones(config.codebooks, config.codebook_size)
    model.load_state_dict(state)
    return model, metadata


def export(model, path, provenance, golden_crop):
    tensors = {k: v.half() for k, v in model.state_dict().items() if k not in ("quantizer.embed_sum",
                                                                                 "quantizer.cluster_size")}
    metadata = {"sightread.kind": "rqvae", "sightread.format": FORMAT, "sightread.config": model.config.to_json(),
                **{f"sightread.{k}": v for k, v in provenance.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    safetensors_io.save(tensors, path, metadata)
    # The golden file: what the exported (fp16) weights give for one small crop, for the C runtime to match.
    exported, _ = load_model(path)
    exported.eval()
    with torch.no_grad():
        x = pad_to_multiple(pixels_to_ink(torch.from_numpy(np.array(golden_crop)))[None, None])
        codes = exported.encode(x)
        decoded = exported.decode(codes)
    golden = {"input_pixels": golden_crop.tolist(), "codes": flatten_codes(codes[0]).tolist(),
              "grid": list(codes.shape[1:3]), "decoded": [round(v, 4) for v in decoded.flatten().tolist()]}
    path.with_suffix(".golden.json").write_text(json.dumps(golden))


def train(args):
    where = place()
    setup_logging(args.log, where.rank)
    torch.manual_seed(args.seed + where.rank)
    cache = Path(args.cache).expanduser()
    target = Path(args.model)
    if target.exists() and not args.fresh:
        model, metadata = load_model(target)
        start = int(metadata.get("sightread.steps", 0))
        best = float(metadata.get("sightread.pixel_error_engraved", 1.0))
        logging.info("resuming from %s at step %d (pixel error %.4f)", target, start, best)
    else:
        model, start, best = RQVAE(RQVAEConfig()), 0, 1.0
    model.train()
    net = wrap(model, where)
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.0)
    validation = validation_crops(cache, "engraved", args.validation_crops) if where.main else []
    golden_crop = validation[0][:, :64] if validation else np.full((32, 64), 255, np.uint8)
    windows = training_windows(cache, args.height, args.width, args.seed + start + 7919 * where.rank)
    started = time.time()
    for step in range(start + 1, start + args.steps + 1):
        batch = torch.from_numpy(np.stack([next(windows) for _ in range(args.batch)]))[:, None]
        x = pixels_to_ink(batch).to(where.device)
        y, _, commitment = net(x)
        # Ink is scarce: weighting its pixels keeps the model from settling for blank paper.
        weight = 1 + 4 * x
        loss = (weight * (y - x) ** 2).mean() + 0.25 * commitment
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if step % 20 == 0:
            logging.info("step %d loss %.5f (%.2f s/step)", step, loss.item(), (time.time() - started) / (step - start))
        if where.main and (step % args.eval_every == 0 or step == start + args.steps):
            plain = copy.deepcopy(unwrap(net)).cpu()
            error = pixel_error(plain, validation)
            logging.info("step %d validation pixel error %.4f (best %.4f)", step, error, best)
            if error < best:
                best = error
                export(plain, target, {"steps": step, "pixel_error_engraved": f"{error:.5f}",
                                      "data": f"data factory shards in {cache}, split train",
                                      "date": datetime.date.today().isoformat()}, golden_crop)
                logging.info("exported %s", target)


def evaluate(args):
    cache = Path(args.cache).expanduser()
    model, metadata = load_model(Path(args.model))
    for look in ("engraved", "scan"):
        crops = validation_crops(cache, look, args.validation_crops)
        print(f"{look}: binarised pixel error {100 * pixel_error(model, crops):.2f} % over {len(crops)} validation crops")


def picture(args):
    """Eight validation crops, each above its reconstruction (binarised as the metric sees it)."""
    from PIL import Image
    cache = Path(args.cache).expanduser()
    model, _ = load_model(Path(args.model))
    model.eval()
    crops = validation_crops(cache, "engraved", 8)
    rows = []
    with torch.no_grad():
        for crop in crops:
            x = pixels_to_ink(torch.from_numpy(np.array(crop)))[None, None]
            h, w = x.shape[-2:]
            y, _, _ = model(pad_to_multiple(x))
            rebuilt = ((1 - (y[0, 0, :h, :w] > 0.5).float()) * 255).byte().numpy()
            rows += [crop, rebuilt, np.full((6, w), 160, np.uint8)]
    width = max(r.shape[1] for r in rows)
    sheet = np.full((sum(r.shape[0] for r in rows), width), 255, np.uint8)
    y = 0
    for r in rows:
        sheet[y:y + r.shape[0], :r.shape[1]] = r
        y += r.shape[0]
    Image.fromarray(sheet).save(args.output)
    print(f"{len(crops)} originals above their reconstructions → {args.output}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    t = commands.add_parser("train")
    e = commands.add_parser("eval")
    pic = commands.add_parser("picture", help="8 validation crops above their reconstructions, as a PNG")
    pic.add_argument("output")
    for p in (t, e, pic):
        p.add_argument("--cache", default="~/.cache/sightread/data")
        p.add_argument("--validation-crops", type=int, default=200)
    t.add_argument("--steps", type=int, default=1000)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--height", type=int, default=64)
    t.add_argument("--width", type=int, default=256)
    t.add_argument("--lr", type=float, default=3e-4)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--eval-every", type=int, default=200)
    t.add_argument("--fresh", action="store_true", help="start from random weights, not the shipped model")
    t.add_argument("--log", default="~/.cache/sightread/logs/rqvae.log")
    for p in (t, e, pic):
        p.add_argument("--model", default=str(MODEL), help="the weights to resume from and export to")
    args = parser.parse_args()
    {"train": train, "eval": evaluate, "picture": picture}[args.command](args)


if __name__ == "__main__":
    main()
