""""More like this": cosine nearest neighbours over stored latents, numpy only.

The latents of one model are kept as one unit-length (n, d) float32 matrix, so a query is one
matrix-vector product and a partial sort (20-30 ms for 100,000 × 256 on a busy 2-core machine). The
matrix is rebuilt only when the store's latent counter moved.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .entries import LibraryError


def unit(v: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (a zero row stays zero: it is similar to nothing)."""
    v = np.asarray(v, dtype=np.float32)
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)


@dataclass
class LatentIndex:
    """The latents of one model as of one revision of the store."""

    rev: int
    files: list[str]
    matrix: np.ndarray  # (n, d), unit rows
    rows: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, rev: int, files: list[str], latents: np.ndarray) -> "LatentIndex":
        return cls(rev, files, unit(latents) if len(files) else latents, {f: i for i, f in enumerate(files)})

    def align(self, files: list[str]) -> np.ndarray:
        """For each of ``files``, its row here (-1 when it has no latent): a catalogue's filter
        mask becomes a mask over these rows without a look-up per query."""
        return np.fromiter((self.rows.get(f, -1) for f in files), dtype=np.int64, count=len(files))

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1]) if len(self.files) else 0

    def nearest(self, query: np.ndarray, k: int, keep: np.ndarray | None = None,
                exclude: str | None = None) -> list[tuple[str, float]]:
        """The ``k`` files whose latents are nearest ``query`` by cosine, best first; only the
        rows ``keep`` (a bool mask over ``files``) allows when given, never ``exclude``."""
        if not self.files or k <= 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.dim:
            raise LibraryError(f"a latent of size {q.shape[0]} cannot be compared with the stored ones "
                               f"(size {self.dim})")
        if not np.all(np.isfinite(q)):
            raise LibraryError("the query latent has NaN or infinite values")
        q = unit(q)
        scores = self.matrix @ q
        if keep is not None:
            scores[~keep] = -np.inf
        if exclude is not None and exclude in self.rows:
            scores[self.rows[exclude]] = -np.inf
        n = int(np.isfinite(scores).sum())
        k = min(k, n)
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[np.isfinite(scores[top])]
        return [(self.files[int(r)], float(s)) for r, s in zip(top, scores[top])]
