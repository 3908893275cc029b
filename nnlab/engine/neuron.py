"""Notebook 01: from y = mx + c to one neuron.

- `fit_line(x, y)`: least squares for y = m x + c (closed form), and `gd_line` the same by
  gradient descent, so the two routes can be compared;
- `neuron(x, w, b, activation)`: z = w·x + b, y = f(z) with f = step, sigmoid or linear
  (course notes 001: "Step 1: linear transformation, Step 2: activation");
- `one_hot(table)`: categorical columns to 0/1 columns (the play-tennis table of notes 000);
- `train_neuron(X, t, lr, epochs)`: one sigmoid neuron trained by the delta rule of notebook
  02, Δw_i = η δ x_i with δ = y(1 − y)(t − y) (the loss E = ½Σ(t − y)²), on all rows at once.
"""
from __future__ import annotations

import numpy as np

from ..core import validate as V

NEURON_ACTIVATIONS = ("step", "sigmoid", "linear")


def fit_line(x, y) -> tuple[float, float]:
    """Least-squares slope m and intercept c of y = m x + c."""
    x = V.finite_array("x", x, ndim=1)
    y = V.finite_array("y", y, shape=(len(x),))
    if len(x) < 2 or np.ptp(x) == 0:
        V.fail("x", "at least two different x values")
    xm, ym = x.mean(), y.mean()
    m = float(np.sum((x - xm) * (y - ym)) / np.sum((x - xm) ** 2))
    return m, float(ym - m * xm)


def gd_line(x, y, lr=0.05, steps=2000) -> tuple[float, float, np.ndarray]:
    """y = m x + c by gradient descent on the mean squared error; returns (m, c, losses)."""
    x = V.finite_array("x", x, ndim=1)
    y = V.finite_array("y", y, shape=(len(x),))
    lr = V.finite_number("lr", lr, minimum=0, strict_min=True)
    steps = V.positive_int("steps", steps)
    m = c = 0.0
    losses = np.empty(steps)
    for k in range(steps):
        err = m * x + c - y
        losses[k] = float(np.mean(err**2))
        m -= lr * 2 * float(np.mean(err * x))
        c -= lr * 2 * float(np.mean(err))
    return m, c, losses


def activate(name: str, z):
    name = V.choice("activation", name, NEURON_ACTIVATIONS)
    z = np.asarray(z, dtype=float)
    if name == "step":
        return (z >= 0).astype(float)  # the notes' step: 1 from z = 0 on
    if name == "sigmoid":
        return 0.5 + 0.5 * np.tanh(0.5 * z)
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
        y = 0.5 + 0.5 * np.tanh(0.5 * (X @ w + b))
        losses[k] = 0.5 * float(np.sum((t - y) ** 2))
        delta = y * (1 - y) * (t - y)
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


def gate_accuracy(w1: float, w2: float, b: float, gate: str, activation="step") -> float:
    gate = V.choice("gate", gate, GATES)
    _, y = neuron(GATE_X, [w1, w2], b, activation)
    return float(np.mean((y >= 0.5) == (GATES[gate] >= 0.5)))


def separable_by_one_neuron(gate: str, grid=np.linspace(-2, 2, 41)) -> bool:
    """Brute force over a grid of (w1, w2, b): is there a line that separates the gate?"""
    gate = V.choice("gate", gate, GATES)
    W1, W2, B = np.meshgrid(grid, grid, grid, indexing="ij")
    z = GATE_X[:, 0, None, None, None] * W1 + GATE_X[:, 1, None, None, None] * W2 + B
    ok = ((z >= 0) == (GATES[gate][:, None, None, None] >= 0.5)).all(axis=0)
    return bool(ok.any())


# -- exercises --------------------------------------------------------------------------------
def _ex1():
    return float(neuron([2.0, 1.0], [0.5, -1.0], 0.2, "sigmoid")[1])


def _ex3():
    return fit_line([1, 2, 3, 4, 5], [2.9, 5.1, 7.0, 9.2, 10.8])


def _exercises():
    from ..course.exercises import Exercise, ExerciseSet

    return ExerciseSet("The neuron", [
        Exercise(
            question="A sigmoid neuron has weights w = (0.5, -1), bias b = 0.2 and gets the input "
                     "x = (2, 1). What is its output y? (4 decimals)",
            answer=_ex1,
            solution=lambda: f"z = 0.5·2 + (-1)·1 + 0.2 = 0.2;  y = σ(0.2) = {_ex1():.4f}",
            mistakes=lambda: [(0.2, "that is z, the linear part; apply the activation σ(z) = "
                                    "1/(1 + e^-z) to it."),
                              (float(neuron([2.0, 1.0], [0.5, -1.0], 0.0, "sigmoid")[1]),
                               "you left out the bias b = 0.2."),
                              (1.0, "that is the step function's output; this neuron uses the "
                                    "sigmoid.")],
        ),
        Exercise(
            question="One-hot encode the four feature columns of the play-tennis table "
                     "(Outlook, Temp, Humidity, Wind). How many 0/1 columns do you get?",
            answer=lambda: len(play_tennis()[0]),
            solution=lambda: ("One column per category of each feature: Outlook S, R; Temp H, L, "
                              "G; Humidity L, H; Wind H, L: "
                              f"{len(play_tennis()[0])} columns."),
            rel_tol=0, abs_tol=0.01,
            mistakes=lambda: [(4, "that is the number of original columns: each becomes one "
                                  "column per category."),
                              (5, "leave out the target column Play: it is what the neuron "
                                  "predicts, not an input.")],
        ),
        Exercise(
            question="Fit y = m·x + c by least squares to the points x = 1, 2, 3, 4, 5 and "
                     "y = 2.9, 5.1, 7.0, 9.2, 10.8. What are m and c? Answer [m, c] (3 decimals).",
            answer=lambda: list(_ex3()),
            solution=lambda: ("m = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)² and c = ȳ − m·x̄ with x̄ = 3, "
                              f"ȳ = 7.0: m = {_ex3()[0]:.3f}, c = {_ex3()[1]:.3f}"),
            mistakes=lambda: [([_ex3()[1], _ex3()[0]], "you swapped them: the answer is [m, c], "
                                                       "slope first.")],
        ),
    ])


class _LazyExercises:
    """Built on first use (the second exercise reads data/play_tennis.csv)."""

    _set = None

    def __getattr__(self, name):
        if _LazyExercises._set is None:
            _LazyExercises._set = _exercises()
        return getattr(_LazyExercises._set, name)


exercises = _LazyExercises()
