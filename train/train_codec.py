"""Trains, evaluates and exports the audio tokenizer (DAC-style codec) on the data factory's audio.

  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 train/train_codec.py train --steps 2000   # resumes from the shipped model
  torchrun --nproc_per_node 8 train/train_codec.py train --steps 2000              # the same with DDP
  /usr/bin/python3 train/train_codec.py eval [--model resources/models/codec.safetensors]
  /usr/bin/python3 train/train_codec.py judge [--model …] [--json out.json] [--listen pairs.flac]  # Basic Pitch's verdict
  /usr/bin/python3 train/train_codec.py pack --out .gpu/audio.npz    # audio for a machine without libsndfile, then
  python3 train/train_codec.py train --pack .gpu/audio.npz --time-limit 480 --batch 32   # there

As train_rqvae.py: resumes from the exported weights alone, exports (fp16, spec §6 metadata, golden file) whenever
the validation mel distance improves."""

import argparse
import datetime
import io
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
from sightread_train.codec import (INPUT_RMS_DBFS, Codec, CodecConfig, FineSpectrum, MultiScaleMel,  # noqa: E402
                                   add_weight_norm, normalize_loudness, plain_copy)
from sightread_train.judge import basic_pitch_notes, onset_scores  # noqa: E402
from sightread_train.shards import samples, shard_paths  # noqa: E402
from sightread_train.training import place, setup_logging, unwrap, wrap  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "resources" / "models" / "codec.safetensors"
FORMAT = 1


def decode_flac(data):
    """DATA (FLAC bytes) → float32 samples, or None where the clip is empty (an early build made some)."""
    import soundfile  # here, not at the top: a lent GPU machine has no libsndfile and trains from a pack instead
    try:
        audio, _ = soundfile.read(io.BytesIO(data), dtype="float32")
    except soundfile.LibsndfileError:
        return None
    return audio


def random_window(clip, length, rng):
    """A random LENGTH-sample window of CLIP (at the codec's input level) with a random gain of ±3 dB: the
    augmentation every training window gets."""
    start = rng.randrange(clip.size - length + 1)
    return np.clip(clip[start:start + length] * 10 ** (rng.uniform(-3, 3) / 20), -1, 1).astype(np.float32)


def validation_length(config):
    """Validation clips are 2 s, cut to whole frames."""
    return 2 * config.sample_rate // config.hop * config.hop


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
            audio = decode_flac(sample["flac"])
            if audio is None or audio.size < length:
                continue
            buffer.append(normalize_loudness(audio))
            if len(buffer) < 64:
                continue
            yield random_window(buffer.pop(rng.randrange(len(buffer))), length, rng)
        epoch += 1


def validation_clips(cache, count, length):
    clips = []
    for sample in samples(shard_paths(cache, "validation"), wanted=("flac", "json")):
        audio = decode_flac(sample["flac"])
        if audio is not None and audio.size >= length:
            clips.append(normalize_loudness(audio[:length]))
        if len(clips) == count:
            break
    return clips


def pack(args):
    """Training excerpts and validation clips at the codec's input level as int16 in one .npz, for a machine that has
    no libsndfile and takes a working tree of 64 MiB at most (a lent GPU): EXCERPT seconds from systems taken a piece
    at a time in turn (every piece, each system's own SoundFont and room), until TRAIN_SECONDS; the validation clips
    are the ones `train` validates on."""
    cache = Path(args.cache).expanduser()
    rate = CodecConfig().sample_rate
    rng = random.Random(args.seed)
    paths = shard_paths(cache, "train")
    if not paths:
        raise SystemExit(f"no training shards in {cache}: run train/data/build.py build first")
    by_piece = {}
    for sample in samples(paths, wanted=("json",)):
        meta = sample["json"]
        if meta.get("look", "engraved") == "engraved":  # a scan-like look of a system has the same sound
            by_piece.setdefault(meta["piece"], []).append(sample["key"])
    for keys in by_piece.values():
        rng.shuffle(keys)
    order = []
    while len(order) * args.excerpt < args.train_seconds and any(by_piece.values()):
        for keys in by_piece.values():
            if keys and len(order) * args.excerpt < args.train_seconds:
                order.append(keys.pop())
    chosen = set(order)
    length = int(args.excerpt * rate)
    excerpts = []
    for sample in samples(paths, wanted=("flac", "json")):
        if sample["key"] not in chosen:
            continue
        audio = decode_flac(sample["flac"])
        if audio is None or audio.size < length:
            continue
        audio = normalize_loudness(audio)
        # The loudest of a few offsets: an excerpt of a clip's closing silence teaches nothing.
        starts = [rng.randrange(audio.size - length + 1) for _ in range(4)]
        start = max(starts, key=lambda s: float(np.mean(np.square(audio[s:s + length]))))
        excerpts.append(audio[start:start + length])
    validation = validation_clips(cache, args.validation_clips, validation_length(CodecConfig()))
    to_int16 = lambda a: np.round(np.clip(a, -1, 1) * 32767).astype(np.int16)  # noqa: E731
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, train=to_int16(np.stack(excerpts)), validation=to_int16(np.stack(validation)))
    print(f"{args.out}: {len(excerpts)} training excerpts of {args.excerpt:g} s from {len(by_piece)} pieces, "
          f"{len(validation)} validation clips of 2 s")


