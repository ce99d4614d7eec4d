"""Trains, evaluates and exports the translation Transformers' first tasks: OMR (I2A model, image → LMX) and
transcription (A2I model, audio → MIDI), spec §3–4.

  /usr/bin/python3 train/train_translator.py tokenize [--task amt]    # sources through the frozen RQVAE / codec, once
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 train/train_translator.py train --steps 2000   # resumes from i2a.safetensors
  torchrun --nproc_per_node 8 train/train_translator.py train …       # the same on 8 GPUs (DDP; launch_ddp.py on CPU)
  /usr/bin/python3 train/train_translator.py eval [--json OUT.json]   # OMR: SER per look; AMT: onset F1 per sound

Training resumes from the exported weights alone, first scoring them on this run's validation pairs (the bar: the
split may differ from the one they were judged on). Each validation that improves the task's metric (OMR: SER on engraved
systems by `sightread eval ser`; AMT: mean note-onset F1 by `sightread eval notes`) exports fp16 weights with their
metadata (spec §6) and a golden file for the C parity tests. Curriculum: short targets first, the length cap growing
with the steps (spec §4; the brief: short crops first)."""

import argparse
import copy
import datetime
import json
import logging
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sightread_train import safetensors_io  # noqa: E402
from sightread_train import vocabulary as V  # noqa: E402
from sightread_train import amt_tokens, omr_tokens  # noqa: E402
from sightread_train.omr_tokens import MAX_LMX, fingerprint, lmx_table  # noqa: E402
from sightread_train.pairs import load_pairs, write_manifest  # noqa: E402
from sightread_train.shards import shard_paths  # noqa: E402
from sightread_train.training import inverse_sqrt_lr, place, setup_logging, unwrap, wrap  # noqa: E402
from sightread_train.translator import Guide, Translator, TranslatorConfig  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "resources" / "models"
SIGHTREAD = REPO / "build" / "sightread"
FORMAT = 1
CODEC_RATE, CODEC_HOP = 44100, 512   # the audio steps transcription reads: 86.1 a second


@dataclass
class Task:
    name: str
    direction: str          # the model that learns it: i2a or a2i
    source: int
    target: int
    tokenizer: str          # the frozen tokenizer of the source: rqvae or codec
    metric: str
    lower_is_better: bool
    max_target: int
    default_shifts: int     # tokenize's variants per training system


TASKS = {"omr": Task("omr", "i2a", V.IMAGE, V.LMX, "rqvae", "SER", True, MAX_LMX, 2),
         "amt": Task("amt", "a2i", V.AUDIO, V.MIDI, "codec", "onset F1", False, 1000, 1)}


def tokenizer_path(args, task):
    return Path(args.tokenizer) if args.tokenizer else MODELS / f"{task.tokenizer}.safetensors"


def token_folder(args, task):
    window = f"-w{amt_tokens.WINDOW_SECONDS:g}s" if task.name == "amt" else ""
    return Path(args.cache).expanduser() / "tokens" / f"{task.name}{window}-{fingerprint(tokenizer_path(args, task))}"


def task_pairs(args, task, split):
    return load_pairs(token_folder(args, task) / split, task.source, task.target)


def tokenize(args):
    task = TASKS[args.task]
    weights = tokenizer_path(args, task)
    if task.name == "omr":
        from train_rqvae import load_model as load_tokenizer
        table = lmx_table(args.sightread)
        rng = np.random.default_rng(args.seed)
    else:
        from train_codec import load_model as load_tokenizer
    tokenizer, _ = load_tokenizer(weights)
    tokenizer.eval()
    folder = token_folder(args, task)
    counts = {}
    for split in args.splits.split(","):
        shifts = (args.shifts or task.default_shifts) if split == "train" else 1
        if task.name == "amt" and split == "real-scan":
            continue
        out = folder / split
        out.mkdir(parents=True, exist_ok=True)
        made = skipped_total = 0
        mine = [shard for index, shard in enumerate(shard_paths(args.cache, split)) if index % args.parts == args.part]
        if args.shuffle is not None:   # a run cut short then holds a spread of every corpus, not the first ones
            mine = [mine[i] for i in np.random.default_rng(args.shuffle).permutation(len(mine))]
        for shard in mine:
            target = out / (shard.stem + ".npz")
            if target.exists():   # resumable: a shard is written whole or not at all
                continue
            if task.name == "omr":
                writer, skipped = omr_tokens.tokenize_shard(tokenizer, shard, table, shifts, rng)
            else:
                writer, skipped = amt_tokens.tokenize_shard(tokenizer, shard, args.sightread, shifts)
            writer.save(target)
            made += len(writer)
            skipped_total += sum(skipped.values())
            if any(skipped.values()):
                print(f"{shard.name}: left out {skipped}")
        counts[split] = {"pairs_made_now": made, "systems_left_out_now": skipped_total}
        print(f"{split}: {made} pairs tokenized now ({skipped_total} systems left out) → {out}")
    write_manifest(folder, weights, counts)


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
    source_positions = torch.zeros(len(pairs), s, *sources[0][1].shape[1:], dtype=torch.long)  # (col, row) or index
    target = torch.zeros(len(pairs), t, V.CODEBOOKS, dtype=torch.long)
    for i, ((steps, positions), y) in enumerate(zip(sources, targets)):
        source[i, :len(steps)] = steps
        source_positions[i, :len(steps)] = positions
        target[i, :len(y)] = y
    target_positions = torch.arange(t).expand(len(pairs), t)
    return source.to(device), source_positions.to(device), target.to(device), target_positions.to(device)


