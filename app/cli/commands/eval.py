"""``latentroll eval MODEL [--json]``: the model card's figures, measured on the held-out test split."""
from __future__ import annotations

import json


def register(sub) -> None:
    from latentroll.models.registry import MODELS

    p = sub.add_parser("eval", help="evaluate a shipped (or given) model on the held-out test tunes")
    p.add_argument("model", choices=[k for k, e in MODELS.items() if e.evaluate])
    p.add_argument("--model-dir", help="model folder (default: the shipped one)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quick", action="store_true", help="small subsets (for smoke tests)")
    p.add_argument("--corpus", help="corpus cache .npz (default: user cache; built if missing)")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from latentroll.models.data.corpus import load_corpus

    corpus = load_corpus(Path(args.corpus) if args.corpus else None)  # a bad --corpus fails before torch loads

    import torch

    from latentroll.models.eval.report import format_table
    from latentroll.models.registry import entry, resolve

    torch.set_num_threads(args.threads)
    res = resolve(entry(args.model).evaluate)(Path(args.model_dir) if args.model_dir else None, corpus, args.quick)
    print(json.dumps(res, indent=2) if args.json else format_table(res))
    return 0
