// The melody VAE's decoding loop in C++ (see models/vae/native_loop.py for why and how it is built).
//
// Same arithmetic as step_decoder.py's Python loop, on the same prepared weights: gates laid out
// [i f o 2g], the cell state carried doubled (c2 = 2c), the recurrent matmuls on fbgemm's packed
// int8 weights. What it saves is the Python and dispatcher cost of ~25 small tensor ops a step:
// the cell is one loop over its elements, the token's input row is added in the same pass.
#include <ATen/ATen.h>
#include <ATen/native/quantized/PackedParams.h>
#include <torch/library.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace {

using Packed = c10::intrusive_ptr<LinearPackedParamsBase>;

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// One LSTM cell update for B rows: gates (B, 4H) [i f o 2g]; c2 (B, H) updated in place;
// h written to rows of stride ld (so it can land in one half of a wider buffer). One thread:
// splitting rows between two (at::parallel_for) measured no faster at 16 or 64 rows.
void cell(const float* __restrict g, float* __restrict c2, float* __restrict h, int64_t ld, int64_t B, int64_t H) {
  for (int64_t b = 0; b < B; ++b) {
    const float* gb = g + b * 4 * H;
    float* cb = c2 + b * H;
    float* hb = h + b * ld;
    for (int64_t j = 0; j < H; ++j) {
      const float i = sigmoid(gb[j]), f = sigmoid(gb[H + j]), o = sigmoid(gb[2 * H + j]);
      const float u = sigmoid(gb[3 * H + j]);
      const float c = f * cb[j] - 2.0f * i + 4.0f * i * u;  // 2(f·c + i·tanh g)
      cb[j] = c;
      hb[j] = o * (2.0f * sigmoid(c) - 1.0f);                // o·tanh c
    }
  }
}

// base (B, 4H): the first layer's bias plus its conditioning input; h0, c0 (L, B, H); table
// (tokens, 4H): the first layer's input row per token; first: layer 0's recurrent weights;
// upper: one packed [W_ih W_hh] per layer above; head_wt (H, C) and head_b (C,).
at::Tensor decode(const at::Tensor& base, const at::Tensor& h0, const at::Tensor& c0, const at::Tensor& table,
                  const Packed& first, const c10::List<Packed>& upper, const at::Tensor& head_wt,
                  const at::Tensor& head_b, int64_t start, int64_t steps, double temperature,
                  const std::optional<at::Generator>& generator, const std::optional<at::Tensor>& allowed) {
  TORCH_CHECK(base.device().is_cpu() && base.scalar_type() == at::kFloat, "decode: float32 CPU tensors only");
  const int64_t L = h0.size(0), B = h0.size(1), H = h0.size(2), C = head_wt.size(1);
  TORCH_CHECK(static_cast<int64_t>(upper.size()) == L - 1, "decode: one packed matrix per upper layer");
  const at::Tensor base_c = base.contiguous(), table_c = table.contiguous();
  // layer k's input and own state side by side: pairs[k] = [h_{k-1} | h_k] (B, 2H); bottom = h_0
  at::Tensor bottom = h0[0].contiguous().clone();
  std::vector<at::Tensor> pairs, cells;
  for (int64_t k = 0; k < L; ++k) cells.push_back((c0[k] * 2.0).contiguous());
  for (int64_t k = 1; k < L; ++k) pairs.push_back(at::cat({h0[k - 1], h0[k]}, 1).contiguous());
  at::Tensor out = at::empty({B, steps}, base.options().dtype(at::kLong));
  int64_t* out_p = out.data_ptr<int64_t>();
  std::vector<int64_t> tok(B, start);
  std::vector<uint8_t> ok(C, 1);
  if (allowed.has_value()) {
    const at::Tensor a = allowed->to(at::kBool).contiguous();
    TORCH_CHECK(a.numel() == C, "decode: the mask needs one entry per class");
    std::copy_n(a.data_ptr<bool>(), C, ok.begin());
  }
  const float* base_p = base_c.data_ptr<float>();
  const float* table_p = table_c.data_ptr<float>();
  for (int64_t t = 0; t < steps; ++t) {
    at::Tensor g = first->apply_dynamic(bottom, false);
    float* g_p = g.data_ptr<float>();
    for (int64_t b = 0; b < B; ++b) {
      const float* row = table_p + tok[b] * 4 * H;
      const float* bb = base_p + b * 4 * H;
      float* gb = g_p + b * 4 * H;
      for (int64_t j = 0; j < 4 * H; ++j) gb[j] += bb[j] + row[j];
    }
    // layer 0's h goes where its readers want it: the bottom buffer and layer 1's pair
    float* h_dst = L > 1 ? pairs[0].data_ptr<float>() : bottom.data_ptr<float>();
    cell(g_p, cells[0].data_ptr<float>(), h_dst, L > 1 ? 2 * H : H, B, H);
    at::Tensor top = bottom;
    if (L > 1) {
      for (int64_t b = 0; b < B; ++b) std::copy_n(h_dst + b * 2 * H, H, bottom.data_ptr<float>() + b * H);
      for (int64_t k = 1; k < L; ++k) {
        at::Tensor gk = upper.get(k - 1)->apply_dynamic(pairs[k - 1], false);
        float* own = pairs[k - 1].data_ptr<float>() + H;
        cell(gk.data_ptr<float>(), cells[k].data_ptr<float>(), own, 2 * H, B, H);
        if (k + 1 < L) {  // this layer's h is the next layer's input
          float* next = pairs[k].data_ptr<float>();
          for (int64_t b = 0; b < B; ++b) std::copy_n(own + b * 2 * H, H, next + b * 2 * H);
        }
      }
      top = pairs[L - 2].narrow(1, H, H);
    }
    at::Tensor logits = at::addmm(head_b, top, head_wt);
    if (temperature > 0) {
      if (allowed.has_value()) logits.masked_fill_(allowed->logical_not(), -std::numeric_limits<float>::infinity());
      at::Tensor drawn = at::multinomial(at::softmax(logits / temperature, -1), 1, false, generator);
      const int64_t* d = drawn.data_ptr<int64_t>();
      for (int64_t b = 0; b < B; ++b) tok[b] = d[b];
    } else {
      const at::Tensor lc = logits.contiguous();
      const float* lp = lc.data_ptr<float>();
      for (int64_t b = 0; b < B; ++b) {
        const float* r = lp + b * C;
        int64_t best = -1;
        for (int64_t j = 0; j < C; ++j)
          if (ok[j] && (best < 0 || r[j] > r[best])) best = j;
        tok[b] = best < 0 ? 0 : best;
      }
    }
    for (int64_t b = 0; b < B; ++b) out_p[b * steps + t] = tok[b];
  }
  return out;
}

}  // namespace

TORCH_LIBRARY(latentroll_vae, m) {
  m.def("decode(Tensor base, Tensor h0, Tensor c0, Tensor table, "
        "__torch__.torch.classes.quantized.LinearPackedParamsBase first, "
        "__torch__.torch.classes.quantized.LinearPackedParamsBase[] upper, Tensor head_wt, Tensor head_b, "
        "int start, int steps, float temperature, Generator? generator, Tensor? allowed) -> Tensor");
}

TORCH_LIBRARY_IMPL(latentroll_vae, CPU, m) { m.impl("decode", decode); }
