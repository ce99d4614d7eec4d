"""A long-lived verovio worker (engrave.mjs): one JSON job a line in, one answer a line out."""

import json
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


class Engraver:
    def __init__(self):
        if not (HERE / "node_modules" / "verovio").exists():
            raise SystemExit("verovio is missing: run ./setup.sh (or npm ci in train/data)")
        self.process = subprocess.Popen(["node", str(HERE / "engrave.mjs")], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)

    def engrave(self, score_path, out_dir, options, mei=False):
        job = {"input": str(score_path), "out": str(out_dir), "options": options, "mei": mei}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the verovio worker stopped")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait()
