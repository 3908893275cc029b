"""A cell run over a sequence, and backpropagation through time (BPTT).

`run_sequence` runs a cell over xs of shape (T, N, input) (PyTorch's batch_first=False
layout) and keeps the states and what backpropagation needs (`SequenceRun`); `run.step(t)`
gives everything step t computed (inputs, pre-activations, gates, new state), which the
explorer of notebook 08 shows.
`bptt` backpropagates through time: gradients with respect to every weight, every input and
every hidden state h_0 … h_T (and cell state c_0 … c_T). `clip_grad_norm` is
torch.nn.utils.clip_grad_norm_. `run_unchecked` and `bptt_unchecked` are the same
computations without argument checks, for the trainable model and the experiments.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ...core import functional as F
from ...core import validate as V
from .cells import (
    CELLS,
    GATES,
    KEPT,
    NONLINEARITIES,
    activation_derivative,
    bias_or_zeros,
    check_params,
    check_state,
    gru_step,
    lstm_step,
    n_gates,
    rnn_step,
)


@dataclass
class Step:
    """One step t of a run, for one sample: what went in, what was computed, what came out.

    pre[k] is the pre-activation of gate k (for the RNN, pre["h"] = a, the argument of its
    nonlinearity; for the GRU's candidate, pre["n"] = x_n + r ⊙ hn); gates[k] its value.
    """

    cell: str
    nonlinearity: str
    t: int
    x: np.ndarray
    h_prev: np.ndarray
    h: np.ndarray
    pre: dict
    gates: dict
    c_prev: np.ndarray | None = None
    c: np.ndarray | None = None
    x_n: np.ndarray | None = None      # GRU: W_in x + b_in
    hn: np.ndarray | None = None       # GRU: W_hn h + b_hn


@dataclass
class SequenceRun:
    """What `run_sequence` computed: states h_0..h_T (and c_0..c_T), every step's record."""

    cell: str
    nonlinearity: str
    params: dict
    xs: np.ndarray                 # (T, N, input)
    hs: np.ndarray                 # (T + 1, N, hidden); hs[0] = h_0
    cs: np.ndarray | None          # LSTM only, (T + 1, N, hidden)
    gates: list = field(default_factory=list)   # per step: what BPTT needs (cells.KEPT)
    single: bool = False           # the input had no batch axis

    @property
    def T(self) -> int:
        return self.xs.shape[0]

    def outputs(self) -> np.ndarray:
        """h_1 … h_T, shape (T, N, hidden) (or (T, hidden) for an unbatched input)."""
        return self.hs[1:, 0] if self.single else self.hs[1:]

    def step(self, t: int, sample: int = 0) -> Step:
        """Step t (1 … T) of one sample, with everything the cell's step function computed.

        The run keeps, per step, only what backpropagation needs (`KEPT`): keeping every
        step's pre-activations too doubled its memory and made the LSTM step forward +
        backward 50 % slower (malloc returning and re-fetching the memory on each call). So
        the step is taken again, by the same step function, from the stored x_t, h_(t-1) and
        c_(t-1); its record has the pre-activations as well (tested equal to the stored gates).
        """
        t = V.positive_int("t", t, minimum=1, maximum=self.T)
        n = V.positive_int("sample", sample, minimum=0, maximum=self.xs.shape[1] - 1)
        p, row = self.params, slice(n, n + 1)
        gi = self.xs[t - 1, row] @ p["W_ih"].T + p["b_ih"]
        h_prev, c_prev = self.hs[t - 1, row], None
        if self.cell == "rnn":
            _, rec = rnn_step(gi, h_prev, p["W_hh"], p["b_hh"], self.nonlinearity)
        elif self.cell == "gru":
            _, rec = gru_step(gi, h_prev, p["W_hh"], p["b_hh"])
        else:
            c_prev = self.cs[t - 1, row]
            _, _, rec = lstm_step(gi, h_prev, c_prev, p["W_hh"], p["b_hh"])
        H, names = self.hs.shape[2], GATES[self.cell]
        if self.cell == "rnn":
            pre, gates = {"h": rec["a"][0]}, {}
        else:
            pre = {k: rec["a"][0, j * H:(j + 1) * H] for j, k in enumerate(names)}
            gates = {k: rec[k][0] for k in names}
        lstm, gru = self.cell == "lstm", self.cell == "gru"
        return Step(self.cell, self.nonlinearity, t, self.xs[t - 1, n], h_prev[0], self.hs[t, n],
                    pre, gates, c_prev=c_prev[0] if lstm else None,
                    c=self.cs[t, n] if lstm else None,
                    x_n=rec["x_n"][0] if gru else None, hn=rec["hn"][0] if gru else None)


def run_sequence(cell: str, xs, params: dict, h0=None, c0=None,
                 nonlinearity: str = "tanh") -> SequenceRun:
    """Run a cell over xs of shape (T, N, input) or (T, input); h0/c0 default to zeros."""
    cell = V.choice("cell", cell, CELLS)
    nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
    W_ih, W_hh, b_ih, b_hh = check_params(cell, params)
    G, H, I = n_gates(cell), W_hh.shape[1], W_ih.shape[1]
    xs = V.finite_array("xs", xs)
    if xs.ndim not in (2, 3) or xs.shape[-1] != I or xs.shape[0] < 1:
        V.fail("xs", f"shape (T, {I}) or (T, N, {I}) with T >= 1 (input size of W_ih)",
               f"shape {xs.shape}")
    single = xs.ndim == 2
    x3 = xs[:, None, :] if single else xs
    N = x3.shape[1]
    probe = x3[0, 0] if single else x3[0]
    h = np.zeros((N, H)) if h0 is None else np.atleast_2d(check_state("h0", h0, probe, H))
    c = None
    if cell == "lstm":
        c = np.zeros((N, H)) if c0 is None else np.atleast_2d(check_state("c0", c0, probe, H))
    p = {"W_ih": W_ih, "W_hh": W_hh, "b_ih": bias_or_zeros(b_ih, G * H),
         "b_hh": bias_or_zeros(b_hh, G * H)}
    return run_unchecked(cell, nonlinearity, p, x3, h, c, single)


def run_unchecked(cell, nonlinearity, p, x3, h, c, single=False) -> SequenceRun:
    """run_sequence on checked arguments: x3 (T, N, input), h and c (N, hidden), p with biases."""
    T, N, _ = x3.shape
    H = h.shape[1]
    hs = np.empty((T + 1, N, H))
    hs[0] = h
    cs = None
    if cell == "lstm":
        cs = np.empty((T + 1, N, H))
        cs[0] = c
    records = []
    W_ih, W_hh, b_ih, b_hh = p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"]
    keep = KEPT[cell]
    # (one product per step: a single big product is faster alone, but multi-threaded BLAS on
    # a busy machine made it 10x slower here)
    for t in range(T):
        gi = x3[t] @ W_ih.T + b_ih
        if cell == "rnn":
            h, rec = rnn_step(gi, h, W_hh, b_hh, nonlinearity)
        elif cell == "gru":
            h, rec = gru_step(gi, h, W_hh, b_hh)
        else:
            h, c, rec = lstm_step(gi, h, c, W_hh, b_hh)
            cs[t + 1] = c
        hs[t + 1] = h
        records.append({k: rec[k] for k in keep})
    return SequenceRun(cell, nonlinearity, p, x3, hs, cs, records, single)


@dataclass
class BPTTGrads:
    """Gradients of the loss from `bptt`: weights, inputs, and every hidden state."""

    W_ih: np.ndarray
    W_hh: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray
    xs: np.ndarray            # ∂L/∂x_t, shape like the run's xs (T, N, input)
    hs: np.ndarray            # ∂L/∂h_t for t = 0..T (total, through every later step)
    cs: np.ndarray | None     # LSTM: ∂L/∂c_t for t = 0..T (total, through h_t too)

    def weights(self) -> dict:
        return {"W_ih": self.W_ih, "W_hh": self.W_hh, "b_ih": self.b_ih, "b_hh": self.b_hh}

    def h_norms(self) -> np.ndarray:
        """‖∂L/∂h_t‖ for t = 0..T (Frobenius norm over the batch)."""
        return np.sqrt(np.sum(self.hs ** 2, axis=(1, 2)))


def bptt(run: SequenceRun, dhs=None, dh_last=None, dc_last=None) -> BPTTGrads:
    """Backpropagation through time.

    dhs: ∂L/∂h_t taken directly from the loss for t = 1..T, shape (T, N, hidden) (a
    many-to-many loss); dh_last: ∂L/∂h_T only, shape (N, hidden) (a many-to-one loss);
    dc_last: ∂L/∂c_T (LSTM). Unbatched runs take the same shapes without N.
    """
    if not isinstance(run, SequenceRun):
        V.fail("run", "the SequenceRun returned by run_sequence", type(run).__name__)
    T, N, _ = run.xs.shape
    H = run.hs.shape[2]

    def grad(name, a, shape):
        a = V.finite_array(name, a)
        want = tuple(d for k, d in enumerate(shape) if not (run.single and k == len(shape) - 2))
        if a.shape != want:
            V.fail(name, f"shape {want} (like the run's hidden states)", f"shape {a.shape}")
        return a.reshape(shape)

    direct = None if dhs is None else grad("dhs", dhs, (T, N, H))
    dh = np.zeros((N, H)) if dh_last is None else grad("dh_last", dh_last, (N, H))
    dc = np.zeros((N, H))
    if dc_last is not None:
        if run.cell != "lstm":
            V.fail("dc_last", "None: only the LSTM has a cell state", "an array")
        dc = grad("dc_last", dc_last, (N, H))
    return bptt_unchecked(run, direct, dh, dc)


def bptt_unchecked(run, direct, dh, dc) -> BPTTGrads:
    """bptt on checked arrays: direct (T, N, hidden) or None (no loss on h_1..h_T), dh and dc
    (N, hidden) the gradients arriving at h_T and c_T."""
    p, cell = run.params, run.cell
    W_ih, W_hh = p["W_ih"], p["W_hh"]
    T, N, _ = run.xs.shape
    H = run.hs.shape[2]
    GH = W_ih.shape[0]
    D_in = np.empty((T, N, GH))      # ∂L/∂(input part of the pre-activations) at each step
    D_hid = np.empty((T, N, GH)) if cell == "gru" else D_in
    ghs = np.zeros((T + 1, N, H))
    gcs = np.zeros((T + 1, N, H)) if cell == "lstm" else None
    if direct is not None:
        dh = dh + direct[T - 1]
    for t in range(T - 1, -1, -1):
        ghs[t + 1] = dh
        h_prev, h_new, g = run.hs[t], run.hs[t + 1], run.gates[t]
        if cell == "rnn":
            da = dh * activation_derivative(run.nonlinearity, g["a"], h_new)
            D_in[t] = da
            dh_prev = da @ W_hh
        elif cell == "gru":
            r, z, n, hn = g["r"], g["z"], g["n"], g["hn"]
            dn = dh * (1.0 - z)
            dz = dh * (h_prev - n)
            dan = dn * F.tanh_derivative_from_output(n)
            dar = dan * hn * F.sigmoid_derivative_from_output(r)
            daz = dz * F.sigmoid_derivative_from_output(z)
            d_in, d_hid = D_in[t], D_hid[t]
            d_in[:, :H] = d_hid[:, :H] = dar
            d_in[:, H:2 * H] = d_hid[:, H:2 * H] = daz
            d_in[:, 2 * H:] = dan
            d_hid[:, 2 * H:] = dan * r
            dh_prev = dh * z + d_hid @ W_hh
        else:
            i, f, gg, o, tc = g["i"], g["f"], g["g"], g["o"], g["tanh_c"]
            do = dh * tc
            dct = dc + dh * o * F.tanh_derivative_from_output(tc)
            gcs[t + 1] = dct
            c_prev = run.cs[t]
            da = D_in[t]
            da[:, :H] = dct * gg * F.sigmoid_derivative_from_output(i)
            da[:, H:2 * H] = dct * c_prev * F.sigmoid_derivative_from_output(f)
            da[:, 2 * H:3 * H] = dct * i * F.tanh_derivative_from_output(gg)
            da[:, 3 * H:] = do * F.sigmoid_derivative_from_output(o)
            dh_prev = da @ W_hh
            dc = dct * f
        dh = dh_prev + direct[t - 1] if (direct is not None and t > 0) else dh_prev
    ghs[0] = dh
    gW_ih, gW_hh = np.zeros_like(W_ih), np.zeros_like(W_hh)
    gx = np.empty_like(run.xs)
    for t in range(T):
        gW_ih += D_in[t].T @ run.xs[t]
        gW_hh += D_hid[t].T @ run.hs[t]
        gx[t] = D_in[t] @ W_ih
    gb_ih, gb_hh = D_in.sum(axis=(0, 1)), D_hid.sum(axis=(0, 1))
    if gcs is not None:
        gcs[0] = dc
    if run.single:
        gx, ghs = gx[:, 0], ghs[:, 0]
        gcs = None if gcs is None else gcs[:, 0]
    return BPTTGrads(gW_ih, gW_hh, gb_ih, gb_hh, gx, ghs, gcs)


def clip_grad_norm(grads, max_norm: float, norm_type: float = 2.0):
    """torch.nn.utils.clip_grad_norm_ without the in-place change.

    The total norm is taken over all gradients together; when it exceeds max_norm, every
    gradient is multiplied by max_norm / (total + 1e-6) (PyTorch's formula). Returns
    (clipped list, total norm before clipping).
    """
    max_norm = V.finite_number("max_norm", max_norm, minimum=0.0, strict_min=True)
    if isinstance(norm_type, str) or not (norm_type == np.inf or norm_type > 0):
        V.fail("norm_type", "a number > 0 or inf", norm_type)
    if not isinstance(grads, (list, tuple)) or not grads:
        V.fail("grads", "a non-empty list of arrays", type(grads).__name__)
    arrs = [V.finite_array(f"grads[{i}]", g) for i, g in enumerate(grads)]
    top = max((float(np.max(np.abs(a))) for a in arrs if a.size), default=0.0)
    if norm_type == np.inf or top == 0.0:
        total = top
    else:
        with np.errstate(over="ignore", under="ignore"):
            total = float(sum(np.sum(np.abs(a) ** norm_type) for a in arrs) ** (1.0 / norm_type))
        if not (math.isfinite(total) and total > 0.0):
            # |g|^p overflowed (|g| ≳ 1.3e154 for p = 2) or underflowed to 0: the same norm with
            # every entry divided by the largest |g| first, top·(Σ (|g|/top)^p)^(1/p)
            with np.errstate(under="ignore"):
                scaled = float(sum(np.sum((np.abs(a) / top) ** norm_type) for a in arrs))
            total = top * scaled ** (1.0 / norm_type)
    V.finite_result("grads", total, "total norm (below 1.8e308)")
    coef = min(max_norm / (total + 1e-6), 1.0)
    return [a * coef for a in arrs], total
