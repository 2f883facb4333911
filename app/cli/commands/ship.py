"""``latentroll ship MODEL --run-dir R``: export a run into resources/models, evaluate, write the card."""
from __future__ import annotations

import json


def register(sub) -> None:
    from latentroll.models.registry import MODELS

    p = sub.add_parser("ship", help="export a trained run into resources/models with its model card")
    p.add_argument("model", choices=[k for k, e in MODELS.items() if e.ship])
    p.add_argument("--run-dir", required=True)
    p.add_argument("--checkpoint", choices=["best", "last"], default="best")
    p.add_argument("--out", help="model folder (default: the shipped one in resources/models)")
    p.add_argument("--corpus", help="corpus cache .npz")
    # dest is not "command": that name holds the sub-command (``main``'s sub-parsers)
    p.add_argument("--command", dest="card_commands", action="append", default=[],
                   help="training command to record in the card")
    p.add_argument("--threads", type=int, default=2)
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from ..run_folders import check_finished_run

    check_finished_run(Path(args.run_dir), args.checkpoint)  # before the corpus and torch load

    import torch

    from latentroll.models.data.corpus import load_corpus
    from latentroll.models.registry import entry, resolve

    torch.set_num_threads(args.threads)
    corpus = load_corpus(Path(args.corpus) if args.corpus else None)
    res = resolve(entry(args.model).ship)(Path(args.run_dir), args.checkpoint,
                                          Path(args.out) if args.out else None, corpus, args.card_commands)
    print(json.dumps({k: v for k, v in res.items() if not isinstance(v, dict)}, indent=2))
    return 0
