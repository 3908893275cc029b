"""Notebook 00's exercise: the output of one sigmoid neuron (computed by `nnlab.engine.neuron`)."""
from __future__ import annotations

from ..engine.neuron import neuron
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet


def sigmoid_neuron(x: float, w: float, b: float) -> float:
    """y = σ(w·x + b) of a neuron with one input."""
    return float(neuron([x], [w], b, "sigmoid")[1])


exercises = ExerciseSet("Start here", [
    Exercise(
        question="A sigmoid neuron has weight w = 2, bias b = -1 and input x = 1. "
                 "What is its output y = σ(w·x + b)? (4 decimals)",
        answer=lambda: sigmoid_neuron(1.0, 2.0, -1.0),
        solution=lambda: ("z = w·x + b = 2·1 + (-1) = 1;  y = σ(1) = 1/(1 + e^-1) = "
                          f"{sigmoid_neuron(1.0, 2.0, -1.0):.4f}"),
        mistakes=lambda: [(1.0, "that is z = w·x + b; now apply the sigmoid σ(z) = 1/(1 + e^-z)."),
                          (sigmoid_neuron(1.0, 2.0, 1.0), "the bias is -1, not +1."),
                          (sigmoid_neuron(1.0, 2.0, 0.0), "you left out the bias b = -1.")],
    ),
])


# what notebook 00 tells the learner to try with its first explorer (checked by tests/test_claims.py)
claims = Claims("nnlab.views.start_view:demo_explorer", [
    Claim("Make **w** large (w = 4): at x = 1 the output moves close to 1 (σ(4) ≈ 0.98).",
          "w=4.0", lambda s: s["z"] == 4.0 and 0.98 < s["y"] < 0.99,
          "z = 4 and 0.98 < y < 0.99"),
    Claim("Make **w** negative (w = −4): the curve flips and the output at x = 1 is close to 0 "
          "(σ(−4) ≈ 0.02).",
          "w=-4.0", lambda s: s["z"] == -4.0 and 0.01 < s["y"] < 0.02,
          "z = −4 and 0.01 < y < 0.02"),
    Claim("Set **w** to 0: the neuron ignores its input; the output is σ(b) = 0.5 for every x "
          "(try x = 3).",
          "w=0.0; x=3.0", lambda s: s["z"] == 0.0 and s["y"] == 0.5, "z = 0 and y = 0.5"),
])
