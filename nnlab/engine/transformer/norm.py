"""Layer normalisation (torch.nn.LayerNorm over the last axis), forward and backward written out.

For each token x (a row of E features):

    μ = mean(x),  σ² = mean((x − μ)²)          (the biased variance, as torch)
    x̂ = (x − μ) / √(σ² + ε)                    ε = 1e-5, torch's default
    y = γ ⊙ x̂ + β                              γ (weight) starts at 1, β (bias) at 0

backward, with g = ∂L/∂y and r = 1/√(σ² + ε):

    ∂L/∂γ = Σ_tokens g ⊙ x̂,   ∂L/∂β = Σ_tokens g
    ĝ = g ⊙ γ,   ∂L/∂x = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂))

Unlike batch normalisation nothing is shared between the tokens or the samples of a batch, so
a sequence of any length, and a batch of one, is normalised the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core import validate as V
from ..layers import Layer


@dataclass
class NormTrace:
    """Every intermediate of one layer norm: input, mean, variance, 1/√(σ²+ε), x̂, output."""

    x: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    rstd: np.ndarray
    xhat: np.ndarray
    out: np.ndarray


def layer_norm(x, weight=None, bias=None, eps: float = 1e-5) -> NormTrace:
    """torch.nn.functional.layer_norm(x, (E,), weight, bias, eps) over the last axis, with its steps."""
    x = V.finite_array("x", x)
    if x.ndim < 1 or x.shape[-1] < 1:
        V.fail("x", "an array whose last axis holds at least one feature", f"shape {x.shape}")
    E = x.shape[-1]
    w = np.ones(E) if weight is None else V.finite_array("weight", weight, shape=(E,))
    b = np.zeros(E) if bias is None else V.finite_array("bias", bias, shape=(E,))
    eps = V.finite_number("eps", eps, minimum=0.0, strict_min=True)
    return norm_unchecked(x, w, b, eps)


def norm_unchecked(x, w, b, eps) -> NormTrace:
    mean = x.mean(axis=-1, keepdims=True)
    d = x - mean
    var = (d * d).mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    xhat = d * rstd
    return NormTrace(x, mean, var, rstd, xhat, xhat * w + b)


def norm_backward(trace: NormTrace, weight, grad):
    """(∂L/∂x, ∂L/∂γ, ∂L/∂β) from the forward trace and g = ∂L/∂y."""
    axes = tuple(range(grad.ndim - 1))
    g_w = (grad * trace.xhat).sum(axis=axes)
    g_b = grad.sum(axis=axes)
    gh = grad * weight
    gx = trace.rstd * (gh - gh.mean(axis=-1, keepdims=True)
                       - trace.xhat * (gh * trace.xhat).mean(axis=-1, keepdims=True))
    return gx, g_w, g_b


class LayerNorm(Layer):
    """torch.nn.LayerNorm(E): params [weight γ, bias β]; `trace` keeps the last forward's steps."""

    name = "layer norm"

    def __init__(self, normalized_shape: int, eps: float = 1e-5, weight=None, bias=None):
        super().__init__()
        E = V.positive_int("normalized_shape", normalized_shape)
        self.eps = V.finite_number("eps", eps, minimum=0.0, strict_min=True)
        self.params = [np.ones(E) if weight is None else V.finite_array("weight", weight, shape=(E,)),
                       np.zeros(E) if bias is None else V.finite_array("bias", bias, shape=(E,))]

    def forward(self, x):
        self.trace = norm_unchecked(x, self.params[0], self.params[1], self.eps)
        return self.trace.out

    def backward(self, grad):
        gx, g_w, g_b = norm_backward(self.trace, self.params[0], grad)
        self.grads = [g_w, g_b]
        return gx
