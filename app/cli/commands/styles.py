"""``latentroll styles``: the styles the models know, with a one-line description each."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("styles", help="list the styles you can generate in or transfer to")
    p.set_defaults(func=run)


def run(args) -> int:
    from latentroll.models.data.corpus import STYLES

    width = max(len(s) for s in STYLES)
    for name, text in STYLES.items():
        print(f"{name:<{width}}  {text}")
    return 0