def packed_audio(path):
    """(training excerpts, validation clips) as float32 from a `pack` file."""
    with np.load(path) as packed:
        return [a.astype(np.float32) / 32767 for a in (packed["train"], packed["validation"])]


def packed_windows(excerpts, length, seed):
    """Endless random LENGTH-sample windows of packed EXCERPTS (already at the codec's input level)."""
    rng = random.Random(seed)
    while True:
        yield random_window(excerpts[rng.randrange(len(excerpts))], length, rng)


@torch.no_grad()
def spectral_distances(model, clips, mel, fine):
    """(mean multi-scale mel distance, distinct codes of the first codebook, mean fine-spectrum distance: the notes'
    pitch) over CLIPS; few codes means a collapsed quantiser whose distances say little."""
    model.eval()
    device = next(model.parameters()).device
    total, pitch, used = 0.0, 0.0, set()
    with torch.no_grad():
        for clip in clips:
            x = torch.from_numpy(clip)[None, None].to(device)
            y, codes, _ = model(x)
            total += float(mel(y, x))
            pitch += float(fine(y, x))
            used.update(codes[0, :, 0].tolist())
    model.train()
    n = max(len(clips), 1)
    return total / n, len(used), pitch / n


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
    source = Path(args.resume or target)
    if source.exists() and not args.fresh:
        model, metadata = load_model(source)
        start = int(metadata.get("sightread.steps", 0))
        logging.info("resuming from %s at step %d", source, start)
    else:
        model, start = Codec(CodecConfig()), 0
    add_weight_norm(model).train()
    config = model.config
    # The loss adds short windows to the metric's three: onsets, which the judge scores, are sharp only in them.
    loss_mel = MultiScaleMel(config.sample_rate, windows=(128, 256, 512, 1024, 2048),
                             n_mels=(16, 32, 40, 80, 128)).to(where.device)
    mel = MultiScaleMel(config.sample_rate).to(where.device)
    fine_loss = FineSpectrum(config.sample_rate).to(where.device)
    fine = FineSpectrum(config.sample_rate).to(where.device)
    if where.device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # every step has the same shapes
    net = wrap(model, where)
    optimizer = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=args.lr, betas=(0.8, 0.99))
    hop = config.hop
    length = args.seconds_per_window * config.sample_rate // hop * hop
    if args.pack:
        excerpts, validation = packed_audio(args.pack)
        validation = list(validation[:args.validation_clips]) if where.main else []
    else:
        validation = validation_clips(cache, args.validation_clips, validation_length(config)) if where.main else []
    golden_clip = validation[0][:4 * hop] if validation else np.zeros(4 * hop, np.float32)
    # An export must sound closer to the validation clips than the weights it started from, by the mel distance and
    # the fine spectrum together (a resumed run scores its starting weights first: the split may have changed).
    best = 1e9
    if where.main and source.exists() and not args.fresh:
        distance, _, pitch = spectral_distances(plain_copy(unwrap(net)).to(where.device), validation, mel, fine)
        best = distance + args.fine_weight * pitch
        logging.info("start: validation mel distance %.4f fine spectrum %.4f (bar %.4f)", distance, pitch, best)
    seed = args.seed + start + 7919 * where.rank
    windows = packed_windows(excerpts, int(length), seed) if args.pack else training_windows(cache, int(length), seed)
    started, last = time.time(), start + args.steps
    for step in range(start + 1, start + args.steps + 1):
        if args.time_limit is not None and time.time() - started > args.time_limit:
            last = step   # this step is the last: trained, then validated and exported like any final step
        x = torch.from_numpy(np.stack([next(windows) for _ in range(args.batch)]))[:, None].to(where.device)
        y, _, commitment = net(x, bypass=step <= args.bypass_steps)
        loss = (loss_mel(y, x) + args.fine_weight * fine_loss(y, x) + 0.25 * commitment
                + args.waveform_weight * (y - x).abs().mean())
        for group in optimizer.param_groups:
            group["lr"] = args.lr * min(1.0, (step - start) / args.warmup)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        if step % 10 == 0:
            logging.info("step %d loss %.4f (%.2f s/step)", step, loss.item(), (time.time() - started) / (step - start))
        if where.main and (step % args.eval_every == 0 or step == last):
            plain = plain_copy(unwrap(net))
            distance, used, pitch = spectral_distances(plain.to(where.device), validation, mel, fine)
            plain.cpu()
            score = distance + args.fine_weight * pitch
            logging.info("step %d validation mel distance %.4f fine spectrum %.4f codes used %d (score %.4f, best "
                         "%.4f)", step, distance, pitch, used, score, best)
            if score < best and used >= MIN_CODES_USED:
                best = score
                export(plain, target, {"steps": step, "mel_distance": f"{distance:.5f}",
                                       "fine_spectrum_distance": f"{pitch:.5f}", "codes_used": used,
                                       "input_rms_dbfs": INPUT_RMS_DBFS,
                                       "data": (f"{len(excerpts)} excerpts of the data factory's train split, "
                                                f"packed ({Path(args.pack).name})" if args.pack
                                                else f"data factory shards in {cache}, split train"),
                                       "date": datetime.date.today().isoformat()}, golden_clip)
                logging.info("exported %s", target)
        if step == last:
            break


