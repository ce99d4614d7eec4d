"""Trains, evaluates and exports the audio tokenizer (DAC-style codec) on the data factory's audio.

  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 train/train_codec.py train --steps 2000   # resumes from the shipped model
  torchrun --nproc_per_node 8 train/train_codec.py train --steps 2000              # the same with DDP
  /usr/bin/python3 train/train_codec.py eval [--model resources/models/codec.safetensors]

As train_rqvae.py: resumes from the exported weights alone, exports (fp16, spec §6 metadata, golden file) whenever
the validation mel distance improves."""

import argparse
import copy
import datetime
import io
import json
import logging
import random
import sys
import time
from pathlib import Path

import numpy as np
import soundfile
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sightread_train import safetensors_io  # noqa: E402
from sightread_train.codec import INPUT_RMS_DBFS, Codec, CodecConfig, MultiScaleMel, normalize_loudness  # noqa: E402
from sightread_train.shards import samples, shard_paths  # noqa: E402
from sightread_train.training import place, setup_logging, unwrap, wrap  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "resources" / "models" / "codec.safetensors"
FORMAT = 1


def decode_flac(data):
    audio, _ = soundfile.read(io.BytesIO(data), dtype="float32")
    return audio


def training_windows(cache, length, seed):
    """Endless random LENGTH-sample windows of training audio, each clip brought to the codec's input level first, then
    a random gain of ±3 dB (an augmentation)."""
    rng = random.Random(seed)
    buffer, epoch = [], 0
    while True:
        paths = shard_paths(cache, "train")
        if not paths:
            raise SystemExit(f"no training shards in {cache}: run train/data/build.py build first")
        for sample in samples(paths, wanted=("flac", "json"), shuffle_seed=seed + epoch):
            try:
                audio = decode_flac(sample["flac"])
            except soundfile.LibsndfileError:
                continue  # an empty clip from an early build: nothing to learn from
            if audio.size < length:
                continue
            buffer.append(normalize_loudness(audio))
            if len(buffer) < 64:
                continue
            clip = buffer.pop(rng.randrange(len(buffer)))
            start = rng.randrange(clip.size - length + 1)
            window = clip[start:start + length] * 10 ** (rng.uniform(-3, 3) / 20)
            yield np.clip(window, -1, 1).astype(np.float32)
        epoch += 1


def validation_clips(cache, count, length):
    clips = []
    for sample in samples(shard_paths(cache, "validation"), wanted=("flac", "json")):
        try:
            audio = decode_flac(sample["flac"])
        except soundfile.LibsndfileError:
            continue
        if audio.size >= length:
            clips.append(normalize_loudness(audio[:length]))
        if len(clips) == count:
            break
    return clips


@torch.no_grad()
def mel_distance(model, clips, mel):
    """(mean multi-scale mel distance, distinct codes of the first codebook) over CLIPS; few codes means a collapsed
    quantiser whose mel distance says little."""
    model.eval()
    total, used = 0.0, set()
    for clip in clips:
        x = torch.from_numpy(clip)[None, None]
        y, codes, _, _ = model(x)
        total += float(mel(y, x))
        used.update(codes[0, :, 0].tolist())
    model.train()
    return total / max(len(clips), 1), len(used)


# An export needs at least this many distinct first-codebook codes over the validation clips.
MIN_CODES_USED = 64


def load_model(path):
    state, metadata, config = safetensors_io.load_model_file(path, "dac", FORMAT)
    model = Codec(CodecConfig(**config))
    model.load_state_dict(state)
    return model, metadata


