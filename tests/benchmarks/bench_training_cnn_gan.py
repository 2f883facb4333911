"""Training throughput of the chorale CNN, melody GAN, melody LSTM and autoencoder, to plan CPU runs.

Times ``--steps`` optimizer steps (default 100; after a first, untimed one) of a named config in the shared loop
at ``--threads`` torch threads (default 1) on the full corpus cache (or the test fixture with
``--fixture``), and prints examples per second and the hours the config's full run would take at
that rate. Figures drop when other processes share the cores: run it niced on a quiet machine.
Run: ``.venv/bin/python tests/benchmarks/bench_training_cnn_gan.py cnn --config chorale``.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"


def main() -> None:
    from latentroll.models.registry import MODELS

    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=list(MODELS))
    parser.add_argument("--config", help="named config (default: the shipped one)")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--fixture", action="store_true", help="use the small test corpus")
    args = parser.parse_args()

    import torch

    from latentroll.models.data.corpus import Corpus, load_corpus
    from latentroll.models.registry import entry, resolve

    torch.set_num_threads(args.threads)
    e = entry(args.model)
    config = args.config or e.default_config
    cfg = resolve(e.configs)[config]
    corpus = Corpus.load(FIXTURE) if args.fixture else load_corpus(build_if_missing=False)
    train = resolve(e.train)
    marks: list[float] = []  # wall time after each step: data building is not counted
    with tempfile.TemporaryDirectory() as tmp:
        summary = train(config, Path(tmp) / "run", corpus=corpus, max_steps=args.steps + 1,
                        progress=lambda p: marks.append(time.perf_counter()))
    seconds = marks[-1] - marks[0]
    per_s = (len(marks) - 1) * cfg.batch_size / seconds
    if args.model == "cnn":
        epoch = summary["data"]["chorales"]["train"] * cfg.crops_per_chorale
    elif args.model == "lstm":
        epoch = summary["data"]["chunks"]["train"]
    else:
        epoch = summary["data"]["windows"]["train"]
    print(f"{args.model} {config}: {summary['params']:,} parameters, batch {cfg.batch_size}, "
          f"{args.threads} thread(s)")
    print(f"{len(marks) - 1} steps in {seconds:.1f} s -> {per_s:.1f} examples/s")
    print(f"epoch = {epoch} examples; {cfg.epochs} epochs ≈ {cfg.epochs * epoch / per_s / 3600:.2f} h at this rate")


if __name__ == "__main__":
    main()
