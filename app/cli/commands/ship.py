"""``latentroll ship vae --run-dir R``: export a run's weights to resources/, evaluate, write the card."""
from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("ship", help="export a trained run into resources/models with its model card")
    p.add_argument("model", choices=["vae"])
    p.add_argument("--run-dir", required=True)
    p.add_argument("--checkpoint", choices=["best", "last"], default="best")
    p.add_argument("--out", help="model folder (default: the shipped one in resources/models)")
    p.add_argument("--corpus", help="corpus cache .npz")
    p.add_argument("--command", action="append", default=[], help="training command to record in the card")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    import torch

    from latentroll.models.common.weights import load_json
    from latentroll.models.data.corpus import load_corpus
    from latentroll.models.eval.style_classifier import load_classifier
    from latentroll.models.vae.card import write_card
    from latentroll.models.vae.config import VAEConfig
    from latentroll.models.vae.evaluate import evaluate_vae, shipped_classifier_dir
    from latentroll.models.vae.export import export_model
    from latentroll.models.vae.service import MelodyVAEService, default_model_dir
    from latentroll.models.vae.train import melody_data

    torch.set_num_threads(2)
    run_dir = Path(args.run_dir)
    cfg = VAEConfig.from_dict(load_json(run_dir / "config.json"))
    corpus = load_corpus(Path(args.corpus) if args.corpus else None)
    data = melody_data(corpus, cfg)
    out = Path(args.out) if args.out else default_model_dir()
    out.parent.mkdir(parents=True, exist_ok=True)
    export_model(run_dir / args.checkpoint, cfg, data, out)
    svc = MelodyVAEService.load(out)
    cls_dir = shipped_classifier_dir()
    classifier = load_classifier(cls_dir) if (cls_dir / "model.safetensors").exists() else None
    evaluation = evaluate_vae(svc.model, data, classifier)
    state = load_json(run_dir / args.checkpoint / "state.json")
    # the full history lives in the run's last state
    state["state"]["history"] = load_json(run_dir / "last" / "state.json")["state"]["history"]
    params = sum(p.numel() for p in svc.model.parameters())
    commands = args.command or [f"latentroll train vae --config {cfg.name} --run-dir {run_dir}",
                                f"latentroll ship vae --run-dir {run_dir} --checkpoint {args.checkpoint}"]
    card = write_card(out, state, evaluation, commands, params)
    print(json.dumps({"model_dir": str(out), "card": str(card), **{k: v for k, v in evaluation.items()
                                                                    if not isinstance(v, dict)}}, indent=2))
    return 0