def batches(pairs, budget, rng, length_cap):
    """Endless batches of pairs of similar length (so little is padding), at most BUDGET source + target steps
    (padded) each, from the pairs whose target fits LENGTH_CAP(step); the cap grows, so short ones come first."""
    ordered = sorted(pairs, key=lambda p: len(p.tokens) + len(p.codes))
    step = 0
    while True:
        cap = length_cap(step)
        eligible = [p for p in ordered if len(p.tokens) < cap] or ordered[:1]
        start = int(rng.integers(len(eligible)))
        chosen, longest = [], 0
        for p in eligible[start:] or eligible[-1:]:
            longest = max(longest, len(p.tokens) + 1 + len(p.codes))
            if chosen and longest * (len(chosen) + 1) > budget:
                break
            chosen.append(p)
        step += 1
        yield chosen


def reading_limit(task, pair):
    """The most tokens a greedy reading may take, from the source's size alone (never the reference): 16 LMX tokens
    per image column; 2 MIDI tokens per audio frame (about 170 a second)."""
    if task.source == V.IMAGE:
        return min(task.max_target, 16 * (len(pair.codes) // pair.rows) + 32)
    return min(task.max_target, 2 * len(pair.codes) + 16)


@torch.no_grad()
def greedy(model, task, pairs, device, chunk=16, most=None):
    """Greedy readings (lists of unified indices, EOS dropped), with the decoder's self-attention cache; with MOST, only
    their first MOST steps."""
    model.eval()
    readings = []
    for i in range(0, len(pairs), chunk):
        part = pairs[i:i + chunk]
        source, source_positions, _, _ = collate(part, device)
        memory, padding = model.encode(source, task.source, source_positions, task.target)
        limit = min(max(reading_limit(task, p) for p in part), most or sys.maxsize)
        step = torch.zeros(len(part), V.CODEBOOKS, dtype=torch.long, device=device)
        step[:, 0] = V.sos(task.target)
        finished = torch.zeros(len(part), dtype=torch.bool, device=device)
        cache, chosen_steps = [], []
        for t in range(limit):
            state = model.decode_step(memory, padding, step, task.target, t, cache)
            chosen = model.step_logits(state, None, task.target)[:, 0, 0].argmax(-1)
            chosen[finished] = V.PAD
            finished |= chosen == V.eos(task.target)
            chosen_steps.append(chosen)
            step = torch.zeros_like(step)
            step[:, 0] = chosen
            if finished.all():
                break
        for row in torch.stack(chosen_steps, 1).tolist():
            readings.append([x for x in row if x not in (V.PAD, V.eos(task.target))])
    return readings


@torch.no_grad()
def beam_search(model, task, pair, width, length_penalty=1.0):
    """The reading of one pair that keeps the WIDTH likeliest hypotheses at every step, each finished one scored by its
    summed log-probability over (its length + EOS) ** LENGTH_PENALTY; stops when WIDTH have finished and none still
    open scores higher, or at the greedy reading's limit."""
    model.eval()
    source, source_positions, _, _ = collate([pair], torch.device("cpu"))
    memory, padding = model.encode(source, task.source, source_positions, task.target)
    memory, padding = memory.expand(width, -1, -1), padding.expand(width, -1)
    eos = V.eos(task.target)
    normalised = lambda tokens, total: total / (len(tokens) + 1) ** length_penalty  # noqa: E731
    open_, finished, cache = [([], 0.0)], [], []
    step = torch.zeros(width, V.CODEBOOKS, dtype=torch.long)
    step[:, 0] = V.sos(task.target)
    for t in range(reading_limit(task, pair)):
        state = model.decode_step(memory, padding, step, task.target, t, cache)
        log_p = torch.log_softmax(model.step_logits(state, None, task.target)[:, 0, 0], -1)
        candidates = sorted(((total + value, b, token) for b, (_, total) in enumerate(open_)
                             for value, token in zip(*[x.tolist() for x in log_p[b].topk(width)])), reverse=True)
        kept, parents = [], []
        for total, b, token in candidates:
            if token == eos:
                finished.append((normalised(open_[b][0], total), open_[b][0]))
            else:
                kept.append((open_[b][0] + [token], total))
                parents.append(b)
            if len(kept) == width:
                break
        open_ = kept
        if not kept or (len(finished) >= width and max(f[0] for f in finished) >= max(normalised(*k) for k in kept)):
            break
        order = torch.tensor(parents + [parents[0]] * (width - len(parents)))
        for layer in cache:
            layer["seen"] = [h.index_select(0, order) for h in layer["seen"]]
        step = torch.zeros(width, V.CODEBOOKS, dtype=torch.long)
        step[:, 0] = torch.tensor([k[0][-1] for k in kept] + [kept[0][0][-1]] * (width - len(kept)))
    finished += [(normalised(*k), k[0]) for k in open_] if not finished else []
    return max(finished, key=lambda f: f[0])[1]


def runtime_readings(path, task, pairs, sightread):
    """Greedy readings of PAIRS by the C runtime (`sightread translate --device cpu`) from the exported weights at
    PATH: what the program reads, the tokens before EOS."""
    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "sources.jsonl"
        with open(sources, "w") as out:
            for pair in pairs:
                steps, positions = pair.source()
                out.write(json.dumps({"source": V.MODALITIES[task.source], "target": V.MODALITIES[task.target],
                                      "tokens": steps.flatten().tolist(), "positions": positions.flatten().tolist(),
                                      "limit": reading_limit(task, pair)}) + "\n")
        result = subprocess.run([str(sightread), "translate", "--device", "cpu", str(path), str(sources)],
                                capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"sightread translate failed: {result.stderr.strip()}")
    readings = [[int(x) for x in line.split()] for line in result.stdout.splitlines()]
    assert len(readings) == len(pairs), (len(readings), len(pairs))
    return readings


def readings_of(model, task, pairs, device, reader, sightread, path=None):
    """Greedy readings of PAIRS. On a CPU (READER auto or runtime) the C runtime reads them from the weights at PATH,
    or from the model's fp16 export: what the program reads, several times faster than PyTorch reads there. On a
    GPU, where the program may not run, PyTorch reads them."""
    if reader == "pytorch" or (reader == "auto" and device.type != "cpu"):
        return greedy(model, task, pairs, device)
    if path is not None:
        return runtime_readings(path, task, pairs, sightread)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.safetensors"
        save_weights(model, task, path, {})
        return runtime_readings(path, task, pairs, sightread)


def score(task, pairs, readings, sightread):
    return ser(pairs, readings, sightread) if task.name == "omr" else onset_f1(pairs, readings, sightread)


def ser(pairs, readings, sightread):
    """SER in % by the C metric (`sightread eval ser`), one system a line, of the readings cut where they fall into a
    loop as the program's reader cuts them (`sightread lmx trim-loops`): what the program would read."""
    names = {v: k for k, v in lmx_table(sightread).items()}
    with tempfile.TemporaryDirectory() as folder:
        ref, pred, cut = Path(folder) / "ref.lmx", Path(folder) / "pred.lmx", Path(folder) / "cut.lmx"
        ref.write_text("".join(" ".join(names[x] for x in p.tokens) + "\n" for p in pairs))
        pred.write_text("".join(" ".join(names[x] for x in r) + "\n" for r in readings))
        cut.write_text(subprocess.run([str(sightread), "lmx", "trim-loops", str(pred)], check=True,
                                      capture_output=True, text=True).stdout)
        result = subprocess.run([str(sightread), "eval", "ser", "--json", str(ref), str(cut)], check=True,
                                capture_output=True, text=True)
    return json.loads(result.stdout)["ser"]


def onset_f1(pairs, readings, sightread):
    """Mean note-onset F1 in % over the clips (mir_eval rules, ±50 ms, by `sightread eval notes --onset-only`), both
    token lists turned into MIDI by `sightread midi decode` first."""
    header = f"# sightread midi tokens: segment-seconds={amt_tokens.WINDOW_SECONDS:g}\n"
    total = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for pair, reading in zip(pairs, readings):
            files = []
            for name, tokens in (("ref", pair.tokens), ("est", reading)):
                text, midi = Path(folder) / f"{name}.tokens", Path(folder) / f"{name}.mid"
                # `midi decode` reads plain token indices as well as names.
                text.write_text(header + " ".join(str(int(t) - V.MIDI_START + V.MIDI_SPECIALS) for t in tokens) + "\n")
                subprocess.run([str(sightread), "midi", "decode", str(text), "-o", str(midi)], check=True,
                               capture_output=True)
                files.append(str(midi))
            result = subprocess.run([str(sightread), "eval", "notes", "--onset-only", "--json", *files], check=True,
                                    capture_output=True, text=True)
            total += json.loads(result.stdout)["f1"]
    return 100 * total / max(len(pairs), 1)


def load_model(path):
    state, metadata, config = safetensors_io.load_model_file(path, "seq2seq", FORMAT)
    model = Translator(TranslatorConfig(**config))
    model.load_state_dict(state)
    return model, metadata


def save_weights(model, task, path, provenance):
    """The model's weights in fp16 with the metadata the runtime checks, written whole (under a temporary name)."""
    metadata = {"sightread.kind": "seq2seq", "sightread.format": FORMAT, "sightread.config": model.config.to_json(),
                "sightread.direction": task.direction, "sightread.tasks": json.dumps([task.name]),
                **{f"sightread.{k}": v for k, v in provenance.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    safetensors_io.save({k: v.detach().cpu().half() for k, v in model.state_dict().items()}, partial, metadata)
    partial.rename(path)


def export(model, task, path, provenance, golden_pair):
    save_weights(model, task, path, provenance)
    write_golden(path, task, golden_pair)


def write_golden(path, task, golden_pair):
    """The golden file beside the weights at PATH: what the exported (fp16) weights read from one validation pair, for
    the C runtime to match."""
    exported, _ = load_model(path)
    exported.eval()
    source, positions, target, target_positions = collate([golden_pair], torch.device("cpu"))
    with torch.no_grad():
        memory, padding = exported.encode(source, task.source, positions, task.target)
        sos = torch.zeros_like(target[:, :1])
        sos[..., 0] = V.sos(task.target)
        states = exported.decode(memory, padding, torch.cat([sos, target[:, :-1]], 1), task.target, target_positions)
        first = torch.log_softmax(exported.step_logits(states[:, :1], None, task.target)[0, 0, 0], -1)
    top = first.topk(5)
    golden = {"task": task.name, "source": source[0].tolist(), "source_positions": positions[0].tolist(),
              "teacher_forced_target": target[0, :, 0].tolist(),
              "first_step_top5": [[int(i), round(float(v), 4)] for v, i in zip(top.values, top.indices)],
              # Only the first 32 steps: a whole reading on the CPU took minutes beside other runs on a GPU machine.
              "greedy": greedy(exported, task, [golden_pair], torch.device("cpu"), most=32)[0]}
    path.with_suffix(".golden.json").write_text(json.dumps(golden))


def initialise_from_tokenizer(model, task, weights, audio_init="random"):
    """Spec §3: image code embeddings start as the RQVAE's codebook vectors, rescaled to the embeddings' spread. Audio
    embeddings start random, or with AUDIO_INIT "codec" from what each code adds to the codec's latent (below)."""
    if task.source == V.AUDIO and audio_init == "codec":
        initialise_from_codec(model, weights)
        return
    tensors, _ = safetensors_io.load(weights)
    books = tensors.get("quantizer.codebooks")
    if task.source != V.IMAGE or books is None or books.shape[-1] != model.config.d_model:
        logging.info("%s embeddings start random", V.MODALITIES[task.source])
        return
    books = books.float()
    scale = model.embed.weight.std() / books[0].std()
    with torch.no_grad():
        model.embed.weight[V.IMAGE_START:V.IMAGE_START + books.numel() // books.shape[-1]] = \
            books.reshape(-1, books.shape[-1]) * scale


@torch.no_grad()
def initialise_from_codec(model, weights, seed=0):
    """The codec looks its codes up in 8 dimensions and projects them into its 128-dimensional latent, where the four
    codebooks' vectors add up to what its decoder hears. Audio code k:c starts as W · (that vector of c in codebook k),
    W one fixed random map with orthonormal columns into d_model, all rescaled to the embeddings' spread: the summed
    embeddings of a step then start as W · latent, so codes that sound alike start alike, where random embeddings
    leave the model to learn 4 096 codes one by one."""
    from train_codec import load_model as load_codec
    codec, _ = load_codec(weights)
    codec.eval()
    codes = torch.arange(V.CODEBOOK_SIZE)[None]
    latents = torch.cat([q.lookup(codes)[0].T for q in codec.quantizers[:V.CODEBOOKS]])  # (4 096, latent)
    d, width = model.config.d_model, latents.shape[1]
    generator = torch.Generator().manual_seed(seed)
    orthonormal = torch.linalg.qr(torch.randn(max(d, width), min(d, width), generator=generator))[0]
    projection = orthonormal if d >= width else orthonormal.T  # (d, latent): keeps inner products where d ≥ latent
    vectors = latents @ projection.T
    vectors *= model.embed.weight.std() / vectors.std()
    model.embed.weight[V.AUDIO_START:V.AUDIO_START + len(vectors)] = vectors
    logging.info("audio embeddings start from the codec's latent (%d codes, %d dimensions)", len(vectors),
                 latents.shape[1])


def time_code(seconds, d_model):
    """The Transformer's sinusoidal position code over milliseconds instead of indices (periods from 6 ms to 63 s),
    scaled to the spread of a freshly initialised embedding (standard deviation 1)."""
    i = torch.arange(d_model // 2, dtype=torch.float64)
    angle = seconds.double()[:, None] * 1000 / 10000 ** (2 * i / d_model)
    return (torch.cat([angle.sin(), angle.cos()], 1) * 2 ** 0.5).float()


def initialise_time(model, task, codec_hop=CODEC_HOP, rate=CODEC_RATE):
    """Transcription: audio frame p and the token shift:N both name a time (p · 512 / 44 100 s and N · 10 ms). A fresh
    model starts both embeddings from the same sinusoidal code of that time, so that cross-attention can match a shift
    to the frames it names from the first step, instead of learning 441 frame positions and 2 001 shifts one by one
    (the first runs learned which pitches sound but not when). Both stay learned; only the start changes."""
    if task.source != V.AUDIO:
        return
    d = model.config.d_model
    frames = torch.arange(model.config.max_positions) * codec_hop / rate
    shifts = torch.arange(V.MIDI_SHIFTS) * 0.01
    with torch.no_grad():
        model.source_positions.linear[V.AUDIO].weight.copy_(time_code(frames, d))
        model.embed.weight[V.midi_token(V.MIDI_SPECIALS):V.midi_token(V.MIDI_SPECIALS) + V.MIDI_SHIFTS] = \
            time_code(shifts, d)
    logging.info("audio positions and MIDI shifts start from one sinusoidal code of time")


def better(task, value, best):
    return value < best if task.lower_is_better else value > best


def keep(task, value, best, loss, best_loss):
    """Whether to export. Early on an OMR model does not yet stop where a system ends, and its SER (above 100 %) counts
    run-on insertions rather than reading: until a SER below 100 % is reached, the teacher-forced validation loss
    decides; after that, the task's metric."""
    if task.name == "omr" and value >= 100 and best >= 100:
        return loss < best_loss
    return better(task, value, best)


@torch.no_grad()
def validation_loss(model, task, pairs, device, chunk=16):
    """Teacher-forced cross-entropy per target token over PAIRS."""
    model.eval()
    total = count = 0.0
    for i in range(0, len(pairs), chunk):
        part = pairs[i:i + chunk]
        source, source_positions, target, target_positions = collate(part, device)
        tokens = float((target[..., 0] != V.PAD).sum())
        total += float(model(source, task.source, source_positions, target, task.target, target_positions)) * tokens
        count += tokens
    return total / max(count, 1)


def validate(model, task, validation, looks, args, device):
    """(teacher-forced loss, the task's metric per look, the metric that decides) over the validation pairs; the
    metric only with --metric task (None otherwise). OMR: the engraved look decides; AMT: the mean over sounds."""
    loss = validation_loss(model, task, validation, device)
    if args.metric == "loss":
        return loss, {}, None
    # One reading of every pair (for the runtime: one export, one load), then scored look by look.
    readings = readings_of(model, task, validation, device, args.reader, args.sightread)
    scores = {look: score(task, [p for p in validation if p.look == look],
                          [r for p, r in zip(validation, readings) if p.look == look], args.sightread)
              for look in looks}
    return loss, scores, scores[looks[0]] if task.name == "omr" else sum(scores.values()) / len(scores)


def train(args):
    task = TASKS[args.task]
    where = place()
    setup_logging(args.log or f"~/.cache/sightread/logs/{task.direction}.log", where.rank)
    torch.manual_seed(args.seed + where.rank)
    weights = tokenizer_path(args, task)
    pairs = [p for p in task_pairs(args, task, "train") if p.look not in args.hold_out]
    validation = spread(task_pairs(args, task, "validation"), args.validation_systems)
    if not pairs or not validation:
        raise SystemExit(f"no tokenized training or validation pairs in {token_folder(args, task)}: run "
                         f"`train_translator.py tokenize --task {task.name}` first")
    target = Path(args.model) if args.model else MODELS / f"{task.direction}.safetensors"
    config = TranslatorConfig(d_model=args.d_model, heads=args.heads, ffn=4 * args.d_model,
                              encoder_layers=args.layers, decoder_layers=args.layers)
    metric_key = f"{task.name}_{'ser' if task.name == 'omr' else 'onset_f1'}"
    if target.exists() and not args.fresh:
        model, metadata = load_model(target)
        if metadata.get(f"sightread.{task.tokenizer}") != fingerprint(weights):
            logging.info("note: %s was trained on %s %s, the tokens are from %s", target, task.tokenizer,
                         metadata.get(f"sightread.{task.tokenizer}"), fingerprint(weights))
        start = int(metadata.get("sightread.steps", 0))
        best = float(metadata.get(f"sightread.{metric_key}", metadata.get("sightread.ser_engraved",
                                                                          1e9 if task.lower_is_better else -1)))
        best_loss = float(metadata.get("sightread.validation_loss", 1e9))
        logging.info("resuming from %s at step %d (%s %.2f), seed %d", target, start, task.metric, best, args.seed)
    else:
        model, start, best, best_loss = Translator(config), 0, 1e9 if task.lower_is_better else -1.0, 1e9
        initialise_from_tokenizer(model, task, weights, args.audio_init)
        if args.time_init == "sinusoid":
            initialise_time(model, task)
    size = sum(p.numel() for p in model.parameters())
    logging.info("%s: %d training pairs, %d validation pairs, %.1f M parameters, %d process(es) on %s", task.name,
                 len(pairs), len(validation), size / 1e6, where.world, where.device)
    looks = sorted({p.look for p in validation})
    if start > 0 and where.main:
        # The weights' recorded scores may come from another validation split (the data factory was rebuilt, or
        # the run is on a machine with other shards): the bar is what they score on this run's validation pairs.
        best_loss, scores, value = validate(model.to(where.device), task, validation, looks, args, where.device)
        best = best if value is None else value
        logging.info("step %d (the weights resumed from) validation %s %s teacher-forced loss %.4f: the bar", start,
                     task.metric, " ".join(f"{look} {v:.2f} %" for look, v in scores.items()), best_loss)
    net = wrap(model, where)
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.01)
    rng = np.random.default_rng(args.seed + 7919 * where.rank + start)
    cap = lambda s: args.first_cap + (start + s) * args.cap_growth  # noqa: E731
    stream = batches(pairs, args.budget, rng, cap)
    started, seen, last = time.time(), 0, start + args.steps
    # Transcription's guided attention: with --guide 0 only measured (the share of attention off the tokens' times).
    guide = (Guide(CODEC_RATE / CODEC_HOP, args.guide_width, args.guide_heads)
             if args.guide is not None and task.name == "amt" else None)
    off_times = []
    for step in range(start + 1, start + args.steps + 1):
        if args.time_limit is not None and time.time() - started > args.time_limit:
            last = step   # this step is the last: trained, then validated and exported like any final step
        chosen = next(stream)
        seen += len(chosen)
        for group in optimizer.param_groups:
            group["lr"] = inverse_sqrt_lr(step, args.lr, args.warmup)
        net.train()
        source, source_positions, targets, target_positions = collate(chosen, where.device)
        with torch.autocast(where.device.type, dtype=torch.bfloat16, enabled=args.precision == "bf16"):
            loss = net(source, task.source, source_positions, targets, task.target, target_positions,
                       sampled=args.sampled * min(1.0, (step - start) / max(args.sampled_ramp, 1)), guide=guide)
        if guide is not None:
            loss, off_time = loss
            off_times.append(float(off_time))
            loss = loss + args.guide * off_time
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        if step % 20 == 0:
            logging.info("step %d loss %.4f lr %.2e cap %d (%.2f s/step, %.1f pairs/step)%s", step, loss.item(),
                         optimizer.param_groups[0]["lr"], cap(step - start), (time.time() - started) / (step - start),
                         seen / (step - start),
                         f" attention off time {np.mean(off_times):.3f}" if off_times else "")
            off_times = []
        if where.main and (step % args.eval_every == 0 or step == last):
            plain = unwrap(net)
            loss_now, scores, value = validate(plain, task, validation, looks, args, where.device)
            if value is None:
                value = best
                logging.info("step %d validation teacher-forced loss %.4f (best %.4f)", step, loss_now, best_loss)
            else:
                logging.info("step %d validation %s %s teacher-forced loss %.4f (best %.2f, loss %.4f)", step,
                             task.metric, " ".join(f"{look} {v:.2f} %" for look, v in scores.items()), loss_now, best,
                             best_loss)
            provenance = {"steps": step, "validation_loss": f"{loss_now:.4f}",
                          **({metric_key: f"{value:.3f}"} if scores else {}),
                          **{f"{metric_key}_{look}": f"{v:.3f}" for look, v in scores.items()},
                          task.tokenizer: fingerprint(weights),
                          # The runtime reads a recording in windows of the length the model learned.
                          **({"segment_seconds": f"{amt_tokens.WINDOW_SECONDS:g}"} if task.name == "amt" else {}),
                          "data": f"data factory shards in {args.cache}, split train",
                          **({"held_out": ",".join(args.hold_out)} if args.hold_out else {}),
                          "date": datetime.date.today().isoformat()}
            # A greedy SER over a few dozen validation systems swings by tens of points between evaluations, so the
            # latest weights are kept too, for the test split to judge against the best ones.
            latest = (Path(args.latest) if args.latest else
                      target.with_name(f"{target.stem}-latest.safetensors") if args.model else
                      Path(f"~/.cache/sightread/checkpoints/{task.direction}-latest.safetensors"))
            export(copy.deepcopy(plain).cpu(), task, latest.expanduser(), provenance, validation[0])
            if (loss_now < best_loss if args.metric == "loss" else keep(task, value, best, loss_now, best_loss)):
                best, best_loss = value, loss_now
                export(copy.deepcopy(plain).cpu(), task, target, provenance, validation[0])
                logging.info("exported %s", target)
        if step == last:
            break


def evaluate(args):
    """The task's metric per split and look from the given weights, printed and (with --json) written as a summary."""
    task = TASKS[args.task]
    path = Path(args.model) if args.model else MODELS / f"{task.direction}.safetensors"
    model, metadata = load_model(path)
    summary = {"model": str(path), "task": task.name, "metric": task.metric, "reader": args.reader,
               "steps": int(metadata.get("sightread.steps", 0)),
               task.tokenizer: fingerprint(tokenizer_path(args, task)), "beam": args.beam, "splits": {}}
    for split in args.splits.split(","):
        pairs = task_pairs(args, task, split)
        if not pairs:
            raise SystemExit(f"no tokenized pairs in {token_folder(args, task) / split}: run `train_translator.py "
                             f"tokenize --task {task.name}`")
        for look in sorted({p.look for p in pairs}):
            chosen = spread([p for p in pairs if p.look == look], args.limit)
            readings = (readings_of(model, task, chosen, torch.device("cpu"), args.reader, args.sightread, path)
                        if args.beam <= 1 else [beam_search(model, task, p, args.beam) for p in chosen])
            value = score(task, chosen, readings, args.sightread)
            summary["splits"].setdefault(split, {})[look] = {task.metric: round(value, 3), "pairs": len(chosen)}
            print(f"{split} {look}: {task.metric} {value:.2f} % over {len(chosen)} pairs (model step "
                  f"{summary['steps']}{f', beam {args.beam}' if args.beam > 1 else ''})")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1) + "\n")


def golden(args):
    """Writes the golden file of weights exported elsewhere (a run stopped before it wrote one), from the first
    validation pair of their task."""
    task = TASKS[args.task]
    path = Path(args.model) if args.model else MODELS / f"{task.direction}.safetensors"
    write_golden(path, task, task_pairs(args, task, "validation")[0])
    print(f"wrote {path.with_suffix('.golden.json')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    k = commands.add_parser("tokenize", help="encode the sources with the frozen tokenizer, the targets with the C "
                                             "vocabulary")
    t = commands.add_parser("train")
    e = commands.add_parser("eval")
    g = commands.add_parser("golden", help="write the golden file of weights exported without one")
    for p in (k, t, e, g):
        p.add_argument("--task", choices=sorted(TASKS), default="omr")
        p.add_argument("--cache", default="~/.cache/sightread/data")
        p.add_argument("--tokenizer", help="the source's tokenizer weights (default: the shipped rqvae or codec)")
        p.add_argument("--sightread", default=str(SIGHTREAD), help="the built sightread binary (its vocabularies, "
                                                                   "tokenizers and metrics)")
        p.add_argument("--seed", type=int, default=1)
    k.add_argument("--part", type=int, default=0, help="with --parts N: do only the shards i with i %% N = PART, so "
                                                      "N processes can share the work")
    k.add_argument("--parts", type=int, default=1)
    k.add_argument("--splits", default="train,validation,test,real-scan",
                   help="comma-separated, in this order (a held-out split first, to train beside the rest)")
    k.add_argument("--shifts", type=int,
                   help="variants per training system: pixel-shifted for OMR (spec §1.1; default 2), delayed by a "
                        "fraction of a codec frame for transcription (§1.2; default 1: a variant is a codec pass)")
    k.add_argument("--shuffle", type=int, metavar="SEED",
                   help="tokenize the shards in this seeded order (a run stopped part way holds every corpus)")
    t.add_argument("--hold-out", action="append", default=[], metavar="LOOK",
                   help="leave this look (for transcription a SoundFont's name, e.g. FluidR3_GM) out of training; "
                        "validation still scores it apart, as a sound the model never heard")
    t.add_argument("--time-init", choices=("sinusoid", "random"), default="sinusoid",
                   help="transcription from random weights: audio positions and MIDI shifts start from one "
                        "sinusoidal code of time, or random as every other embedding")
    t.add_argument("--audio-init", choices=("random", "codec"), default="random",
                   help="transcription from random weights: audio code embeddings start random, or from what each "
                        "code adds to the codec's latent (through one fixed random map into the model's width)")
    t.add_argument("--guide", type=float, metavar="WEIGHT",
                   help="transcription: add WEIGHT × the guided-attention loss (the first --guide-heads heads of "
                        "every decoder layer drawn to the audio at each MIDI token's time); 0 only logs it")
    t.add_argument("--guide-width", type=float, default=8.0, help="its width in audio steps (8: 93 ms)")
    t.add_argument("--guide-heads", type=int, default=2)
    t.add_argument("--steps", type=int, default=1000)
    t.add_argument("--budget", type=int, default=4096, help="source + target steps per batch, padding included")
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--warmup", type=int, default=400)
    t.add_argument("--first-cap", type=int, default=160, help="target length cap at step 0 (curriculum)")
    t.add_argument("--cap-growth", type=float, default=0.5, help="target tokens added to the cap per step")
    t.add_argument("--precision", choices=("fp32", "bf16"), default="fp32",
                   help="bf16: matrix products in bfloat16 under autocast, weights, loss and optimizer in fp32 (1.6× "
                        "faster on CPUs with AVX512-BF16, slower on those without)")
    t.add_argument("--sampled", type=float, default=0.0,
                   help="share of the decoder's earlier steps replaced by its own greedy choice (scheduled sampling, "
                        "LMX and MIDI targets), reached after --sampled-ramp steps")
    t.add_argument("--sampled-ramp", type=int, default=500)
    t.add_argument("--d-model", type=int, default=256)
    t.add_argument("--heads", type=int, default=4)
    t.add_argument("--layers", type=int, default=4)
    t.add_argument("--validation-systems", type=int, default=64)
    t.add_argument("--eval-every", type=int, default=250)
    t.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="stop after this much training time (then validate and export as at the last step): for a "
                        "machine lent for a fixed time")
    t.add_argument("--metric", choices=("task", "loss"), default="task",
                   help="what decides an export: the task's metric (needs the sightread program) or the teacher-"
                        "forced validation loss alone (where only PyTorch runs); either way the resumed weights' "
                        "own score on this run's validation pairs, measured before the first step, sets the bar")
    t.add_argument("--fresh", action="store_true", help="start from random weights, not the shipped model")
    t.add_argument("--log", help="default ~/.cache/sightread/logs/i2a.log or a2i.log")
    t.add_argument("--latest", help="where the weights of each evaluation go, kept or not (default: beside --model as "
                                    "NAME-latest.safetensors, else ~/.cache/sightread/checkpoints/i2a-latest."
                                    "safetensors or a2i-latest)")
    e.add_argument("--splits", default="test,real-scan", help="comma-separated: validation, test, real-scan")
    e.add_argument("--limit", type=int, default=200, help="pairs per split and look, spread over the split")
    e.add_argument("--json", help="also write the numbers to this JSON file")
    e.add_argument("--beam", type=int, default=1, metavar="WIDTH",
                   help="read by beam search of this width (1: greedy, as the program reads)")
    g.add_argument("--model", help="the weights (default: the shipped model of the task's direction)")
    for p in (t, e):
        p.add_argument("--reader", choices=("auto", "runtime", "pytorch"), default="auto",
                       help="who reads the validation and evaluation pairs greedily: the C runtime (`sightread "
                            "translate`, from the fp16 weights: what the program reads, and faster on a CPU) or "
                            "PyTorch; auto: the runtime on a CPU, PyTorch on a GPU")
        p.add_argument("--model", help="the weights to resume from and export to (default: resources/models/"
                                       "i2a.safetensors or a2i.safetensors)")
    args = parser.parse_args()
    {"tokenize": tokenize, "train": train, "eval": evaluate, "golden": golden}[args.command](args)


if __name__ == "__main__":
    main()
