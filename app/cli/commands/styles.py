"""``latentroll styles``: the styles the models know, with a one-line description each, then the
user's own styles (``latentroll mystyle``), marked as theirs."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("styles", help="list the styles you can generate in or transfer to")
    p.set_defaults(func=run)


def run(args) -> int:
    from latentroll.models.data.corpus import STYLES
    from latentroll.models.mystyle.store import MyStyleStore

    mine = MyStyleStore().list()
    rows = [*STYLES.items(), *((s.name, f"(yours) {s.description}") for s in mine)]
    width = max(len(name) for name, _ in rows)
    for name, text in rows:
        print(f"{name:<{width}}  {text}")
    return 0
