"""Weights on disk: safetensors for tensors, JSON beside them for configs and state. No pickles."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from latentroll.core.io.atomic import atomic_path


def save_tensors(tensors: dict[str, torch.Tensor], path: Path, metadata: dict[str, str] | None = None) -> None:
    with atomic_path(path) as tmp:
        save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(tmp), metadata=metadata)


def load_tensors(path: Path) -> dict[str, torch.Tensor]:
    return load_file(str(path))


def save_json(obj, path: Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n")


def load_json(path: Path):
    return json.loads(Path(path).read_text())


SHARD_BYTES = 16_000_000  # optimizer files stay under the repository's 20 MB per-file limit


def _shard_path(path: Path, i: int) -> Path:
    return path if i == 0 else path.with_name(f"{path.stem}.part{i}{path.suffix}")


def save_optimizer(opt: torch.optim.Optimizer, path: Path, shard_bytes: int = SHARD_BYTES) -> None:
    """Flatten an optimizer's state (tensors → safetensors, the rest → JSON header metadata).
    Adam's two moments are twice the model's size, so large states are split over
    ``<name>.part<i>.safetensors`` shards of at most ``shard_bytes`` (so a resumable run of a
    3M-parameter model can be committed); the first file's metadata lists the shard count."""
    sd = opt.state_dict()
    tensors, scalars = {}, {}
    for pid, st in sd["state"].items():
        for k, v in st.items():
            if torch.is_tensor(v):
                tensors[f"{pid}.{k}"] = v
            else:
                scalars[f"{pid}.{k}"] = v
    shards: list[dict] = [{}]
    size = 0
    for key, v in tensors.items():
        nbytes = v.numel() * v.element_size()
        if shards[-1] and size + nbytes > shard_bytes:
            shards.append({})
            size = 0
        shards[-1][key] = v
        size += nbytes
    meta = {"param_groups": json.dumps(sd["param_groups"]), "scalars": json.dumps(scalars),
            "shards": str(len(shards))}
    if not shards[0]:
        shards[0]["__empty__"] = torch.zeros(1)
    for i in reversed(range(len(shards))):  # the first file, which names the shards, last
        save_tensors(shards[i], _shard_path(path, i), metadata=meta if i == 0 else {"shard": str(i)})
    for stale in path.parent.glob(f"{path.stem}.part*{path.suffix}"):  # from an earlier, larger save
        if int(stale.stem.rsplit(".part", 1)[1] or 0) >= len(shards):
            stale.unlink()


def load_optimizer(opt: torch.optim.Optimizer, path: Path) -> None:
    from safetensors import safe_open

    tensors = {}
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
        tensors.update({k: f.get_tensor(k) for k in f.keys() if k != "__empty__"})
    for i in range(1, int(meta.get("shards", "1"))):
        with safe_open(str(_shard_path(path, i)), framework="pt") as f:
            tensors.update({k: f.get_tensor(k) for k in f.keys()})
    state: dict[int, dict] = {}
    for key, v in tensors.items():
        pid, name = key.split(".", 1)
        state.setdefault(int(pid), {})[name] = v
    for key, v in json.loads(meta["scalars"]).items():
        pid, name = key.split(".", 1)
        state.setdefault(int(pid), {})[name] = v
    opt.load_state_dict({"state": state, "param_groups": json.loads(meta["param_groups"])})
