"""The activation functions chapter's course content: what the notes say about each activation
(range as written and as it is, use, pros, cons, slips) and the exercises of notebook 03."""
from __future__ import annotations

import numpy as np

from ..engine import activations as A
from .claims import Claim, Claims
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


# -- what the notebook tells the learner to try, each proven at its settings (tests/test_claims.py) --
ACTIVATION_CLAIMS = Claims("nnlab.views.activations_view:activation_explorer", [
    Claim("**sigmoid** at x = 6: f is close to 1 and the slope f′ has flattened to almost 0 — the "
          "neuron *saturates* and passes almost no gradient back.", 'name="Sigmoid"; x=6.0',
          lambda s: s["f"] > 0.99 and s["df"] < 0.003, "f > 0.99, f′ < 0.003"),
    Claim("**sigmoid** at x = 0: its largest slope, f′(0) = 0.25.", 'name="Sigmoid"; x=0.0',
          lambda s: abs(s["df"] - 0.25) < 1e-9, "f′(0) = 0.25"),
    Claim("**tanh** at x = 0: slope 1, four times sigmoid's; but it saturates too.",
          'name="Tanh"; x=0.0', lambda s: abs(s["df"] - 1.0) < 1e-9, "f′(0) = 1"),
    Claim("**ReLU** for x < 0 (here x = −2): the slope is exactly 0.", 'name="ReLU"; x=-2.0',
          lambda s: s["df"] == 0.0 and s["f"] == 0.0, "f = f′ = 0"),
    Claim("**Leaky ReLU** keeps a slope α there (here α = 0.3).",
          'name="Leaky ReLU"; x=-2.0; alpha=0.3', lambda s: abs(s["df"] - 0.3) < 1e-9, "f′ = α"),
    Claim("**PReLU**: the same curve as Leaky ReLU, but α is learned; at x = −2 the readout shows "
          "∂f/∂α = x = −2.", 'name="PReLU"; x=-2.0; alpha=0.3',
          lambda s: abs(s["df_dalpha"] + 2.0) < 1e-9, "∂f/∂α = x for x < 0"),
])

DEPTH_CLAIMS = Claims("nnlab.views.activations_view:depth_explorer", [
    Claim("After 30 layers at w = 1 the sigmoid's factor is below (1/4)³⁰ ≈ 1e-18: the gradient "
          "vanishes.", "depth=30; w=1.0",
          lambda s: 0 < s["sigmoid"] <= 0.25 ** 30, "0 < sigmoid factor ≤ 0.25³⁰"),
    Claim("**w** = 3 with ReLU: the factor grows to 3³⁰ ≈ 2e14 after 30 layers — the *exploding* "
          "gradient (notes 001: \"exploding gradients possible\" for ReLU) — while tanh and "
          "sigmoid still collapse; the axis shows all three lines.", "depth=30; w=3.0",
          lambda s: s["relu"] > 1e14 and s["sigmoid"] < 1e-10 and s["tanh"] < 1e-10
          and s["ylim"][0] < np.log10(min(s["sigmoid"], s["tanh"]))
          and s["ylim"][1] > np.log10(s["relu"]),
          "ReLU > 1e14, sigmoid and tanh < 1e-10, every line inside the y-range"),
    Claim("A negative **x** (here −1): ReLU's factor is 0 from the first layer on (a dead unit, "
          "section 4).", "depth=1; x=-1.0", lambda s: s["relu"] == 0.0, "ReLU factor exactly 0"),
])

SOFTMAX_CLAIMS = Claims("nnlab.views.activations_view:softmax_explorer", [
    Claim("Low **temperature** (T = 0.1) sharpens towards the arg max: class A gets > 99 %.",
          "temperature=0.1", lambda s: s["p"][0] > 0.99, "p_A > 0.99"),
    Claim("High T (T = 10) flattens towards uniform: every class within 0.25 ± 0.05.",
          "temperature=10.0", lambda s: all(abs(p - 0.25) < 0.05 for p in s["p"]),
          "every p within 0.05 of 1/4"),
    Claim("**score of class D** raised to 12: class D takes almost all the probability — an outlier "
          "dominates.", "outlier=12.0", lambda s: s["p"][3] > 0.99, "p_D > 0.99"),
])
