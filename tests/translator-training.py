"""The translator's training pipelines end to end on one song, in a tiny size (TAP):
- OMR: the data factory's systems become RQVAE code grids (one step per 16×16 cell, column by column, 2-D positions)
  and LMX token IDs from the C vocabulary; a translator trained on them for 300 steps reads those same systems back
  far better than chance (SER by the C metric); the export loads back with kind, format, steps, the RQVAE it read and
  a golden file;
- transcription: the same systems' audio becomes codec frames and their notes MIDI event tokens made by the C
  tokenizer; a translator trained on them transcribes those clips back better than chance (onset F1 by the C metric);
- for both, the C runtime (`sightread translate`, what validation reads with on a CPU) reads the exported weights
  token for token as PyTorch reads them.
This proves the tokens, batches, teacher forcing, greedy decoding and metrics are wired together; it checks the
plumbing, not music reading: the real numbers are in train/RESULTS.md.
Usage: translator-training.py SIGHTREAD SHARED"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "train"))
from sightread_train import safetensors_io  # noqa: E402
from sightread_train import vocabulary as V  # noqa: E402
from sightread_train.omr_tokens import fingerprint, lmx_table, load_omr_pairs  # noqa: E402
from sightread_train.pairs import load_pairs  # noqa: E402
import train_codec  # noqa: E402
import train_translator  # noqa: E402

PIECE = "lc4976777"  # a song of a few systems
sightread, shared = sys.argv[1], sys.argv[2]
script = REPO / "train" / "train_translator.py"
rqvae = REPO / "resources" / "models" / "rqvae.safetensors"
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + (f"  # {detail}" if detail else ""), flush=True)


def run(*arguments):
    done = subprocess.run([sys.executable, *map(str, arguments)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, arguments))} failed:\n{done.stderr}")
    return done.stdout


def train_tiny(task, cache, model, budget):
    """A 300-step run of a tiny translator (d 64, one layer each side) from scratch on the cache's training pairs,
    validated once at the end; → (its log's lines, the training losses it reported)."""
    log = model.with_suffix(".log")
    run(script, "train", "--task", task, "--cache", cache, "--sightread", sightread, "--model", model, "--fresh",
        "--log", log, "--d-model", "64", "--heads", "2", "--layers", "1", "--steps", "300", "--warmup", "30",
        "--lr", "3e-3", "--budget", str(budget), "--first-cap", "2000", "--eval-every", "300",
        "--validation-systems", "8")
    lines = log.read_text().splitlines()
    return lines, [float(line.split(" loss ")[1].split()[0]) for line in lines
                   if " loss " in line and "validation" not in line]


with tempfile.TemporaryDirectory() as folder:
    cache = Path(folder) / "cache"
    run(REPO / "train" / "data" / "build.py", "build", "--cache", cache, "--shared", shared, "--sightread", sightread,
        "--only", PIECE, "--variants", "1", "--audio-share", "1")
    built = list((cache / "shards").glob("*/*.tar"))
    # Whatever split the song belongs to, it is trained on and read back here.
    for split in ("train", "validation"):
        (cache / "shards" / split).mkdir(parents=True, exist_ok=True)
        for shard in built:
            if shard.parent.name != split:
                shutil.copy(shard, cache / "shards" / split / shard.name)
    run(script, "tokenize", "--cache", cache, "--sightread", sightread, "--shifts", "1")

    tokens = cache / "tokens" / f"omr-{fingerprint(rqvae)}"
    pairs = load_omr_pairs(tokens / "train")
    names = {v: k for k, v in lmx_table(sightread).items()}
    check("every system of the song became a pair", len(pairs) >= 3, f"{len(pairs)} pairs")
    pair = pairs[0]
    source, positions = pair.source()
    columns = len(pair.codes) // pair.rows
    check("a code grid holds rows × columns steps of 4 codes, each in its codebook's block",
          len(pair.codes) == pair.rows * columns and all(
              V.block(V.IMAGE, k)[0] <= int(source[:, k].min()) and int(source[:, k].max()) < V.block(V.IMAGE, k)[1]
              for k in range(V.CODEBOOKS)))
    check("steps run down a column, then to the next column",
          positions[: pair.rows + 1].tolist() == [[0, r] for r in range(pair.rows)] + [[1, 0]])
    check("the grid's height follows the crop (16 px a row)", 3 <= pair.rows <= 26, f"{pair.rows} rows")
    check("the LMX IDs spell the system's LMX in the C vocabulary, a measure first",
          names[int(pair.tokens[0])] == "measure" and pair.target()[-1, 0] == V.eos(V.LMX))

    model = Path(folder) / "i2a.safetensors"
    log, losses = train_tiny("omr", cache, model, 1500)
    check("the loss falls to a fraction of where it started", losses[-1] < 0.4 * losses[0],
          f"{losses[0]:.3f} → {losses[-1]:.3f}")
    engraved = [float(line.split("SER engraved ")[1].split()[0]) for line in log if "SER engraved" in line]
    check("it reads its own training systems back with SER well below 100 % (C metric)",
          engraved and engraved[-1] < 60, f"SER {engraved[-1] if engraved else None} %")

    tensors, metadata = safetensors_io.load(model)
    check("the export is fp16 seq2seq weights that say their step and the RQVAE they read",
          metadata["sightread.kind"] == "seq2seq" and metadata["sightread.steps"] == "300"
          and metadata["sightread.rqvae"] == fingerprint(rqvae)
          and all(t.dtype.is_floating_point and t.element_size() == 2 for t in tensors.values()))
    golden = json.loads(model.with_suffix(".golden.json").read_text())
    check("the golden file holds a source, the first step's top tokens and a greedy reading",
          len(golden["source"]) > 0 and len(golden["first_step_top5"]) == 5 and len(golden["greedy"]) > 0)
    summary = Path(folder) / "eval.json"
    evaluated = run(script, "eval", "--cache", cache, "--sightread", sightread, "--model", model, "--limit", "4",
                    "--splits", "validation", "--json", summary)
    numbers = json.loads(summary.read_text())
    check("eval prints a SER per look and writes the same as JSON", "validation engraved: SER" in evaluated
          and numbers["splits"]["validation"]["engraved"]["pairs"] == 4 and numbers["steps"] == 300,
          evaluated.strip())

    def runtime_reads_as_pytorch(task, weights, pairs):
        """(same, detail): the C runtime's readings of PAIRS from WEIGHTS against PyTorch's greedy ones."""
        task = train_translator.TASKS[task]
        model, _ = train_translator.load_model(weights)
        by_pytorch = train_translator.greedy(model, task, pairs, torch.device("cpu"))
        by_runtime = train_translator.runtime_readings(weights, task, pairs, sightread)
        tokens = sum(map(len, by_runtime))
        return by_runtime == by_pytorch and tokens > 0, f"{tokens} tokens in {len(pairs)} readings"

    check("the C runtime reads the exported OMR weights token for token as PyTorch does",
          *runtime_reads_as_pytorch("omr", model, pairs[:4]))

    resumed_log = Path(folder) / "i2a-resumed.log"
    run(script, "train", "--cache", cache, "--sightread", sightread, "--model", model, "--log", resumed_log,
        "--steps", "20", "--warmup", "30", "--lr", "3e-3", "--budget", "1500", "--first-cap", "2000",
        "--eval-every", "20", "--validation-systems", "8", "--seed", "1")
    resumed = resumed_log.read_text().splitlines()
    bar = [float(line.split("SER engraved ")[1].split()[0]) for line in resumed
           if "step 300 (the weights resumed from) validation SER engraved" in line]
    judged = [line for line in resumed if "step 320 validation SER engraved" in line]
    check("a resumed run first scores its weights on its own validation pairs, and later ones must beat that",
          len(bar) == 1 and len(judged) == 1 and f"(best {bar[0]:.2f}," in judged[0], " | ".join(resumed[-4:]))

    # Transcription, on the same song's audio.
    run(script, "tokenize", "--task", "amt", "--cache", cache, "--sightread", sightread)
    codec = REPO / "resources" / "models" / "codec.safetensors"
    clips = load_pairs(cache / "tokens" / f"amt-w5.12s-{fingerprint(codec)}" / "train", V.AUDIO, V.MIDI)
    systems = {c.key.rsplit("-w", 1)[0] for c in clips}
    check("every system's audio became 5.12-s windows of 441 codec frames, each with its segment's MIDI tokens",
          len(systems) == len(pairs) and all(len(c.codes) == 441 and c.rows == 0 and V.MIDI_START <= int(c.tokens.min())
        and int(c.tokens.max()) < V.MIDI_START + V.MIDI_SIZE for c in clips),
          f"{len(clips)} windows of {len(systems)} systems")
    # The same shards tokenized again with a delayed copy of each training system, in a cache of their own (the
    # tiny run below trains on the plain windows alone).
    shifted_cache = Path(folder) / "shifted"
    shutil.copytree(cache / "shards", shifted_cache / "shards")
    run(script, "tokenize", "--task", "amt", "--cache", shifted_cache, "--sightread", sightread, "--splits", "train",
        "--shifts", "2")
    every_clip = load_pairs(shifted_cache / "tokens" / f"amt-w5.12s-{fingerprint(codec)}" / "train", V.AUDIO, V.MIDI)
    delayed = {c.key.replace("-t1-", "-"): c for c in every_clip if "-t1-" in c.key}
    plain = {c.key: c for c in clips}
    changed = [float(np.mean(np.any(delayed[k].codes != plain[k].codes, axis=1))) for k in delayed if k in plain]
    shift_end = V.MIDI_START + 2001  # the MIDI block opens with the shift (time) tokens

    def events(windows):
        return sorted(int(t) for c in windows for t in c.tokens if t >= shift_end)
    check("with --shifts 2 each training system is also encoded half a codec frame later: other codes, the same notes",
          len(delayed) == len(clips) and min(changed) > 0.3
          and events(delayed.values()) == events(plain[k] for k in delayed),
          f"{len(delayed)} delayed windows; frames whose codes changed: {min(changed):.2f} at least")
    used = len({tuple(step) for c in clips for step in c.codes.tolist()})
    check("the shipped codec gives different codes for different sounds (not a collapsed codebook)", used >= 64,
          f"{used} distinct code steps over {sum(len(c.codes) for c in clips)} frames")
    # With --audio-init codec a fresh model's summed audio embeddings of a step start as one fixed map of what the
    # codec's decoder hears for that step: any two steps' inner product is their latents' own, up to one scale.
    fresh = train_translator.Translator(train_translator.TranslatorConfig())
    train_translator.initialise_from_codec(fresh, codec)
    codec_model, _ = train_codec.load_model(codec)
    steps = torch.from_numpy(np.concatenate([c.codes for c in clips])[::7][:64].astype(np.int64))
    with torch.no_grad():
        latent = sum(q.lookup(steps[:, k][None])[0].T for k, q in enumerate(codec_model.quantizers))
        embedded = sum(fresh.embed.weight[V.audio_code(k, 0) + steps[:, k]] for k in range(V.CODEBOOKS))
    gram_latent, gram_embedded = latent @ latent.T, embedded @ embedded.T
    scale = float(gram_embedded.norm() / gram_latent.norm())
    worst = float((gram_embedded / scale - gram_latent).abs().max() / gram_latent.abs().max())
    check("--audio-init codec: the summed audio embeddings of a step start as a fixed map of the codec's latent",
          worst < 1e-4 and float(embedded.std()) > 0.5 * float(fresh.embed.weight[:V.AUDIO_START].std()),
          f"{len(steps)} steps, worst Gram difference {worst:.1e} of its largest entry")
    midi_model = Path(folder) / "a2i.safetensors"
    log, losses = train_tiny("amt", cache, midi_model, 3000)
    check("the transcription loss falls to a fraction of where it started", losses[-1] < 0.4 * losses[0],
          f"{losses[0]:.3f} → {losses[-1]:.3f}")
    f1 = [float(line.split("onset F1 ")[1].split()[1]) for line in log if "validation onset F1" in line]
    # A model deaf to the audio writes the same notes for every clip: about 20 % here (measured with a collapsed codec).
    check("it transcribes its own training clips far better than a model deaf to the audio (onset F1, C metric)",
          f1 and f1[-1] > 40,
          f"onset F1 {f1[-1] if f1 else None} %")
    check("the C runtime reads the exported transcription weights token for token as PyTorch does",
          *runtime_reads_as_pytorch("amt", midi_model, clips[:4]))
    tensors, metadata = safetensors_io.load(midi_model)
    check("the transcription export says its direction, task, codec and the window it reads",
          metadata["sightread.direction"] == "a2i" and metadata["sightread.tasks"] == '["amt"]'
          and metadata["sightread.codec"] == fingerprint(codec) and metadata["sightread.segment_seconds"] == "5.12")

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
