"""The VAE's decoder LSTM unrolled by hand, for autoregressive decoding.

Why not ``nn.LSTM`` one step at a time: at inference most of a step's work is not the matmuls.
Here the first layer's input projection becomes two lookups (a per-token table and a per-call
conditioning row, since the token, z and style inputs are fixed or one-hot), the second layer's two
matmuls become one, and the gates are laid out [i f o g] with the g rows doubled so a single
sigmoid covers all four (tanh x = 2 sigmoid(2x) - 1; this CPU's tanh is 3x slower per element than
its sigmoid). With ``int8`` the matmuls run on per-channel int8 weights (fbgemm dynamic
quantization, CPU only), and when the compiled loop is built (``native_loop.py``) the whole
loop runs in C++ on those same weights. The arithmetic is that of ``nn.LSTM``: float32 results
agree with it up to rounding.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from latentroll.models.common.chord_mask import step_slice
from latentroll.models.common.sampling import pick

from . import native_loop


def _gates_ifog(w: torch.Tensor, hidden: int) -> torch.Tensor:
    """PyTorch's [i f g o] gate rows → [i f o 2g] (rows, or bias entries)."""
    i, f, g, o = w.split(hidden, dim=0)
    return torch.cat([i, f, o, 2.0 * g], dim=0)


def _pack_int8(weight: torch.Tensor, bias: torch.Tensor | None):
    """Per-output-channel int8 weight packed for ``quantized::linear_dynamic``."""
    w = weight.detach().float().contiguous()
    scales = (w.abs().amax(dim=1).clamp_min(1e-8) / 127.0).double()
    with warnings.catch_warnings():  # the quantized tensor API warns that it is deprecated
        warnings.simplefilter("ignore")
        q = torch.quantize_per_channel(w, scales, torch.zeros(len(w), dtype=torch.long), 0, torch.qint8)
        return torch.ops.quantized.linear_prepack(q, None if bias is None else bias.detach().float())


@dataclass
class _Linear:
    """y = x Wᵀ + b, in float32 or on packed int8 weights."""
    weight: torch.Tensor            # Wᵀ: (in, out), ready for x @ Wᵀ
    bias: torch.Tensor | None
    packed: object = None

    @classmethod
    def make(cls, weight: torch.Tensor, bias: torch.Tensor | None, int8: bool) -> "_Linear":
        weight = weight.detach().contiguous()
        bias = None if bias is None else bias.detach().contiguous()
        return cls(weight.t().contiguous(), bias, _pack_int8(weight, bias) if int8 else None)

    def __call__(self, x: torch.Tensor, add: torch.Tensor | None = None) -> torch.Tensor:
        if self.packed is not None:
            y = torch.ops.quantized.linear_dynamic(x, self.packed)
            return y if add is None else y.add_(add)
        base = add if self.bias is None else (self.bias if add is None else add + self.bias)
        return x @ self.weight if base is None else torch.addmm(base, x, self.weight)


class StepDecoder:
    """Greedy or sampled decoding with a :class:`MelodyVAE`'s decoder weights, frozen at build."""

    def __init__(self, model, int8: bool = False, native: bool = True):
        lstm, cfg = model.decoder, model.cfg
        if lstm.num_layers < 1 or lstm.bidirectional or getattr(lstm, "proj_size", 0):
            raise ValueError("StepDecoder handles a plain unidirectional LSTM")
        h = cfg.dec_hidden
        self.hidden = h
        self.start_token = model.start_token
        td = cfg.token_dim
        with torch.no_grad():
            w_ih0 = _gates_ifog(lstm.weight_ih_l0, h)
            b0 = _gates_ifog(lstm.bias_ih_l0 + lstm.bias_hh_l0, h)
            self.token_table = (model.token.weight @ w_ih0[:, :td].t()).contiguous()   # (tokens, 4h)
            self.cond_in = _Linear.make(w_ih0[:, td:], b0, int8=False)  # once per call: float is fine
            self.first = _Linear.make(_gates_ifog(lstm.weight_hh_l0, h), None, int8)
            self.upper = [  # each upper layer: one matmul on [h_below, h_own]
                _Linear.make(torch.cat([_gates_ifog(getattr(lstm, f"weight_ih_l{k}"), h),
                                        _gates_ifog(getattr(lstm, f"weight_hh_l{k}"), h)], dim=1),
                             _gates_ifog(getattr(lstm, f"bias_ih_l{k}") + getattr(lstm, f"bias_hh_l{k}"), h),
                             int8)
                for k in range(1, lstm.num_layers)]
            self.head = _Linear.make(model.head.weight, model.head.bias, int8=False)  # 90 wide: float is faster
        # the compiled loop (native_loop.py) runs int8 weights on the CPU, when it is built
        self.native = bool(int8 and native and native_loop.load().loaded)

    def _cell(self, gates: torch.Tensor, c2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One LSTM cell update on [i f o 2g] gates; the cell state is carried doubled (c2 = 2c)
        so that tanh needs no extra scaling: tanh(g) = 2σ(2g) - 1, tanh(c) = 2σ(c2) - 1."""
        i, f, o, u = torch.sigmoid(gates).split(self.hidden, dim=1)
        c2 = torch.addcmul((f * c2).sub_(i, alpha=2.0), i, u, value=4.0)   # 2(f·c + i·tanh g)
        return torch.addcmul(o, o, torch.sigmoid(c2), value=2.0).sub_(o, alpha=2.0), c2

    @torch.inference_mode()
    def decode(self, cond: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor], steps: int,
               temperature: float = 0.0, generator: torch.Generator | None = None,
               mask: torch.Tensor | None = None) -> torch.Tensor:
        """``cond`` (B, z+style) and the initial state ``hx`` (layers, B, hidden) as the network
        makes them → (B, steps) events. temperature 0 = greedy; ``mask`` (classes,) bool, or per
        step (B, steps, classes) to follow chords (the Python loop: the native one takes (classes,))."""
        base = self.cond_in(cond.float())
        if self.native and cond.device.type == "cpu" and (mask is None or mask.dim() == 1):
            return native_loop.decode(base, hx[0].float(), hx[1].float(), self.token_table, self.first.packed,
                                      [u.packed for u in self.upper], self.head.weight, self.head.bias,
                                      self.start_token, steps, temperature, generator, mask)
        hs = list(hx[0].unbind(0))
        cs = [2.0 * c for c in hx[1].unbind(0)]
        tok = torch.full((len(cond),), self.start_token, dtype=torch.long, device=cond.device)
        out = []
        table = self.token_table.to(cond.device)
        for t in range(steps):
            gates = self.first(hs[0], add=base + F.embedding(tok, table))
            hs[0], cs[0] = self._cell(gates, cs[0])
            for k, layer in enumerate(self.upper, start=1):
                hs[k], cs[k] = self._cell(layer(torch.cat([hs[k - 1], hs[k]], dim=1)), cs[k])
            tok = pick(self.head(hs[-1]), temperature, generator, step_slice(mask, t))
            out.append(tok)
        return torch.stack(out, dim=1) if out else torch.empty(len(cond), 0, dtype=torch.long, device=cond.device)
