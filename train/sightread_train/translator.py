"""The translation Transformer (../shared/specs/model.md §3): one encoder–decoder for every direction between score
images, LMX, MIDI and audio. Every step holds 4 token slots (the codebooks of an image or audio step; LMX and MIDI
use slot 0, the rest PAD) whose embeddings are summed; every input token also carries the target modality's vector;
positions are per modality (2-D for images). A one-layer sub-decoder emits the 4 codes of an image or audio step.
Pre-LayerNorm layers, GELU feed-forward. The C runtime runs exactly this (issue 9)."""

import json
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import vocabulary as V


@dataclass
class TranslatorConfig:
    d_model: int = 256
    heads: int = 4
    ffn: int = 1024
    encoder_layers: int = 4
    decoder_layers: int = 4
    sub_decoder_heads: int = 4
    max_positions: int = 2048   # 1-D positions (LMX, MIDI, audio steps)
    image_columns: int = 151    # spec: column x ≤ 150
    image_rows: int = 27        # spec: row y ≤ 26
    dropout: float = 0.1

    def to_json(self):
        return json.dumps(asdict(self))


def _layer(c: TranslatorConfig, decoder=False, heads=None):
    kind = nn.TransformerDecoderLayer if decoder else nn.TransformerEncoderLayer
    return kind(c.d_model, heads or c.heads, c.ffn, c.dropout, activation="gelu", batch_first=True, norm_first=True)


class Positions(nn.Module):
    """Per-modality position embeddings: (column, row) for images, an index for the others."""

    def __init__(self, c: TranslatorConfig):
        super().__init__()
        self.linear = nn.ModuleList(nn.Embedding(c.max_positions, c.d_model) for _ in range(4))
        self.columns = nn.Embedding(c.image_columns, c.d_model)
        self.rows = nn.Embedding(c.image_rows, c.d_model)

    def forward(self, modality, positions):
        """positions: (B, T) indices, or for images (B, T, 2) of (column, row)."""
        if modality == V.IMAGE:
            return self.columns(positions[..., 0]) + self.rows(positions[..., 1])
        return self.linear[modality](positions)


