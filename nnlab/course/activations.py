"""The activation functions chapter's course content: what the notes say about each activation
(range as written and as it is, use, pros, cons, slips) and the exercises of notebook 03."""
from __future__ import annotations

import numpy as np

from ..engine import activations as A
from .exercises import Exercise, ExerciseSet


def _facts(range_notes, range_true, use, pros, cons, slips=()):
    return {"range_notes": range_notes, "range": range_true, "use": list(use),
            "pros": list(pros), "cons": list(cons), "slips": list(slips)}


FACTS = {
    "step": _facts("(not given)", "{0, 1}", ["the first perceptrons (the notes list it first)"],
                   [], ["derivative 0 everywhere (undefined at 0): gradient descent cannot learn "
                        "through it (not in the notes)"]),
    "sigmoid": _facts(
        "(0 to 1); also boxed as [0, 1]", "(0, 1)",
        ["binary classification", "output layer for binary classification (notes 001)",
         "Rarely Used (notes 001, RNN table)"],
        ["probability based values which are interpretable",
         "Useful for probability-based tasks (notes 001, RNN table)"],
        ["Vanishing Gradient", "Strong vanishing gradient issue (notes 001, RNN table)"],
        ["the boxed '= [0, 1]' includes 0 and 1, which σ never reaches: the range is (0, 1)",
         "the notes list 'Exploding Gradient' beside sigmoid, but σ'(x) ≤ 1/4: through sigmoid "
         "alone a gradient only shrinks; exploding gradients come from large weights"]),
    "tanh": _facts(
        "[-1, 1]", "(-1, 1)",
        ["Generally used in hidden layer", "RNNs (Classic) & LSTMs (notes 001, RNN table)"],
        ["Zero centered output helps optimizer", "less likely to saturate",
         "Keeps values balanced, better for sequential data (notes 001, RNN table)"],
        ["Vanishing gradient",
         "Slower training, vanishing gradients in deep networks (notes 001, RNN table)"],
        ["tanh never reaches ±1: the range is the open interval (-1, 1)"]),
    "relu": _facts(
        "[0, ∞)", "[0, ∞)",
        ["Default activation for hidden layers", "RNNs (Shallow or Deep) (notes 001, RNN table)"],
        ["Computationally efficient", "Mitigates vanishing gradient",
         "Faster training, helps mitigate vanishing gradients (notes 001, RNN table)"],
        ["Dying ReLU Problem", "Not zero centered",
         "Exploding gradients possible, no negative values (notes 001, RNN table)"]),
    "leaky_relu": _facts(
        "[0, ∞)", "(-∞, ∞)", ["hidden layers, against dying ReLU (use not written in the notes)"],
        ["a small slope α for x ≤ 0 keeps a gradient (not written in the notes)"],
        ["α is one more hyperparameter (not written in the notes)"],
        ["the notes give Leaky ReLU's range as [0, ∞): wrong, αx < 0 for x < 0, so the range "
         "is (-∞, ∞)"]),
    "prelu": _facts(
        "(not given)", "(-∞, ∞)", ["like Leaky ReLU, with α trained"],
        ["α is learned: ∂f/∂α = x for x ≤ 0, 0 for x > 0"], []),
    "elu": _facts(
        "(not given)", "(-α, ∞)", ["hidden layers (not written in the notes)"],
        ["smooth for x < 0, mean activation closer to zero (not written in the notes)"],
        [],
        ["the cons written under ELU ('outliers dominate', 'classes are mutually exclusive') "
         "are softmax's cons: the softmax heading is lost in the transcription"]),
    "hard_sigmoid": _facts(
        "(0, 1)", "[0, 1]", ["faster approx. value"], ["computationally faster"],
        ["less smooth than regular sigmoid"],
        ["the hard sigmoid reaches 0 and 1 exactly (for x ≤ −2.5 and x ≥ 2.5): the range is "
         "[0, 1], not (0, 1)",
         "the worked value at x = −10 is garbled: '2 × 10 + 0.5 … max(0, −1.5) … min(1, 0.5) … 0'"
         " — right is 0.2·(−10) + 0.5 = −1.5, max(0, −1.5) = 0, min(1, 0) = 0"]),
    "softplus": _facts(
        "(0, ∞)", "(0, ∞)", ["smooth approx of ReLU"], ["No dead neurons"], ["Slow"]),
    "linear": _facts("(not given)", "(-∞, ∞)", ["output layer for regression (not in the notes)"],
                     [], ["a stack of linear layers is one linear map (not in the notes)"]),
}

