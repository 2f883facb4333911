"""torchrun support: one process group on gloo (CPU) or nccl (CUDA), set up from env vars."""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Dist:
    rank: int = 0
    world: int = 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def init_distributed() -> Dist:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Dist()
    if not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return Dist(dist.get_rank(), dist.get_world_size())


def shutdown(d: Dist) -> None:
    """Leave the group together: a rank that tears down while another still talks to the store
    (rank 0 hosts it under ``torchrun --standalone``) can abort the other at exit."""
    if d.world > 1 and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
