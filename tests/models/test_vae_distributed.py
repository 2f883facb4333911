"""torchrun: two CPU processes on gloo train a few DistributedDataParallel steps."""
import json
import os
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"

BIN = Path(sys.executable).parent


def test_two_process_ddp_training(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    cmd = [str(BIN / "torchrun"), "--standalone", "--nproc_per_node=2", "--no-python", str(BIN / "latentroll"),
           "train", "vae", "--config", "tiny", "--max-steps", "4", "--corpus", str(FIXTURE),
           "--run-dir", str(tmp_path / "ddp"), "--threads", "1"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    state = json.loads((tmp_path / "ddp" / "last" / "state.json").read_text())
    assert state["state"]["step"] == 4
    assert (tmp_path / "ddp" / "last" / "model.safetensors").exists()