class Translator(nn.Module):
    def __init__(self, config: TranslatorConfig):
        super().__init__()
        c = self.config = config
        self.embed = nn.Embedding(V.SIZE, c.d_model, padding_idx=V.PAD)
        self.target_modality = nn.Embedding(4, c.d_model)
        self.source_positions = Positions(c)
        self.target_positions = Positions(c)
        self.encoder = nn.TransformerEncoder(_layer(c), c.encoder_layers, norm=nn.LayerNorm(c.d_model))
        self.decoder = nn.TransformerDecoder(_layer(c, decoder=True), c.decoder_layers, norm=nn.LayerNorm(c.d_model))
        self.sub_position = nn.Embedding(V.CODEBOOKS, c.d_model)
        self.sub_decoder = nn.TransformerEncoder(_layer(c, heads=c.sub_decoder_heads), 1, norm=nn.LayerNorm(c.d_model))
        self.output = nn.Linear(c.d_model, V.SIZE)
        masks = torch.full((4, V.CODEBOOKS, V.SIZE), float("-inf"))
        for m in range(4):
            for k in range(V.CODEBOOKS):
                start, end = V.block(m, k)
                if m in (V.LMX, V.MIDI) and k > 0:
                    masks[m, k, V.PAD] = 0  # single-stream steps: slots 2–4 are PAD
                    continue
                masks[m, k, start:end] = 0
            masks[m, 0, V.eos(m)] = 0
            if m == V.IMAGE:
                masks[m, 0, V.SEP] = 0
        self.register_buffer("logit_masks", masks, persistent=False)
        # Single-stream targets: the tokens a step may hold, and each vocabulary index's place among them.
        for m in (V.LMX, V.MIDI):
            allowed = torch.isfinite(masks[m, 0]).nonzero().flatten()
            place = torch.full((V.SIZE,), -1, dtype=torch.long)
            place[allowed] = torch.arange(len(allowed))
            self.register_buffer(f"allowed_{m}", allowed, persistent=False)
            self.register_buffer(f"place_{m}", place, persistent=False)

    def encode(self, source, source_modality, source_positions, target_modality):
        """source (B, S, 4) token slots → memory (B, S, d) and its padding mask."""
        padding = (source == V.PAD).all(-1)
        x = self.embed(source).sum(2) + self.source_positions(source_modality, source_positions)
        x = x + self.target_modality.weight[target_modality]
        return self.encoder(x, src_key_padding_mask=padding), padding

    def decode(self, memory, memory_padding, previous, target_modality, target_positions, attention=None):
        """previous (B, T, 4): the output steps before each step (SOS first) → decoder states (B, T, d). With a list
        ATTENTION, each layer's cross-attention weights (B, H, T, S) are appended to it: the layers are then run one
        by one, with nn.TransformerDecoderLayer's own maths (checked equal by tests/translator.py)."""
        x = self.embed(previous).sum(2) + self.target_positions(target_modality, target_positions)
        t = previous.shape[1]
        causal = torch.triu(torch.full((t, t), float("-inf"), device=x.device), 1)
        padding = (previous == V.PAD).all(-1)
        if attention is None:
            return self.decoder(x, memory, tgt_mask=causal, tgt_key_padding_mask=padding,
                                memory_key_padding_mask=memory_padding)
        for layer in self.decoder.layers:
            h = layer.norm1(x)
            x = x + layer.dropout1(layer.self_attn(h, h, h, attn_mask=causal, key_padding_mask=padding,
                                                   need_weights=False)[0])
            h = layer.norm2(x)
            out, weights = layer.multihead_attn(h, memory, memory, key_padding_mask=memory_padding, need_weights=True,
                                                average_attn_weights=False)
            attention.append(weights)
            x = x + layer.dropout2(out)
            h = layer.norm3(x)
            x = x + layer.dropout3(layer.linear2(layer.dropout(layer.activation(layer.linear1(h)))))
        return self.decoder.norm(x)

    def decode_step(self, memory, memory_padding, step, target_modality, position, cache):
        """One decoder step with a self-attention cache, as the C runtime runs it (spec §5): STEP (B, 4) is the
        previous output step (SOS first), POSITION its index (for an image target its (column, row)), CACHE a list
        (one per layer) of the layer's normalised inputs so far, extended here. Pre-LayerNorm makes position j's keys
        and values depend on steps ≤ j only, so this gives exactly what decode() gives for the last step (checked by
        tests/translator.py)."""
        b = step.shape[0]
        positions = torch.as_tensor(position, dtype=torch.long, device=step.device).reshape(1, 1, -1).expand(b, 1, -1)
        positions = positions if target_modality == V.IMAGE else positions[..., 0]
        x = self.embed(step[:, None]).sum(2) + self.target_positions(target_modality, positions)
        if not cache:
            # Per layer: the normalised inputs so far, and the cross-attention keys and values of the memory, made once.
            cache.extend({"seen": [], "cross": _project_memory(layer.multihead_attn, memory)}
                         for layer in self.decoder.layers)
        for layer, kept in zip(self.decoder.layers, cache):
            h = layer.norm1(x)
            kept["seen"].append(h)
            keys = torch.cat(kept["seen"], 1)
            x = x + layer.dropout1(layer.self_attn(h, keys, keys, need_weights=False)[0])
            h = layer.norm2(x)
            x = x + layer.dropout2(_attend(layer.multihead_attn, h, *kept["cross"], memory_padding))
            h = layer.norm3(x)
            x = x + layer.dropout3(layer.linear2(layer.dropout(layer.activation(layer.linear1(h)))))
        return self.decoder.norm(x)

    def step_logits(self, states, target, target_modality):
        """Logits (B, T, 4, SIZE) for every slot of every step ((B, T, 1, SIZE) for LMX and MIDI), the sub-decoder fed
        the true codes before each slot (teacher forcing); masked to the target modality's block per slot."""
        b, t, _ = states.shape
        if target_modality in (V.LMX, V.MIDI):
            # One token a step: only slot 1 is predicted, so only its logits are made.
            return self.output(states)[:, :, None] + self.logit_masks[target_modality][:1]
        earlier = torch.cat([torch.zeros_like(target[..., :1]), target[..., :-1]], -1)  # codes before each slot
        x = self.embed(earlier) + self.sub_position.weight[None, None] + states[:, :, None]
        x = x.reshape(b * t, V.CODEBOOKS, -1)
        causal = torch.triu(torch.full((V.CODEBOOKS, V.CODEBOOKS), float("-inf"), device=x.device), 1)
        logits = self.output(self.sub_decoder(x, mask=causal)).reshape(b, t, V.CODEBOOKS, V.SIZE)
        return logits + self.logit_masks[target_modality]

    def forward(self, source, source_modality, source_positions, target, target_modality, target_positions,
                sampled=0.0, guide=None):
        """Cross-entropy over the target's tokens. TARGET (B, T, 4) ends with the EOS step; the decoder sees SOS and
        the steps before. SAMPLED (single-stream targets): the share of those earlier steps replaced by the model's
        own greedy choice there (parallel scheduled sampling), so that it learns to go on from its own mistakes, as
        it must when it reads alone; the targets stay the true tokens. GUIDE (a Guide): also the guided-attention
        loss of the cross-attention, returned second."""
        memory, memory_padding = self.encode(source, source_modality, source_positions, target_modality)
        sos = torch.full_like(target[:, :1], V.PAD)
        sos[..., 0] = V.sos(target_modality)
        previous = torch.cat([sos, target[:, :-1]], 1)
        single = target_modality in (V.LMX, V.MIDI)
        if single and sampled > 0:
            previous = self._with_own_choices(memory, memory_padding, previous, target_modality, target_positions,
                                              sampled)
        attention = [] if guide is not None else None
        states = self.decode(memory, memory_padding, previous, target_modality, target_positions, attention)
        if single:
            # The softmax over the unmasked tokens only: the same loss as over the masked full vocabulary, without
            # multiplying by the 10 000 rows that the mask would zero anyway.
            allowed = getattr(self, f"allowed_{target_modality}")
            wanted = target[..., 0]
            mask = wanted != V.PAD
            logits = F.linear(states[mask], self.output.weight[allowed], self.output.bias[allowed])
            loss = F.cross_entropy(logits, getattr(self, f"place_{target_modality}")[wanted[mask]])
            return loss if guide is None else (loss, guide.loss(attention, target))
        logits = self.step_logits(states, target, target_modality)
        mask = target != V.PAD
        return F.cross_entropy(logits[mask], target[mask])


    @torch.no_grad()
    def _with_own_choices(self, memory, memory_padding, previous, target_modality, target_positions, share):
        """PREVIOUS with SHARE of its steps after SOS (never padding) replaced by the greedy choice a teacher-forced
        pass makes there."""
        states = self.decode(memory.detach(), memory_padding, previous, target_modality, target_positions)
        allowed = getattr(self, f"allowed_{target_modality}")
        choice = allowed[F.linear(states, self.output.weight[allowed], self.output.bias[allowed]).argmax(-1)]
        mixed = previous.clone()
        swap = torch.rand(choice[:, :-1].shape, device=choice.device) < share
        swap &= (previous[:, 1:, 0] != V.PAD) & (choice[:, :-1] != V.eos(target_modality))  # a read ends at EOS
        mixed[:, 1:, 0] = torch.where(swap, choice[:, :-1], previous[:, 1:, 0])
        return mixed


