"""Optimizer state is saved in shards under a size limit and loads back exactly."""
import json

import torch

from latentroll.models.common.weights import load_optimizer, save_optimizer


def _trained_adam(seed: int) -> tuple[torch.nn.Module, torch.optim.Adam]:
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.Linear(64, 8))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(3):
        opt.zero_grad()
        model(torch.randn(16, 64)).pow(2).mean().backward()
        opt.step()
    return model, opt


def test_large_state_is_split_into_shards_and_loads_back_equal(tmp_path):
    model, opt = _trained_adam(0)
    path = tmp_path / "optimizer.safetensors"
    save_optimizer(opt, path, shard_bytes=10_000)  # each 64x64 moment is 16 KB: one per shard
    parts = sorted(tmp_path.glob("optimizer.part*.safetensors"))
    assert len(parts) >= 3 and all(p.stat().st_size < 20_000 for p in [path, *parts])
    _, fresh = _trained_adam(1)
    load_optimizer(fresh, path)
    a, b = opt.state_dict(), fresh.state_dict()
    assert json.dumps(a["param_groups"]) == json.dumps(b["param_groups"])  # (JSON turns tuples into lists)
    for pid, st in a["state"].items():
        for k, v in st.items():
            assert torch.equal(torch.as_tensor(v), torch.as_tensor(b["state"][pid][k])), (pid, k)
    # a later, smaller save removes the shards it no longer needs
    save_optimizer(opt, path)
    assert not list(tmp_path.glob("optimizer.part*.safetensors"))
    load_optimizer(fresh, path)
    assert torch.equal(fresh.state_dict()["state"][0]["exp_avg"], a["state"][0]["exp_avg"])
