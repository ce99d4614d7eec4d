"""Benchmark: the shipped I2A translator in C (`sightread bench translator`, CPU backend and every Vulkan device)
against PyTorch on the same machine in the same run, batch 1: the encoder over 256 image steps and 128 greedy
decoder steps (decode_step with its cache, output layer, mask, argmax — what train_translator.greedy does).
Target (issue 9): C decode ≥ 2 × PyTorch's steps per second on the CPU backend; the encoder no slower.
Run: meson test -C build --benchmark translator-speed --verbose"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "train"))
from sightread_train import vocabulary as V  # noqa: E402
from train_translator import load_model  # noqa: E402

SOURCE_STEPS, DECODE_STEPS = 256, 128
sightread, models = sys.argv[1], Path(sys.argv[2])


@torch.no_grad()
def pytorch_times(model):
    # the same synthetic source as compute/benchmark.c: a grid of 4 rows
    tokens = torch.tensor([[V.image_code(k, (i * 37 + k * 101) % 1024) for k in range(4)]
                           for i in range(SOURCE_STEPS)])[None]
    positions = torch.tensor([[(i // 4) % model.config.image_columns, i % 4] for i in range(SOURCE_STEPS)])[None]
    model.encode(tokens, V.IMAGE, positions, V.LMX)  # warm-up, then the median of five, as the C side does
    encodes = []
    for _ in range(5):
        started = time.perf_counter()
        memory, padding = model.encode(tokens, V.IMAGE, positions, V.LMX)
        encodes.append(time.perf_counter() - started)
    t0, t1 = 0.0, sorted(encodes)[2]
    decode_started = time.perf_counter()
    step = torch.zeros(1, V.CODEBOOKS, dtype=torch.long)
    step[0, 0] = V.sos(V.LMX)
    cache = []
    for t in range(DECODE_STEPS):
        state = model.decode_step(memory, padding, step, V.LMX, t, cache)
        chosen = model.step_logits(state, None, V.LMX)[:, 0, 0].argmax(-1)
        step = torch.zeros_like(step)
        step[:, 0] = chosen
    t2 = time.perf_counter()
    return t1 - t0, t2 - decode_started


torch.set_num_threads(os.cpu_count())  # the same two cores the C backend uses
model, _ = load_model(models / "i2a.safetensors")
model.eval()
encoder_seconds, decode_seconds = pytorch_times(model)
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads: encoder {SOURCE_STEPS / encoder_seconds:8.1f} "
      f"steps/s ({encoder_seconds * 1e3:.1f} ms), decode {DECODE_STEPS / decode_seconds:6.1f} steps/s")
run = subprocess.run([sightread, "bench", "translator", "--json", "--models", str(models)], capture_output=True,
                     text=True, env={**os.environ})
if run.returncode != 0:
    print(run.stderr)
    sys.exit(1)
reference = {"encoder": SOURCE_STEPS / encoder_seconds, "decode": DECODE_STEPS / decode_seconds}
ok = True
for result in json.loads(run.stdout)["results"]:
    if result["unit"] != "steps/s":
        print(f"C {result['backend']:7s} {result['case']}: {result['rate']:.2f} {result['unit']}")
        continue
    kind = "encoder" if result["case"].startswith("encoder") else "decode"
    ratio = result["rate"] / reference[kind]
    print(f"C {result['backend']:7s} {kind:8s} {result['rate']:8.1f} steps/s  = {ratio:5.2f} × PyTorch  "
          f"({result['device']})")
    if result["backend"] == "cpu":
        ok &= ratio >= (2.0 if kind == "decode" else 1.0)
print("targets met" if ok else "targets NOT met (decode ≥ 2 × PyTorch, encoder ≥ 1 ×, on the CPU backend)")
sys.exit(0 if ok else 1)
