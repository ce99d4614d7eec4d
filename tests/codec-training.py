#!/usr/bin/python3
"""How the audio codec trains (train/sightread_train/codec.py), as TAP: its quantiser keeps its codebook in use (two
codecs trained with gradient-learned codebooks collapsed onto a handful of codes), and the weight norm it trains with
is folded away before export without changing what it computes; a machine without libsndfile trains from a pack."""

import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import soundfile
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
from sightread_train.codec import (Codec, CodecConfig, FactorizedQuantizer, FineSpectrum, MultiScaleMel,  # noqa: E402
                                   add_weight_norm, plain_copy)

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + (f" # {detail}" if detail and not ok else ""))


def clustered_latents(generator, centres, batch=4, length=43):
    """(batch, dim, length) latents near random CENTRES (dim, k), as an encoder's outputs for varied sounds."""
    picks = torch.randint(0, centres.shape[1], (batch, length), generator=generator)
    z = centres[:, picks].permute(1, 0, 2)
    return z + 0.05 * torch.randn(z.shape, generator=generator)


torch.manual_seed(3)
generator = torch.Generator().manual_seed(4)
dim, size = 32, 256
centres = torch.randn(dim, 400, generator=generator)

def relative_error(quantizer, z):
    """How far the chosen codes lie from the projections they stand for, relative to the projections' size."""
    with torch.no_grad():
        e = quantizer.project_in(z).transpose(1, 2).reshape(-1, quantizer.codebook.weight.shape[1])
        _, codes, _ = quantizer(z)
        return float((quantizer.codebook(codes.flatten()) - e).pow(2).sum() / e.pow(2).sum())


quantizer = FactorizedQuantizer(dim, size, 8).eval()
test_latents = clustered_latents(generator, centres, batch=64)
untrained = relative_error(quantizer, test_latents)
quantizer.train()
for _ in range(300):
    quantizer(clustered_latents(generator, centres))
quantizer.eval()
trained = relative_error(quantizer, test_latents)
with torch.no_grad():
    _, codes, _ = quantizer(test_latents)
used = len(codes.unique())
check("trained on 400 kinds of sound, the codebook fits them: most of its 256 codes in use, the quantisation error a "
      "small fraction of a random codebook's", used >= 0.75 * size and trained < 0.2 * untrained,
      f"{used} used, relative error {untrained:.3f} → {trained:.3f}")

# All codes start pointing one way, away from everything the encoder says: a collapsed codebook.
stuck = FactorizedQuantizer(dim, size, 8).train()
with torch.no_grad():
    stuck.codebook.weight.copy_(F.normalize(torch.ones(size, 8), dim=1))
    stuck.project_in.weight.copy_(torch.randn(8, dim, 1, generator=generator) / dim ** 0.5)
stuck.eval()
with torch.no_grad():
    _, before, _ = stuck(clustered_latents(generator, centres, batch=64))
stuck.train()
for _ in range(150):
    stuck(clustered_latents(generator, centres))
stuck.eval()
with torch.no_grad():
    _, after, _ = stuck(clustered_latents(generator, centres, batch=64))
check("codes nobody chooses move onto what the encoder says now, so a collapsed codebook recovers",
      len(after.unique()) >= 4 * len(before.unique()) and len(after.unique()) >= size // 2,
      f"{len(before.unique())} → {len(after.unique())} codes in use")

before_book = quantizer.codebook.weight.clone()
quantizer.eval()
with torch.no_grad():
    quantizer(clustered_latents(generator, centres))
check("an evaluation leaves the codebook as it is", torch.equal(before_book, quantizer.codebook.weight))

gradients = [p for p in quantizer.parameters() if p.requires_grad]
check("the codebook is no parameter the optimiser moves (only the projections are)",
      all(p is not quantizer.codebook.weight for p in gradients) and len(gradients) == 4)

codec = Codec(CodecConfig(channels=4, strides=[2, 4], latent_dim=16, codebooks=4, codebook_size=32, code_dim=4))
add_weight_norm(codec)
with torch.no_grad():  # a little training moves the weight-norm lengths away from their initial values
    for module in codec.modules():
        if hasattr(module, "weight_g"):
            module.weight_g.mul_(torch.empty_like(module.weight_g).uniform_(0.5, 1.5))
codec.eval()
clip = 0.1 * torch.sin(2 * torch.pi * 440 * torch.arange(8 * 64) / 44100)[None, None]
with torch.no_grad():
    y, codes, _ = codec(clip)
    plain = plain_copy(codec).eval()
    y_plain, codes_plain, _ = plain(clip)
check("the export folds the weight norm away and computes the same codes and sound",
      torch.equal(codes, codes_plain) and float((y - y_plain).abs().max()) < 1e-5
      and not any(name.endswith(("weight_g", "weight_v")) for name in plain.state_dict()),
      f"max difference {float((y - y_plain).abs().max()):.2e}")



def piano_like(hz, seconds=0.5, partials=8):
    t = torch.arange(int(seconds * 44100)) / 44100
    return sum(0.1 / k * torch.sin(2 * torch.pi * k * hz * t) for k in range(1, partials + 1))[None, None]


