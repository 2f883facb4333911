"""``latentroll eval MODEL [--json]``: the model card's figures, measured on the held-out test split.

``eval mystyle`` measures "My style" (``models/mystyle/evaluate.py``) on the shipped melody VAE;
``--card FILE`` also writes its figures as a small markdown card."""
from __future__ import annotations

import json

MYSTYLE = "mystyle"  # not a registry model: a user's style fitted on the melody VAE's latents
DRUMS = "drums"  # not a registry model: the four drum models' figures together
# ``eval MODEL --model NAME`` that another registry model measures: the 16-bar melody model is the
# phrase-structure model over the 2-bar VAE (``models/structure``)
ROUTED = {("vae", "mel_16bar"): "structure"}


def register(sub) -> None:
    from latentroll.models.registry import MODELS

    p = sub.add_parser("eval", help="evaluate a shipped (or given) model on the held-out test tunes")
    p.add_argument("model", choices=[*(k for k, e in MODELS.items() if e.evaluate), MYSTYLE, DRUMS])
    p.add_argument("--model-dir", help="model folder (default: the shipped one)")
    p.add_argument("--model", dest="variant", metavar="NAME",
                   help="a named model of this kind: `eval vae --model mel_4bar` measures resources/models/"
                        "vae_mel_4bar (or NAME may be a model folder)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quick", action="store_true", help="small subsets (for smoke tests)")
    p.add_argument("--corpus", help="corpus cache .npz (default: user cache; built if missing)")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    p.add_argument("--card", help="mystyle: also write the figures as a markdown card to this file")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from latentroll.models.data.corpus import load_corpus

    if args.model == DRUMS:
        return _drums(args)
    if (args.model, args.variant) in ROUTED:
        args.model, args.variant = ROUTED[args.model, args.variant], None
    variant = _variant_dir(args) if args.variant else None  # a bad --model fails before the corpus loads
    corpus = load_corpus(Path(args.corpus) if args.corpus else None)  # a bad --corpus fails before torch loads

    import torch

    from latentroll.models.eval.report import format_table
    from latentroll.models.registry import entry, resolve

    torch.set_num_threads(args.threads)
    model_dir = Path(args.model_dir) if args.model_dir else variant
    if args.model == MYSTYLE:
        from latentroll.models.mystyle.card import write_card
        from latentroll.models.mystyle.evaluate import evaluate_cli

        res = evaluate_cli(model_dir, corpus, args.quick)
        if args.card:
            write_card(res, Path(args.card))
    else:
        res = resolve(entry(args.model).evaluate)(model_dir, corpus, args.quick)
    print(json.dumps(res, indent=2) if args.json else format_table(res))
    return 0


def _variant_dir(args):
    """The folder ``--model NAME`` names: NAME itself when it is a model folder, else the shipped
    ``resources/models/<kind>_<NAME>`` (``vae`` + ``mel_4bar`` → ``vae_mel_4bar``)."""
    from pathlib import Path

    from latentroll.models.registry import shipped_model_dir

    from ..errors import UsageError

    if args.model_dir:
        raise UsageError("give --model or --model-dir, not both")
    given = Path(args.variant)
    if (given / "config.json").exists():
        return given
    folder = shipped_model_dir(f"{args.model}_{args.variant}")
    if not (folder / "model.safetensors").exists():
        raise UsageError(f"no {args.model} model {args.variant!r} is shipped ({folder} has no weights): ship a run "
                         f"there with `latentroll ship {args.model} --run-dir RUN --out {folder}`, or give a model "
                         "folder")
    return folder


def _drums(args) -> int:
    """The drum models learn from the drum cache (GMD), not the melody corpus: built if missing."""
    import torch

    from latentroll.models.drums.evaluate import evaluate_all
    from latentroll.models.eval.report import format_table

    from ..errors import UsageError

    if args.model_dir:
        raise UsageError("eval drums measures the four shipped drum models; give --model-dir to eval drums_vae, "
                         "groove, drumify or drums_lm instead")
    torch.set_num_threads(args.threads)
    res = evaluate_all(args.quick)
    print(json.dumps(res, indent=2) if args.json else format_table(res))
    return 0
