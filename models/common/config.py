"""Named model configs: frozen dataclasses saved as config.json beside the weights.

A model's config module keeps a ``CONFIGS`` dict of named configs; ``pick`` resolves a name with
overrides, and ``ConfigJSON`` gives each config dataclass the same JSON round trip (unknown keys in
an older config.json are ignored, tuples come back as tuples).
"""
from __future__ import annotations

import dataclasses
import json
from typing import Mapping, TypeVar

import numpy as np

C = TypeVar("C")


class ConfigJSON:
    """Mixin for frozen config dataclasses: ``to_json`` / ``from_dict``."""

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2)

    @classmethod
    def from_dict(cls, d: dict):
        fields = {f.name: f for f in dataclasses.fields(cls)}
        kept = {}
        for k, v in d.items():
            if k not in fields:
                continue
            default = fields[k].default
            kept[k] = tuple(v) if isinstance(default, tuple) and isinstance(v, list) else v
        return cls(**kept)


def pick(configs: Mapping[str, C], name: str, kind: str, **overrides) -> C:
    """``configs[name]`` with ``overrides`` applied; a clear KeyError for unknown names."""
    if name not in configs:
        raise KeyError(f"unknown {kind} config {name!r}; choose one of {', '.join(configs)}")
    cfg = configs[name]
    return dataclasses.replace(cfg, **overrides) if overrides else cfg


class StyleLabels:
    """Mixin for style-conditioned configs (a ``styles`` tuple): the extra 'any style' label."""

    styles: tuple[str, ...]

    @property
    def any_style(self) -> int:
        """Index of the extra 'any style' label used when no style is asked for."""
        return len(self.styles)

    def drop_styles(self, styles, rate: float, rng: np.random.Generator) -> np.ndarray:
        """A copy of ``styles`` with a random ``rate`` share set to the 'any style' label (label dropout)."""
        out = np.array(styles, copy=True)
        out[rng.random(len(out)) < rate] = self.any_style
        return out

    def style_index(self, style: str | None) -> int:
        """Label for a style name; None or 'any' → the 'any style' label. KeyError if unknown."""
        if style is None or style == "any":
            return self.any_style
        if style not in self.styles:
            raise KeyError(f"unknown style {style!r}; choose one of {', '.join(self.styles)}")
        return self.styles.index(style)
