"""Trains, evaluates and exports the translation Transformer; this part: the I2A model's first task, OMR (image → LMX).

  /usr/bin/python3 train/train_translator.py tokenize                  # crops → RQVAE codes, LMX → IDs, once per RQVAE
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 train/train_translator.py train --steps 2000   # resumes from i2a.safetensors
  torchrun --nproc_per_node 8 train/train_translator.py train …       # the same on 8 GPUs (DDP)
  /usr/bin/python3 train/train_translator.py eval [--json OUT.json]   # SER per split and look (C metric)

Training resumes from the exported weights alone. Each validation that lowers the SER on engraved systems exports fp16
weights with their metadata (spec §6) and a golden file for the C parity tests. Curriculum: systems with few LMX tokens
first, the length cap growing with the steps (spec §4; the brief: short crops first)."""

import argparse
import copy
import datetime
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sightread_train import safetensors_io  # noqa: E402
from sightread_train import vocabulary as V  # noqa: E402
from sightread_train.omr_tokens import (MAX_LMX, fingerprint, load_pairs, lmx_table, tokenize_shard,  # noqa: E402
                                        write_manifest)
from sightread_train.shards import shard_paths  # noqa: E402
from sightread_train.training import inverse_sqrt_lr, place, setup_logging, unwrap, wrap  # noqa: E402
from sightread_train.translator import Translator, TranslatorConfig  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "resources" / "models" / "i2a.safetensors"
RQVAE_MODEL = REPO / "resources" / "models" / "rqvae.safetensors"
SIGHTREAD = REPO / "build" / "sightread"
FORMAT = 1


def token_folder(cache, rqvae_path):
    return Path(cache).expanduser() / "tokens" / f"omr-{fingerprint(rqvae_path)}"


def tokenize(args):
    from train_rqvae import load_model as load_rqvae
    rqvae, _ = load_rqvae(Path(args.rqvae))
    rqvae.eval()
    table = lmx_table(args.sightread)
    folder = token_folder(args.cache, args.rqvae)
    rng = np.random.default_rng(args.seed)
    counts = {}
    for split, shifts in (("train", args.shifts), ("validation", 1), ("test", 1), ("real-scan", 1)):
        out = folder / split
        out.mkdir(parents=True, exist_ok=True)
        made = skipped_total = 0
        for index, shard in enumerate(shard_paths(args.cache, split)):
            if index % args.parts != args.part:
                continue
            target = out / (shard.stem + ".npz")
            if target.exists():   # resumable: a shard is written whole or not at all
                continue
            arrays, skipped = tokenize_shard(rqvae, shard, table, shifts, rng)
            partial = target.with_suffix(".partial.npz")
            np.savez(partial, **arrays)
            partial.rename(target)
            made += len(arrays["keys"])
            skipped_total += sum(skipped.values())
            if any(skipped.values()):
                print(f"{shard.name}: left out {skipped}")
        counts[split] = {"pairs_made_now": made, "systems_left_out_now": skipped_total}
        print(f"{split}: {made} pairs tokenized now ({skipped_total} systems left out) → {out}")
    write_manifest(folder, args.rqvae, counts)


