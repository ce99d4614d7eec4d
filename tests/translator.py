"""The translation Transformer learns a small batch: image codes → LMX and LMX → audio codes, in a tiny size, the loss
falls to a fraction of where it started. This checks the wiring (summed codebooks, target-modality vectors, 2-D image
positions, the sub-decoder, the logit masks), not music. TAP."""

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
from sightread_train import vocabulary as V  # noqa: E402
from sightread_train.pairs import Pair  # noqa: E402
from sightread_train.translator import Guide, Translator, TranslatorConfig, single_stream  # noqa: E402
import train_translator  # noqa: E402

torch.manual_seed(0)
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + (f"  # {detail}" if detail else ""), flush=True)


config = TranslatorConfig(d_model=64, heads=2, ffn=128, encoder_layers=1, decoder_layers=1, sub_decoder_heads=2,
                          max_positions=64, dropout=0.0)
model = Translator(config)
batch = 4

# Image → LMX: a 2-row image grid of 6 steps (column-major) per sample, each step 4 codes; 8 LMX tokens and EOS.
image = torch.stack([torch.stack([torch.tensor([V.image_code(k, (7 * i + 3 * s + k) % 1024) for k in range(4)])
                                  for s in range(6)]) for i in range(batch)])
image_positions = torch.tensor([[s // 2, s % 2] for s in range(6)]).expand(batch, 6, 2)
lmx = torch.stack([single_stream([V.lmx_token((5 * i + s) % 224) for s in range(8)] + [V.eos(V.LMX)])
                   for i in range(batch)])
lmx_positions = torch.arange(9).expand(batch, 9)

# LMX → audio: 5 steps of 4 codes and an EOS step.
audio = torch.stack([torch.cat([torch.stack([torch.tensor([V.audio_code(k, (11 * i + 5 * s + k) % 1024)
                                                           for k in range(4)]) for s in range(5)]),
                                single_stream([V.eos(V.AUDIO)])]) for i in range(batch)])
audio_positions = torch.arange(6).expand(batch, 6)

optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
losses = []
for step in range(150):
    loss = (model(image, V.IMAGE, image_positions, lmx, V.LMX, lmx_positions) +
            model(lmx[:, :8], V.LMX, lmx_positions[:, :8], audio, V.AUDIO, audio_positions))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
check("the loss starts near chance over the masked blocks", losses[0] > 8, f"{losses[0]:.2f}")
check("a small batch is learned: the loss falls below a tenth", losses[-1] < losses[0] / 10,
      f"{losses[0]:.2f} → {losses[-1]:.3f}")

with torch.no_grad():
    memory, padding = model.encode(image, V.IMAGE, image_positions, V.LMX)
    states = model.decode(memory, padding, single_stream([V.sos(V.LMX)])[None].expand(batch, 1, 4), V.LMX,
                          torch.zeros(batch, 1, dtype=torch.long))
    logits = model.step_logits(states, None, V.LMX)
    allowed = torch.isfinite(logits[0, 0, 0]).nonzero().flatten()
check("LMX steps can only be LMX tokens or LMX's end",
      set(allowed.tolist()) == set(range(V.LMX_START, V.LMX_START + V.LMX_SIZE)) | {V.eos(V.LMX)})
check("greedy decoding reads the first LMX token of each training sample back",
      logits[:, 0, 0].argmax(-1).tolist() == lmx[:, 0, 0].tolist())
model.eval()
with torch.no_grad():
    memory, padding = model.encode(image, V.IMAGE, image_positions, V.LMX)
    previous = torch.cat([single_stream([V.sos(V.LMX)])[None].expand(batch, 1, 4), lmx[:, :-1]], 1)
    full = model.decode(memory, padding, previous, V.LMX, lmx_positions)
    cache = []
    stepped = torch.cat([model.decode_step(memory, padding, previous[:, t], V.LMX, t, cache)
                         for t in range(previous.shape[1])], 1)
    reduced = model(image, V.IMAGE, image_positions, lmx, V.LMX, lmx_positions)
    masked = torch.nn.functional.cross_entropy(model.step_logits(full, None, V.LMX)[:, :, 0].flatten(0, 1),
                                               lmx[:, :, 0].flatten())
check("the LMX loss over the allowed tokens equals the loss over the masked full vocabulary",
      abs(float(reduced) - float(masked)) < 1e-5, f"{float(reduced):.6f} vs {float(masked):.6f}")
# An untrained copy chooses wrongly almost everywhere: with every earlier step its own choice, the input changes
# wherever the truth and its choice differ, never at SOS or padding, and the loss is still against the truth.
untrained = Translator(config).eval()
with torch.no_grad():
    padded = torch.cat([previous, torch.zeros(batch, 3, 4, dtype=torch.long)], 1)
    positions = torch.arange(padded.shape[1]).expand(batch, -1)
    memory_u, padding_u = untrained.encode(image, V.IMAGE, image_positions, V.LMX)
    mixed = untrained._with_own_choices(memory_u, padding_u, padded, V.LMX, positions, 1.0)
    sampled_loss = float(model(image, V.IMAGE, image_positions, lmx, V.LMX, lmx_positions, sampled=1.0))
check("scheduled sampling keeps SOS and padding and swaps in the model's own choices",
      bool((mixed[:, 0] == padded[:, 0]).all() and (mixed[:, -3:] == 0).all()
           and (mixed[:, 1:-3, 0] != padded[:, 1:-3, 0]).any()))
check("a model that has learned the batch chooses the truth: sampled and teacher-forced losses agree",
      abs(sampled_loss - float(reduced)) < 1e-4, f"{sampled_loss:.6f} vs {float(reduced):.6f}")
difference = float((full - stepped).abs().max())
check("decoding step by step with a cache gives the states of the full causal decoder", difference < 1e-4,
      f"largest difference {difference:.2e}")

# Guided attention (transcription): each MIDI token's time is the latest shift up to it; its cross-attention is drawn
# there. Here an audio step lasts 10 ms, so shift:N names step N.
note = V.midi_token(V.MIDI_SPECIALS + V.MIDI_SHIFTS + 60)
shift = lambda n: V.midi_token(V.MIDI_SPECIALS + n)  # noqa: E731
midi = torch.stack([single_stream([note, shift(1), note, note, shift(4 - i % 2), note, V.eos(V.MIDI)]) for i in
                    range(batch)])
midi = torch.cat([midi, torch.zeros(batch, 2, 4, dtype=torch.long)], 1)  # padding after the end
midi_positions = torch.arange(midi.shape[1]).expand(batch, -1)
guide = Guide(steps_per_second=100, width=1.0, heads=1)
expected = guide.expected_steps(midi)
check("a token's time is the latest shift up to it (0 before the first); EOS and padding are left free",
      expected[0, :6].tolist() == [0, 1, 1, 1, 4, 4] and expected[1, 4].item() == 3
      and bool(torch.isnan(expected[:, 6:]).all()), str(expected[0].tolist()))
with torch.no_grad():
    memory, padding = model.encode(audio, V.AUDIO, audio_positions, V.MIDI)
    previous = torch.cat([single_stream([V.sos(V.MIDI)])[None].expand(batch, 1, 4), midi[:, :-1]], 1)
    attention = []
    by_layer = model.decode(memory, padding, previous, V.MIDI, midi_positions, attention)
    whole = model.decode(memory, padding, previous, V.MIDI, midi_positions)
difference = float((by_layer - whole).abs().max())
check("decoding layer by layer, keeping the cross-attention, gives nn.TransformerDecoder's states",
      difference < 1e-5 and len(attention) == config.decoder_layers
      and tuple(attention[0].shape) == (batch, config.heads, midi.shape[1], audio.shape[1])
      and bool(torch.allclose(attention[0].sum(-1), torch.ones(()), atol=1e-5)), f"largest difference {difference:.2e}")
on_time = torch.zeros(batch, config.heads, midi.shape[1], audio.shape[1])
on_time.scatter_(-1, torch.nan_to_num(expected).long()[:, None, :, None].expand(-1, config.heads, -1, 1), 1.0)
spread_out = torch.full_like(on_time, 1.0 / audio.shape[1])
check("attention on each token's time costs nothing, attention spread over the sound costs most of its mass",
      guide.loss([on_time], midi).item() < 1e-6 and guide.loss([spread_out], midi).item() > 0.5,
      f"{guide.loss([on_time], midi).item():.2e}, {guide.loss([spread_out], midi).item():.3f}")
guided = Translator(config)
optimizer = torch.optim.Adam(guided.parameters(), lr=3e-3)
off = []
for step in range(40):
    _, off_time = guided(audio, V.AUDIO, audio_positions, midi, V.MIDI, midi_positions, guide=guide)
    optimizer.zero_grad()
    off_time.backward()
    optimizer.step()
    off.append(off_time.item())
check("the guided loss trains the guided heads towards the tokens' times", off[-1] < off[0] / 2,
      f"{off[0]:.3f} → {off[-1]:.3f}")

# Beam search (train_translator.py eval --beam): a beam of one is greedy decoding; a wider one still reads the target's
# tokens only, within the greedy reading's limit.
transcription = train_translator.TASKS["amt"]
codes = lambda i, steps: np.array([[(7 * i + 3 * s + k) % 1024 for k in range(4)] for s in range(steps)])  # noqa: E731
clips = [Pair(f"clip{i}", "look", V.AUDIO, codes(i, 12), 0, V.MIDI, np.array([], dtype=np.int64)) for i in range(3)]
greedy = train_translator.greedy(model, transcription, clips, torch.device("cpu"))
narrow = [train_translator.beam_search(model, transcription, clip, 1) for clip in clips]
check("a beam of one reads what greedy decoding reads", narrow == greedy, f"{[len(r) for r in greedy]} tokens")
wide = [train_translator.beam_search(model, transcription, clip, 3) for clip in clips]
midi_block = range(V.MIDI_START, V.MIDI_START + V.MIDI_SIZE)
check("a beam of three reads MIDI tokens only, within the reading limit",
      all(all(t in midi_block for t in r) and len(r) <= train_translator.reading_limit(transcription, c)
          for r, c in zip(wide, clips)), f"{[len(r) for r in wide]} tokens")
systems = [Pair(f"system{i}", "look", V.IMAGE, codes(i, 6), 2, V.LMX, np.array([], dtype=np.int64))
           for i in range(batch)]
omr = train_translator.TASKS["omr"]
learned = [[V.lmx_token((5 * i + s) % 224) for s in range(8)] for i in range(batch)]
check("on the batch it learned, greedy decoding and beams of one and three read the systems and stop at their end",
      train_translator.greedy(model, omr, systems, torch.device("cpu")) == learned
      and [train_translator.beam_search(model, omr, p, 1) for p in systems] == learned
      and [train_translator.beam_search(model, omr, p, 3) for p in systems] == learned)
print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