def evaluate(args):
    cache = Path(args.cache).expanduser()
    model, _ = load_model(Path(args.model))
    mel = MultiScaleMel(model.config.sample_rate)
    clips = validation_clips(cache, args.validation_clips, validation_length(model.config))
    distance, used, pitch = spectral_distances(model, clips, mel, FineSpectrum(model.config.sample_rate))
    print(f"multi-scale mel distance {distance:.4f}, fine spectrum distance {pitch:.4f} over {len(clips)} validation "
          f"clips of 2 s; {used} distinct codes in the first codebook" + (" (collapsed)" if used < MIN_CODES_USED else ""))


def judged_clips(cache, count, split="validation"):
    """COUNT systems' audio of SPLIT at the codec's input level with their notes, a few from each piece (the engraved
    look only: the scan-like look of a system has the same sound)."""
    by_piece = {}
    for sample in samples(shard_paths(cache, split), wanted=("flac", "json")):
        meta = sample["json"]
        chosen = by_piece.setdefault(meta["piece"], [])
        if meta.get("look") == "engraved" and meta.get("notes") and len(chosen) < 4:
            chosen.append(sample)
    picked = []
    for round_ in range(4):
        picked += [chosen[round_] for chosen in by_piece.values() if len(chosen) > round_]
    clips = []
    for sample in picked:
        audio = decode_flac(sample["flac"])
        if audio is None:
            continue
        clips.append((normalize_loudness(audio), [tuple(n[:3]) for n in sample["json"]["notes"]]))
        if len(clips) == count:
            break
    return clips


