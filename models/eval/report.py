"""Printing evaluation results: one aligned table, nested dicts on one line each."""
from __future__ import annotations


def format_table(res: dict) -> str:
    rows = []
    for k, v in res.items():
        if isinstance(v, dict):
            rows.append(f"{k:<28}" + "  ".join(
                f"{kk}={vv:.3f}" if isinstance(vv, float) else f"{kk}={vv}" for kk, vv in v.items()))
        elif isinstance(v, float):
            rows.append(f"{k:<28}{v:.4f}")
        else:
            rows.append(f"{k:<28}{v}")
    return "\n".join(rows)
