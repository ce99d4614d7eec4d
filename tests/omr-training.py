"""The OMR training pipeline end to end on one song, in a tiny size (TAP):
- the data factory's systems become RQVAE code grids (one step per 16×16 cell, column by column, 2-D positions) and
  LMX token IDs from the C vocabulary;
- a translator trained on them for a few hundred steps reads those same systems back far better than chance (SER by
  the C metric), which proves the tokens, batches, teacher forcing, greedy decoding and SER are wired together;
- the exported weights load back, carry kind, format, steps and the RQVAE they read, and a golden file is written.
This checks the plumbing, not music reading: the real numbers are in train/RESULTS.md.
Usage: omr-training.py SIGHTREAD SHARED"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "train"))
from sightread_train import safetensors_io  # noqa: E402
from sightread_train import vocabulary as V  # noqa: E402
from sightread_train.omr_tokens import fingerprint, load_pairs, lmx_table  # noqa: E402

PIECE = "lc4976777"  # a song of a few systems
sightread, shared = sys.argv[1], sys.argv[2]
script = REPO / "train" / "train_translator.py"
rqvae = REPO / "resources" / "models" / "rqvae.safetensors"
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + (f"  # {detail}" if detail else ""), flush=True)


def run(*arguments):
    return subprocess.run([sys.executable, *map(str, arguments)], capture_output=True, text=True, check=True).stdout


with tempfile.TemporaryDirectory() as folder:
    cache = Path(folder) / "cache"
    run(REPO / "train" / "data" / "build.py", "build", "--cache", cache, "--shared", shared, "--sightread", sightread,
        "--only", PIECE, "--variants", "1", "--audio-variants", "0")
    built = list((cache / "shards").glob("*/*.tar"))
    # Whatever split the song belongs to, it is trained on and read back here.
    for split in ("train", "validation"):
        (cache / "shards" / split).mkdir(parents=True, exist_ok=True)
        for shard in built:
            if shard.parent.name != split:
                shutil.copy(shard, cache / "shards" / split / shard.name)
    run(script, "tokenize", "--cache", cache, "--sightread", sightread, "--shifts", "1")

    tokens = cache / "tokens" / f"omr-{fingerprint(rqvae)}"
    pairs = load_pairs(tokens / "train")
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
          names[int(pair.lmx[0])] == "measure" and pair.target()[-1, 0] == V.eos(V.LMX))

    model = Path(folder) / "i2a.safetensors"
    out = run(script, "train", "--cache", cache, "--sightread", sightread, "--model", model, "--fresh",
              "--log", Path(folder) / "i2a.log", "--d-model", "64", "--heads", "2", "--layers", "1",
              "--steps", "150", "--warmup", "30", "--lr", "3e-3", "--budget", "1500", "--first-cap", "2000",
              "--eval-every", "150", "--validation-systems", "8")
    log = (Path(folder) / "i2a.log").read_text()
    losses = [float(line.split(" loss ")[1].split()[0]) for line in log.splitlines() if " loss " in line]
    check("the loss falls to a fraction of where it started", losses[-1] < 0.4 * losses[0],
          f"{losses[0]:.3f} → {losses[-1]:.3f}")
    engraved = [float(line.split("SER engraved ")[1].split()[0]) for line in log.splitlines() if "SER engraved" in line]
    check("it reads its own training systems back with SER well below 100 % (C metric)",
          engraved and engraved[-1] < 60, f"SER {engraved[-1] if engraved else None} %")

    tensors, metadata = safetensors_io.load(model)
    check("the export is fp16 seq2seq weights that say their step and the RQVAE they read",
          metadata["sightread.kind"] == "seq2seq" and metadata["sightread.steps"] == "150"
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
          and numbers["splits"]["validation"]["engraved"]["systems"] == 4 and numbers["steps"] == 150,
          evaluated.strip())

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
