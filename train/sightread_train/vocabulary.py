"""The unified token space (../shared/specs/model.md §2), the same numbers as compute/vocabulary.h (checked by
tests/vocabulary.py)."""

IMAGE, LMX, MIDI, AUDIO = range(4)
MODALITIES = ("image", "lmx", "midi", "audio")

PAD = 0
SEP = 1


def sos(modality):
    return 2 + 2 * modality


def eos(modality):
    return 3 + 2 * modality


CODEBOOKS = 4
CODEBOOK_SIZE = 1024
LMX_SIZE = 224
MIDI_SPECIALS = 3
MIDI_SHIFTS = 2001   # shift:0 … shift:2000, the first MIDI tokens after the specials (midi-tokens.md §2)
MIDI_SIZE = 2388

LMX_START = 10
MIDI_START = LMX_START + LMX_SIZE
IMAGE_START = MIDI_START + MIDI_SIZE
AUDIO_START = IMAGE_START + CODEBOOKS * CODEBOOK_SIZE
SIZE = AUDIO_START + CODEBOOKS * CODEBOOK_SIZE


def image_code(k, code):
    return IMAGE_START + k * CODEBOOK_SIZE + code


def audio_code(k, code):
    return AUDIO_START + k * CODEBOOK_SIZE + code


def lmx_token(index):
    return LMX_START + index


def midi_token(index):
    """A MIDI tokenizer index (3 … 2390) in the unified space."""
    return MIDI_START + index - MIDI_SPECIALS


def block(modality, k=0):
    """[start, end) of the tokens a step of MODALITY may hold in codebook slot K (slot 0 for LMX and MIDI), its end
    token included in slot 0: the logits outside are masked."""
    if modality == LMX:
        return LMX_START, LMX_START + LMX_SIZE
    if modality == MIDI:
        return MIDI_START, MIDI_START + MIDI_SIZE
    start = IMAGE_START if modality == IMAGE else AUDIO_START
    return start + k * CODEBOOK_SIZE, start + (k + 1) * CODEBOOK_SIZE
