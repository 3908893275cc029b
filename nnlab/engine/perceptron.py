"""Rosenblatt's perceptron: one neuron with a step activation and its learning rule.

The neuron: ŷ = step(w · x), with the bias written as a weight w0 on a constant input x0 = 1
(so w · x = w0 + w1 x1 + ... + wn xn), and step(z) = 1 for z ≥ 0, else 0 (the notes' step,
`nnlab.engine.neuron.activate("step", ...)`).

The rule (Rosenblatt 1958), one row at a time, the rows in order, pass after pass:

    ŷ = step(w · x);   error = t − ŷ   (−1, 0 or +1);   Δw = η · error · x;   w ← w + Δw

A row classified right changes nothing. `train_perceptron` returns every update as an
`Update` (row, inputs, z, ŷ, error, Δw, the weights before and after) and stops when

- a whole pass changed nothing: every row is right with these weights (`settled`), or
- the weights at the start of a pass equal those at the start of an earlier pass: the rule
  is deterministic, so from there it repeats the same passes for ever and never settles
  (`cycle` = (first pass of the repeat, period)). By the perceptron convergence theorem
  (Novikoff 1962), on data that one line (hyperplane) separates the rule makes only finitely
  many mistakes; a cycle with a mistake in it makes infinitely many, so the rows are not
  linearly separable. The comparison is exact, which it is for 0/1 inputs and a learning rate
  such as 1 or 0.5 (sums of such numbers are exact in floating point);
- or after `max_passes` passes (`stopped`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core import functional as F
from ..core import validate as V
from .neuron import GATE_X, GATES, activate, fit_line, play_tennis

MAX_PASSES = 1000


@dataclass(frozen=True)
class Update:
    """One row presented to the perceptron (an update that may change nothing)."""

    pass_no: int            # 1, 2, ...
    row: int                # index of the row in the table (0-based)
    x: np.ndarray           # the inputs with x0 = 1 first
    target: float
    z: float                # w · x before the update
    y_hat: float            # step(z)
    error: float            # target − ŷ
    dw: np.ndarray          # η · error · x
    w_before: np.ndarray
    w_after: np.ndarray

    @property
    def changed(self) -> bool:
        return self.error != 0


@dataclass
class PerceptronRun:
    names: list             # "x0=1" (the bias input) then the feature names
    X: np.ndarray           # the rows with the column x0 = 1 first
    t: np.ndarray
    lr: float
    updates: list = field(default_factory=list)
    pass_weights: list = field(default_factory=list)   # weights at the start of each pass, and at the end
    mistakes: list = field(default_factory=list)       # rows wrong in each pass
    settled: bool = False
    cycle: tuple | None = None                         # (first pass repeated, period)
    stopped: bool = False

    @property
    def passes(self) -> int:
        """Passes run (for a settled run, the last is the pass that changed nothing)."""
        return len(self.mistakes)

    @property
    def passes_with_updates(self) -> int:
        return sum(1 for m in self.mistakes if m)

    @property
    def weights(self) -> np.ndarray:
        return self.pass_weights[-1]

    def predict(self, w=None) -> np.ndarray:
        w = self.weights if w is None else w
        return activate("step", self.X @ w)

    def rows_right(self, w=None) -> int:
        return int(np.sum(self.predict(w) == self.t))

    def outcome(self) -> str:
        if self.settled:
            return (f"settled: pass {self.passes} changed nothing, every row is right "
                    f"({sum(u.changed for u in self.updates)} changes in {self.passes - 1} "
                    "passes before it)")
        if self.cycle is not None:
            first, period = self.cycle
            return (f"cycles: the weights at the start of pass {first + period} equal those at "
                    f"the start of pass {first}, so the same {period} pass(es) repeat for ever")
        return f"stopped after {self.passes} passes without settling"


def with_bias_input(X) -> np.ndarray:
    X = V.finite_array("X", X, ndim=2)
    return np.hstack([np.ones((len(X), 1)), X])


def train_perceptron(X, t, lr=1.0, w0=None, max_passes=100, names=None) -> PerceptronRun:
    """Rosenblatt's rule on the rows of X (without the bias column) in order; see the module doc."""
    Xb = with_bias_input(X)
    t = V.finite_array("t", t, shape=(len(Xb),))
    if not np.all((t == 0) | (t == 1)):
        V.fail("t", "targets 0 or 1", t.tolist())
    lr = V.finite_number("lr", lr, minimum=0, strict_min=True)
    max_passes = V.positive_int("max_passes", max_passes, maximum=MAX_PASSES)
    w = (np.zeros(Xb.shape[1]) if w0 is None
         else V.finite_array("w0", w0, shape=(Xb.shape[1],)).copy())
    if names is None:
        names = [f"x{k}" for k in range(1, Xb.shape[1])]
    if len(names) != Xb.shape[1] - 1:
        V.fail("names", f"{Xb.shape[1] - 1} feature names", len(names))
    run = PerceptronRun(["x0=1", *names], Xb, t, lr)
    seen = {}
    for p in range(1, max_passes + 1):
        key = tuple(w.tolist())
        if key in seen:
            run.cycle = (seen[key], p - seen[key])
            break
        seen[key] = p
        run.pass_weights.append(w.copy())
        wrong = []
        for i, (x, target) in enumerate(zip(Xb, t)):
            z = float(x @ w)
            y_hat = float(activate("step", z))
            error = float(target - y_hat)
            dw = lr * error * x + 0.0   # + 0.0: no -0 printed where x = 0
            w_new = w + dw
            run.updates.append(Update(p, i, x, float(target), z, y_hat, error, dw, w, w_new))
            if error != 0:
                wrong.append(i)
            w = w_new
        run.mistakes.append(wrong)
        if not wrong:
            run.settled = True
            break
    else:
        run.stopped = True
    run.pass_weights.append(w.copy())
    return run


