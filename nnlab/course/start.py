"""Notebook 00's exercise: the output of one sigmoid neuron (computed by `nnlab.engine.neuron`)."""
from __future__ import annotations

from ..engine.neuron import neuron
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, grid, variant_rng, variant_seed


def sigmoid_neuron(x: float, w: float, b: float) -> float:
    """y = σ(w·x + b) of a neuron with one input."""
    return float(neuron([x], [w], b, "sigmoid")[1])


def variant_numbers(seed: int) -> tuple[float, float, float]:
    """(w, b, x) of the variant: seed 0 the committed notebook's, other seeds drawn."""
    if seed == 0:
        return 1.5, -0.5, 2.0
    rng = variant_rng(seed)
    w = grid(rng, -3.0, 3.0, 0.5, avoid=(0.0,))
    b = grid(rng, -2.0, 2.0, 0.5, avoid=(0.0, w, -w))   # |b| = |w| would make −w/b the answer
    return w, b, grid(rng, -2.0, 2.0, 0.5, avoid=(0.0, 1.0))


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 00's exercises in the variant `seed` (0: the numbers the notebook shows)."""
    w, b, x = variant_numbers(variant_seed(seed))
    z = w * x + b
    y = sigmoid_neuron(x, w, b)
    return ExerciseSet("Start here", [
        Exercise(
            question=f"A sigmoid neuron has weight w = {w:g}, bias b = {b:g} and input x = {x:g}. "
                     "What is its output y = σ(w·x + b)? (4 decimals)",
            answer=lambda: y,
            solution=lambda: (f"z = w·x + b = {w:g}·{x:g} + ({b:g}) = {z:g};  y = σ({z:g}) = "
                              f"1/(1 + e^{-z:g}) = {y:.4f}"),
            mistakes=lambda: [(z, "that is z = w·x + b; now apply the sigmoid σ(z) = 1/(1 + e^-z)."),
                              (sigmoid_neuron(x, w, -b), f"the bias is {b:g}, not {-b:g}."),
                              (sigmoid_neuron(x, w, 0.0), f"you left out the bias b = {b:g}.")],
        ),
        Exercise(
            question=f"The same neuron (w = {w:g}, b = {b:g}): at which input x is its output "
                     "exactly 0.5, the middle of the sigmoid? (4 decimals)",
            answer=lambda: -b / w,
            solution=lambda: (f"σ(z) = 0.5 exactly when z = 0: w·x + b = 0, so x = −b/w = "
                              f"−({b:g})/{w:g} = {-b / w:.4f}"),
            mistakes=lambda: [(-w / b, "that is −w/b: solve w·x + b = 0 for x, x = −b/w."),
                              (0.0, "x = 0 gives z = b, not 0: the bias moves the middle.")],
        ),
    ], seed=seed)


exercises = exercise_set(0)


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
