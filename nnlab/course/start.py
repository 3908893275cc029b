"""Notebook 00's exercise: the output of one sigmoid neuron (computed by `nnlab.engine.neuron`)."""
from __future__ import annotations

from ..engine.neuron import neuron
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
