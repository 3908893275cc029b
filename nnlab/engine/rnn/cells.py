"""The three recurrent cells (RNN, GRU, LSTM) with PyTorch's equations, weight shapes and gate order.

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

Each raw step (`rnn_step`, `gru_step`, `lstm_step`: 2-D arrays, no checks) returns the new
state and a dict of everything it computed on the way: "a", the pre-activations of all gates
stacked like the rows of W_ih (for the GRU's candidate: W_in x + b_in + r ⊙ (W_hn h + b_hn)),
the gate values ("r", "z", "n" / "i", "f", "g", "o"), and what the backward pass and the
explanations need besides ("x_n" = W_in x + b_in and "hn" = W_hn h + b_hn for the GRU,
"tanh_c" for the LSTM). The checked cells `rnn_cell`, `gru_cell`, `lstm_cell` return the
gate values only.
"""
from __future__ import annotations

import numpy as np

from ...core import functional as F
from ...core import validate as V
from .. import activations as ACT

CELLS = ("rnn", "gru", "lstm")
GATES = {"rnn": ("a",), "gru": ("r", "z", "n"), "lstm": ("i", "f", "g", "o")}
GATE_NAMES = {"r": "reset gate r", "z": "update gate z", "n": "candidate n",
              "i": "input gate i", "f": "forget gate f", "g": "candidate g",
              "o": "output gate o", "a": "pre-activation a"}
NONLINEARITIES = ("tanh", "relu", "sigmoid")  # sigmoid: not in PyTorch, for the course's table
PARAM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh")
# what a sequence run keeps of each step's record: what backpropagation through time needs
KEPT = {"rnn": ("a",), "gru": ("r", "z", "n", "hn"), "lstm": ("i", "f", "g", "o", "tanh_c")}
_RELU = ACT.get("relu")

MAX_SIZE = 4_096   # input, hidden and output sizes: a 4-gate 4096-cell LSTM has 134M weights


def n_gates(cell: str) -> int:
    return len(GATES[V.choice("cell", cell, CELLS)])


def activation(name, a):
    """The RNN cell's nonlinearity `name` applied to the pre-activation a."""
    if name == "tanh":
        return F.tanh(a)
    if name == "relu":
        return _RELU.forward_unchecked(a)
    return F.sigmoid(a)


def activation_derivative(name, a, h):
    """d act(a) / da, from the pre-activation a and the output h = act(a)."""
    if name == "tanh":
        return F.tanh_derivative_from_output(h)
    if name == "relu":
        return _RELU.derivative_unchecked(a)
    return F.sigmoid_derivative_from_output(h)


# -- checking the arguments -------------------------------------------------------------------
def check_weights(cell, W_ih, W_hh, b_ih, b_hh):
    """The four weights as float arrays of the shapes of `cell` (biases may be None)."""
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


def check_params(cell, params):
    """check_weights for a dict W_ih, W_hh, b_ih, b_hh (as init_params makes)."""
    if not isinstance(params, dict) or not {"W_ih", "W_hh"} <= set(params):
        V.fail("params", "a dict with W_ih, W_hh, b_ih, b_hh (see init_params)",
               type(params).__name__)
    return check_weights(cell, params["W_ih"], params["W_hh"], params.get("b_ih"),
                         params.get("b_hh"))


def _check_x(x, input_size, name="x"):
    x = V.finite_array(name, x)
    if x.ndim not in (1, 2) or x.shape[-1] != input_size:
        V.fail(name, f"shape ({input_size},) or (N, {input_size}) (input size of W_ih)",
               f"shape {x.shape}")
    return x


def check_state(name, h, x, hidden):
    """A hidden (or cell) state of shape (hidden,) for one sample x, (N, hidden) for a batch."""
    h = V.finite_array(name, h)
    want = (hidden,) if x.ndim == 1 else (x.shape[0], hidden)
    if h.shape != want:
        V.fail(name, f"shape {want} (hidden size {hidden} of W_hh"
                     + ("" if x.ndim == 1 else f", batch {x.shape[0]} of x") + ")",
               f"shape {h.shape}")
    return h


def bias_or_zeros(b, size):
    return np.zeros(size) if b is None else b


# -- the raw steps: gi = W_ih x + b_ih (the input's part, 2-D, a fresh array: the RNN and LSTM
# steps overwrite it with the pre-activations), no checks -------------------------------------------
def rnn_step(gi, h, W_hh, b_hh, nonlinearity):
    a = gi                    # gi becomes the pre-activation (in place: no new array)
    a += h @ W_hh.T
    a += b_hh
    return activation(nonlinearity, a), {"a": a}


def gru_step(gi, h, W_hh, b_hh):
    H = h.shape[-1]
    gh = h @ W_hh.T + b_hh
    a = np.empty_like(gi)
    a[:, :2 * H] = gi[:, :2 * H] + gh[:, :2 * H]
    s = F.sigmoid(a[:, :2 * H])
    r, z = s[:, :H], s[:, H:]
    x_n, hn = gi[:, 2 * H:], gh[:, 2 * H:]
    a[:, 2 * H:] = x_n + r * hn
    n = F.tanh(a[:, 2 * H:])
    h_new = (1.0 - z) * n + z * h
    return h_new, {"a": a, "r": r, "z": z, "n": n, "x_n": x_n, "hn": hn}


def lstm_step(gi, h, c, W_hh, b_hh):
    H = h.shape[-1]
    a = gi                    # gi becomes the pre-activations (in place: no new array)
    a += h @ W_hh.T
    a += b_hh
    s = F.sigmoid(a)          # i, f, o use it; g uses tanh
    i, f, o = s[:, :H], s[:, H:2 * H], s[:, 3 * H:]
    g = F.tanh(a[:, 2 * H:3 * H])
    c_new = f * c + i * g
    tc = F.tanh(c_new)
    return o * tc, c_new, {"a": a, "i": i, "f": f, "g": g, "o": o, "tanh_c": tc}


