"""Starts N training processes on this machine as torchrun would (WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR,
MASTER_PORT), for Debian 12's torch 1.13, whose torchrun fails under Python 3.11 (an AttributeError in its elastic
agent). With torch 2.x, torchrun does the same job.

  /usr/bin/python3 train/launch_ddp.py 2 train/train_translator.py train --steps 1000"""

import os
import subprocess
import sys


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        raise SystemExit("usage: launch_ddp.py N SCRIPT [ARGUMENTS…]")
    n = int(sys.argv[1])
    port = os.environ.get("MASTER_PORT", "29533")
    processes = []
    for rank in range(n):
        env = dict(os.environ, WORLD_SIZE=str(n), RANK=str(rank), LOCAL_RANK=str(rank),
                   MASTER_ADDR=os.environ.get("MASTER_ADDR", "127.0.0.1"), MASTER_PORT=port)
        processes.append(subprocess.Popen([sys.executable, *sys.argv[2:]], env=env))
    codes = [p.wait() for p in processes]
    sys.exit(max(codes, key=abs))


if __name__ == "__main__":
    main()
