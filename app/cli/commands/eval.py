"""``latentroll eval MODEL [--json]``: the model card's figures, measured on the held-out test split."""
from __future__ import annotations

import json

MODELS = ("vae",)


def register(sub) -> None:
    p = sub.add_parser("eval", help="evaluate a shipped (or given) model on the held-out test tunes")
    p.add_argument("model", choices=MODELS)
    p.add_argument("--model-dir", help="model folder (default: the shipped one)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quick", action="store_true", help="small subsets (for smoke tests)")
    p.add_argument("--corpus", help="corpus cache .npz (default: user cache; built if missing)")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    import torch

    from latentroll.models.data.corpus import load_corpus
    from latentroll.models.eval.style_classifier import load_classifier
    from latentroll.models.vae.evaluate import EvalConfig, evaluate_vae, format_table, shipped_classifier_dir
    from latentroll.models.vae.service import MelodyVAEService
    from latentroll.models.vae.train import melody_data

    torch.set_num_threads(args.threads)
    svc = MelodyVAEService.load(args.model_dir)
    corpus = load_corpus(Path(args.corpus) if args.corpus else None)
    data = melody_data(corpus, svc.cfg)
    cls_dir = shipped_classifier_dir()
    classifier = load_classifier(cls_dir) if (cls_dir / "model.safetensors").exists() else None
    cfg = EvalConfig(recon_windows=300, interp_pairs=20, oa_pieces=60, samples_per_style=20, timing_repeats=3) \
        if args.quick else EvalConfig()
    res = evaluate_vae(svc.model, data, classifier, cfg)
    res["model"] = svc.name
    print(json.dumps(res, indent=2) if args.json else format_table(res))
    return 0