class Guide:
    """Guided attention for transcription (after Tachibana et al., 2018, for speech): a MIDI token is about the sound
    at its time, so the cross-attention of the first HEADS heads of every decoder layer is drawn towards the audio
    steps of that time. A token's time is the latest shift up to and including it (shifts are absolute within the
    segment; 0 before the first); the loss is the attention mass weighted by 1 − exp(−(s − f)² / 2w²), f the step of
    that time and w WIDTH steps, averaged over tokens (EOS and padding left free), heads and layers. It starts near 1
    for attention spread over the segment and falls to 0 when the attention sits on the token's time."""

    def __init__(self, steps_per_second, width=8.0, heads=2):
        self.steps_per_second, self.width, self.heads = steps_per_second, width, heads

    def expected_steps(self, target):
        """TARGET (B, T, 4) MIDI steps → (B, T) the audio step of each token's time, NaN where no guide applies."""
        tokens = target[..., 0]
        shift = (tokens >= V.MIDI_START) & (tokens < V.MIDI_START + V.MIDI_SHIFTS)
        index = torch.arange(tokens.shape[1], device=tokens.device).expand_as(tokens)
        latest = torch.where(shift, index, torch.full_like(index, -1)).cummax(1).values
        value = (tokens - V.MIDI_START).gather(1, latest.clamp(min=0))
        seconds = torch.where(latest >= 0, value, torch.zeros_like(value)).float() * 0.01
        free = (tokens == V.PAD) | (tokens == V.eos(V.MIDI))
        return torch.where(free, torch.full_like(seconds, float("nan")), seconds * self.steps_per_second)

    def loss(self, attention, target):
        expected = self.expected_steps(target)
        guided = ~torch.isnan(expected)
        total, count = 0.0, 0
        for weights in attention:  # (B, H, T, S)
            w = weights[:, :self.heads].float()
            steps = torch.arange(w.shape[-1], device=w.device, dtype=torch.float)
            far = 1 - torch.exp(-(steps[None, None, :] - expected[..., None]) ** 2 / (2 * self.width ** 2))
            mass = (w * torch.nan_to_num(far)[:, None]).sum(-1)                # (B, H', T)
            total = total + mass.masked_fill(~guided[:, None], 0).sum()
            count += int(guided.sum()) * w.shape[1]
        return total / max(count, 1)


