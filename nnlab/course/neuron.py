"""Notebook 01's exercises and what it tells the learner about the decision-boundary explorer.

The exercises (`exercise_set(seed)`): a sigmoid neuron's output, one-hot columns, a
least-squares line, one perceptron update, the passes of the perceptron on a truth table, a
line's mean squared error. Every answer is computed by the engine (`engine.neuron`,
`engine.perceptron`) from the exercise's own data, drawn from `numpy.random.default_rng(seed)`.
"""
from __future__ import annotations

import numpy as np

from ..engine.neuron import fit_line, neuron, play_tennis
from ..engine.perceptron import line_error, train_perceptron
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, variant_rng

FEATURES = ("outlook", "temp", "humidity", "wind")
GATE_TARGETS = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "NOR": [1, 0, 0, 0]}
GATE_INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]


def _num(v) -> str:
    return f"({v:g})" if v < 0 else f"{v:g}"


def _vec(v) -> str:
    return "(" + ", ".join(f"{x + 0.0:g}" for x in v) + ")"


def _distinct(answer, mistakes) -> list:
    """The listed slips whose value differs from the answer (a slip that gives the right number
    for these data is no slip) and from the slips before it."""
    kept = []
    for v, why in mistakes:   # nor one that gives the same number as an earlier slip
        if not any(np.allclose(np.asarray(v, dtype=float), np.asarray(u, dtype=float), rtol=4e-3,
                               atol=2e-3) for u in [answer, *(k[0] for k in kept)]):
            kept.append((v, why))
    return kept


def _sigmoid_exercise(rng) -> Exercise:
    w = rng.choice([-1.5, -1.0, -0.5, 0.5, 1.0, 1.5], size=2)
    x = rng.choice([-2.0, -1.0, 1.0, 2.0, 3.0], size=2)
    b = float(rng.choice([-0.4, -0.2, 0.2, 0.4]))
    y = lambda bias=b: float(neuron(x, w, bias, "sigmoid")[1])  # noqa: E731
    z = float(neuron(x, w, b, "linear")[0])
    return Exercise(
        question=f"A sigmoid neuron has weights w = {_vec(w)}, bias b = {b:g} and gets the input "
                 f"x = {_vec(x)}. What is its output y? (4 decimals)",
        answer=y,
        solution=lambda: (f"z = {_num(w[0])}·{_num(x[0])} + {_num(w[1])}·{_num(x[1])} + {_num(b)} "
                          f"= {z:g};  y = σ(z) = 1/(1 + e^(−z)) = {y():.4f}"),
        mistakes=lambda: _distinct(y(), [
            (z, "that is z, the linear part; apply the activation σ(z) = 1/(1 + e^-z) to it."),
            (y(0.0), f"you left out the bias b = {b:g}."),
            (float(z >= 0), "that is the step function's output; this neuron uses the sigmoid.")]),
    )


def _one_hot_exercise(rng) -> Exercise:
    k = int(rng.integers(2, 5))
    cols = sorted(rng.choice(len(FEATURES), size=k, replace=False).tolist())
    chosen = [FEATURES[i] for i in cols]

    def count():
        names = play_tennis()[0]
        return sum(1 for n in names if n.split("=")[0] in chosen)

    return Exercise(
        question="One-hot encode only the columns " + ", ".join(c.capitalize() for c in chosen)
                 + " of the play-tennis table. How many 0/1 columns do you get?",
        answer=count,
        solution=lambda: ("One column per category that appears in each chosen column: "
                          + "; ".join(f"{c.capitalize()} "
                                      + ", ".join(n.split("=")[1] for n in play_tennis()[0]
                                                  if n.split("=")[0] == c) for c in chosen)
                          + f": {count()} columns."),
        rel_tol=0, abs_tol=0.01,
        mistakes=lambda: [(len(chosen), "that is the number of original columns: each becomes "
                                        "one column per category."),
                          (count() + 2, "leave out the target column Play (Y, N): it is what the "
                                        "neuron predicts, not an input.")],
    )


def _line_exercise(rng) -> Exercise:
    x = np.arange(1.0, 6.0)
    m0, c0 = float(rng.choice([-1.5, -0.5, 0.5, 1.5, 2.5])), float(rng.integers(-3, 4))
    y = np.round(m0 * x + c0 + rng.choice([-0.2, -0.1, 0.0, 0.1, 0.2], size=5), 1)
    fit = lambda: fit_line(x, y)  # noqa: E731
    return Exercise(
        question=f"Fit y = m·x + c by least squares to the points x = {', '.join(f'{v:g}' for v in x)} "
                 f"and y = {', '.join(f'{v:g}' for v in y)}. What are m and c? Answer [m, c] "
                 "(3 decimals).",
        answer=lambda: list(fit()),
        solution=lambda: ("m = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)² and c = ȳ − m·x̄ with x̄ = "
                          f"{x.mean():g}, ȳ = {y.mean():g}: m = {fit()[0]:.3f}, c = {fit()[1]:.3f}"),
        mistakes=lambda: [([fit()[1], fit()[0]], "you swapped them: the answer is [m, c], "
                                                 "slope first.")],
    )


