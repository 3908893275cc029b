"""Recurrent cells (RNN, GRU, LSTM) with PyTorch's equations, backpropagation through time.

The three cells use exactly the equations, weight shapes and gate order of PyTorch's
`nn.RNNCell`, `nn.GRUCell` and `nn.LSTMCell`, so a learner's numbers agree with PyTorch:

    RNN   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)                 (or relu)
    GRU   r  = σ(W_ir x + b_ir + W_hr h + b_hr)                    reset gate
          z  = σ(W_iz x + b_iz + W_hz h + b_hz)                    update gate
          n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))           candidate
          h' = (1 − z) ⊙ n + z ⊙ h                                 (the course's line)
    LSTM  i  = σ(W_ii x + b_ii + W_hi h + b_hi)                    input gate
          f  = σ(W_if x + b_if + W_hf h + b_hf)                    forget gate
          g  = tanh(W_ig x + b_ig + W_hg h + b_hg)                 candidate
          o  = σ(W_io x + b_io + W_ho h + b_ho)                    output gate
          c' = f ⊙ c + i ⊙ g,     h' = o ⊙ tanh(c')

W_ih has shape (gates·hidden, input) and W_hh (gates·hidden, hidden), the gates stacked in
PyTorch's order (GRU: r, z, n; LSTM: i, f, g, o). x is one sample (shape `input`) or a batch
(shape N×input); h (and c) likewise.

Each cell returns its new state and a dict of its gate values (for display). On top of them:
`run_sequence` runs a cell over a sequence (T×N×input, PyTorch's batch_first=False layout),
`bptt` backpropagates through time (gradients w.r.t. every weight, every input and every
hidden state h_0 … h_T), `clip_grad_norm` is torch.nn.utils.clip_grad_norm_, `param_count`
counts parameters as PyTorch does, and `SequenceModel` is a tiny trainable network (a cell
plus a linear read-out) for many-to-one and many-to-many tasks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..core import validate as V
from ..course.exercises import Exercise, ExerciseSet

CELLS = ("rnn", "gru", "lstm")
GATES = {"rnn": ("a",), "gru": ("r", "z", "n"), "lstm": ("i", "f", "g", "o")}
GATE_NAMES = {"r": "reset gate r", "z": "update gate z", "n": "candidate n",
              "i": "input gate i", "f": "forget gate f", "g": "candidate g",
              "o": "output gate o", "a": "pre-activation a"}
NONLINEARITIES = ("tanh", "relu", "sigmoid")  # sigmoid: not in PyTorch, for the course's table
PARAM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh")


def n_gates(cell: str) -> int:
    return len(GATES[V.choice("cell", cell, CELLS)])


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return 0.5 + 0.5 * np.tanh(0.5 * x)  # overflow-free σ(x) = 1/(1 + e^-x)


def _act(name, a):
    if name == "tanh":
        return np.tanh(a)
    if name == "relu":
        return np.maximum(a, 0.0)
    return sigmoid(a)


def _act_grad(name, a, h):
    """d act(a) / da, from the pre-activation a and the output h."""
    if name == "tanh":
        return 1.0 - h * h
    if name == "relu":
        return (a > 0).astype(float)
    return h * (1.0 - h)


# -- checking the arguments -------------------------------------------------------------------
def _check_weights(cell, W_ih, W_hh, b_ih, b_hh):
    G = n_gates(cell)
    W_hh = V.finite_array("W_hh", W_hh, ndim=2)
    H = W_hh.shape[1]
    if H < 1 or W_hh.shape[0] != G * H:
        V.fail("W_hh", f"shape ({G}·hidden, hidden) for the {cell.upper()} cell "
                       f"({G} gate(s) stacked)", f"shape {W_hh.shape}")
    W_ih = V.finite_array("W_ih", W_ih, ndim=2)
    if W_ih.shape[0] != G * H or W_ih.shape[1] < 1:
        V.fail("W_ih", f"shape ({G * H}, input) to match W_hh (hidden size {H})",
               f"shape {W_ih.shape}")
    if b_ih is not None:
        b_ih = V.finite_array("b_ih", b_ih, shape=(G * H,))
    if b_hh is not None:
        b_hh = V.finite_array("b_hh", b_hh, shape=(G * H,))
    return W_ih, W_hh, b_ih, b_hh


def _check_x(x, input_size, name="x"):
    x = V.finite_array(name, x)
    if x.ndim not in (1, 2) or x.shape[-1] != input_size:
        V.fail(name, f"shape ({input_size},) or (N, {input_size}) (input size of W_ih)",
               f"shape {x.shape}")
    return x


def _check_state(name, h, x, hidden):
    h = V.finite_array(name, h)
    want = (hidden,) if x.ndim == 1 else (x.shape[0], hidden)
    if h.shape != want:
        V.fail(name, f"shape {want} (hidden size {hidden} of W_hh"
                     + ("" if x.ndim == 1 else f", batch {x.shape[0]} of x") + ")",
               f"shape {h.shape}")
    return h


def _b(b, size):
    return np.zeros(size) if b is None else b


# -- the cells (raw steps: 2-D arrays, no checks; used by the sequence runner) ------------------
def _rnn_step(gi, h, W_hh, b_hh, nonlinearity):
    """gi = W_ih x + b_ih (the input's part, computed for all steps at once)."""
    a = gi + h @ W_hh.T + b_hh
    return _act(nonlinearity, a), {"a": a}


def _gru_step(gi, h, W_hh, b_hh):
    H = h.shape[-1]
    gh = h @ W_hh.T + b_hh
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    h_new = (1.0 - z) * n + z * h
    return h_new, {"r": r, "z": z, "n": n, "hn": gh[:, 2 * H:]}


def _lstm_step(gi, h, c, W_hh, b_hh):
    H = h.shape[-1]
    a = gi + h @ W_hh.T + b_hh
    s = sigmoid(a)          # i, f, o use it; g uses tanh
    i, f, o = s[:, :H], s[:, H:2 * H], s[:, 3 * H:]
    g = np.tanh(a[:, 2 * H:3 * H])
    c_new = f * c + i * g
    tc = np.tanh(c_new)
    return o * tc, c_new, {"i": i, "f": f, "g": g, "o": o, "tanh_c": tc}


def _public_gates(gates, single):
    out = {k: v for k, v in gates.items() if k in ("a", "r", "z", "n", "i", "f", "g", "o")}
    return {k: (v[0] if single else v) for k, v in out.items()}


def rnn_cell(x, h, W_ih, W_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """One step of torch.nn.RNNCell: h' = act(W_ih x + b_ih + W_hh h + b_hh).

    Returns (h', gates) where gates = {"a": the pre-activation}. `nonlinearity` is "tanh"
    (PyTorch's default), "relu", or "sigmoid" (not offered by PyTorch; for the course's table).
    """
    nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
    W_ih, W_hh, b_ih, b_hh = _check_weights("rnn", W_ih, W_hh, b_ih, b_hh)
    H = W_hh.shape[1]
    x = _check_x(x, W_ih.shape[1])
    h = _check_state("h", h, x, H)
    single = x.ndim == 1
    h_new, gates = _rnn_step(np.atleast_2d(x) @ W_ih.T + _b(b_ih, H), np.atleast_2d(h), W_hh,
                             _b(b_hh, H), nonlinearity)
    return (h_new[0] if single else h_new), _public_gates(gates, single)


def gru_cell(x, h, W_ih, W_hh, b_ih=None, b_hh=None):
    """One step of torch.nn.GRUCell. Returns (h', {"r": ..., "z": ..., "n": ...})."""
    W_ih, W_hh, b_ih, b_hh = _check_weights("gru", W_ih, W_hh, b_ih, b_hh)
    H = W_hh.shape[1]
    x = _check_x(x, W_ih.shape[1])
    h = _check_state("h", h, x, H)
    single = x.ndim == 1
    h_new, gates = _gru_step(np.atleast_2d(x) @ W_ih.T + _b(b_ih, 3 * H), np.atleast_2d(h),
                             W_hh, _b(b_hh, 3 * H))
    return (h_new[0] if single else h_new), _public_gates(gates, single)


def lstm_cell(x, state, W_ih, W_hh, b_ih=None, b_hh=None):
    """One step of torch.nn.LSTMCell; `state` is (h, c).

    Returns ((h', c'), {"i": ..., "f": ..., "g": ..., "o": ...}).
    """
    W_ih, W_hh, b_ih, b_hh = _check_weights("lstm", W_ih, W_hh, b_ih, b_hh)
    H = W_hh.shape[1]
    x = _check_x(x, W_ih.shape[1])
    if not isinstance(state, (tuple, list)) or len(state) != 2:
        V.fail("state", "a pair (h, c) of hidden state and cell state", type(state).__name__)
    h = _check_state("h", state[0], x, H)
    c = _check_state("c", state[1], x, H)
    single = x.ndim == 1
    h_new, c_new, gates = _lstm_step(np.atleast_2d(x) @ W_ih.T + _b(b_ih, 4 * H),
                                     np.atleast_2d(h), np.atleast_2d(c), W_hh, _b(b_hh, 4 * H))
    if single:
        return (h_new[0], c_new[0]), _public_gates(gates, True)
    return (h_new, c_new), _public_gates(gates, False)


# -- parameters ---------------------------------------------------------------------------------
def param_count(cell: str, input_size: int, hidden_size: int, bias: bool = True) -> int:
    """Parameters of one cell as PyTorch counts them: G·(h·i + h·h + 2h), G = 1, 3, 4.

    PyTorch keeps two bias vectors (b_ih and b_hh), hence 2h per gate; a cell written with
    one bias per gate (as in many textbooks) has G·h fewer.
    """
    G = n_gates(cell)
    i = V.positive_int("input_size", input_size)
    h = V.positive_int("hidden_size", hidden_size)
    return G * (h * i + h * h + (2 * h if bias else 0))


def init_params(cell: str, input_size: int, hidden_size: int, seed: int = 0,
                bias: bool = True, scale: float = 1.0) -> dict:
    """PyTorch's initialisation: every weight and bias uniform in (−k, k), k = 1/√hidden.

    `scale` multiplies W_hh (the recurrent weights). Returns a dict W_ih, W_hh, b_ih, b_hh
    (the biases None when bias=False).
    """
    G = n_gates(cell)
    i = V.positive_int("input_size", input_size)
    h = V.positive_int("hidden_size", hidden_size)
    scale = V.finite_number("scale", scale)
    rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
    k = 1.0 / np.sqrt(h)
    p = {"W_ih": rng.uniform(-k, k, (G * h, i)), "W_hh": scale * rng.uniform(-k, k, (G * h, h)),
         "b_ih": rng.uniform(-k, k, G * h) if bias else None,
         "b_hh": rng.uniform(-k, k, G * h) if bias else None}
    return p


def gate_slice(cell: str, gate: str, hidden_size: int) -> slice:
    """The rows of W_ih / W_hh / b_ih / b_hh that belong to one gate (PyTorch's order)."""
    names = GATES[V.choice("cell", cell, CELLS)]
    gate = V.choice("gate", gate, names)
    k = names.index(gate)
    return slice(k * hidden_size, (k + 1) * hidden_size)


# -- sequences and backpropagation through time -------------------------------------------------
@dataclass
class SequenceRun:
    """What `run_sequence` computed: states h_0..h_T (and c_0..c_T), gates of every step."""

    cell: str
    nonlinearity: str
    params: dict
    xs: np.ndarray                 # (T, N, input)
    hs: np.ndarray                 # (T + 1, N, hidden); hs[0] = h_0
    cs: np.ndarray | None          # LSTM only, (T + 1, N, hidden)
    gates: list = field(default_factory=list)   # one dict per step, arrays (N, hidden)
    single: bool = False           # the input had no batch axis

    @property
    def T(self) -> int:
        return self.xs.shape[0]

    def outputs(self) -> np.ndarray:
        """h_1 … h_T, shape (T, N, hidden) (or (T, hidden) for an unbatched input)."""
        return self.hs[1:, 0] if self.single else self.hs[1:]


def _check_params(cell, params):
    if not isinstance(params, dict) or not {"W_ih", "W_hh"} <= set(params):
        V.fail("params", "a dict with W_ih, W_hh, b_ih, b_hh (see init_params)",
               type(params).__name__)
    return _check_weights(cell, params["W_ih"], params["W_hh"], params.get("b_ih"),
                          params.get("b_hh"))


def run_sequence(cell: str, xs, params: dict, h0=None, c0=None,
                 nonlinearity: str = "tanh") -> SequenceRun:
    """Run a cell over xs of shape (T, N, input) or (T, input); h0/c0 default to zeros."""
    cell = V.choice("cell", cell, CELLS)
    nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
    W_ih, W_hh, b_ih, b_hh = _check_params(cell, params)
    G, H, I = n_gates(cell), W_hh.shape[1], W_ih.shape[1]
    xs = V.finite_array("xs", xs)
    if xs.ndim not in (2, 3) or xs.shape[-1] != I or xs.shape[0] < 1:
        V.fail("xs", f"shape (T, {I}) or (T, N, {I}) with T >= 1 (input size of W_ih)",
               f"shape {xs.shape}")
    single = xs.ndim == 2
    x3 = xs[:, None, :] if single else xs
    N = x3.shape[1]
    probe = x3[0, 0] if single else x3[0]
    h = np.zeros((N, H)) if h0 is None else np.atleast_2d(_check_state("h0", h0, probe, H))
    c = None
    if cell == "lstm":
        c = np.zeros((N, H)) if c0 is None else np.atleast_2d(_check_state("c0", c0, probe, H))
    b_ih, b_hh = _b(b_ih, G * H), _b(b_hh, G * H)
    return _run(cell, nonlinearity, {"W_ih": W_ih, "W_hh": W_hh, "b_ih": b_ih, "b_hh": b_hh},
                x3, h, c, single)


def _run(cell, nonlinearity, p, x3, h, c, single):
    T, N, _ = x3.shape
    H = h.shape[1]
    hs = np.empty((T + 1, N, H))
    hs[0] = h
    cs = None
    if cell == "lstm":
        cs = np.empty((T + 1, N, H))
        cs[0] = c
    gates = []
    W_ih, W_hh, b_ih, b_hh = p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"]
    # (one product per step: a single big product is faster alone, but multi-threaded BLAS on
    # a busy machine made it 10x slower here)
    for t in range(T):
        gi = x3[t] @ W_ih.T + b_ih
        if cell == "rnn":
            h, g = _rnn_step(gi, h, W_hh, b_hh, nonlinearity)
        elif cell == "gru":
            h, g = _gru_step(gi, h, W_hh, b_hh)
        else:
            h, c, g = _lstm_step(gi, h, c, W_hh, b_hh)
            cs[t + 1] = c
        hs[t + 1] = h
        gates.append(g)
    return SequenceRun(cell, nonlinearity, p, x3, hs, cs, gates, single)


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

    direct = np.zeros((T, N, H)) if dhs is None else grad("dhs", dhs, (T, N, H))
    dh = np.zeros((N, H)) if dh_last is None else grad("dh_last", dh_last, (N, H))
    dc = np.zeros((N, H))
    if dc_last is not None:
        if run.cell != "lstm":
            V.fail("dc_last", "None: only the LSTM has a cell state", "an array")
        dc = grad("dc_last", dc_last, (N, H))
    return _bptt(run, direct, dh, dc)


def _bptt(run, direct, dh, dc):
    p, cell = run.params, run.cell
    W_ih, W_hh = p["W_ih"], p["W_hh"]
    T, N, _ = run.xs.shape
    H = run.hs.shape[2]
    GH = W_ih.shape[0]
    D_in = np.empty((T, N, GH))      # ∂L/∂(input part of the pre-activations) at each step
    D_hid = np.empty((T, N, GH)) if cell == "gru" else D_in
    ghs = np.zeros((T + 1, N, H))
    gcs = np.zeros((T + 1, N, H)) if cell == "lstm" else None
    dh = dh + direct[T - 1]
    for t in range(T - 1, -1, -1):
        ghs[t + 1] = dh
        h_prev, h_new, g = run.hs[t], run.hs[t + 1], run.gates[t]
        if cell == "rnn":
            da = dh * _act_grad(run.nonlinearity, g["a"], h_new)
            D_in[t] = da
            dh_prev = da @ W_hh
        elif cell == "gru":
            r, z, n, hn = g["r"], g["z"], g["n"], g["hn"]
            dn = dh * (1.0 - z)
            dz = dh * (h_prev - n)
            dan = dn * (1.0 - n * n)
            dar = dan * hn * r * (1.0 - r)
            daz = dz * z * (1.0 - z)
            d_in, d_hid = D_in[t], D_hid[t]
            d_in[:, :H] = d_hid[:, :H] = dar
            d_in[:, H:2 * H] = d_hid[:, H:2 * H] = daz
            d_in[:, 2 * H:] = dan
            d_hid[:, 2 * H:] = dan * r
            dh_prev = dh * z + d_hid @ W_hh
        else:
            i, f, gg, o, tc = g["i"], g["f"], g["g"], g["o"], g["tanh_c"]
            do = dh * tc
            dct = dc + dh * o * (1.0 - tc * tc)
            gcs[t + 1] = dct
            c_prev = run.cs[t]
            da = D_in[t]
            da[:, :H] = dct * gg * i * (1.0 - i)
            da[:, H:2 * H] = dct * c_prev * f * (1.0 - f)
            da[:, 2 * H:3 * H] = dct * i * (1.0 - gg * gg)
            da[:, 3 * H:] = do * o * (1.0 - o)
            dh_prev = da @ W_hh
            dc = dct * f
        dh = dh_prev + (direct[t - 1] if t > 0 else 0.0)
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
    arrs = [np.asarray(g, dtype=float) for g in grads]
    if norm_type == np.inf:
        total = max(float(np.max(np.abs(a))) if a.size else 0.0 for a in arrs)
    else:
        total = float(sum(np.sum(np.abs(a) ** norm_type) for a in arrs) ** (1.0 / norm_type))
    coef = min(max_norm / (total + 1e-6), 1.0)
    return [a * coef for a in arrs], total


# -- a tiny trainable sequence model -----------------------------------------------------------
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class SequenceModel:
    """A recurrent cell followed by a linear read-out y = W_out h + b_out.

    mode="many_to_one" reads the last hidden state (sequence classification);
    "many_to_many" reads every hidden state (tagging; a one-to-many task is a many-to-many
    one whose input is zero after the first step). loss="cross_entropy" (integer targets,
    mean over samples and steps, as torch.nn.CrossEntropyLoss) or "mse" (as torch.nn.MSELoss).
    `gate_bias` b starts the gated cells in "keep the memory, write little" mode (see
    `set_gate_bias`).
    """

    def __init__(self, cell, input_size, hidden_size, output_size, mode="many_to_one",
                 loss="cross_entropy", nonlinearity="tanh", seed=0, gate_bias=0.0):
        self.cell = V.choice("cell", cell, CELLS)
        self.mode = V.choice("mode", mode, ("many_to_one", "many_to_many"))
        self.loss_name = V.choice("loss", loss, ("cross_entropy", "mse"))
        self.nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
        H = V.positive_int("hidden_size", hidden_size)
        O = V.positive_int("output_size", output_size)
        p = init_params(self.cell, input_size, H, seed=seed)
        gate_bias = V.finite_number("gate_bias", gate_bias)
        set_gate_bias(self.cell, p["b_ih"], H, gate_bias)
        rng = np.random.default_rng(seed + 1)
        k = 1.0 / np.sqrt(H)
        self.params = [p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"],
                       rng.uniform(-k, k, (O, H)), rng.uniform(-k, k, O)]

    def cell_params(self, params=None) -> dict:
        return dict(zip(PARAM_NAMES, (params or self.params)[:4]))

    def _run(self, xs, params=None):
        xs = V.finite_array("xs", xs, ndim=3)
        P = self.cell_params(params)
        if xs.shape[2] != P["W_ih"].shape[1]:
            V.fail("xs", f"shape (T, N, {P['W_ih'].shape[1]})", f"shape {xs.shape}")
        N, H = xs.shape[1], P["W_hh"].shape[1]
        c = np.zeros((N, H)) if self.cell == "lstm" else None
        return _run(self.cell, self.nonlinearity, P, xs, np.zeros((N, H)), c, False)

    def forward(self, xs, params=None):
        """Outputs: (N, out) for many_to_one, (T, N, out) for many_to_many."""
        params = params or self.params
        run = self._run(xs, params)
        hs = run.hs[-1] if self.mode == "many_to_one" else run.hs[1:]
        return hs @ params[4].T + params[5]

    def predict(self, xs) -> np.ndarray:
        out = self.forward(xs)
        return out.argmax(axis=-1) if self.loss_name == "cross_entropy" else out

    def accuracy(self, xs, targets) -> float:
        return float(np.mean(self.predict(xs) == np.asarray(targets)))

    def loss_and_grads(self, xs, targets, params=None):
        params = params or self.params
        run = self._run(xs, params)
        W_out, b_out = params[4], params[5]
        hs = run.hs[-1] if self.mode == "many_to_one" else run.hs[1:]
        y = hs @ W_out.T + b_out
        targets = np.asarray(targets)
        if targets.shape != (y.shape[:-1] if self.loss_name == "cross_entropy" else y.shape):
            V.fail("targets", f"shape {y.shape[:-1] if self.loss_name == 'cross_entropy' else y.shape}",
                   f"shape {targets.shape}")
        if self.loss_name == "cross_entropy":
            p = softmax(y)
            flat_p = p.reshape(-1, p.shape[-1])
            flat_t = targets.reshape(-1).astype(int)
            m = flat_t.size
            loss = float(-np.mean(np.log(flat_p[np.arange(m), flat_t] + 1e-300)))
            dy = flat_p.copy()
            dy[np.arange(m), flat_t] -= 1.0
            dy = (dy / m).reshape(y.shape)
        else:
            diff = y - targets
            loss = float(np.mean(diff ** 2))
            dy = 2.0 * diff / diff.size
        flat_h = hs.reshape(-1, hs.shape[-1])
        flat_dy = dy.reshape(-1, dy.shape[-1])
        gW_out = flat_dy.T @ flat_h
        gb_out = flat_dy.sum(axis=0)
        dh = dy @ W_out
        T, N, H = run.xs.shape[0], run.xs.shape[1], hs.shape[-1]
        if self.mode == "many_to_one":
            g = _bptt(run, np.zeros((T, N, H)), dh, np.zeros((N, H)))
        else:
            g = _bptt(run, dh, np.zeros((N, H)), np.zeros((N, H)))
        return loss, [g.W_ih, g.W_hh, g.b_ih, g.b_hh, gW_out, gb_out]

    def fit(self, xs, targets, optimizer, steps=200, batch_size=32, clip=None, seed=0):
        """Mini-batch training with an nnlab.engine.optim optimizer (clip: max gradient norm or None).

        Returns {"loss": [...], "grad_norm": [norm before clipping ...], "diverged_at": the
        step at which the loss or the gradient overflowed (training stops there), or None}.
        """
        steps = V.positive_int("steps", steps)
        batch_size = V.positive_int("batch_size", batch_size)
        xs = V.finite_array("xs", xs, ndim=3)
        targets = np.asarray(targets)
        rng = np.random.default_rng(seed)
        N = xs.shape[1]
        history = {"loss": [], "grad_norm": [], "diverged_at": None}
        for step in range(steps):
            idx = rng.choice(N, size=min(batch_size, N), replace=False)
            tb = targets[idx] if self.mode == "many_to_one" else targets[:, idx]
            with np.errstate(over="ignore", invalid="ignore"):
                loss, grads = self.loss_and_grads(xs[:, idx], tb)
                norm = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
            if not (np.isfinite(loss) and np.isfinite(norm)):
                history["diverged_at"] = step   # overflow: stop rather than step into nan
                break
            if clip is not None:
                grads, _ = clip_grad_norm(grads, clip)
            self.params = optimizer.step(self.params, grads)
            history["loss"].append(loss)
            history["grad_norm"].append(norm)
        return history


def set_gate_bias(cell: str, b_ih: np.ndarray, hidden_size: int, gate_bias: float) -> None:
    """Add `gate_bias` b to the gates that keep the memory (in place).

    GRU: the update gate z gets +b: h' = (1 − z)·n + z·h keeps σ(b) of the old state and
    writes 1 − σ(b) of the new one. LSTM: the forget gate gets +b and the input gate −b, the
    same start (an LSTM's keep and write gates are separate; the GRU couples them through
    z and 1 − z). The plain RNN has no gate: nothing changes.
    """
    if cell == "gru":
        b_ih[gate_slice(cell, "z", hidden_size)] += gate_bias
    elif cell == "lstm":
        b_ih[gate_slice(cell, "f", hidden_size)] += gate_bias
        b_ih[gate_slice(cell, "i", hidden_size)] -= gate_bias


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
    H = V.positive_int("hidden_size", hidden_size)
    scale = V.finite_number("scale", scale, minimum=0.0)
    gate_bias = V.finite_number("gate_bias", gate_bias)
    nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
    Q, W_ih, v, xs = _flow_setup(cell, T, H, V.positive_int("seed", seed, minimum=0))
    G = n_gates(cell)
    b = np.zeros(G * H)
    set_gate_bias(cell, b, H, gate_bias)
    p = {"W_ih": W_ih, "W_hh": scale * Q, "b_ih": b, "b_hh": np.zeros(G * H)}
    run = _run(cell, nonlinearity, p, xs, np.zeros((1, H)),
               np.zeros((1, H)) if cell == "lstm" else None, False)
    g = _bptt(run, np.zeros((T, 1, H)), v, np.zeros((1, H)))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        hn = g.h_norms()
        hn = hn / hn[-1]
        if cell != "lstm" or wrt == "h":
            return hn
        cn = np.sqrt(np.sum(g.cs ** 2, axis=(1, 2)))
        cn = cn / cn[-1]
    return cn if wrt == "c" else (hn, cn)


def first_symbol_task(n: int = 256, T: int = 30, k: int = 4, noise: float = 1.0,
                      noise_dims: int = 2, seed: int = 0):
    """Remember the first symbol: a one-hot symbol (k kinds) at step 1, then T − 1 steps of
    random noise; the target is the symbol.

    Inputs have k + noise_dims features: the one-hot symbol (zero after step 1) and
    `noise_dims` channels of Gaussian noise (standard deviation `noise`) at every step, which
    the network must learn to ignore while it carries the symbol across T − 1 steps.
    Returns xs (T, n, k + noise_dims) and targets (n,).
    """
    n = V.positive_int("n", n)
    T = V.positive_int("T", T)
    k = V.positive_int("k", k, minimum=2)
    noise = V.finite_number("noise", noise, minimum=0.0)
    nd = V.positive_int("noise_dims", noise_dims, minimum=0)
    rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
    sym = rng.integers(0, k, n)
    xs = np.zeros((T, n, k + nd))
    xs[0, np.arange(n), sym] = 1.0
    xs[:, :, k:] = noise * rng.standard_normal((T, n, nd))
    return xs, sym


def sentiment_task(n: int = 400, T: int = 6, seed: int = 0):
    """Many-to-one: made-up "reviews" of T words; label 1 when the words' scores sum > 0.

    Vocabulary and scores: great +2, good +1, plot 0, the 0, acting 0, bad −1, awful −2
    (ties, sum = 0, are redrawn). Returns xs (T, n, 7) one-hot, labels (n,), the vocabulary.
    """
    n = V.positive_int("n", n)
    T = V.positive_int("T", T)
    rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
    vocab = ("great", "good", "plot", "the", "acting", "bad", "awful")
    score = np.array([2, 1, 0, 0, 0, -1, -2])
    words = rng.integers(0, len(vocab), (T, n))
    tot = score[words].sum(axis=0)
    while np.any(tot == 0):
        k = np.flatnonzero(tot == 0)
        words[:, k] = rng.integers(0, len(vocab), (T, k.size))
        tot = score[words].sum(axis=0)
    return np.eye(len(vocab))[words], (tot > 0).astype(int), vocab


def wave_task(n: int = 200, T: int = 10, period: float = 8.0, seed: int = 0):
    """One-to-many: from one number (an amplitude a in [0.5, 1.5], given at step 1 only),
    generate y_t = a·sin(2π t / period) for t = 1..T. Returns xs (T, n, 1), ys (T, n, 1)."""
    n = V.positive_int("n", n)
    T = V.positive_int("T", T)
    period = V.finite_number("period", period, minimum=0.0, strict_min=True)
    rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
    a = rng.uniform(0.5, 1.5, n)
    xs = np.zeros((T, n, 1))
    xs[0, :, 0] = a
    t = np.arange(1, T + 1)[:, None]
    return xs, (a[None, :] * np.sin(2 * np.pi * t / period))[:, :, None]


def repeat_tagging_task(n: int = 300, T: int = 10, k: int = 3, seed: int = 0):
    """Many-to-many: tag every symbol 1 when it repeats the previous one, else 0.

    Returns xs (T, n, k) one-hot and tags (T, n) (the first step is always 0)."""
    n = V.positive_int("n", n)
    T = V.positive_int("T", T)
    k = V.positive_int("k", k, minimum=2)
    rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
    sym = rng.integers(0, k, (T, n))
    tags = np.zeros((T, n), dtype=int)
    tags[1:] = (sym[1:] == sym[:-1]).astype(int)
    return np.eye(k)[sym], tags


# -- exercises ----------------------------------------------------------------------------------
_EX_X, _EX_H = 1.0, 0.5


def _word(w):
    from .attention import load_word_vectors

    return load_word_vectors()[w]


def _cos_words(a, b):
    u, v = _word(a), _word(b)
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def _cos_solution(a, b):
    u, v = _word(a), _word(b)
    return (f"{a} = {u.tolist()}, {b} = {v.tolist()}; a·b = {float(u @ v):.4f}, "
            f"‖a‖ = {np.linalg.norm(u):.4f}, ‖b‖ = {np.linalg.norm(v):.4f}; "
            f"cos = a·b / (‖a‖‖b‖) = {_cos_words(a, b):.4f}")


def _ex_rnn():
    return float(np.tanh(0.5 * _EX_X + 0.8 * _EX_H + 0.1))


def _ex_gru():
    # scalar GRU, every W_i* = 1, W_h* = 1, biases 0: r = z = σ(x + h), n = tanh(x + r·h)
    r = z = float(sigmoid(_EX_X + _EX_H))
    n = float(np.tanh(_EX_X + r * _EX_H))
    return (1 - z) * n + z * _EX_H


def _ex_lstm():
    i = f = o = float(sigmoid(_EX_X + _EX_H))
    g = float(np.tanh(_EX_X + _EX_H))
    c = f * 1.0 + i * g
    return c


exercises = ExerciseSet("RNN, GRU and LSTM", [
    Exercise(
        question=f"A one-unit RNN cell has W_ih = 0.5, W_hh = 0.8, b_ih + b_hh = 0.1 and tanh. "
                 f"With x_t = {_EX_X} and h_(t-1) = {_EX_H}, what is h_t? (4 decimals)",
        answer=_ex_rnn,
        solution=lambda: (f"a = 0.5·{_EX_X} + 0.8·{_EX_H} + 0.1 = {0.5 * _EX_X + 0.8 * _EX_H + 0.1:.4f};"
                          f"  h_t = tanh(a) = {_ex_rnn():.4f}"),
        mistakes=lambda: [(0.5 * _EX_X + 0.8 * _EX_H + 0.1, "that is the pre-activation a; "
                           "apply tanh to it."),
                          (float(np.tanh(0.5 * _EX_X + 0.8 * _EX_H)), "you left out the bias 0.1."),
                          (float(sigmoid(0.5 * _EX_X + 0.8 * _EX_H + 0.1)),
                           "the RNN cell uses tanh here, not the sigmoid.")],
    ),
    Exercise(
        question=f"A one-unit GRU has every weight equal to 1 and every bias 0, so r = z = "
                 f"σ(x + h) and n = tanh(x + r·h). With x = {_EX_X} and h_(t-1) = {_EX_H}, "
                 "what is h_t = (1 − z)·n + z·h_(t-1)? (4 decimals)",
        answer=_ex_gru,
        solution=lambda: (f"r = z = σ({_EX_X} + {_EX_H}) = {float(sigmoid(1.5)):.4f}; "
                          f"n = tanh({_EX_X} + r·{_EX_H}) = {float(np.tanh(_EX_X + float(sigmoid(1.5)) * _EX_H)):.4f}; "
                          f"h_t = (1 − z)·n + z·h = {_ex_gru():.4f}"),
        mistakes=lambda: [(float(sigmoid(1.5)) * float(np.tanh(_EX_X + float(sigmoid(1.5)) * _EX_H))
                           + (1 - float(sigmoid(1.5))) * _EX_H,
                           "z and 1 − z are swapped: z multiplies the OLD state h_(t-1) "
                           "(PyTorch and the course agree)."),
                          (float(np.tanh(_EX_X + float(sigmoid(1.5)) * _EX_H)),
                           "that is the candidate n; now mix it with h_(t-1) through z.")],
    ),
    Exercise(
        question=f"A one-unit LSTM has every weight equal to 1 and every bias 0, so i = f = o = "
                 f"σ(x + h) and g = tanh(x + h). With x = {_EX_X}, h_(t-1) = {_EX_H} and "
                 "c_(t-1) = 1, what is the new cell state c_t = f·c_(t-1) + i·g? (4 decimals)",
        answer=_ex_lstm,
        solution=lambda: (f"i = f = σ(1.5) = {float(sigmoid(1.5)):.4f}, g = tanh(1.5) = "
                          f"{float(np.tanh(1.5)):.4f}; c_t = f·1 + i·g = {_ex_lstm():.4f}"),
        mistakes=lambda: [(float(sigmoid(1.5)) * np.tanh(_ex_lstm()), "that is h_t = o·tanh(c_t); "
                           "the question asks for c_t."),
                          (float(sigmoid(1.5) * np.tanh(1.5)), "you forgot the kept memory f·c_(t-1).")],
    ),
    Exercise(
        question="How many parameters does torch.nn.LSTMCell(input_size=10, hidden_size=64) "
                 "have (two bias vectors, as PyTorch counts)?",
        answer=lambda: param_count("lstm", 10, 64),
        solution=lambda: ("4 gates × (h·i + h·h + 2h) = 4 × (64·10 + 64·64 + 2·64) = "
                          f"{param_count('lstm', 10, 64)}"),
        rel_tol=0.0, abs_tol=0.5,
        mistakes=lambda: [(param_count("lstm", 10, 64, bias=False) + 4 * 64,
                           "PyTorch keeps two bias vectors (b_ih and b_hh): 2h per gate."),
                          (param_count("rnn", 10, 64), "that is a plain RNN cell; the LSTM has 4 gates."),
                          (param_count("gru", 10, 64), "that is a GRU (3 gates); the LSTM has 4.")],
    ),
    Exercise(
        question="Using the slides' word vectors (data/word_vectors.csv), what is the cosine "
                 "similarity of \"win\" and \"world\"? (3 decimals)",
        answer=lambda: _cos_words("win", "world"),
        solution=lambda: _cos_solution("win", "world"),
        mistakes=lambda: [(float(_word("win") @ _word("world")),
                           "that is the dot product; divide by the two lengths ‖a‖·‖b‖."),
                          (float(np.linalg.norm(_word("win") - _word("world"))),
                           "that is the distance between the vectors, not the cosine.")],
    ),
])
