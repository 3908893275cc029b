"""Notebook 01's exercises: a sigmoid neuron's output, one-hot columns, a least-squares line.

Every answer is computed by `nnlab.engine.neuron` from the exercise's own data.
"""
from __future__ import annotations

from ..engine.neuron import fit_line, neuron, play_tennis
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet


def _ex1():
    return float(neuron([2.0, 1.0], [0.5, -1.0], 0.2, "sigmoid")[1])


def _ex3():
    return fit_line([1, 2, 3, 4, 5], [2.9, 5.1, 7.0, 9.2, 10.8])


# (nothing is computed when the set is built: the answers and the table are read on first use)
exercises = ExerciseSet("The neuron", [
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
