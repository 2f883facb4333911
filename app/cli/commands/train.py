"""``latentroll train MODEL --config NAME``: seeded, resumable training with progress lines."""
from __future__ import annotations

import json
import sys
import time


def register(sub) -> None:
    from latentroll.models.registry import MODELS

    p = sub.add_parser("train", help="train a model on the music21 corpus (resumes a run folder)")
    p.add_argument("model", choices=list(MODELS))
    p.add_argument("--config", help="named config (default: the model's shipped one)")
    p.add_argument("--run-dir", help="run folder: checkpoints, metrics.jsonl (default runs/<model>_<config>)")
    p.add_argument("--epochs", type=int, help="override the config's epoch count")
    p.add_argument("--max-steps", type=int, help="stop after this many optimizer steps (checkpointed)")
    p.add_argument("--corpus", help="corpus cache .npz (default: user cache; built if missing)")
    p.add_argument("--threads", type=int, help="torch intra-op threads")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from latentroll.models.registry import entry, resolve

    from ..errors import UsageError
    from ..run_folders import prepare_run_folder

    e = entry(args.model)
    config = args.config or e.default_config
    configs = resolve(e.configs)
    if config not in configs:
        raise UsageError(f"unknown {args.model} config {config!r}; choose one of {', '.join(configs)}")
    run_dir = Path(args.run_dir or f"runs/{args.model}_{config}")
    if args.run_dir:
        prepare_run_folder(run_dir)  # a bad --run-dir fails now, not after the corpus and torch load

    import torch

    from latentroll.models.data.corpus import load_corpus

    if args.threads:
        torch.set_num_threads(args.threads)
    corpus = load_corpus(Path(args.corpus) if args.corpus else None)
    overrides = {"epochs": args.epochs} if args.epochs else {}
    started = time.monotonic()
    progress = _terminal_bar() if sys.stderr.isatty() else _log_lines()
    summary = resolve(e.train)(config, run_dir, corpus=corpus, progress=progress, max_steps=args.max_steps,
                               **overrides)
    summary["wall_seconds_this_call"] = round(time.monotonic() - started, 1)
    summary.pop("history", None)
    print(json.dumps(summary, indent=2))
    return 0


def _describe(p) -> str:
    return " ".join(f"{k}={v:.3f}" for k, v in p.metrics.items())


def _terminal_bar():
    """A tqdm bar per epoch, with the running metrics beside it."""
    from tqdm import tqdm

    state = {"epoch": None, "bar": None}

    def progress(p) -> None:
        if state["epoch"] != p.epoch:
            if state["bar"] is not None:
                state["bar"].close()
            state["bar"] = tqdm(total=p.batches, initial=p.batch - 1, desc=f"epoch {p.epoch + 1}/{p.epochs}",
                                unit="batch", file=sys.stderr, dynamic_ncols=True)
            state["epoch"] = p.epoch
        bar = state["bar"]
        bar.n = p.batch
        bar.set_postfix_str(_describe(p), refresh=False)
        bar.refresh()

    return progress


def _log_lines():
    """One line every 5 s (logs, nohup): epoch, batch, step and running metrics."""
    last = [0.0]

    def progress(p) -> None:
        now = time.monotonic()
        if now - last[0] >= 5 or p.batch == p.batches:
            last[0] = now
            print(f"epoch {p.epoch + 1}/{p.epochs} batch {p.batch}/{p.batches} step {p.step} {_describe(p)}",
                  flush=True)

    return progress
