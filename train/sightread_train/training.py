"""What every training script shares: logging to a file, the device, and PyTorch DDP when started by torchrun (one
CPU, one GPU or many GPUs/nodes with the same code: torchrun, or train/launch_ddp.py where Debian's torchrun is
broken, sets WORLD_SIZE, RANK and LOCAL_RANK)."""

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist


def setup_logging(path, rank=0):
    path = Path(path).expanduser()
    handlers = [logging.StreamHandler()]
    if rank == 0:
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(path))
    logging.basicConfig(level=logging.INFO if rank == 0 else logging.WARNING,
                        format="%(asctime)s %(message)s", handlers=handlers)


@dataclass
class Place:
    rank: int
    world: int
    device: torch.device

    @property
    def main(self):
        return self.rank == 0


def place():
    """Joins the torchrun process group when there is one; picks CUDA when present."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if torch.cuda.is_available():
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return Place(rank, world, device)


def wrap(model, where: Place):
    model.to(where.device)
    if where.world > 1:
        return torch.nn.parallel.DistributedDataParallel(model, device_ids=[where.device.index]
                                                         if where.device.type == "cuda" else None)
    return model


def unwrap(model):
    return model.module if isinstance(model, torch.nn.parallel.DistributedDataParallel) else model


def inverse_sqrt_lr(step, base, warmup):
    """Linear warm-up, then base × sqrt(warmup / step): a schedule that needs no planned end, so a run can be resumed
    and extended from its exported step alone."""
    step = max(step, 1)
    return base * min(step / warmup, (warmup / step) ** 0.5)
