#!/usr/bin/python3
"""How the audio codec trains (train/sightread_train/codec.py), as TAP: its quantiser keeps its codebook in use (two
codecs trained with gradient-learned codebooks collapsed onto a handful of codes), and the weight norm it trains with
is folded away before export without changing what it computes."""

import sys
from pathlib import Path

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

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
