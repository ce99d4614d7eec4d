"""The score-image tokenizer (../shared/specs/model.md §1.1): a convolutional encoder that shrinks a system crop 16×
in both axes, residual quantisation of depth 4 with 4 unshared codebooks of 1024 codes, and a mirrored decoder.
No attention. The C runtime implements exactly this maths (compute/, issue 9)."""

import json
from dataclasses import asdict, dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class RQVAEConfig:
    channels: list = field(default_factory=lambda: [32, 32, 64, 64, 128])  # base × [1, 1, 2, 2, 4]
    code_dim: int = 256
    codebooks: int = 4
    codebook_size: int = 1024
    res_blocks: int = 1
    groups: int = 8  # GroupNorm groups

    @property
    def downsampling(self):
        return 2 ** (len(self.channels) - 1)

    def to_json(self):
        return json.dumps(asdict(self))


class ResBlock(nn.Module):
    def __init__(self, channels, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.norm2 = nn.GroupNorm(groups, channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        return x + self.conv2(F.silu(self.norm2(h)))


class Encoder(nn.Module):
    def __init__(self, c: RQVAEConfig):
        super().__init__()
        self.conv_in = nn.Conv2d(1, c.channels[0], 3, padding=1)
        self.levels = nn.ModuleList()
        for i, ch in enumerate(c.channels):
            blocks = [ResBlock(ch, c.groups) for _ in range(c.res_blocks)]
            if i + 1 < len(c.channels):
                blocks.append(nn.Conv2d(ch, c.channels[i + 1], 4, stride=2, padding=1))
            self.levels.append(nn.Sequential(*blocks))
        self.norm_out = nn.GroupNorm(c.groups, c.channels[-1])
        self.conv_out = nn.Conv2d(c.channels[-1], c.code_dim, 1)

    def forward(self, x):
        h = self.conv_in(x)
        for level in self.levels:
            h = level(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, c: RQVAEConfig):
        super().__init__()
        top = list(reversed(c.channels))
        self.conv_in = nn.Conv2d(c.code_dim, top[0], 3, padding=1)
        self.levels = nn.ModuleList()
        for i, ch in enumerate(top):
            blocks = [ResBlock(ch, c.groups) for _ in range(c.res_blocks)]
            if i + 1 < len(top):
                blocks += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(ch, top[i + 1], 3, padding=1)]
            self.levels.append(nn.Sequential(*blocks))
        self.norm_out = nn.GroupNorm(c.groups, top[-1])
        self.conv_out = nn.Conv2d(top[-1], 1, 3, padding=1)

    def forward(self, z):
        h = self.conv_in(z)
        for level in self.levels:
            h = level(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class ResidualQuantizer(nn.Module):
    """Depth-D residual quantisation, one codebook per depth, learned by exponential moving averages (no gradient),
    with codes that fall out of use restarted on current encoder outputs."""

    def __init__(self, c: RQVAEConfig, decay=0.99):
        super().__init__()
        self.decay = decay
        self.register_buffer("codebooks", torch.randn(c.codebooks, c.codebook_size, c.code_dim) * 0.1)
        self.register_buffer("cluster_size", torch.ones(c.codebooks, c.codebook_size))
        self.register_buffer("embed_sum", self.codebooks.clone())

    def lookup(self, codes):
        """codes (…, D) → the summed code vectors (…, dim)."""
        return sum(F.embedding(codes[..., d], self.codebooks[d]) for d in range(codes.shape[-1]))

    def forward(self, z):
        """z (B, dim, H, W) → (quantised z with straight-through gradient, codes (B, H, W, D), commitment loss)."""
        b, dim, h, w = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(-1, dim)
        residual, quantised, codes = flat, torch.zeros_like(flat), []
        for d in range(self.codebooks.shape[0]):
            book = self.codebooks[d]
            distances = (residual.pow(2).sum(1, keepdim=True) - 2 * residual @ book.t() + book.pow(2).sum(1)[None])
            index = distances.argmin(1)
            chosen = book[index]
            if self.training:
                self._update(d, residual.detach(), index)
            codes.append(index)
            quantised = quantised + chosen
            residual = residual - chosen
        commitment = F.mse_loss(flat, quantised.detach())
        out = flat + (quantised - flat).detach()
        codes = torch.stack(codes, -1).reshape(b, h, w, -1)
        return out.reshape(b, h, w, dim).permute(0, 3, 1, 2), codes, commitment

    @torch.no_grad()
    def _update(self, d, vectors, index):
        counts = torch.bincount(index, minlength=self.codebooks.shape[1]).type_as(vectors)
        sums = torch.zeros_like(self.embed_sum[d]).index_add_(0, index, vectors)
        self.cluster_size[d].mul_(self.decay).add_(counts, alpha=1 - self.decay)
        self.embed_sum[d].mul_(self.decay).add_(sums, alpha=1 - self.decay)
        n = self.cluster_size[d].sum()
        size = (self.cluster_size[d] + 1e-5) / (n + self.codebooks.shape[1] * 1e-5) * n
        self.codebooks[d].copy_(self.embed_sum[d] / size[:, None])
        # Codes nobody chose for a long while move onto vectors the encoder makes now.
        dead = self.cluster_size[d] < 1e-3
        if dead.any():
            picks = vectors[torch.randint(0, vectors.shape[0], (int(dead.sum()),), device=vectors.device)]
            self.codebooks[d][dead] = picks
            self.embed_sum[d][dead] = picks
            self.cluster_size[d][dead] = 1.0


class RQVAE(nn.Module):
    def __init__(self, config: RQVAEConfig):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config)
        self.quantizer = ResidualQuantizer(config)
        self.decoder = Decoder(config)

    def encode(self, x):
        """x (B, 1, H, W) in ink units (0 paper … 1 ink), H and W multiples of 16 → codes (B, H/16, W/16, 4)."""
        _, codes, _ = self.quantizer(self.encoder(x))
        return codes

    def decode(self, codes):
        return self.decoder(self.quantizer.lookup(codes).permute(0, 3, 1, 2))

    def forward(self, x):
        z = self.encoder(x)
        quantised, codes, commitment = self.quantizer(z)
        return self.decoder(quantised), codes, commitment


def pixels_to_ink(pixels):
    """uint8 crop pixels (0 black … 255 white) → float ink (0 paper … 1 ink): the model's input and output units."""
    return 1.0 - pixels.float() / 255.0


def pad_to_multiple(x, multiple=16):
    """Pads (B, 1, H, W) ink with paper on the right and bottom to multiples of MULTIPLE."""
    h, w = x.shape[-2:]
    return F.pad(x, (0, -w % multiple, 0, -h % multiple))


def flatten_codes(codes):
    """(H', W', 4) → (H'·W', 4), read column by column, top to bottom inside a column (spec §1.1)."""
    return codes.permute(1, 0, 2).reshape(-1, codes.shape[-1])