def _gates_only(cell, record, single):
    return {k: (record[k][0] if single else record[k]) for k in GATES[cell]}


# -- the checked cells (one step, one sample or a batch) ------------------------------------------
def rnn_cell(x, h, W_ih, W_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """One step of torch.nn.RNNCell: h' = act(W_ih x + b_ih + W_hh h + b_hh).

    Returns (h', gates) where gates = {"a": the pre-activation}. `nonlinearity` is "tanh"
    (PyTorch's default), "relu", or "sigmoid" (not offered by PyTorch; for the course's table).
    """
    nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
    W_ih, W_hh, b_ih, b_hh = check_weights("rnn", W_ih, W_hh, b_ih, b_hh)
    H = W_hh.shape[1]
    x = _check_x(x, W_ih.shape[1])
    h = check_state("h", h, x, H)
    single = x.ndim == 1
    h_new, rec = rnn_step(np.atleast_2d(x) @ W_ih.T + bias_or_zeros(b_ih, H), np.atleast_2d(h),
                          W_hh, bias_or_zeros(b_hh, H), nonlinearity)
    return (h_new[0] if single else h_new), _gates_only("rnn", rec, single)


def gru_cell(x, h, W_ih, W_hh, b_ih=None, b_hh=None):
    """One step of torch.nn.GRUCell. Returns (h', {"r": ..., "z": ..., "n": ...})."""
    W_ih, W_hh, b_ih, b_hh = check_weights("gru", W_ih, W_hh, b_ih, b_hh)
    H = W_hh.shape[1]
    x = _check_x(x, W_ih.shape[1])
    h = check_state("h", h, x, H)
    single = x.ndim == 1
    h_new, rec = gru_step(np.atleast_2d(x) @ W_ih.T + bias_or_zeros(b_ih, 3 * H),
                          np.atleast_2d(h), W_hh, bias_or_zeros(b_hh, 3 * H))
    return (h_new[0] if single else h_new), _gates_only("gru", rec, single)


def lstm_cell(x, state, W_ih, W_hh, b_ih=None, b_hh=None):
    """One step of torch.nn.LSTMCell; `state` is (h, c).

    Returns ((h', c'), {"i": ..., "f": ..., "g": ..., "o": ...}).
    """
    W_ih, W_hh, b_ih, b_hh = check_weights("lstm", W_ih, W_hh, b_ih, b_hh)
    H = W_hh.shape[1]
    x = _check_x(x, W_ih.shape[1])
    if not isinstance(state, (tuple, list)) or len(state) != 2:
        V.fail("state", "a pair (h, c) of hidden state and cell state", type(state).__name__)
    h = check_state("h", state[0], x, H)
    c = check_state("c", state[1], x, H)
    single = x.ndim == 1
    h_new, c_new, rec = lstm_step(np.atleast_2d(x) @ W_ih.T + bias_or_zeros(b_ih, 4 * H),
                                  np.atleast_2d(h), np.atleast_2d(c), W_hh,
                                  bias_or_zeros(b_hh, 4 * H))
    if single:
        return (h_new[0], c_new[0]), _gates_only("lstm", rec, True)
    return (h_new, c_new), _gates_only("lstm", rec, False)


# -- parameters ---------------------------------------------------------------------------------
def param_count(cell: str, input_size: int, hidden_size: int, bias: bool = True) -> int:
    """Parameters of one cell as PyTorch counts them: G·(h·i + h·h + 2h), G = 1, 3, 4.

    PyTorch keeps two bias vectors (b_ih and b_hh), hence 2h per gate; a cell written with
    one bias per gate (as in many textbooks) has G·h fewer.
    """
    G = n_gates(cell)
    i = V.positive_int("input_size", input_size, maximum=MAX_SIZE)
    h = V.positive_int("hidden_size", hidden_size, maximum=MAX_SIZE)
    return G * (h * i + h * h + (2 * h if bias else 0))


def init_params(cell: str, input_size: int, hidden_size: int, seed: int = 0,
                bias: bool = True, scale: float = 1.0) -> dict:
    """PyTorch's initialisation: every weight and bias uniform in (−k, k), k = 1/√hidden.

    `scale` multiplies W_hh (the recurrent weights). Returns a dict W_ih, W_hh, b_ih, b_hh
    (the biases None when bias=False).
    """
    G = n_gates(cell)
    i = V.positive_int("input_size", input_size, maximum=MAX_SIZE)
    h = V.positive_int("hidden_size", hidden_size, maximum=MAX_SIZE)
    scale = V.finite_number("scale", scale)
    rng = np.random.default_rng(V.check_seed(seed))
    k = 1.0 / np.sqrt(h)
    return {"W_ih": rng.uniform(-k, k, (G * h, i)), "W_hh": scale * rng.uniform(-k, k, (G * h, h)),
            "b_ih": rng.uniform(-k, k, G * h) if bias else None,
            "b_hh": rng.uniform(-k, k, G * h) if bias else None}


def gate_slice(cell: str, gate: str, hidden_size: int) -> slice:
    """The rows of W_ih / W_hh / b_ih / b_hh (and the columns of a step's "a") of one gate."""
    names = GATES[V.choice("cell", cell, CELLS)]
    gate = V.choice("gate", gate, names)
    k = names.index(gate)
    return slice(k * hidden_size, (k + 1) * hidden_size)


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
