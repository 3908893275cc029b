"""Sinusoidal positional encoding (Vaswani et al. 2017, "Attention Is All You Need", §3.5).

Attention compares every token with every other one by content alone: shuffle the tokens and
each output is shuffled the same way (`permutation_test`), so on its own it cannot tell
"dog bites man" from "man bites dog". The paper adds to each token's vector a fixed vector
that depends only on its position pos (0, 1, 2, ...):

    PE[pos, 2i]     = sin(pos / 10000^(2i/d_model))
    PE[pos, 2i + 1] = cos(pos / 10000^(2i/d_model))

Each pair of columns is a clock with its own period, from 2π (i = 0) to 10000·2π: fast clocks
tell neighbours apart, slow ones tell far-apart positions apart. PE[p]·PE[q] depends only on
p − q (a sum of cosines cos((p − q)·ω_i)), which is what lets attention learn "look k places
back". (An odd d_model keeps the sine of its last pair.)
"""
from __future__ import annotations

import numpy as np

from ...core import validate as V
from ..layers import Layer


def frequencies(d_model: int, base: float = 10000.0) -> np.ndarray:
    """ω_i = 1 / base^(2i/d_model) for i = 0 .. ⌈d_model/2⌉ − 1 (one per sine/cosine pair)."""
    d = V.positive_int("d_model", d_model)
    base = V.finite_number("base", base, minimum=1.0, strict_min=True)
    return 1.0 / base ** (np.arange(0, d, 2) / d)


def sinusoidal_encoding(length: int, d_model: int, base: float = 10000.0) -> np.ndarray:
    """The table PE, shape (length, d_model): row pos is added to the token at position pos."""
    length = V.positive_int("length", length, maximum=100_000)
    w = frequencies(d_model, base)
    angles = np.arange(length)[:, None] * w[None, :]
    pe = np.zeros((length, d_model))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return pe


def similarity(pe: np.ndarray, pos: int) -> np.ndarray:
    """PE[pos] · PE[q] for every position q (the row of the Gram matrix PE PEᵀ)."""
    pe = V.finite_array("pe", pe, ndim=2)
    pos = V.positive_int("pos", pos, minimum=0, maximum=pe.shape[0] - 1)
    return pe @ pe[pos]


class PositionalEncoding(Layer):
    """x + PE[:T] for x of shape (N, T, d_model); no parameters, backward: the gradient unchanged."""

    name = "positional encoding"

    def __init__(self, d_model: int, max_len: int = 512, base: float = 10000.0):
        super().__init__()
        self.table = sinusoidal_encoding(max_len, d_model, base)

    def forward(self, x):
        T = x.shape[-2]
        if T > self.table.shape[0]:
            V.fail("x", f"at most {self.table.shape[0]} positions (max_len)", f"{T}")
        return x + self.table[:T]

    def backward(self, grad):
        return grad
