"""The audio tokenizer (../shared/specs/model.md §1.2), after DAC: 44.1 kHz mono, a convolutional encoder with strides
2·4·8·8 (hop 512, ≈ 86 steps per second) and Snake activations, residual quantisation with 4 codebooks of 1024 whose
codes are looked up in a low-dimensional, L2-normalised space (factorised codes), and a mirrored decoder. The C
runtime implements the same maths (issue 9); its decoder streams."""

import json
import math
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class CodecConfig:
    channels: int = 16            # after the first convolution; doubled at every stride
    strides: list = field(default_factory=lambda: [2, 4, 8, 8])
    latent_dim: int = 128
    codebooks: int = 4
    codebook_size: int = 1024
    code_dim: int = 8             # the factorised lookup space
    sample_rate: int = 44100

    @property
    def hop(self):
        return math.prod(self.strides)

    def to_json(self):
        return json.dumps(asdict(self))


class Snake(nn.Module):
    """x + sin²(αx)/α per channel: periodic, as audio is."""

    def __init__(self, channels):
        super().__init__()
        self.alpha = nn.Parameter(torch.ones(1, channels, 1))

    def forward(self, x):
        return x + (1.0 / (self.alpha + 1e-9)) * torch.sin(self.alpha * x).pow(2)


class ResidualUnit(nn.Module):
    def __init__(self, channels, dilation):
        super().__init__()
        self.block = nn.Sequential(Snake(channels), nn.Conv1d(channels, channels, 7, dilation=dilation,
                                                             padding=3 * dilation),
                                   Snake(channels), nn.Conv1d(channels, channels, 1))

    def forward(self, x):
        return x + self.block(x)


class EncoderBlock(nn.Module):
    def __init__(self, channels, stride):
        super().__init__()
        self.block = nn.Sequential(ResidualUnit(channels, 1), ResidualUnit(channels, 3), ResidualUnit(channels, 9),
                                   Snake(channels),
                                   nn.Conv1d(channels, 2 * channels, 2 * stride, stride=stride,
                                             padding=math.ceil(stride / 2)))

    def forward(self, x):
        return self.block(x)


