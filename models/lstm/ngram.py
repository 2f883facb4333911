"""The baseline the LSTM must beat: an order-3 Markov chain over events with interpolated backoff.

P(e_t | the 3 events before) is estimated by interpolated absolute discounting (Ney et al.):

    P_k(w | h_k) = max(c(h_k, w) - D, 0) / c(h_k) + D · N1+(h_k) / c(h_k) · P_{k-1}(w | h_{k-1})

where h_k is the last k events, N1+(h_k) the number of distinct events seen after h_k, and an
unseen context falls back to P_{k-1} whole. P_0 is the add-one unigram, so every event has a
probability and the NLL is finite. Sequences start with ``order`` start symbols (index = vocab).
Counts live in sorted integer-key arrays, so fitting and scoring are vectorised NumPy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _contexts(seq: np.ndarray, k: int, base: int, start: int) -> np.ndarray:
    """Code of the k events before each position of ``seq`` (start symbols before the beginning)."""
    padded = np.concatenate([np.full(k, start, dtype=np.int64), seq.astype(np.int64)])
    code = np.zeros(len(seq), dtype=np.int64)
    for j in range(k):  # oldest first
        code = code * base + padded[j: j + len(seq)]
    return code


@dataclass
class _Table:
    keys: np.ndarray      # sorted context*V + event codes
    counts: np.ndarray    # c(h, w)
    ctx: np.ndarray       # sorted context codes
    ctx_total: np.ndarray  # c(h)
    ctx_types: np.ndarray  # N1+(h •)

    def lookup(self, sorted_keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
        i = np.clip(np.searchsorted(sorted_keys, query), 0, max(0, len(sorted_keys) - 1))
        hit = (sorted_keys[i] == query) if len(sorted_keys) else np.zeros(query.shape, bool)
        return np.where(hit, values[i] if len(values) else 0, 0)


@dataclass
class NGramLM:
    order: int = 3          # events of context
    vocab: int = 90
    discount: float = 0.75
    unigram: np.ndarray = field(default_factory=lambda: np.zeros(0))
    tables: list[_Table] = field(default_factory=list)  # tables[k-1] for context length k

    @property
    def base(self) -> int:
        return self.vocab + 1

    @property
    def start(self) -> int:
        return self.vocab

    def fit(self, sequences: list[np.ndarray]) -> "NGramLM":
        seqs = [np.asarray(s, dtype=np.int64) for s in sequences if len(s)]
        allev = np.concatenate(seqs) if seqs else np.zeros(0, np.int64)
        counts = np.bincount(allev, minlength=self.vocab).astype(np.float64)
        self.unigram = (counts + 1.0) / (counts.sum() + self.vocab)
        self.tables = []
        for k in range(1, self.order + 1):
            ctx = np.concatenate([_contexts(s, k, self.base, self.start) for s in seqs]) if seqs else allev
            keys, c = np.unique(ctx * self.vocab + allev, return_counts=True)
            hctx = keys // self.vocab
            uctx, first, types = np.unique(hctx, return_index=True, return_counts=True)
            totals = np.add.reduceat(c, first) if len(c) else c
            self.tables.append(_Table(keys, c, uctx, totals, types))
        return self

    def with_discount(self, d: float) -> "NGramLM":
        """The same counts with another discount (fitting is the costly part)."""
        return NGramLM(self.order, self.vocab, d, self.unigram, self.tables)

    def probs(self, contexts: list[np.ndarray]) -> np.ndarray:
        """(n, vocab) next-event distributions; ``contexts[k-1]`` = codes of the last k events."""
        n = len(contexts[0]) if contexts else 0
        p = np.broadcast_to(self.unigram, (n, self.vocab)).copy()
        events = np.arange(self.vocab, dtype=np.int64)
        d = self.discount
        for k, table in enumerate(self.tables, 1):
            ctx = contexts[k - 1]
            total = table.lookup(table.ctx, table.ctx_total, ctx).astype(np.float64)
            types = table.lookup(table.ctx, table.ctx_types, ctx).astype(np.float64)
            c = table.lookup(table.keys, table.counts, ctx[:, None] * self.vocab + events[None]).astype(np.float64)
            seen = total > 0
            safe = np.where(seen, total, 1.0)[:, None]
            higher = np.maximum(c - d, 0.0) / safe + (d * types)[:, None] / safe * p
            p = np.where(seen[:, None], higher, p)
        return p

    def sequence_probs(self, seq: np.ndarray) -> np.ndarray:
        """(len(seq), vocab) distribution at each position of one sequence."""
        seq = np.asarray(seq, dtype=np.int64)
        return self.probs([_contexts(seq, k, self.base, self.start) for k in range(1, self.order + 1)])

    def score(self, sequences: list[np.ndarray], chunk: int = 20000) -> dict[str, float]:
        """Mean NLL (nats per event) and top-1 accuracy over every position of ``sequences``."""
        seqs = [np.asarray(s, dtype=np.int64) for s in sequences if len(s)]
        if not seqs:
            return {"nll": 0.0, "accuracy": 0.0, "steps": 0}
        target = np.concatenate(seqs)
        ctxs = [np.concatenate([_contexts(s, k, self.base, self.start) for s in seqs])
                for k in range(1, self.order + 1)]
        nll, hits = 0.0, 0
        for a in range(0, len(target), chunk):
            p = self.probs([c[a: a + chunk] for c in ctxs])
            t = target[a: a + chunk]
            nll -= float(np.log(p[np.arange(len(t)), t]).sum())
            hits += int((p.argmax(1) == t).sum())
        return {"nll": nll / len(target), "accuracy": hits / len(target), "steps": int(len(target))}


def fit_baseline(train: list[np.ndarray], valid: list[np.ndarray], order: int = 3, vocab: int = 90,
                 discounts: tuple[float, ...] = (0.5, 0.7, 0.9)) -> NGramLM:
    """The n-gram with the discount that scores best on ``valid`` (a fair, tuned baseline)."""
    lm = NGramLM(order, vocab).fit(train)
    scored = [(lm.with_discount(d).score(valid)["nll"], d) for d in discounts]
    return lm.with_discount(min(scored)[1])
