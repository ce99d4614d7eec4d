"""Learning curves from training logs, as a PNG: the training loss (raw and smoothed) on top, every validation
metric the log names below, against the step.

  /usr/bin/python3 train/plot_curves.py ~/.cache/sightread/logs/i2a.log -o train/curves/i2a.png
  /usr/bin/python3 train/plot_curves.py first.log resumed.log … -o curve.png   (runs that resumed one another)

It reads the lines the training scripts write: "step N loss X …" and "step N validation NAME VALUE [%] …" (several
NAME VALUE pairs may share a line: "validation SER engraved 41.2 % scan 55.0 %")."""

import argparse
import re
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LOSS = re.compile(r"step (\d+) loss ([0-9.]+)")
VALIDATION = re.compile(r"step (\d+) validation (.*)")
METRIC = re.compile(r"([A-Za-z][\w\- ]*?) ([0-9.]+)(?: %)?(?= |$)")


def _add(points, step, value):
    """A run resumed from an earlier export repeats steps: the later run's points replace the lost ones."""
    while points and points[-1][0] >= step:
        points.pop()
    points.append((step, value))


def read(paths):
    """The logs of one lineage of weights, oldest first (a run resumed from another's export continues its curve)."""
    losses, metrics = [], defaultdict(list)
    for line in (line for path in paths for line in Path(path).expanduser().read_text().splitlines()):
        if m := LOSS.search(line):
            _add(losses, int(m[1]), float(m[2]))
        elif m := VALIDATION.search(line):
            text = m[2].split("(best")[0].strip()
            prefix = ""
            for name, value in METRIC.findall(text):
                # "SER engraved 41.2 % scan 55.0 %": the second metric inherits the first one's leading words.
                words = name.split()
                if prefix and len(words) == 1:
                    name = f"{prefix} {name}"
                prefix = " ".join(words[:-1]) if len(words) > 1 else prefix
                _add(metrics[name], int(m[1]), float(value))
    return losses, metrics


def smooth(values, window=10):
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", nargs="+", help="one log, or the logs of runs that resumed one another, in order")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--title")
    args = parser.parse_args()
    losses, metrics = read(args.log)
    if not losses:
        raise SystemExit(f"{', '.join(args.log)}: no 'step N loss X' lines")
    # One panel for the loss, one per validation metric (their scales differ: a pixel share, a code count, a SER).
    figure, axes = plt.subplots(1 + max(len(metrics), 1), 1, figsize=(8, 3 + 2.2 * max(len(metrics), 1)), sharex=True)
    top = axes[0]
    steps, values = zip(*losses)
    top.plot(steps, values, color="0.75", linewidth=0.8, label="loss")
    top.plot(steps, smooth(list(values)), color="C0", label="loss, mean of 10 reports")
    top.set_ylabel("training loss")
    top.set_yscale("log")
    top.legend()
    for axis, (name, points) in zip(axes[1:], sorted(metrics.items())):
        x, y = zip(*points)
        axis.plot(x, y, marker="o", color="C1")
        axis.set_ylabel(name)
    axes[-1].set_xlabel("step")
    top.set_title(args.title or " + ".join(Path(log).name for log in args.log))
    figure.tight_layout()
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.output, dpi=100)
    print(f"{len(losses)} loss reports, {sum(map(len, metrics.values()))} validations → {args.output}")


if __name__ == "__main__":
    main()