class DecoderBlock(nn.Module):
    def __init__(self, channels, stride):
        super().__init__()
        self.block = nn.Sequential(Snake(channels),
                                   nn.ConvTranspose1d(channels, channels // 2, 2 * stride, stride=stride,
                                                      padding=math.ceil(stride / 2), output_padding=stride % 2),
                                   ResidualUnit(channels // 2, 1), ResidualUnit(channels // 2, 3),
                                   ResidualUnit(channels // 2, 9))

    def forward(self, x):
        return self.block(x)


class FactorizedQuantizer(nn.Module):
    """One stage: project to CODE_DIM, choose the code whose direction is nearest (both L2-normalised, as in DAC),
    project its vector back.

    The codebook is not learned by gradients but kept as a moving average of the projections each code was chosen for
    (k-means with cosine assignment, as VQ-VAE-2 and EnCodec keep theirs): two codecs trained with DAC's codebook loss
    collapsed after ~500 steps onto 10–20 codes (`train/RESULTS.md`) — with batches of a few hundred vectors for 1024
    codes, Adam's steps on rarely chosen codes are noise. Codes nobody chose for a long while move onto projections
    the encoder makes now."""

    def __init__(self, dim, size, code_dim, decay=0.99, dead_after=256):
        super().__init__()
        self.project_in = nn.Conv1d(dim, code_dim, 1)
        self.project_out = nn.Conv1d(code_dim, dim, 1)
        self.codebook = nn.Embedding(size, code_dim)
        self.codebook.weight.requires_grad_(False)
        self.decay = decay
        # A code is dead when its average use fell below one vector per DEAD_AFTER steps.
        self.dead_below = 1.0 / dead_after
        # The moving averages (not exported: a resumed run starts them from the codebook, each code once used).
        self.register_buffer("cluster_size", torch.zeros(size), persistent=False)
        self.register_buffer("vector_sum", torch.zeros(size, code_dim), persistent=False)
        self.register_buffer("averages_from_codebook", torch.zeros(()), persistent=False)

    def _load_from_state_dict(self, *args, **kwargs):
        super()._load_from_state_dict(*args, **kwargs)
        self.averages_from_codebook.zero_()  # the averages restart from the loaded codebook

    @torch.no_grad()
    def update_codebook(self, vectors, codes):
        """VECTORS (N, code_dim) chosen CODES (N): the moving averages over every DDP process, then the restarts."""
        if not bool(self.averages_from_codebook):
            # Each code counts as barely alive, so that codes the encoder never chooses restart within ~70 steps.
            self.cluster_size.fill_(2 * self.dead_below)
            self.vector_sum.copy_(self.codebook.weight * self.cluster_size[:, None])
            self.averages_from_codebook.fill_(1.0)
        size = self.cluster_size.shape[0]
        counts = torch.bincount(codes, minlength=size).type_as(vectors)
        sums = torch.zeros_like(self.vector_sum).index_add_(0, codes, vectors)
        world = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
        if world > 1:
            dist.all_reduce(counts)
            dist.all_reduce(sums)
        self.cluster_size.mul_(self.decay).add_(counts, alpha=1 - self.decay)
        self.vector_sum.mul_(self.decay).add_(sums, alpha=1 - self.decay)
        self.codebook.weight.copy_(self.vector_sum / self.cluster_size.clamp(min=1e-5)[:, None])
        dead = (self.cluster_size < self.dead_below).nonzero().flatten()
        if len(dead) == 0:
            return
        picks = vectors[torch.randint(0, vectors.shape[0], (len(dead),), device=vectors.device)]
        picks = picks + 1e-3 * picks.norm(dim=1, keepdim=True) * torch.randn_like(picks)
        if world > 1:
            dist.broadcast(picks, 0)  # the same restarts in every process
        self.codebook.weight[dead] = picks
        self.cluster_size[dead] = 2 * self.dead_below
        self.vector_sum[dead] = picks * self.cluster_size[dead, None]

    def lookup(self, codes):
        """codes (B, T) → (B, dim, T)."""
        return self.project_out(self.codebook(codes).transpose(1, 2))

    def forward(self, z):
        """z (B, dim, T) → (its quantised value, codes (B, T), commitment loss)."""
        e = self.project_in(z)                                  # (B, code_dim, T)
        vectors = e.transpose(1, 2).reshape(-1, e.shape[1])
        book = F.normalize(self.codebook.weight, dim=1)
        codes = (F.normalize(vectors.detach(), dim=1) @ book.t()).argmax(1)
        if self.training:
            self.update_codebook(vectors.detach().float(), codes)
        q = self.codebook(codes).reshape(e.shape[0], e.shape[2], -1).transpose(1, 2)
        commitment = F.mse_loss(e, q.detach())
        q = e + (q - e).detach()
        return self.project_out(q), codes.reshape(e.shape[0], e.shape[2]), commitment


class Codec(nn.Module):
    def __init__(self, config: CodecConfig):
        super().__init__()
        self.config = config
        c = config.channels
        encoder = [nn.Conv1d(1, c, 7, padding=3)]
        for stride in config.strides:
            encoder.append(EncoderBlock(c, stride))
            c *= 2
        encoder += [Snake(c), nn.Conv1d(c, config.latent_dim, 3, padding=1)]
        self.encoder = nn.Sequential(*encoder)
        self.quantizers = nn.ModuleList(FactorizedQuantizer(config.latent_dim, config.codebook_size, config.code_dim)
                                        for _ in range(config.codebooks))
        decoder = [nn.Conv1d(config.latent_dim, c, 7, padding=3)]
        for stride in reversed(config.strides):
            decoder.append(DecoderBlock(c, stride))
            c //= 2
        decoder += [Snake(c), nn.Conv1d(c, 1, 7, padding=3), nn.Tanh()]
        self.decoder = nn.Sequential(*decoder)
        # Zero biases: with PyTorch's default ones, the encoder's 13 convolutions shrink the sound while the biases do
        # not shrink, its output was nearly the same for every sound, and the first codec collapsed onto one code per
        # codebook. With zero biases 124–140 of 1024 first-codebook codes are in use at initialisation on validation
        # clips. (Variance-keeping weights as well made the latents so large that the tanh output saturated.)
        for module in self.modules():
            if isinstance(module, (nn.Conv1d, nn.ConvTranspose1d)):
                nn.init.zeros_(module.bias)

    def quantize(self, z):
        residual, total, codes, commitment = z, torch.zeros_like(z), [], 0.0
        for quantizer in self.quantizers:
            q, c, cm = quantizer(residual)
            total = total + q
            residual = residual - q
            codes.append(c)
            commitment = commitment + cm
        return total, torch.stack(codes, -1), commitment

    def encode(self, audio):
        """audio (B, 1, N), N a multiple of the hop → codes (B, N / hop, 4)."""
        return self.quantize(self.encoder(audio))[1]

    def decode(self, codes):
        z = sum(q.lookup(codes[..., k]) for k, q in enumerate(self.quantizers))
        return self.decoder(z)

    def forward(self, audio, bypass=False):
        """With BYPASS the decoder hears the encoder's latent itself (the quantisers still see it, and learn): a warm-up
        in which encoder and decoder learn a latent that carries the sound before codes must carry it."""
        z = self.encoder(audio)
        q, codes, commitment = self.quantize(z)
        return self.decoder(z if bypass else q), codes, commitment


def add_weight_norm(model):
    """Every convolution trained as direction × length (DAC's WNConv1d): the codec's training steadies. Exports fold it
    back (`plain_copy`), so the shipped weights and the C runtime never see it."""
    for module in model.modules():
        if isinstance(module, (nn.Conv1d, nn.ConvTranspose1d)):
            nn.utils.weight_norm(module)
    return model


def plain_copy(model):
    """A Codec without weight norm and with MODEL's weights, on the CPU (for validation and export)."""
    state = {}
    for key, value in model.state_dict().items():
        if key.endswith(".weight_v"):
            continue
        if key.endswith(".weight_g"):
            stem = key[:-len("_g")]
            state[stem] = torch._weight_norm(model.state_dict()[stem + "_v"], value, 0)
        else:
            state[key] = value
    plain = Codec(model.config)
    plain.load_state_dict({k: v.detach().cpu() for k, v in state.items()})
    return plain


INPUT_RMS_DBFS = -20.0


def normalize_loudness(audio, target_dbfs=INPUT_RMS_DBFS, floor_dbfs=-70.0):
    """AUDIO (numpy float32) scaled to an RMS of TARGET_DBFS, so the codec always meets one level: the synthetic
    piano is mostly near -36 dBFS, a close-miked recording near -15. Near-silence (below FLOOR_DBFS) stays as it is;
    peaks are limited to ±1. The C runtime does the same before encoding (issue 9)."""
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if audio.size else 0.0
    if rms <= 10 ** (floor_dbfs / 20):
        return audio
    return np.clip(audio * (10 ** (target_dbfs / 20) / rms), -1, 1).astype(np.float32)


def mel_filterbank(sample_rate, n_fft, n_mels, f_min=30.0, f_max=None):
    """Triangular filters on the HTK mel scale: (n_mels, n_fft / 2 + 1)."""
    f_max = f_max or sample_rate / 2
    mel = lambda f: 2595 * math.log10(1 + f / 700)  # noqa: E731
    points = torch.linspace(mel(f_min), mel(f_max), n_mels + 2)
    hz = 700 * (10 ** (points / 2595) - 1)
    bins = torch.linspace(0, sample_rate / 2, n_fft // 2 + 1)
    lower, centre, upper = hz[:-2, None], hz[1:-1, None], hz[2:, None]
    rising = (bins[None] - lower) / (centre - lower)
    falling = (upper - bins[None]) / (upper - centre)
    return torch.clamp(torch.minimum(rising, falling), min=0)


class MultiScaleMel(nn.Module):
    """L1 distance of log-mel spectrograms at several window sizes (DAC's reconstruction loss, without the GAN)."""

    def __init__(self, sample_rate=44100, windows=(512, 1024, 2048), n_mels=(40, 80, 128)):
        super().__init__()
        self.windows = windows
        for window, mels in zip(windows, n_mels):
            self.register_buffer(f"mel_{window}", mel_filterbank(sample_rate, window, mels))
            self.register_buffer(f"hann_{window}", torch.hann_window(window))

    def forward(self, estimate, target):
        loss = 0.0
        for window in self.windows:
            mel, hann = getattr(self, f"mel_{window}"), getattr(self, f"hann_{window}")
            spectra = []
            for signal in (estimate, target):
                s = torch.stft(signal.squeeze(1), window, hop_length=window // 4, window=hann, return_complex=True)
                spectra.append(torch.log10(torch.clamp(mel @ s.abs().pow(2), min=1e-5)))
            loss = loss + (spectra[0] - spectra[1]).abs().mean()
        return loss / len(self.windows)


class FineSpectrum(nn.Module):
    """L1 distance of log magnitudes of one long STFT (WINDOW samples, 10.8 Hz bins at 4096) up to MAX_HZ: the pitch
    of piano notes. Mel bands are a semitone wide at A4 and wider below it, so the mel loss alone let the first codecs
    put a buzz at the frame rate's harmonics (86 Hz apart) where the notes' partials were: their decoded audio had
    the original's spectral envelope and none of its notes (Basic Pitch onset F1 0.001)."""

    def __init__(self, sample_rate=44100, window=4096, max_hz=6000.0):
        super().__init__()
        self.window = window
        self.bins = int(max_hz * window / sample_rate) + 1
        self.register_buffer("hann", torch.hann_window(window))

    def forward(self, estimate, target):
        spectra = [torch.log10(torch.stft(signal.squeeze(1), self.window, hop_length=self.window // 4, window=self.hann,
                                          return_complex=True)[:, :self.bins].abs().clamp(min=1e-4))
                   for signal in (estimate, target)]
        return (spectra[0] - spectra[1]).abs().mean()
