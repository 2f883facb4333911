"""Shipped weights stored in float16 load as float32, a re-ship keeps their storage dtype, and
every shipped model folder says in its card how its weights are stored."""
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from torch import nn

from latentroll.models.common.export import publish_model
from latentroll.models.common.weights import load_tensors, save_tensors, storage_dtype, store_as

SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "models"


@dataclass
class Cfg:
    name: str = "tiny"

    def to_json(self) -> str:
        return '{"name": "tiny"}'


def test_float16_storage_halves_the_file_and_loads_as_float32(tmp_path):
    torch.manual_seed(0)
    tensors = {"w": torch.randn(64, 64), "steps": torch.arange(3), "double": torch.randn(4, dtype=torch.float64)}
    save_tensors(tensors, tmp_path / "a.safetensors")
    save_tensors(tensors, tmp_path / "b.safetensors", dtype="float16")
    assert storage_dtype(tmp_path / "a.safetensors") == "float32"
    assert storage_dtype(tmp_path / "b.safetensors") == "float16"
    assert (tmp_path / "b.safetensors").stat().st_size < 0.6 * (tmp_path / "a.safetensors").stat().st_size
    back = load_tensors(tmp_path / "b.safetensors")
    assert back["w"].dtype == torch.float32 and torch.equal(back["w"], tensors["w"].half().float())
    assert torch.equal(back["steps"], tensors["steps"])  # integers untouched
    assert back["double"].dtype == torch.float64 and torch.equal(back["double"], tensors["double"])


def test_store_as_keeps_metadata_and_refuses_values_beyond_float16(tmp_path):
    path = tmp_path / "m.safetensors"
    save_tensors({"w": torch.ones(3)}, path, metadata={"config": "tiny"})
    store_as(path, "float16")
    assert storage_dtype(path) == "float16"
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        assert f.metadata()["config"] == "tiny"
    save_tensors({"w": torch.tensor([1e6])}, path)
    with pytest.raises(ValueError, match="float16"):
        store_as(path, "float16")


def test_a_reship_keeps_the_storage_dtype_of_the_weights_it_replaces(tmp_path):
    net = nn.Linear(8, 4)
    out = tmp_path / "model"
    publish_model(net, Cfg(), tmp_path / "ckpt", out)
    assert storage_dtype(out / "model.safetensors") == "float32"
    store_as(out / "model.safetensors", "float16")
    publish_model(net, Cfg(), tmp_path / "ckpt", out)
    assert storage_dtype(out / "model.safetensors") == "float16"
    loaded = nn.Linear(8, 4)
    loaded.load_state_dict(load_tensors(out / "model.safetensors"))
    assert loaded.weight.dtype == torch.float32
    assert torch.allclose(loaded.weight, net.weight, atol=1e-3)


@pytest.mark.parametrize("folder", sorted(p.parent.name for p in SHIPPED.glob("*/model.safetensors")))
def test_each_shipped_card_records_its_storage_dtype(folder):
    dtype = storage_dtype(SHIPPED / folder / "model.safetensors")
    card = (SHIPPED / folder / "model_card.md").read_text()
    assert f"Weights stored as {dtype} on disk" in card
