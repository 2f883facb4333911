"""The training loop's learning-rate schedule, including a warm restart on resume."""
import json

import numpy as np
import torch
from torch import nn

from latentroll.models.common.trainer import LoopConfig, train


class LineTask:
    """Fit y = 3x: small enough to run a real loop in milliseconds."""

    def __init__(self):
        self.model = nn.Linear(1, 1)
        self.runner = self.model

    def num_examples(self) -> int:
        return 40

    def batch(self, idx, rng):
        x = torch.as_tensor(rng.normal(size=(len(idx), 1)), dtype=torch.float32)
        return x, 3 * x

    def loss(self, batch, step):
        x, y = batch
        loss = ((self.runner(x) - y) ** 2).mean()
        return loss, {"loss": loss.item()}

    def evaluate(self):
        return {"loss": float((self.model.weight.item() - 3.0) ** 2)}


def _lrs(run_dir) -> list[float]:
    return [json.loads(line)["lr"] for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


def test_resuming_with_a_restart_step_raises_the_rate_again_and_keeps_the_weights(tmp_path):
    cfg = LoopConfig(epochs=3, batch_size=10, lr=0.1, lr_min=1e-6, lr_decay=0.5)  # 4 steps an epoch
    first_task = LineTask()
    first = train(first_task, cfg, tmp_path)
    trained = first_task.model.weight.item()
    assert first.step == 12
    decayed = _lrs(tmp_path)
    assert decayed == sorted(decayed, reverse=True) and decayed[-1] == np.float64(0.1 * 0.5 ** 12)

    task = LineTask()
    with torch.no_grad():
        task.model.weight.fill_(-100.0)  # a fresh model far from the trained one: resuming must load it
    restarted = LoopConfig(epochs=5, batch_size=10, lr=0.1, lr_min=1e-6, lr_decay=0.5, lr_restart_step=12)
    state = train(task, restarted, tmp_path)
    assert state.step == 20 and state.epoch == 5
    lrs = _lrs(tmp_path)
    assert lrs[3] == 0.1 * 0.5 ** 4 and lrs[4] == 0.1 * 0.5 ** 8   # the decay counts from step 12
    assert lrs[3] > lrs[2]
    assert abs(task.model.weight.item() - trained) < 1.0