def _update_exercise(rng) -> Exercise:
    w = rng.integers(-2, 3, size=3).astype(float)
    x = np.concatenate([[1.0], rng.integers(0, 2, size=2).astype(float)])
    while x[1] + x[2] == 0:
        x[1:] = rng.integers(0, 2, size=2)
    t, lr = 1.0 - float(w @ x >= 0), float(rng.choice([0.5, 1.0, 2.0]))    # a row the perceptron gets wrong
    step = lambda: train_perceptron(x[None, 1:], [t], lr=lr, w0=w, max_passes=1).updates[0]  # noqa: E731
    return Exercise(
        question=f"A perceptron (step activation, bias w0 on the constant input x0 = 1) has "
                 f"weights w = (w0, w1, w2) = {_vec(w)}. It sees the row x1 = {x[1]:g}, "
                 f"x2 = {x[2]:g} with target t = {t:g}, learning rate η = {lr:g}. What are the "
                 "weights after Rosenblatt's update w ← w + η(t − ŷ)x? Answer [w0, w1, w2].",
        answer=lambda: step().w_after.tolist(),
        solution=lambda: (f"z = w·x = {step().z:g}, ŷ = step(z) = {step().y_hat:g}, error t − ŷ = "
                          f"{step().error:g}; Δw = η(t − ŷ)x = {_vec(step().dw)}; "
                          f"w = {_vec(step().w_after)}"),
        mistakes=lambda: _distinct(step().w_after, [
            ((w - step().dw).tolist(), "the sign of the update: w moves by +η(t − ŷ)x."),
            ((w + step().error * x).tolist(), f"multiply by the learning rate η = {lr:g}."),
            ((w + np.concatenate([[0.0], step().dw[1:]])).tolist(),
             "the bias is a weight too: w0 changes by η(t − ŷ)·1.")]),
    )


def _passes_exercise(rng) -> Exercise:
    gate = str(rng.choice(list(GATE_TARGETS)))
    w0 = rng.integers(-1, 2, size=3).astype(float)
    run = lambda: train_perceptron(GATE_INPUTS, GATE_TARGETS[gate], lr=1.0, w0=w0)  # noqa: E731
    return Exercise(
        question=f"Train a perceptron on the {gate} table (rows (0, 0), (0, 1), (1, 0), (1, 1) in "
                 f"this order), η = 1, starting from w = (w0, w1, w2) = {_vec(w0)}. How many "
                 "passes does it make, counting the last pass, the one that changes nothing?",
        answer=lambda: run().passes,
        solution=lambda: (f"{run().passes - 1} pass(es) with updates ("
                          + "; ".join(f"pass {p}: row(s) {', '.join(str(i + 1) for i in wrong)} wrong"
                                      for p, wrong in enumerate(run().mistakes, 1) if wrong)
                          + f"), then pass {run().passes} finds every row right; final w = "
                          f"{_vec(run().weights)}"),
        rel_tol=0, abs_tol=0.01,
        mistakes=lambda: _distinct(run().passes, [
            (run().passes - 1, "count the last pass too: it is the one that shows every row is "
                               "right."),
            (sum(u.changed for u in run().updates), "that is the number of updates that changed "
                                                    "w, not of passes.")]),
    )


def _mse_exercise(rng) -> Exercise:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = rng.integers(-3, 6, size=4).astype(float)
    m, c = float(rng.choice([-1.0, 0.5, 1.0, 1.5, 2.0])), float(rng.integers(-2, 3))
    err = lambda: line_error(x, y, m, c)  # noqa: E731
    return Exercise(
        question=f"The line y = {m:g}·x + {_num(c)} and the points (x, y) = "
                 + ", ".join(f"({a:g}, {b:g})" for a, b in zip(x, y))
                 + ". What is its mean squared error (1/n)·Σ(y − (m·x + c))²? (4 decimals)",
        answer=lambda: err()["mse"],
        solution=lambda: ("residuals y − (m·x + c) = " + _vec(err()["residuals"])
                          + f"; their squares averaged: {err()['mse']:.4f}"),
        mistakes=lambda: _distinct(err()["mse"], [
            (4 * err()["mse"], "divide the sum of squares by the number of points, 4."),
            (float(np.sqrt(err()["mse"])), "that is the root of the mean squared error; do not "
                                           "take the root."),
            (float(np.mean(err()["residuals"])), "square each residual before averaging.")]),
    )


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 01's exercises; seed 0 is the committed notebook's numbers (see the contract in
    `nnlab.course.exercises`). Nothing is computed until an answer or solution is asked for."""
    rng = variant_rng(seed)
    makers = (_sigmoid_exercise, _one_hot_exercise, _line_exercise, _update_exercise,
              _passes_exercise, _mse_exercise)
    return ExerciseSet("The neuron and the perceptron", [make(rng) for make in makers], seed=seed)


exercises = exercise_set(0)


# what notebook 01 tells the learner to try with the decision-boundary explorer
# (checked by tests/test_claims.py; that no line separates XOR is checked over a grid of
# weights by nnlab.engine.neuron.separable_by_one_neuron in the notebook and its tests)
claims = Claims("nnlab.views.neuron_view:main_explorer", [
    Claim("With the AND table and w1 = w2 = 1, the starting bias b = −0.5 gets only 2 of the 4 "
          "rows right; b = −1.5 gets all four.",
          "gate=\"AND\"; b=-1.5", lambda s: s["rows_right"] == 4 and s["y"] == [0, 0, 0, 1],
          "4 rows right, output 1 only for (1, 1)"),
    Claim("Switch to OR: with w1 = w2 = 1, b = −0.5 gets all four rows right.",
          "gate=\"OR\"; b=-0.5", lambda s: s["rows_right"] == 4 and s["y"] == [0, 1, 1, 1],
          "4 rows right, output 0 only for (0, 0)"),
    Claim("Try XOR: the weights that solve OR get 3 rows right, those that solve AND only 1; no "
          "line gets all four.",
          "gate=\"XOR\"; b=-0.5", lambda s: s["rows_right"] == 3, "3 rows right at b = −0.5"),
    Claim("(XOR with the AND weights, b = −1.5: 1 row right.)",
          "gate=\"XOR\"; b=-1.5", lambda s: s["rows_right"] == 1, "1 row right at b = −1.5"),
])
