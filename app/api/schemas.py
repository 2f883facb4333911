"""The parameters each endpoint takes, with their bounds: a value outside them is a 422 before
any file is read or model called."""
from __future__ import annotations

from typing import Container, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from latentroll.core.audio.synth import DEFAULT_GAIN
from latentroll.core.theory import Scale
from latentroll.models.data.corpus import STYLES
from latentroll.models.vae.phrases import DEFAULT_PHRASE_BARS

from .errors import ApiError

Bars = Field(DEFAULT_PHRASE_BARS, ge=1, le=16, description=f"bars per clip (1-16, default {DEFAULT_PHRASE_BARS})")
Variations = Field(2, ge=1, le=8, description="how many clips (1-8)")
Candidates = Field(2, ge=1, le=8, description="how many candidates (1-8)")
Temperature = Field(1.0, ge=0.0, le=2.0, description="0 = safest, 2 = wildest")
Seed = Field(0, ge=0, le=2**32 - 1)
Track = Field(None, ge=0, le=1023, description="track index of the melody (default: the first pitched one)")
Key = Field(None, max_length=40, description="keep notes in a key, e.g. 'D dorian' or 'A minor'")
Style = Field("any", max_length=40, description="a style (GET /styles), or 'any'")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def scale(self) -> Scale | None:
        key = getattr(self, "key", None)
        return Scale.parse(key) if key else None


def check_style(style: str | None, allow_any: bool = True, mine: Container[str] = ()) -> str | None:
    """None for "any"; a corpus style or one of ``mine`` (the user's, for the VAE); else 422."""
    if style in (None, "", "any") and allow_any:
        return None
    if style not in STYLES and style not in mine:
        raise ApiError(422, f"unknown style {style!r}; choose one of {', '.join(STYLES)}"
                       + (" or 'any'" if allow_any else ""))
    return style


class GenerateParams(Params):
    model: Literal["vae", "gan"] = "vae"
    style: str = Style
    key: str | None = Key
    bars: int = Bars
    variations: int = Variations
    temperature: float = Temperature
    seed: int = Seed


class TransferParams(Params):
    style: str = Field(..., max_length=40)
    amount: float = Field(1.0, ge=0.0, le=1.0)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    key: str | None = Key
    track: int | None = Track
    seed: int = Seed


class InterpolateParams(Params):
    steps: int = Field(5, ge=2, le=16)
    method: Literal["slerp", "lerp"] = "slerp"
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    key: str | None = Key
    near_real: bool = True
    seed: int = Seed


class GridParams(Params):
    n: int = Field(3, ge=2, le=8, description="cells per side")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    key: str | None = Key


class ContinueParams(Params):
    bars: int = Field(2, ge=1, le=16)
    variations: int = Variations
    temperature: float = Temperature
    style: str = Style
    key: str | None = Key
    track: int | None = Track
    seed: int = Seed


class RepairParams(Params):
    strength: float = Field(0.5, ge=0.0, le=1.0)
    track: int | None = Track


class HarmonizeParams(Params):
    candidates: int = Candidates
    temperature: float = Field(0.8, ge=0.0, le=2.0)
    key: str | None = Key
    track: int | None = Track
    seed: int = Seed
    voice_leading: bool = True


VOICES = ("soprano", "alto", "tenor", "bass")


class InfillParams(Params):
    first_bar: int = Field(..., ge=1, le=100_000, description="first bar to redraw (from 1)")
    last_bar: int = Field(..., ge=1, le=100_000)
    voices: list[Literal["soprano", "alto", "tenor", "bass"]] = Field(..., min_length=1, max_length=4)
    candidates: int = Candidates
    temperature: float = Field(0.8, ge=0.0, le=2.0)
    key: str | None = Key
    seed: int = Seed
    voice_leading: bool = True

    @field_validator("voices", mode="before")
    @classmethod
    def _comma_list(cls, v):
        return [s.strip() for s in v.split(",") if s.strip()] if isinstance(v, str) else v


class RenderParams(Params):
    sample_rate: Literal[44100, 48000] = 44100
    bits: Literal[16, 24, 32] = 16
    tail: float = Field(1.0, ge=0.0, le=10.0, description="seconds of release after the last note")
    gain: float = Field(DEFAULT_GAIN, gt=0.0, le=10.0)
    effects: bool = True


class ConvertParams(Params):
    to: Literal["mid", "musicxml", "mxl"] = "musicxml"
    tune: int = Field(1, ge=1, le=100_000)


class InfoParams(Params):
    tune: int = Field(1, ge=1, le=100_000)


class LibraryUploadParams(Params):
    title: str = Field("", max_length=200)
    style: str = Field("", max_length=40)
    tags: str = Field("", max_length=500, description="comma-separated")
    favourite: bool = False


class LibraryPatch(Params):
    title: str | None = Field(None, min_length=1, max_length=200)
    style: str | None = Field(None, max_length=40)
    tags: list[str] | None = Field(None, max_length=50)
    favourite: bool | None = None
