"""The unified vocabulary is one table: compute/vocabulary.h and train/sightread_train/vocabulary.py state the same
numbers. (That the tokenizers' sizes are the ones the blocks assume, test-lmx and test-midi-tokens check in C.) TAP."""

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "train"))
from sightread_train import vocabulary as v  # noqa: E402

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + (f"  # {detail}" if detail else ""))


def header_values(path):
    """Evaluates the header's integer #defines (without arguments) in order."""
    values = {}
    for name, expression in re.findall(r"^#define (SR_VOCAB_\w+) ([^/\n]+)", path.read_text(), re.M):
        if "(" in name:
            continue
        expression = re.sub(r"SR_VOCAB_\w+", lambda m: str(values[m.group(0)]), expression.strip())
        values[name] = int(eval(expression, {"__builtins__": {}}))  # integers and + - * only, from our own header
    return values


c = header_values(REPO / "compute" / "vocabulary.h")
for name in ("PAD", "SEP", "CODEBOOKS", "CODEBOOK_SIZE", "LMX_SIZE", "MIDI_SPECIALS", "MIDI_SIZE", "LMX_START",
             "MIDI_START", "IMAGE_START", "AUDIO_START", "SIZE"):
    check(f"SR_VOCAB_{name} is the same in C and Python", c.get(f"SR_VOCAB_{name}") == getattr(v, name),
          f"C {c.get(f'SR_VOCAB_{name}')}, Python {getattr(v, name)}")
check("the start and end tokens of the four modalities fill 2 … 9 before the LMX block",
      [v.sos(m) for m in range(4)] + [v.eos(m) for m in range(4)] == [2, 4, 6, 8, 3, 5, 7, 9] and v.LMX_START == 10)

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
