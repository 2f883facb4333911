"""What the server has: is it up, which models (and are their weights here), which styles."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from latentroll.models.data.corpus import STYLES
from latentroll.models.registry import MODELS

from ..app import ApiState, api_state

router = APIRouter(tags=["server"])


@router.get("/health")
def health() -> dict:
    return {"status": "ok"}


@router.get("/models")
def models(state: ApiState = Depends(api_state)) -> list[dict]:
    """Every model of the registry, the tools it serves and whether its weights are present."""
    return [{"key": m.key, "label": m.label or m.key, "description": m.description, "tools": sorted(m.tools),
             "weights": state.runner.weights_present(m.key)} for m in MODELS.values()]


@router.get("/styles")
def styles(state: ApiState = Depends(api_state)) -> list[dict]:
    """The corpus styles, then the user's own ("My style", ``mine``: the VAE knows them)."""
    from .mystyle import store

    return ([{"name": name, "description": text, "mine": False} for name, text in STYLES.items()]
            + [{"name": i.name, "description": i.description, "mine": True} for i in store(state).list()])
