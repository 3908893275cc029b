"""Notebook 01: from y = mx + c to one neuron.

- `fit_line(x, y)`: least squares for y = m x + c (closed form), and `gd_line` the same by
  gradient descent, so the two routes can be compared;
- `neuron(x, w, b, activation)`: z = w·x + b, y = f(z) with f = step, sigmoid or linear
  (course notes 001: "Step 1: linear transformation, Step 2: activation");
- `one_hot(table)`: categorical columns to 0/1 columns (the play-tennis table of notes 000);
- `train_neuron(X, t, lr, epochs)`: one sigmoid neuron trained by the delta rule of notebook
  02, Δw_i = η δ x_i with δ = y(1 − y)(t − y) (the loss E = ½Σ(t − y)²), on all rows at once.

The exercises of notebook 01 are in `nnlab.course.neuron`.
"""
from __future__ import annotations

import numpy as np

from ..core import functional as F
from ..core import validate as V

NEURON_ACTIVATIONS = ("step", "sigmoid", "linear")


def fit_line(x, y) -> tuple[float, float]:
    """Least-squares slope m and intercept c of y = m x + c."""
    x = V.finite_array("x", x, ndim=1)
    y = V.finite_array("y", y, shape=(len(x),))
    if len(x) < 2 or np.ptp(x) == 0:
        V.fail("x", "at least two different x values")
    # the same formula on x and y divided by their largest size, so that the squares of values
    # near 1e200 do not overflow (the scale comes back in m = (sy/sx)·m_scaled, c = sy·c_scaled)
    sx, sy = float(np.max(np.abs(x))), float(np.max(np.abs(y))) or 1.0
    u, v = x / sx, y / sy
    um, vm = u.mean(), v.mean()
    m_scaled = float(np.sum((u - um) * (v - vm)) / np.sum((u - um) ** 2))
    with np.errstate(all="ignore"):
        m, c = m_scaled * (sy / sx), sy * float(vm - m_scaled * um)
    if not (np.isfinite(m) and np.isfinite(c)):
        raise ValueError(f"x, y: the fitted line's slope or intercept is beyond the float range "
                         f"(m = {m}, c = {c}); rescale the data")
    return m, c


GD_MAX_STEPS = 100_000   # about a second; more is refused rather than left running


def gd_line(x, y, lr=0.05, steps=2000) -> tuple[float, float, np.ndarray]:
    """y = m x + c by gradient descent on the mean squared error; returns (m, c, losses)."""
    x = V.finite_array("x", x, ndim=1)
    y = V.finite_array("y", y, shape=(len(x),))
    lr = V.finite_number("lr", lr, minimum=0, strict_min=True)
    steps = V.positive_int("steps", steps, maximum=GD_MAX_STEPS)
    m = c = 0.0
    losses = np.empty(steps)
    with np.errstate(all="ignore"):   # checked once at the end, then located
        for k in range(steps):
            err = m * x + c - y
            losses[k] = float(np.mean(err**2))
            m -= lr * 2 * float(np.mean(err * x))
            c -= lr * 2 * float(np.mean(err))
    if not np.all(np.isfinite(losses)):
        k = int(np.argmin(np.isfinite(losses)))
        raise ValueError(f"diverged at step {k + 1}: the mean squared error overflowed; lower the "
                         "learning rate lr")
    if not (np.isfinite(m) and np.isfinite(c)):
        raise ValueError(f"diverged at step {steps}: the slope or intercept overflowed; lower the "
                         "learning rate lr")
    return m, c, losses


def activate(name: str, z):
    name = V.choice("activation", name, NEURON_ACTIVATIONS)
    z = np.asarray(z, dtype=float)
    if name == "step":
        return (z >= 0).astype(float)  # the notes' step: 1 from z = 0 on
    if name == "sigmoid":
        return F.sigmoid(z)
    return z


def neuron(x, w, b=0.0, activation="sigmoid"):
    """z = Σ w_i x_i + b and y = f(z), for one input vector or a batch (rows)."""
    w = V.finite_array("w", w, ndim=1)
    x = V.finite_array("x", x)
    if x.shape[-1] != len(w):
        V.fail("x", f"{len(w)} input value(s) per example, one per weight", f"shape {x.shape}")
    b = V.finite_number("b", b)
    z = x @ w + b
    return z, activate(activation, z)


def weighted_sum_text(w, x, b) -> str:
    """'0.5·0.27 + (-1)·(-0.46) + 0.2': the weighted sum written out, negatives in brackets."""
    num = lambda v: f"({v:g})" if v < 0 else f"{v:g}"  # noqa: E731
    return " + ".join(f"{num(wi)}·{num(xi)}" for wi, xi in zip(w, x)) + f" + {num(b)}"