def export(model, path, provenance, golden_clip):
    tensors = {k: v.half() for k, v in model.state_dict().items()}
    metadata = {"sightread.kind": "dac", "sightread.format": FORMAT, "sightread.config": model.config.to_json(),
                **{f"sightread.{k}": v for k, v in provenance.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    safetensors_io.save(tensors, path, metadata)
    exported, _ = load_model(path)
    exported.eval()
    with torch.no_grad():
        x = torch.from_numpy(golden_clip)[None, None]
        codes = exported.encode(x)
        decoded = exported.decode(codes)
    golden = {"input": [round(v, 6) for v in golden_clip.tolist()], "codes": codes[0].tolist(),
              "decoded": [round(v, 5) for v in decoded.flatten().tolist()]}
    path.with_suffix(".golden.json").write_text(json.dumps(golden))


def train(args):
    where = place()
    setup_logging(args.log, where.rank)
    torch.manual_seed(args.seed + where.rank)
    cache = Path(args.cache).expanduser()
    target = Path(args.model)
    if target.exists() and not args.fresh:
        model, metadata = load_model(target)
        start, best = int(metadata.get("sightread.steps", 0)), float(metadata.get("sightread.mel_distance", 1e9))
        logging.info("resuming from %s at step %d (mel distance %.4f)", target, start, best)
    else:
        model, start, best = Codec(CodecConfig()), 0, 1e9
    model.train()
    config = model.config
    mel = MultiScaleMel(config.sample_rate).to(where.device)
    net = wrap(model, where)
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, betas=(0.8, 0.99))
    hop = config.hop
    length = args.seconds_per_window * config.sample_rate // hop * hop
    validation = (validation_clips(cache, args.validation_clips, 2 * config.sample_rate // hop * hop)
                  if where.main else [])
    golden_clip = validation[0][:4 * hop] if validation else np.zeros(4 * hop, np.float32)
    windows = training_windows(cache, int(length), args.seed + start + 7919 * where.rank)
    started = time.time()
    for step in range(start + 1, start + args.steps + 1):
        x = torch.from_numpy(np.stack([next(windows) for _ in range(args.batch)]))[:, None].to(where.device)
        y, _, codebook_loss, commitment = net(x, bypass=step <= args.bypass_steps)
        loss = mel(y, x) + codebook_loss + 0.25 * commitment + (y - x).abs().mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        if step % 10 == 0:
            logging.info("step %d loss %.4f (%.2f s/step)", step, loss.item(), (time.time() - started) / (step - start))
        if where.main and (step % args.eval_every == 0 or step == start + args.steps):
            plain = copy.deepcopy(unwrap(net)).cpu()
            distance, used = mel_distance(plain, validation, mel.cpu())
            mel.to(where.device)
            logging.info("step %d validation mel distance %.4f codes used %d (best %.4f)", step, distance, used, best)
            if distance < best and used >= MIN_CODES_USED:
                best = distance
                export(plain, target, {"steps": step, "mel_distance": f"{distance:.5f}", "codes_used": used,
                                       "input_rms_dbfs": INPUT_RMS_DBFS,
                                       "data": f"data factory shards in {cache}, split train",
                                       "date": datetime.date.today().isoformat()}, golden_clip)
                logging.info("exported %s", target)


def evaluate(args):
    cache = Path(args.cache).expanduser()
    model, _ = load_model(Path(args.model))
    mel = MultiScaleMel(model.config.sample_rate)
    clips = validation_clips(cache, args.validation_clips, 2 * model.config.sample_rate // model.config.hop
                             * model.config.hop)
    distance, used = mel_distance(model, clips, mel)
    print(f"multi-scale mel distance {distance:.4f} over {len(clips)} validation clips of 2 s; {used} distinct codes "
          f"in the first codebook" + (" (collapsed)" if used < MIN_CODES_USED else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    t = commands.add_parser("train")
    e = commands.add_parser("eval")
    for p in (t, e):
        p.add_argument("--cache", default="~/.cache/sightread/data")
        p.add_argument("--validation-clips", type=int, default=32)
        p.add_argument("--model", default=str(MODEL), help="the weights to resume from and export to")
    t.add_argument("--steps", type=int, default=1000)
    t.add_argument("--batch", type=int, default=4)
    t.add_argument("--seconds-per-window", type=float, default=0.5)
    t.add_argument("--lr", type=float, default=3e-4)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--eval-every", type=int, default=200)
    t.add_argument("--bypass-steps", type=int, default=0,
                   help="for the first N steps the decoder hears the unquantised latent (a warm-up against collapse)")
    t.add_argument("--fresh", action="store_true", help="start from random weights, not the shipped model")
    t.add_argument("--log", default="~/.cache/sightread/logs/codec.log")
    args = parser.parse_args()
    train(args) if args.command == "train" else evaluate(args)


if __name__ == "__main__":
    main()