def spread(pairs, count):
    """COUNT pairs, an equal share of each look, spaced evenly through the split (not the first pieces only)."""
    looks = sorted({p.look for p in pairs})
    chosen = []
    for look in looks:
        some = [p for p in pairs if p.look == look]
        n = min(count // len(looks), len(some))
        chosen += [some[i * len(some) // n] for i in range(n)]
    return chosen


def collate(pairs, device):
    sources = [p.source() for p in pairs]
    targets = [p.target() for p in pairs]
    s = max(len(x[0]) for x in sources)
    t = max(len(y) for y in targets)
    source = torch.zeros(len(pairs), s, V.CODEBOOKS, dtype=torch.long)
    source_positions = torch.zeros(len(pairs), s, 2, dtype=torch.long)
    target = torch.zeros(len(pairs), t, V.CODEBOOKS, dtype=torch.long)
    for i, ((steps, positions), y) in enumerate(zip(sources, targets)):
        source[i, :len(steps)] = steps
        source_positions[i, :len(steps)] = positions
        target[i, :len(y)] = y
    target_positions = torch.arange(t).expand(len(pairs), t)
    return source.to(device), source_positions.to(device), target.to(device), target_positions.to(device)


def batches(pairs, budget, rng, length_cap):
    """Endless batches of pairs of similar length (so little is padding), at most BUDGET source + target steps
    (padded) each, from the pairs whose LMX fits LENGTH_CAP(step); the cap grows, so short systems come first."""
    ordered = sorted(pairs, key=lambda p: len(p.lmx) + len(p.codes))
    step = 0
    while True:
        cap = length_cap(step)
        eligible = [p for p in ordered if len(p.lmx) < cap] or ordered[:1]
        start = int(rng.integers(len(eligible)))
        chosen, longest = [], 0
        for p in eligible[start:] or eligible[-1:]:
            longest = max(longest, len(p.lmx) + 1 + len(p.codes))
            if chosen and longest * (len(chosen) + 1) > budget:
                break
            chosen.append(p)
        step += 1
        yield chosen


@torch.no_grad()
def greedy(model, pairs, device, chunk=16):
    """Greedy LMX readings (lists of unified indices, EOS dropped); each capped by its image's width (16 tokens per
    column), never by the reference."""
    model.eval()
    readings = []
    for i in range(0, len(pairs), chunk):
        part = pairs[i:i + chunk]
        source, source_positions, _, _ = collate(part, device)
        memory, padding = model.encode(source, V.IMAGE, source_positions, V.LMX)
        limit = min(MAX_LMX, 16 * max(len(p.codes) // p.rows for p in part) + 32)
        step = torch.zeros(len(part), V.CODEBOOKS, dtype=torch.long, device=device)
        step[:, 0] = V.sos(V.LMX)
        finished = torch.zeros(len(part), dtype=torch.bool, device=device)
        cache, chosen_steps = [], []
        for t in range(limit):
            state = model.decode_step(memory, padding, step, V.LMX, t, cache)
            chosen = model.step_logits(state, None, V.LMX)[:, 0, 0].argmax(-1)
            chosen[finished] = V.PAD
            finished |= chosen == V.eos(V.LMX)
            chosen_steps.append(chosen)
            step = torch.zeros_like(step)
            step[:, 0] = chosen
            if finished.all():
                break
        for row in torch.stack(chosen_steps, 1).tolist():
            readings.append([x for x in row if x not in (V.PAD, V.eos(V.LMX))])
    return readings


def ser(pairs, readings, sightread, names):
    """SER in % by the C metric (`sightread eval ser`), one system a line."""
    with tempfile.TemporaryDirectory() as folder:
        ref, pred = Path(folder) / "ref.lmx", Path(folder) / "pred.lmx"
        ref.write_text("".join(" ".join(names[x] for x in p.lmx) + "\n" for p in pairs))
        pred.write_text("".join(" ".join(names[x] for x in r) + "\n" for r in readings))
        result = subprocess.run([str(sightread), "eval", "ser", "--json", str(ref), str(pred)], check=True,
                                capture_output=True, text=True)
    return json.loads(result.stdout)["ser"]


def load_model(path):
    tensors, metadata = safetensors_io.load(path)
    if metadata.get("sightread.kind") != "seq2seq" or int(metadata.get("sightread.format", -1)) != FORMAT:
        raise SystemExit(f"{path}: kind {metadata.get('sightread.kind')} format {metadata.get('sightread.format')}, "
                         f"expected seq2seq format {FORMAT}")
    model = Translator(TranslatorConfig(**json.loads(metadata["sightread.config"])))
    model.load_state_dict({k: v.float() for k, v in tensors.items()})
    return model, metadata


def export(model, path, provenance, golden_pair):
    metadata = {"sightread.kind": "seq2seq", "sightread.format": FORMAT, "sightread.config": model.config.to_json(),
                "sightread.direction": "i2a", "sightread.tasks": json.dumps(["omr"]),
                **{f"sightread.{k}": v for k, v in provenance.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    safetensors_io.save({k: v.half() for k, v in model.state_dict().items()}, partial, metadata)
    partial.rename(path)
    # The golden file: what the exported (fp16) weights read from one validation system, for the C runtime to match.
    exported, _ = load_model(path)
    exported.eval()
    source, positions, target, target_positions = collate([golden_pair], torch.device("cpu"))
    with torch.no_grad():
        memory, padding = exported.encode(source, V.IMAGE, positions, V.LMX)
        sos = torch.zeros_like(target[:, :1])
        sos[..., 0] = V.sos(V.LMX)
        states = exported.decode(memory, padding, torch.cat([sos, target[:, :-1]], 1), V.LMX, target_positions)
        first = torch.log_softmax(exported.step_logits(states[:, :1], None, V.LMX)[0, 0, 0], -1)
    top = first.topk(5)
    golden = {"source": source[0].tolist(), "source_positions": positions[0].tolist(),
              "teacher_forced_target": target[0, :, 0].tolist(),
              "first_step_top5": [[int(i), round(float(v), 4)] for v, i in zip(top.values, top.indices)],
              "greedy": greedy(exported, [golden_pair], torch.device("cpu"))[0][:32]}
    path.with_suffix(".golden.json").write_text(json.dumps(golden))


def initialise_from_rqvae(model, rqvae_path):
    """Spec §3: image code embeddings start as the RQVAE's codebook vectors, rescaled to the embeddings' spread."""
    tensors, _ = safetensors_io.load(rqvae_path)
    books = tensors["quantizer.codebooks"].float()
    if books.shape[-1] != model.config.d_model:
        logging.info("RQVAE code dimension %d ≠ d_model %d: image embeddings start random", books.shape[-1],
                     model.config.d_model)
        return
    scale = model.embed.weight.std() / books[0].std()
    with torch.no_grad():
        model.embed.weight[V.IMAGE_START:V.IMAGE_START + books.numel() // books.shape[-1]] = \
            books.reshape(-1, books.shape[-1]) * scale


def train(args):
    where = place()
    setup_logging(args.log, where.rank)
    torch.manual_seed(args.seed + where.rank)
    folder = token_folder(args.cache, args.rqvae)
    pairs = load_pairs(folder / "train")
    validation = spread(load_pairs(folder / "validation"), args.validation_systems)
    if not pairs:
        raise SystemExit(f"no tokenized training pairs in {folder}: run `train_translator.py tokenize` first")
    names = {v: k for k, v in lmx_table(args.sightread).items()}
    target = Path(args.model)
    config = TranslatorConfig(d_model=args.d_model, heads=args.heads, ffn=4 * args.d_model,
                              encoder_layers=args.layers, decoder_layers=args.layers)
    if target.exists() and not args.fresh:
        model, metadata = load_model(target)
        if metadata.get("sightread.rqvae") != fingerprint(args.rqvae):
            logging.info("note: %s was trained on RQVAE %s, the tokens are from %s", target,
                         metadata.get("sightread.rqvae"), fingerprint(args.rqvae))
        start = int(metadata.get("sightread.steps", 0))
        best = float(metadata.get("sightread.ser_engraved", 1e9))
        logging.info("resuming from %s at step %d (SER %.2f %%)", target, start, best)
    else:
        model, start, best = Translator(config), 0, 1e9
        initialise_from_rqvae(model, args.rqvae)
    size = sum(p.numel() for p in model.parameters())
    logging.info("%d training pairs, %d validation systems, %.1f M parameters, %d process(es) on %s", len(pairs),
                 len(validation), size / 1e6, where.world, where.device)
    net = wrap(model, where)
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.01)
    rng = np.random.default_rng(args.seed + 7919 * where.rank + start)
    cap = lambda s: args.first_cap + (start + s) * args.cap_growth  # noqa: E731
    stream = batches(pairs, args.budget, rng, cap)
    started, seen = time.time(), 0
    for step in range(start + 1, start + args.steps + 1):
        chosen = next(stream)
        seen += len(chosen)
        for group in optimizer.param_groups:
            group["lr"] = inverse_sqrt_lr(step, args.lr, args.warmup)
        net.train()
        loss = net(*_arguments(collate(chosen, where.device)))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        if step % 20 == 0:
            logging.info("step %d loss %.4f lr %.2e cap %d (%.2f s/step, %.1f systems/step)", step, loss.item(),
                         optimizer.param_groups[0]["lr"], cap(step - start), (time.time() - started) / (step - start),
                         seen / (step - start))
        if where.main and (step % args.eval_every == 0 or step == start + args.steps):
            plain = unwrap(net)
            scores = {look: ser([p for p in validation if p.look == look],
                                greedy(plain, [p for p in validation if p.look == look], where.device),
                                args.sightread, names) for look in ("engraved", "scan")}
            logging.info("step %d validation SER engraved %.2f %% scan %.2f %% (best engraved %.2f %%)", step,
                         scores["engraved"], scores["scan"], best)
            if scores["engraved"] < best:
                best = scores["engraved"]
                export(copy.deepcopy(plain).cpu(), target, {"steps": step, "ser_engraved": f"{scores['engraved']:.3f}",
                                             "ser_scan": f"{scores['scan']:.3f}", "rqvae": fingerprint(args.rqvae),
                                             "data": f"data factory shards in {args.cache}, split train",
                                             "date": datetime.date.today().isoformat()}, validation[0])
                logging.info("exported %s", target)


def _arguments(collated):
    source, source_positions, target, target_positions = collated
    return source, V.IMAGE, source_positions, target, V.LMX, target_positions


def evaluate(args):
    """SER per split and look from the given weights, printed and (with --json) written as a summary."""
    model, metadata = load_model(Path(args.model))
    folder = token_folder(args.cache, args.rqvae)
    names = {v: k for k, v in lmx_table(args.sightread).items()}
    summary = {"model": str(args.model), "steps": int(metadata.get("sightread.steps", 0)),
               "rqvae": fingerprint(args.rqvae), "splits": {}}
    for split in args.splits.split(","):
        pairs = load_pairs(folder / split)
        if not pairs:
            raise SystemExit(f"no tokenized pairs in {folder / split}: run `train_translator.py tokenize`")
        for look in sorted({p.look for p in pairs}):
            chosen = spread([p for p in pairs if p.look == look], args.limit)
            score = ser(chosen, greedy(model, chosen, torch.device("cpu")), args.sightread, names)
            summary["splits"].setdefault(split, {})[look] = {"ser": round(score, 3), "systems": len(chosen)}
            print(f"{split} {look}: SER {score:.2f} % over {len(chosen)} systems (model step {summary['steps']})")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    k = commands.add_parser("tokenize", help="encode the crops with the RQVAE and the LMX with the C vocabulary")
    t = commands.add_parser("train")
    e = commands.add_parser("eval")
    for p in (k, t, e):
        p.add_argument("--cache", default="~/.cache/sightread/data")
        p.add_argument("--rqvae", default=str(RQVAE_MODEL), help="the image tokenizer whose codes the model reads")
        p.add_argument("--sightread", default=str(SIGHTREAD), help="the built sightread binary (its LMX vocabulary "
                                                                   "and SER)")
        p.add_argument("--seed", type=int, default=1)
    k.add_argument("--part", type=int, default=0, help="with --parts N: do only the shards i with i %% N = PART, so "
                                                      "N processes can share the work")
    k.add_argument("--parts", type=int, default=1)
    k.add_argument("--shifts", type=int, default=2, help="pixel-shifted variants per training system (spec §1.1)")
    t.add_argument("--steps", type=int, default=1000)
    t.add_argument("--budget", type=int, default=4096, help="source + target steps per batch, padding included")
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--warmup", type=int, default=400)
    t.add_argument("--first-cap", type=int, default=160, help="LMX length cap at step 0 (curriculum)")
    t.add_argument("--cap-growth", type=float, default=0.5, help="LMX tokens added to the cap per step")
    t.add_argument("--d-model", type=int, default=256)
    t.add_argument("--heads", type=int, default=4)
    t.add_argument("--layers", type=int, default=4)
    t.add_argument("--validation-systems", type=int, default=64)
    t.add_argument("--eval-every", type=int, default=250)
    t.add_argument("--fresh", action="store_true", help="start from random weights, not the shipped model")
    t.add_argument("--log", default="~/.cache/sightread/logs/i2a.log")
    e.add_argument("--splits", default="test,real-scan", help="comma-separated: validation, test, real-scan")
    e.add_argument("--limit", type=int, default=200, help="systems per split and look, spread over the split")
    e.add_argument("--json", help="also write the numbers to this JSON file")
    for p in (t, e):
        p.add_argument("--model", default=str(MODEL), help="the weights to resume from and export to")
    args = parser.parse_args()
    {"tokenize": tokenize, "train": train, "eval": evaluate}[args.command](args)


if __name__ == "__main__":
    main()