SOFTMAX_FACTS = _facts(
    "(not given)", "(0, 1) each, summing to 1",
    ["output layer for multi-class classification (e.g. the digit classes 0-9)"], [],
    ["outliers dominate", "classes are mutually exclusive"],
    ["the notes write these two cons under ELU; they belong to softmax"])


def _exercises():
    hs = lambda: float(A.ACTIVATIONS["hard_sigmoid"].forward(-10.0))  # noqa: E731
    sig = A.ACTIVATIONS["sigmoid"]
    sm = lambda T=1.0: float(A.softmax(np.array([2.0, 1.0, 0.0]), temperature=T)[0])  # noqa: E731
    leaky = A.get("leaky_relu", alpha=0.01)
    return ExerciseSet("Activation functions", [
        Exercise(
            question="The course's hard sigmoid is min(1, max(0, 0.2x + 0.5)). What is its value "
                     "at x = -10? (the notes' worked example is garbled)",
            answer=hs,
            solution=lambda: ("0.2·(−10) + 0.5 = −1.5;  max(0, −1.5) = 0;  min(1, 0) = "
                              f"{hs():g}. The notes write '2 × 10 + 0.5' and 'min(1, 0.5)': "
                              "both are transcription slips."),
            mistakes=lambda: [(0.5, "that is min(1, 0.5), the notes' slip: after max(0, −1.5) = 0 "
                                    "comes min(1, 0) = 0."),
                              (-1.5, "−1.5 is 0.2x + 0.5 before clipping: apply max(0, ·) and "
                                     "min(1, ·)."),
                              (1.0, "0.2·(−10) is −2, not +2: the input is negative.")]),
        Exercise(
            question="What is the derivative of the sigmoid at x = 0, σ'(0)?",
            answer=lambda: float(sig.derivative(0.0)),
            solution=lambda: "σ'(x) = σ(x)(1 − σ(x)); σ(0) = 0.5, so σ'(0) = 0.5·0.5 = 0.25, "
                             "the largest value σ' ever takes.",
            mistakes=lambda: [(0.5, "0.5 is σ(0), the value; the derivative is σ(0)(1 − σ(0)).")]),
        Exercise(
            question="A gradient passes back through 10 sigmoid layers, each multiplying it by "
                     "σ'(z) at most. What is the largest factor it can be multiplied by in total?",
            answer=lambda: float(sig.derivative(0.0)) ** 10,
            abs_tol=1e-12,
            solution=lambda: f"σ'(z) ≤ 1/4, so the product is at most (1/4)^10 = "
                             f"{0.25 ** 10:.4g}: the vanishing gradient.",
            mistakes=lambda: [(2.5, "factors multiply along the chain rule; they do not add."),
                              (0.5 ** 10, "σ' is at most 1/4 (at z = 0), not 1/2.")]),
        Exercise(
            question="Scores (2, 1, 0) go through a softmax (T = 1). What probability does the "
                     "first class get? (4 decimals)",
            answer=sm,
            solution=lambda: (f"e² / (e² + e¹ + e⁰) = 7.389 / (7.389 + 2.718 + 1) = {sm():.4f}"),
            mistakes=lambda: [(2 / 3, "that is 2/(2 + 1 + 0): softmax exponentiates the scores "
                                      "first."),
                              (1 / 3, "that is the uniform answer, the limit of a very high "
                                      "temperature.")]),
        Exercise(
            question="Leaky ReLU with α = 0.01: what is its derivative at x = −3?",
            answer=lambda: float(leaky.derivative(-3.0)),
            abs_tol=1e-6,
            solution=lambda: "For x ≤ 0 the Leaky ReLU is αx, so its slope is α = 0.01 "
                             "(not 0: that is what keeps the unit alive).",
            mistakes=lambda: [(0.0, "that is ReLU's derivative; Leaky ReLU keeps slope α."),
                              (-0.03, "−0.03 is the value αx; the derivative is α.")]),
    ])


exercises = _exercises()