def _project_memory(attention, memory):
    """The keys and values an nn.MultiheadAttention makes of MEMORY (B, S, d), split into heads: (B, H, S, d/H)."""
    d, heads = attention.embed_dim, attention.num_heads
    _, w_k, w_v = attention.in_proj_weight.split(d)
    _, b_k, b_v = attention.in_proj_bias.split(d)
    split = lambda t: t.reshape(t.shape[0], t.shape[1], heads, d // heads).transpose(1, 2)  # noqa: E731
    return split(F.linear(memory, w_k, b_k)), split(F.linear(memory, w_v, b_v))


def _attend(attention, query, keys, values, padding):
    """nn.MultiheadAttention's output for QUERY (B, 1, d) over projected KEYS and VALUES, PADDING (B, S) masked."""
    d, heads = attention.embed_dim, attention.num_heads
    w_q, b_q = attention.in_proj_weight[:d], attention.in_proj_bias[:d]
    q = F.linear(query, w_q, b_q).reshape(query.shape[0], 1, heads, d // heads).transpose(1, 2)
    scores = q @ keys.transpose(-1, -2) / (d // heads) ** 0.5            # (B, H, 1, S)
    scores = scores.masked_fill(padding[:, None, None, :], float("-inf"))
    out = (scores.softmax(-1) @ values).transpose(1, 2).reshape(query.shape[0], 1, d)
    return attention.out_proj(out)


def single_stream(tokens):
    """A list of unified token indices → (T, 4) steps with slots 2–4 PAD."""
    steps = torch.zeros(len(tokens), V.CODEBOOKS, dtype=torch.long)
    steps[:, 0] = torch.as_tensor(tokens, dtype=torch.long)
    return steps
