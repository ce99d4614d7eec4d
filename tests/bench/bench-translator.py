"""Benchmark: the shipped translators in C (`sightread bench translator`, CPU backend and every Vulkan device) against
PyTorch on the same machine in the same run, batch 1: the encoder and 128 greedy decoder steps (decode_step with its
cache, output layer, mask, argmax — what train_translator.greedy does). I2A as OMR reads (256 image steps, then LMX),
A2I as transcription reads (441 audio steps, a 5.12-s window, then MIDI) where the folder has an A2I model.
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

DECODE_STEPS = 128
# model file, source modality, source steps, single-stream target, the words the C side names its cases with
DIRECTIONS = [("i2a", V.IMAGE, 256, V.LMX, "image", "LMX"), ("a2i", V.AUDIO, 441, V.MIDI, "audio", "MIDI")]
sightread, models = sys.argv[1], Path(sys.argv[2])


@torch.no_grad()
def pytorch_times(model, source_modality, source_steps, target):
    # the same synthetic source as compute/benchmark.c: for an image a grid of 4 rows
    code = V.image_code if source_modality == V.IMAGE else V.audio_code
    tokens = torch.tensor([[code(k, (i * 37 + k * 101) % 1024) for k in range(4)] for i in range(source_steps)])[None]
    if source_modality == V.IMAGE:
        positions = torch.tensor([[(i // 4) % model.config.image_columns, i % 4] for i in range(source_steps)])[None]
    else:
        positions = torch.arange(source_steps)[None]
    model.encode(tokens, source_modality, positions, target)  # warm-up, then the median of five, as the C side does
    encodes = []
    for _ in range(5):
        started = time.perf_counter()
        memory, padding = model.encode(tokens, source_modality, positions, target)
        encodes.append(time.perf_counter() - started)
    encoder_seconds = sorted(encodes)[2]
    decode_started = time.perf_counter()
    step = torch.zeros(1, V.CODEBOOKS, dtype=torch.long)
    step[0, 0] = V.sos(target)
    cache = []
    for t in range(DECODE_STEPS):
        state = model.decode_step(memory, padding, step, target, t, cache)
        chosen = model.step_logits(state, None, target)[:, 0, 0].argmax(-1)
        step = torch.zeros_like(step)
        step[:, 0] = chosen
    return source_steps / encoder_seconds, DECODE_STEPS / (time.perf_counter() - decode_started)


torch.set_num_threads(os.cpu_count())  # the same two cores the C backend uses
reference = {}
for name, source_modality, source_steps, target, source_word, target_word in DIRECTIONS:
    if not (models / f"{name}.safetensors").exists():
        print(f"{name}: no such model in {models}, not measured")
        continue
    model, _ = load_model(models / f"{name}.safetensors")
    model.eval()
    encoder, decode = pytorch_times(model, source_modality, source_steps, target)
    reference[f"{source_steps} {source_word} steps"] = encoder
    reference[f"decode to {target_word}"] = decode
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, {name}: encoder {encoder:8.1f} steps/s "
          f"({source_steps / encoder * 1e3:.1f} ms for {source_steps}), decode {decode:6.1f} steps/s")
run = subprocess.run([sightread, "bench", "translator", "--json", "--models", str(models)], capture_output=True,
                     text=True, env={**os.environ})
if run.returncode != 0:
    print(run.stderr)
    sys.exit(1)
ok = True
for result in json.loads(run.stdout)["results"]:
    if result["unit"] != "steps/s":
        print(f"C {result['backend']:7s} {result['case']}: {result['rate']:.2f} {result['unit']}")
        continue
    key = next(k for k in reference if k in result["case"])
    ratio = result["rate"] / reference[key]
    print(f"C {result['backend']:7s} {result['case']:38s} {result['rate']:8.1f} steps/s  = {ratio:5.2f} × PyTorch  "
          f"({result['device']})")
    if result["backend"] == "cpu":
        ok &= ratio >= (2.0 if result["case"].startswith("decode") else 1.0)
print("targets met" if ok else "targets NOT met (decode ≥ 2 × PyTorch, encoder ≥ 1 ×, on the CPU backend)")
sys.exit(0 if ok else 1)