def gate_table(gate: str):
    """(names, X, t) of a two-input truth table (AND, OR, XOR)."""
    gate = V.choice("gate", gate, GATES)
    return ["x1", "x2"], GATE_X.copy(), GATES[gate].copy()


DATA = ("play tennis", "AND", "OR", "XOR")


def table(name: str):
    """(names, X, t) of one of the perceptron's tables: the notes' play-tennis table, or a gate."""
    name = V.choice("data", name, DATA)
    if name == "play tennis":
        names, X, t, _ = play_tennis()
        return names, X, t
    return gate_table(name)


def xor_contradiction() -> list[str]:
    """Why no line separates XOR: the four inequalities of step(w0 + w1 x1 + w2 x2) = XOR, and
    the two sums that contradict each other."""
    return ["(0, 0) → 0 needs  w0 < 0",
            "(0, 1) → 1 needs  w0 + w2 ≥ 0",
            "(1, 0) → 1 needs  w0 + w1 ≥ 0",
            "(1, 1) → 0 needs  w0 + w1 + w2 < 0",
            "the middle two added: 2·w0 + w1 + w2 ≥ 0;  the first and last added: "
            "2·w0 + w1 + w2 < 0 — both cannot hold"]


def line_error(x, y, m, c) -> dict:
    """The line y = m·x + c against the points, for fitting by hand: predictions, residuals
    (y − ŷ), the mean squared error, and the least-squares line with its error beside it."""
    x = V.finite_array("x", x, ndim=1)
    y = V.finite_array("y", y, shape=(len(x),))
    m, c = V.finite_number("m", m), V.finite_number("c", c)
    m_ls, c_ls = fit_line(x, y)
    pred, pred_ls = m * x + c, m_ls * x + c_ls
    return {"pred": pred, "residuals": y - pred, "mse": F.mse(pred, y)[0],
            "m_ls": m_ls, "c_ls": c_ls, "pred_ls": pred_ls, "mse_ls": F.mse(pred_ls, y)[0]}
