"""Experiments on gradients through time: how much of the loss's gradient reaches each earlier step.

`gradient_flow` is what the gradient-flow explorer of notebook 08 plots and what its table
prints: ‖∂L/∂h_t‖ relative to ‖∂L/∂h_T‖ for a loss that reads only the last hidden state.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...core import validate as V
from .cells import CELLS, MAX_SIZE, NONLINEARITIES, n_gates, set_gate_bias
from .sequence import bptt_unchecked, run_unchecked


@lru_cache(maxsize=128)
def _flow_setup(cell: str, T: int, H: int, seed: int):
    """The random parts of `gradient_flow` (orthogonal bases, W_ih, inputs, read-out), cached
    so that a slider on the scale or the gate bias does not redo the QR decompositions."""
    rng = np.random.default_rng(seed)
    G, I = n_gates(cell), 2
    Q = np.vstack([np.linalg.qr(rng.standard_normal((H, H)))[0] for _ in range(G)])
    W_ih = rng.uniform(-0.5, 0.5, (G * H, I))
    v = rng.standard_normal((1, H))
    xs = rng.uniform(-1.0, 1.0, (T, 1, I))
    for a in (Q, W_ih, v, xs):
        a.setflags(write=False)
    return Q, W_ih, v, xs


def gradient_flow(cell: str, T: int = 20, scale: float = 1.0, hidden_size: int = 8,
                  gate_bias: float = 0.0, seed: int = 0, nonlinearity: str = "tanh",
                  wrt: str = "h"):
    """‖∂L/∂h_t‖ for t = 0..T, for L = v·h_T (a read-out of the last hidden state).

    The recurrent weights are `scale` × a random orthogonal matrix (per gate), so scale is the
    size of W_hh's effect on a hidden state; inputs are random numbers in (−1, 1); `gate_bias`
    as in `set_gate_bias` (large values keep the memory: LSTM forget gate and GRU update gate
    near 1). Returns the norms relative to ‖∂L/∂h_T‖ (an array of length T + 1); wrt="c"
    (LSTM only) gives ‖∂L/∂c_t‖ relative to ‖∂L/∂c_T‖ instead, the gradient along the cell
    state; wrt="both" (LSTM) returns the pair (h norms, c norms) from one run.
    """
    cell = V.choice("cell", cell, CELLS)
    wrt = V.choice("wrt", wrt, ("h", "c", "both") if cell == "lstm" else ("h",))
    T = V.positive_int("T", T, maximum=1000)
    H = V.positive_int("hidden_size", hidden_size, maximum=MAX_SIZE)
    scale = V.finite_number("scale", scale, minimum=0.0)
    gate_bias = V.finite_number("gate_bias", gate_bias)
    nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
    Q, W_ih, v, xs = _flow_setup(cell, T, H, V.check_seed(seed))
    G = n_gates(cell)
    b = np.zeros(G * H)
    set_gate_bias(cell, b, H, gate_bias)
    p = {"W_ih": W_ih, "W_hh": scale * Q, "b_ih": b, "b_hh": np.zeros(G * H)}
    run = run_unchecked(cell, nonlinearity, p, xs, np.zeros((1, H)),
                        np.zeros((1, H)) if cell == "lstm" else None)
    g = bptt_unchecked(run, None, v, np.zeros((1, H)))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        hn = g.h_norms()
        hn = hn / hn[-1]
        if cell != "lstm" or wrt == "h":
            return hn
        cn = np.sqrt(np.sum(g.cs ** 2, axis=(1, 2)))
        cn = cn / cn[-1]
    return cn if wrt == "c" else (hn, cn)