def one_hot(columns: list[str], rows: list[list[str]]):
    """(names of the new 0/1 columns, matrix): one column per category, in order of appearance."""
    names, blocks = [], []
    for k, col in enumerate(columns):
        cats = []
        for r in rows:
            if r[k] not in cats:
                cats.append(r[k])
        names += [f"{col}={c}" for c in cats]
        blocks.append(np.array([[1.0 if r[k] == c else 0.0 for c in cats] for r in rows]))
    return names, np.hstack(blocks)


def play_tennis():
    """The course's table: (feature names, one-hot X, targets t, the raw table)."""
    from ..core.data import load_csv

    table = load_csv("play_tennis.csv", expected_columns=["outlook", "temp", "humidity", "wind",
                                                          "play"])
    feats = table.columns[:-1]
    names, X = one_hot(feats, [r[:-1] for r in table.rows])
    labels = table.column("play")
    bad = [v for v in labels if v not in ("Y", "N")]
    if bad:
        raise ValueError(f"play_tennis.csv: the play column must be Y or N, found {bad[0]!r}")
    t = np.array([1.0 if v == "Y" else 0.0 for v in labels])
    return names, X, t, table


def train_neuron(X, t, lr=1.0, epochs=500, w0=None, b0=0.0):
    """A sigmoid neuron trained with the delta rule on all rows each epoch.

    Returns (w, b, losses): losses[k] = ½Σ(t − y)² before the k-th update."""
    X = V.finite_array("X", X, ndim=2)
    t = V.finite_array("t", t, shape=(X.shape[0],))
    lr = V.finite_number("lr", lr, minimum=0, strict_min=True)
    epochs = V.positive_int("epochs", epochs)
    w = np.zeros(X.shape[1]) if w0 is None else V.finite_array("w0", w0, shape=(X.shape[1],)).copy()
    b = V.finite_number("b0", b0)
    losses = np.empty(epochs)
    for k in range(epochs):
        y = F.sigmoid(X @ w + b)
        losses[k] = 0.5 * float(np.sum((t - y) ** 2))
        delta = F.sigmoid_derivative_from_output(y) * (t - y)
        w = w + lr * X.T @ delta
        b = b + lr * float(delta.sum())
    return w, b, losses


# The three small truth tables of the decision-boundary explorer
GATES = {
    "AND": np.array([0, 0, 0, 1.0]),
    "OR": np.array([0, 1, 1, 1.0]),
    "XOR": np.array([0, 1, 1, 0.0]),
}
GATE_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1.0]])


def largest_weights(names, w, k: int = 3, decimals: int = 2) -> list[tuple[str, float]]:
    """The `k` weights of largest magnitude as printed (rounded to `decimals`), with their names.

    Weights that print alike are ordered positive first, then as in `names`: sorting the raw
    floats let last-bit differences between numpy builds (CPython's, Pyodide's in the browser)
    swap two weights of equal size (temp=H +7.24 and temp=G -7.24 in notebook 01).
    """
    k = V.positive_int("k", k)
    pairs = list(zip(names, (float(v) for v in w)))
    order = sorted(range(len(pairs)), key=lambda i: (-round(abs(pairs[i][1]), decimals),
                                                      -np.sign(round(pairs[i][1], decimals)), i))
    return [pairs[i] for i in order[:k]]


def gate_rows(w1: float, w2: float, b: float, gate: str, activation="step") -> dict:
    """The neuron on the four rows of a truth table: inputs, targets, z, y, which rows are right
    (y ≥ 0.5 where the target is 1, y < 0.5 where it is 0) and how many."""
    gate = V.choice("gate", gate, GATES)
    z, y = neuron(GATE_X, [w1, w2], b, activation)
    right = (y >= 0.5) == (GATES[gate] >= 0.5)
    return {"x": GATE_X, "target": GATES[gate], "z": z, "y": y, "right": right,
            "rows_right": int(right.sum())}


def gate_accuracy(w1: float, w2: float, b: float, gate: str, activation="step") -> float:
    return float(np.mean(gate_rows(w1, w2, b, gate, activation)["right"]))


def separable_by_one_neuron(gate: str, grid=np.linspace(-2, 2, 41)) -> bool:
    """Brute force over a grid of (w1, w2, b): is there a line that separates the gate?"""
    gate = V.choice("gate", gate, GATES)
    W1, W2, B = np.meshgrid(grid, grid, grid, indexing="ij")
    z = GATE_X[:, 0, None, None, None] * W1 + GATE_X[:, 1, None, None, None] * W2 + B
    ok = ((z >= 0) == (GATES[gate][:, None, None, None] >= 0.5)).all(axis=0)
    return bool(ok.any())
