"""Weights on disk: safetensors for tensors, JSON beside them for configs and state. No pickles."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from latentroll.core.io.atomic import atomic_path

# Shipped weights may be stored in half precision to keep the repository small; every model
# computes in float32, so loading upcasts them. Run checkpoints always stay float32.
STORAGE_DTYPES = {"float32": torch.float32, "float16": torch.float16}
STORAGE_KEY = "storage_dtype"
HALF = (torch.float16, torch.bfloat16)


def save_tensors(tensors: dict[str, torch.Tensor], path: Path, metadata: dict[str, str] | None = None,
                 dtype: str = "float32") -> None:
    """Write ``tensors``; with ``dtype`` "float16", float32 ones are stored in half precision."""
    target = STORAGE_DTYPES[dtype]

    def stored(v: torch.Tensor) -> torch.Tensor:
        v = v.detach().contiguous().cpu()
        return v.to(target) if v.dtype == torch.float32 else v

    if dtype != "float32":
        metadata = {**(metadata or {}), STORAGE_KEY: dtype}
    with atomic_path(path) as tmp:
        save_file({k: stored(v) for k, v in tensors.items()}, str(tmp), metadata=metadata)


def load_tensors(path: Path) -> dict[str, torch.Tensor]:
    """The tensors in ``path``, half-precision ones upcast to float32 (see ``STORAGE_DTYPES``)."""
    return {k: v.float() if v.dtype in HALF else v for k, v in load_file(str(path)).items()}


def storage_dtype(path: Path) -> str:
    """The storage dtype ``save_tensors`` recorded in ``path`` ("float32" when none was)."""
    with safe_open(str(path), framework="pt") as f:
        return (f.metadata() or {}).get(STORAGE_KEY, "float32")


def store_as(path: Path, dtype: str) -> None:
    """Rewrite the weights file ``path`` with its float32 tensors stored as ``dtype``."""
    with safe_open(str(path), framework="pt") as f:
        metadata = {k: v for k, v in (f.metadata() or {}).items() if k != STORAGE_KEY}
    tensors = load_tensors(path)
    if dtype == "float16":
        big = max((float(v.abs().max()) for v in tensors.values() if v.is_floating_point() and v.numel()),
                  default=0.0)
        if big > torch.finfo(torch.float16).max:
            raise ValueError(f"{path}: a value of {big:g} does not fit float16")
    save_tensors(tensors, path, metadata=metadata or None, dtype=dtype)


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