def frame_rate_buzz(seconds=0.5, partials=12):
    """What the first codecs decoded every note into: harmonics of the frame rate (44100 / 512 = 86.1 Hz)."""
    return piano_like(44100 / 512, seconds, partials)


# The loss must tell a note from its neighbour and from the buzz: C3 against C#3 and the buzz, relative to C3 against
# a quieter C3 (a level difference every loss sees).
mel, fine = MultiScaleMel(), FineSpectrum()
c3, c_sharp3, quiet_c3 = piano_like(130.81), piano_like(138.59), 0.7 * piano_like(130.81)
for name, loss in (("mel", mel), ("fine spectrum", fine)):
    level = float(loss(quiet_c3, c3))
    semitone, buzz = float(loss(c_sharp3, c3)), float(loss(frame_rate_buzz(), c3))
    print(f"# {name}: level {level:.3f}, semitone {semitone:.3f}, frame-rate buzz {buzz:.3f}")
    if name == "fine spectrum":
        check("the fine spectrum scores a semitone off at C3 and the frame-rate buzz as far worse than a 3-dB level "
              "difference", semitone > 3 * level and buzz > 3 * level,
              f"level {level:.3f}, semitone {semitone:.3f}, buzz {buzz:.3f}")
        fine_ratio = semitone / level
    else:
        mel_ratio = semitone / level
check("and tells the semitone apart more sharply than the mel distance does", fine_ratio > mel_ratio,
      f"semitone / level: fine {fine_ratio:.2f}, mel {mel_ratio:.2f}")



def write_shard(path, systems):
    """A data factory shard of SYSTEMS (key → (float32 audio, look)), as the audio build writes them."""
    with tarfile.open(path, "w") as tar:
        for key, (audio, look) in systems.items():
            flac = io.BytesIO()
            soundfile.write(flac, audio, 44100, format="FLAC")
            for kind, data in (("flac", flac.getvalue()), ("json", json.dumps({"piece": path.stem, "look": look,
                                                                                 "notes": []}).encode())):
                member = tarfile.TarInfo(f"{key}.{kind}")
                member.size = len(data)
                tar.addfile(member, io.BytesIO(data))


script = Path(__file__).resolve().parents[1] / "train" / "train_codec.py"
with tempfile.TemporaryDirectory() as folder:
    cache = Path(folder)
    t = np.arange(3 * 44100) / 44100
    rng = np.random.default_rng(6)
    # a new random pitch every 50 ms and a little noise: sounds that take many codes, as music does
    melody = 110 * 2 ** (rng.integers(0, 48, t.size // 2205 + 1).repeat(2205)[:t.size] / 12)
    for split, pieces in (("train", ("a", "b")), ("validation", ("v",))):
        (cache / "shards" / split).mkdir(parents=True)
        for piece in pieces:
            tone = lambda hz, gain: (gain * (np.sin(2 * np.pi * np.cumsum(hz * np.ones_like(t)) / 44100)  # noqa: E731
                                             + 0.1 * rng.standard_normal(t.size))).astype(np.float32)
            quiet = tone(melody, 0.01)
            write_shard(cache / "shards" / split / f"{piece}.tar",
                        {f"{piece}-s000": (quiet, "engraved"), f"{piece}-s000-scan": (quiet, "scan"),
                         f"{piece}-s001": (tone(melody, 0.3), "engraved"),
                         f"{piece}-s002": (tone(440, 0.05), "engraved")})
    pack = cache / "audio.npz"
    run = subprocess.run([sys.executable, str(script), "pack", "--cache", str(cache), "--out", str(pack),
                          "--train-seconds", "10", "--excerpt", "2", "--validation-clips", "2"],
                         capture_output=True, text=True)
    check("pack writes a pack", run.returncode == 0 and pack.exists(), run.stderr[-300:])
    if pack.exists():
        with np.load(pack) as packed:
            train, validation = packed["train"], packed["validation"]
        rms_dbfs = 20 * np.log10(np.sqrt(np.mean(np.square(train / 32767.0), axis=1)))
        check("it takes the systems of every piece in turn, the scan-like look's copy of a sound left out, until the "
              "seconds asked for", train.shape == (5, 88200) and train.dtype == np.int16, str(train.shape))
        check("every excerpt at the codec's input level", np.allclose(rms_dbfs, -20, atol=0.1), str(rms_dbfs))
        check("and the validation clips are 2 s long", validation.shape == (2, 2 * 44100 // 512 * 512),
              str(validation.shape))
        model = cache / "codec.safetensors"
        run = subprocess.run([sys.executable, str(script), "train", "--pack", str(pack), "--fresh", "--batch", "1",
                              "--steps", "3", "--time-limit", "0", "--validation-clips", "1", "--model", str(model),
                              "--log", str(cache / "codec.log")], capture_output=True, text=True)
        check("a run from a pack stops at its time limit, then validates and exports as at a last step",
              run.returncode == 0 and model.exists() and "step 1 validation" in run.stderr, run.stderr[-300:])

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
