"""The transformer encoder block (torch.nn.TransformerEncoderLayer, batch_first, no dropout).

Post-norm, torch's default (`norm_first=False`, as in the 2017 paper):

    a  = MultiHeadAttention(x)                 every token looks at every token
    x1 = LayerNorm1(x + a)                     residual connection, then normalise
    f  = W2 relu(W1 x1 + b1) + b2              the same two-layer network on every token
    y  = LayerNorm2(x1 + f)

Pre-norm (`norm_first=True`, most models since): x1 = x + MHA(LN1(x)), y = x1 + FF(LN2(x1)).

backward (post-norm), g = ∂L/∂y, each line the chain rule through one line above:

    g_r2 = LN2.backward(g)                     r2 = x1 + f: the gradient reaches x1 twice,
    g_x1 = g_r2 + FF.backward(g_r2)            straight along the residual and through FF
    g_r1 = LN1.backward(g_x1)                  r1 = x + a: likewise for x
    g_x  = g_r1 + MHA.backward(g_r1)

The residual "+" is why a deep stack still trains: its backward pass adds the gradient that
arrives unchanged to the one through the sub-layer (notebook 03's vanishing gradients avoided).
Parameters, in the order of torch's state_dict: self_attn.in_proj_weight, in_proj_bias,
out_proj.weight, out_proj.bias, linear1.weight, linear1.bias, linear2.weight, linear2.bias,
norm1.weight, norm1.bias, norm2.weight, norm2.bias.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core import validate as V
from ..layers import Dense, Layer, ReLU
from .attention import HeadsTrace, MultiHeadAttention
from .norm import LayerNorm, NormTrace

PARAM_NAMES = ("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
               "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight",
               "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias")


class Tokenwise(Layer):
    """A 2-D layer (such as Dense) applied to every token of x (N, T, ·): reshaped to rows and back."""

    def __init__(self, layer: Layer):
        super().__init__()
        self.layer = layer
        self.name = layer.name

    @property
    def params(self):
        return self.layer.params

    @params.setter
    def params(self, value):
        if hasattr(self, "layer"):
            self.layer.params = value

    @property
    def grads(self):
        return self.layer.grads

    @grads.setter
    def grads(self, value):
        pass

    def forward(self, x):
        N, T = x.shape[:2]
        return self.layer.forward(x.reshape(N * T, -1)).reshape(N, T, -1)

    def backward(self, grad):
        N, T = grad.shape[:2]
        return self.layer.backward(grad.reshape(N * T, -1)).reshape(N, T, -1)


@dataclass
class BlockTrace:
    """Every intermediate of one encoder block's forward pass."""

    x: np.ndarray
    attention: HeadsTrace
    residual1: np.ndarray     # x + a (post-norm) or x + MHA(LN1(x)) (pre-norm)
    norm1: NormTrace
    hidden: np.ndarray        # relu(W1 · + b1), (N, T, dim_feedforward)
    feedforward: np.ndarray   # f
    norm2: NormTrace
    out: np.ndarray


class EncoderBlock(Layer):
    """One encoder block; `params` is the flat list of its twelve arrays (see PARAM_NAMES)."""

    name = "encoder block"

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 norm_first: bool = False, layer_norm_eps: float = 1e-5, rng=None):
        E = V.positive_int("d_model", d_model)
        F_ = V.positive_int("dim_feedforward", dim_feedforward)
        rng = np.random.default_rng(0) if rng is None else rng
        self.norm_first = bool(norm_first)
        self.attn = MultiHeadAttention(E, nhead, rng=rng)
        self.lin1 = Tokenwise(Dense(E, F_, rng=rng, init="torch"))
        self.relu = ReLU()
        self.lin2 = Tokenwise(Dense(F_, E, rng=rng, init="torch"))
        self.norm1 = LayerNorm(E, layer_norm_eps)
        self.norm2 = LayerNorm(E, layer_norm_eps)
        self.parts = [self.attn, self.lin1, self.lin2, self.norm1, self.norm2]

    @property
    def params(self):
        return [p for part in self.parts for p in part.params]

    @params.setter
    def params(self, value):
        value = list(value)
        if len(value) != 12:
            V.fail("params", "the block's 12 arrays (see PARAM_NAMES)", f"{len(value)} arrays")
        k = 0
        for part in self.parts:
            n = len(part.params)
            part.params = [np.asarray(v, dtype=float) for v in value[k:k + n]]
            k += n

    @property
    def grads(self):
        return [g for part in self.parts for g in part.grads]

    def ff_forward(self, x):
        h = self.relu.forward(self.lin1.forward(x))
        return h, self.lin2.forward(h)

    def ff_backward(self, grad):
        return self.lin1.backward(self.relu.backward(self.lin2.backward(grad)))

    def forward(self, x):
        if self.norm_first:
            a = self.attn.forward(self.norm1.forward(x))
            r1 = x + a
            h, f = self.ff_forward(self.norm2.forward(r1))
            out = r1 + f
        else:
            a = self.attn.forward(x)
            r1 = x + a
            x1 = self.norm1.forward(r1)
            h, f = self.ff_forward(x1)
            out = self.norm2.forward(x1 + f)
        self.trace = BlockTrace(x, self.attn.trace, r1, self.norm1.trace, h, f, self.norm2.trace, out)
        return out

    def backward(self, grad):
        if self.norm_first:
            g_r1 = grad + self.norm2.backward(self.ff_backward(grad))
            return g_r1 + self.norm1.backward(self.attn.backward(g_r1))
        g_r2 = self.norm2.backward(grad)
        g_x1 = g_r2 + self.ff_backward(g_r2)
        g_r1 = self.norm1.backward(g_x1)
        return g_r1 + self.attn.backward(g_r1)


def param_count(d_model: int, nhead: int, dim_feedforward: int) -> int:
    """Parameters of nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward):
    4E² + 4E (attention) + 2·E·F + F + E (feed-forward) + 4E (two layer norms)."""
    E = V.positive_int("d_model", d_model)
    h = V.positive_int("nhead", nhead)
    if E % h:
        V.fail("nhead", f"a divisor of d_model = {E}", h)
    F_ = V.positive_int("dim_feedforward", dim_feedforward)
    return 4 * E * E + 4 * E + 2 * E * F_ + F_ + E + 4 * E