def judge(args):
    """Basic Pitch's note onset F1 on original and decoded validation audio (issue 5: the decoded must keep ≥ 85 %)."""
    cache = Path(args.cache).expanduser()
    model, metadata = load_model(Path(args.model))
    model.eval()
    clips = judged_clips(cache, args.clips)
    hop, rate = model.config.hop, model.config.sample_rate
    decoded = []
    with torch.no_grad():
        for audio, _ in clips:
            padded = np.pad(audio, (0, -len(audio) % hop))
            y = model.decode(model.encode(torch.from_numpy(padded)[None, None]))
            decoded.append(y.flatten().numpy()[:len(audio)])
    originals = [audio for audio, _ in clips]
    truth = [notes for _, notes in clips]
    seconds = [len(audio) / rate for audio in originals]
    heard = basic_pitch_notes(originals, rate)
    heard_decoded = basic_pitch_notes(decoded, rate)
    original = onset_scores(truth, heard, seconds, args.sightread)
    reconstructed = onset_scores(truth, heard_decoded, seconds, args.sightread)
    ratio = reconstructed["f1"] / original["f1"] if original["f1"] > 0 else 0.0
    mel = MultiScaleMel(rate)
    distance = float(np.mean([float(mel(torch.from_numpy(d)[None, None], torch.from_numpy(o)[None, None]))
                              for d, o in zip(decoded, originals)]))
    result = {"model": str(args.model), "steps": int(metadata.get("sightread.steps", 0)), "clips": len(clips),
              "seconds": round(sum(seconds), 1), "reference_notes": original["reference_notes"],
              "onset_f1_original": round(original["f1"], 4), "onset_f1_decoded": round(reconstructed["f1"], 4),
              "ratio": round(ratio, 4), "mel_distance": round(distance, 4)}
    print(f"Basic Pitch note onset F1 over {len(clips)} validation clips ({result['seconds']} s, "
          f"{original['reference_notes']} notes): original {original['f1']:.4f}, decoded {reconstructed['f1']:.4f}, "
          f"ratio {ratio:.3f} (target ≥ 0.85); multi-scale mel distance {distance:.4f}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    if args.listen:
        cut = int(args.listen_seconds * rate)
        pairs = np.concatenate([np.concatenate([o[:cut], np.zeros(rate // 2, np.float32), d[:cut],
                                                np.zeros(rate, np.float32)])
                                for o, d in zip(originals[:6], decoded[:6])])
        import soundfile
        soundfile.write(args.listen, pairs, rate)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    t = commands.add_parser("train")
    e = commands.add_parser("eval")
    j = commands.add_parser("judge", help="Basic Pitch's note onset F1 on original and decoded validation audio")
    k = commands.add_parser("pack", help="training and validation audio in one .npz, for a machine without libsndfile")
    k.add_argument("--out", required=True)
    k.add_argument("--train-seconds", type=float, default=540.0)
    k.add_argument("--excerpt", type=float, default=3.0, help="seconds taken from each chosen system")
    k.add_argument("--seed", type=int, default=1)
    j.add_argument("--clips", type=int, default=48)
    j.add_argument("--sightread", default=str(REPO / "build" / "sightread"), help="the built sightread binary")
    j.add_argument("--json", help="also write the numbers to this file")
    j.add_argument("--listen", help="write 6 clips, each original then decoded, to this sound file")
    j.add_argument("--listen-seconds", type=float, default=1e9, help="the first this many seconds of each clip only")
    for p in (t, e, j, k):
        p.add_argument("--cache", default="~/.cache/sightread/data")
        p.add_argument("--validation-clips", type=int, default=32)
    for p in (t, e, j):
        p.add_argument("--model", default=str(MODEL), help="the weights to resume from and export to")
    t.add_argument("--steps", type=int, default=1000)
    t.add_argument("--batch", type=int, default=4)
    t.add_argument("--seconds-per-window", type=float, default=0.5)
    t.add_argument("--lr", type=float, default=1e-4, help="DAC's; 3e-4 with batches this small was unsteady")
    t.add_argument("--warmup", type=int, default=100, help="steps of linear learning-rate warm-up after a (re)start")
    t.add_argument("--fine-weight", type=float, default=1.0,
                   help="weight of the fine-spectrum (pitch) distance in the loss and in the export score")
    t.add_argument("--resume", help="weights to start from instead of --model (the export still goes to --model)")
    t.add_argument("--waveform-weight", type=float, default=1.0,
                   help="weight of the L1 distance of the waveforms beside the mel distance")
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--eval-every", type=int, default=200)
    t.add_argument("--bypass-steps", type=int, default=0,
                   help="for the first N steps the decoder hears the unquantised latent (a warm-up against collapse)")
    t.add_argument("--fresh", action="store_true", help="start from random weights, not the shipped model")
    t.add_argument("--log", default="~/.cache/sightread/logs/codec.log")
    t.add_argument("--pack", help="train and validate on a `pack` file instead of the shards in --cache")
    t.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="stop after this much training time (then validate and export as at the last step): for a "
                        "machine lent for a fixed time")
    args = parser.parse_args()
    {"train": train, "eval": evaluate, "judge": judge, "pack": pack}[args.command](args)


if __name__ == "__main__":
    main()
