"""The C models against PyTorch on the CPU backend and on Vulkan (lavapipe): the shipped RQVAE on its golden crop
(tests/rqvae-parity.c); the codec (tests/codec-parity.c) as a tiny random model made here and as shipped; and the
translator (compute/translator.c against train/sightread_train/translator.py): tiny random models for image → LMX,
LMX → audio, audio → MIDI, LMX → image and audio → image exported here with their golden outputs, and the shipped I2A
and A2I models on their own golden files. Each case runs tests/translator-parity.c. TAP.
Usage: model-parity.py TRANSLATOR-PARITY RQVAE-PARITY CODEC-PARITY MODELS-DIR"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
from sightread_train import safetensors_io  # noqa: E402
from sightread_train import vocabulary as V  # noqa: E402
from sightread_train.codec import Codec, CodecConfig  # noqa: E402
from sightread_train.translator import Translator, TranslatorConfig, single_stream  # noqa: E402

program, rqvae_program, codec_program, models = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + (f"  # {detail}" if detail else ""), flush=True)


def export(model, path):
    """As train_translator.export writes a model: fp16 tensors and the config in the metadata."""
    metadata = {"sightread.kind": "seq2seq", "sightread.format": "1", "sightread.config": model.config.to_json()}
    safetensors_io.save({k: v.half() for k, v in model.state_dict().items()}, path, metadata)
    tensors, _ = safetensors_io.load(path)
    model.load_state_dict({k: v.float() for k, v in tensors.items()})  # the golden comes from the fp16 weights


@torch.no_grad()
def golden(model, source, source_modality, positions, target_modality, rows=3):
    """What train_translator.export writes, for any direction: the first step's log-probabilities (all allowed ones),
    the greedy reading (up to EOS, at most 32 tokens kept) and, for image and audio targets, 6 greedy steps; an
    image target is written column by column, ROWS cells high, and its steps' (column, row) are kept."""
    single = target_modality in (V.LMX, V.MIDI)
    steps = 40 if single else 6
    where = [[t // rows, t % rows] if target_modality == V.IMAGE else [t, 0] for t in range(steps)]
    memory, padding = model.encode(source[None], source_modality, positions[None], target_modality)
    step = torch.zeros(1, V.CODEBOOKS, dtype=torch.long)
    step[0, 0] = V.sos(target_modality)
    cache, chosen_steps, first = [], [], None
    for t in range(steps):
        state = model.decode_step(memory, padding, step, target_modality, where[t], cache)
        if target_modality in (V.LMX, V.MIDI):
            logits = model.step_logits(state, None, target_modality)[0, 0, 0]
            codes = [int(logits.argmax())] + [V.PAD] * 3
        else:
            codes = [V.PAD] * 4
            for k in range(V.CODEBOOKS):
                teacher = torch.tensor([[codes]])
                logits = model.step_logits(state, teacher, target_modality)[0, 0, k]
                codes[k] = int(logits.argmax())
                if first is None:
                    first = torch.log_softmax(logits, -1)
                if k == 0 and codes[0] in (V.eos(target_modality), V.SEP):
                    codes[1:] = [V.PAD] * 3
                    break
        if first is None:
            first = torch.log_softmax(logits, -1)
        chosen_steps.append(codes)
        if single and codes[0] == V.eos(target_modality):
            break
        step = torch.tensor([codes])
    allowed = torch.isfinite(first).nonzero().flatten().tolist()
    names = ("image", "lmx", "midi", "audio")
    return {"task": "parity", "source_modality": names[source_modality], "target_modality": names[target_modality],
            "source": source.tolist(), "source_positions": positions.tolist(),
            "first_step": [[i, float(first[i])] for i in allowed],
            "greedy": [s[0] for s in chosen_steps if s[0] != V.eos(target_modality)][:32],
            "greedy_steps": chosen_steps, "target_positions": where[:len(chosen_steps)]}


def run_case(name, command):
    run = subprocess.run(command, capture_output=True, text=True)
    check(name, run.returncode == 0, (run.stdout + run.stderr).strip().replace("\n", " "))


@torch.no_grad()
def tiny_codec(folder):
    """A tiny random codec (the shipped one's layers, fewer and narrower), its codebooks few and far apart so that
    every code is chosen by a clear margin, and a golden clip written at full precision."""
    torch.manual_seed(5)
    codec = Codec(CodecConfig(channels=4, strides=[2, 4], latent_dim=16, codebooks=4, codebook_size=24,
                              code_dim=4)).eval()
    for module in codec.modules():  # the exported codec has trained biases: so should this one
        if isinstance(module, (torch.nn.Conv1d, torch.nn.ConvTranspose1d)):
            module.bias.normal_(0, 0.05)
    path = folder / "codec.safetensors"
    metadata = {"sightread.kind": "dac", "sightread.format": "1", "sightread.config": codec.config.to_json()}
    safetensors_io.save({k: v.half() for k, v in codec.state_dict().items()}, path, metadata)
    tensors, _ = safetensors_io.load(path)
    codec.load_state_dict({k: v.float() for k, v in tensors.items()})
    t = torch.arange(8 * 160, dtype=torch.float32) / 44100
    clip = (0.1 * torch.sin(2 * torch.pi * 440 * t) + 0.05 * torch.sin(2 * torch.pi * 1320 * t))
    codes = codec.encode(clip[None, None])
    golden = {"input": clip.tolist(), "codes": codes[0].tolist(),
              "decoded": codec.decode(codes).flatten().tolist()}
    (folder / "codec.golden.json").write_text(json.dumps(golden))
    return path, folder / "codec.golden.json"


with tempfile.TemporaryDirectory() as folder:
    weights, golden_path = tiny_codec(Path(folder))
    for device in ("cpu", "vulkan"):
        run_case(f"tiny random codec on {device}", [codec_program, str(weights), str(golden_path), device, "exact"])
for device in ("cpu", "vulkan"):
    run_case(f"shipped codec, its golden clip, on {device}",
             [codec_program, str(models / "codec.safetensors"), str(models / "codec.golden.json"), device,
              "first-stage"])
for device in ("cpu", "vulkan"):
    run = subprocess.run([rqvae_program, str(models / "rqvae.safetensors"), str(models / "rqvae.golden.json"), device],
                         capture_output=True, text=True)
    check(f"shipped RQVAE, its golden crop, on {device}", run.returncode == 0,
          (run.stdout + run.stderr).strip().replace("\n", " "))

torch.manual_seed(3)
config = TranslatorConfig(d_model=64, heads=2, ffn=96, encoder_layers=2, decoder_layers=2, sub_decoder_heads=4,
                          max_positions=64, image_columns=12, image_rows=5, dropout=0.0)
cases = []
with tempfile.TemporaryDirectory() as folder:
    folder = Path(folder)
    model = Translator(config).eval()
    # scale the random weights up a little, so that the logits spread and the greedy choices are not near-ties
    with torch.no_grad():
        model.output.weight.mul_(4)
    export(model, folder / "tiny.safetensors")
    image = torch.tensor([[V.image_code(k, (37 * s + 11 * k) % 1024) for k in range(4)] for s in range(15)])
    grid = torch.tensor([[s // 3, s % 3] for s in range(15)])
    lmx = single_stream([V.lmx_token((13 * s) % 224) for s in range(9)])
    audio = torch.tensor([[V.audio_code(k, (29 * s + 7 * k) % 1024) for k in range(4)] for s in range(20)])
    for name, source, modality, positions, target in [
            ("image → LMX", image, V.IMAGE, grid, V.LMX),
            ("LMX → audio", lmx, V.LMX, torch.arange(9), V.AUDIO),
            ("audio → MIDI", audio, V.AUDIO, torch.arange(20), V.MIDI),
            ("LMX → image", lmx, V.LMX, torch.arange(9), V.IMAGE),
            ("audio → image", audio, V.AUDIO, torch.arange(20), V.IMAGE)]:
        path = folder / f"golden-{len(cases)}.json"
        path.write_text(json.dumps(golden(model, source, modality, positions, target)))
        cases.append((f"tiny random model, {name}", folder / "tiny.safetensors", path))
    for name, what in (("i2a", "I2A model (OMR)"), ("a2i", "A2I model (transcription)")):
        shipped = models / f"{name}.safetensors"
        cases.append((f"shipped {what}, its golden file", shipped, shipped.with_suffix(".golden.json")))
    for name, weights, golden_path in cases:
        for device in ("cpu", "vulkan"):
            run = subprocess.run([program, str(weights), str(golden_path), device], capture_output=True, text=True)
            check(f"{name} on {device}", run.returncode == 0, (run.stdout + run.stderr).strip().replace("\n", " "))
print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
