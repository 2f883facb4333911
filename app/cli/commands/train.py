"""``latentroll train MODEL --config NAME``: seeded, resumable training with a progress bar."""
from __future__ import annotations

import json
import time

TRAINERS = ("vae", "classifier")


def register(sub) -> None:
    p = sub.add_parser("train", help="train a model on the music21 corpus (resumes a run folder)")
    p.add_argument("model", choices=TRAINERS)
    p.add_argument("--config", default="mel_2bar", help="named config (see models/<model>/config.py)")
    p.add_argument("--run-dir", help="run folder: checkpoints, metrics.jsonl (default runs/<model>_<config>)")
    p.add_argument("--epochs", type=int, help="override the config's epoch count")
    p.add_argument("--max-steps", type=int, help="stop after this many optimizer steps (checkpointed)")
    p.add_argument("--corpus", help="corpus cache .npz (default: user cache; built if missing)")
    p.add_argument("--threads", type=int, help="torch intra-op threads")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    import torch

    from latentroll.models.data.corpus import load_corpus

    from ..errors import UsageError

    if args.threads:
        torch.set_num_threads(args.threads)
    run_dir = Path(args.run_dir or f"runs/{args.model}_{args.config}")
    corpus = load_corpus(Path(args.corpus) if args.corpus else None)
    overrides = {"epochs": args.epochs} if args.epochs else {}
    if args.model == "classifier":
        return _train_classifier(corpus, run_dir, args)
    from latentroll.models.vae.config import CONFIGS
    from latentroll.models.vae.train import train_vae as trainer
    if args.config not in CONFIGS:
        raise UsageError(f"unknown config {args.config!r}; choose one of {', '.join(CONFIGS)}")
    started = time.monotonic()
    last = [0.0]

    def progress(p) -> None:
        now = time.monotonic()
        if now - last[0] >= 5 or p.batch == p.batches:
            last[0] = now
            m = " ".join(f"{k}={v:.3f}" for k, v in p.metrics.items())
            print(f"epoch {p.epoch + 1}/{p.epochs} batch {p.batch}/{p.batches} step {p.step} {m}", flush=True)

    summary = trainer(args.config, run_dir, corpus=corpus, progress=progress, max_steps=args.max_steps, **overrides)
    summary["wall_seconds_this_call"] = round(time.monotonic() - started, 1)
    summary.pop("history", None)
    print(json.dumps(summary, indent=2))
    return 0


def _train_classifier(corpus, run_dir, args) -> int:
    """The style judge for ``eval vae``: trained on training windows, saved beside the VAE."""
    from latentroll.models.eval.style_classifier import (
        ClassifierConfig, balanced_accuracy, predict, save_classifier, train_classifier,
    )
    from latentroll.models.vae.config import get_config
    from latentroll.models.vae.evaluate import shipped_classifier_dir
    from latentroll.models.vae.train import melody_data

    vcfg = get_config("mel_2bar")
    data = melody_data(corpus, vcfg)
    cfg = ClassifierConfig(styles=vcfg.styles, **({"epochs": args.epochs} if args.epochs else {}))
    model = train_classifier(cfg, data.train, data.valid, run_dir)
    pred = predict(model, data.test.events)
    out = shipped_classifier_dir()
    save_classifier(model, out)
    print(json.dumps({"test_accuracy": float((pred == data.test.styles).mean()),
                      "test_balanced_accuracy": balanced_accuracy(pred, data.test.styles, len(cfg.styles)),
                      "saved": str(out)}, indent=2))
    return 0
