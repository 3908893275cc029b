"""The activation functions chapter's course content: what the notes say about each activation
(range as written and as it is, use, pros, cons, slips) and the exercises of notebook 03."""
from __future__ import annotations

import numpy as np

from ..engine import activations as A
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, grid, variant_rng, variant_seed


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


def variant_numbers(seed: int) -> dict:
    """The numbers of notebook 03's exercises in the variant `seed` (0: the committed ones)."""
    if seed == 0:
        return {"hard_x": -1.8, "sig_x": 1.5, "depth": 8, "w": 2.0, "scores": (1.0, 3.0, 0.0),
                "T": 1.0, "cls": 2, "elu_alpha": 1.0, "elu_x": -1.5}
    rng = variant_rng(seed)
    scores = tuple(grid(rng, -2.0, 3.0, 0.5) for _ in range(3))
    while len(set(scores)) < 3:                  # three different scores, so no class ties
        scores = tuple(grid(rng, -2.0, 3.0, 0.5) for _ in range(3))
    return {"hard_x": grid(rng, -4.0, 4.0, 0.1, avoid=(-2.5, 0.0, 2.5)),
            "sig_x": grid(rng, -3.0, 3.0, 0.5, avoid=(0.0,)),
            "depth": int(rng.integers(4, 13)), "w": grid(rng, 0.5, 3.5, 0.5, avoid=(1.0,)),
            "scores": scores, "T": float(rng.choice([0.5, 1.0, 2.0])), "cls": int(rng.integers(1, 4)),
            "elu_alpha": grid(rng, 0.5, 2.0, 0.5), "elu_x": grid(rng, -3.0, -0.5, 0.5)}


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 03's exercises in the variant `seed` (0: the numbers the notebook shows)."""
    v = variant_numbers(variant_seed(seed))
    sig = A.ACTIVATIONS["sigmoid"]
    hx, sx, n, w = v["hard_x"], v["sig_x"], v["depth"], v["w"]
    pre, _, h_value = (float(val) for val in A.hard_sigmoid_steps(hx))
    sig_x = float(sig.forward(sx))
    d_sig = float(sig.derivative(sx))
    per_layer = w * float(sig.derivative(0.0))            # w·σ'(z) is at most w/4 (at z = 0)
    scores, T, k = np.array(v["scores"]), v["T"], v["cls"]
    p = A.softmax(scores, temperature=T)
    p_T1 = A.softmax(scores)
    elu = A.get("elu", alpha=v["elu_alpha"])
    ea, ex_ = v["elu_alpha"], v["elu_x"]
    d_elu = float(elu.derivative(ex_))
    score_text = ", ".join(f"{s_:g}" for s_ in scores)
    soft_slips = [(1 / 3, "that is the uniform answer, the limit of a very high temperature.")]
    if abs(scores.sum()) > 1e-9:
        soft_slips.append((scores[k - 1] / scores.sum(), "that is the score over the sum of the "
                                                         "scores: softmax exponentiates first."))
    if T != 1.0:
        soft_slips.append((float(p_T1[k - 1]), f"that is the softmax at T = 1: divide the "
                                               f"scores by T = {T:g} before exponentiating."))
    return ExerciseSet("Activation functions", [
        Exercise(
            question=f"The course's hard sigmoid is min(1, max(0, 0.2x + 0.5)). What is its value "
                     f"at x = {hx:g}? (4 decimals)",
            answer=lambda: h_value,
            solution=lambda: (f"0.2·({hx:g}) + 0.5 = {pre:.4f};  max(0, ·) then min(1, ·) "
                              f"give {h_value:.4f}. (The notes' worked example at x = −10 writes "
                              "'2 × 10 + 0.5' and 'min(1, 0.5)': both are transcription slips.)"),
            mistakes=lambda: [(pre, f"{pre:.4f} is 0.2x + 0.5 before clipping: apply max(0, ·) "
                                    "and min(1, ·)."),
                              (float(np.clip(2 * hx + 0.5, 0, 1)), "the slope is 0.2, not 2 "
                               "(the notes' garbled '2 × 10')."),
                              (0.5, "that is min(1, 0.5), the notes' slip: after max(0, ·) comes "
                                    "min(1, ·) of that result.")]),
        Exercise(
            question=f"What is the derivative of the sigmoid at x = {sx:g}, σ'({sx:g})? "
                     "(4 decimals)",
            answer=lambda: d_sig,
            solution=lambda: (f"σ'(x) = σ(x)(1 − σ(x)); σ({sx:g}) = {sig_x:.4f}, so σ'({sx:g}) "
                              f"= {sig_x:.4f}·{1 - sig_x:.4f} = {d_sig:.4f} (at most 0.25, at 0)."),
            mistakes=lambda: [(sig_x, f"{sig_x:.4f} is σ({sx:g}), the value; the derivative is "
                                      "σ(x)(1 − σ(x))."),
                              (0.25, "0.25 is σ'(0), the largest slope; here x is not 0."),
                              (sig_x * (1 + sig_x), "σ' = σ(1 − σ): a minus, not a plus.")]),
        Exercise(
            question=f"A gradient passes back through {n} sigmoid layers with weight w = {w:g} "
                     "each; each layer multiplies it by w·σ'(z). What is the largest total factor "
                     "it can be multiplied by? (4 significant digits)",
            answer=lambda: per_layer ** n,
            abs_tol=1e-15,
            solution=lambda: (f"σ'(z) ≤ 1/4, so each layer multiplies by at most {w:g}/4 = "
                              f"{per_layer:g} and {n} layers by ({per_layer:g})^{n} = "
                              f"{per_layer ** n:.4g}" + (": the vanishing gradient." if
                                                         per_layer < 1 else ": it can grow.")),
            mistakes=lambda: [(n * per_layer, "factors multiply along the chain rule; they do "
                                              "not add."),
                              ((w / 2) ** n, "σ' is at most 1/4 (at z = 0), not 1/2."),
                              (0.25 ** n, f"you left out the weight w = {w:g} of each layer.")]),
        Exercise(
            question=f"Scores ({score_text}) go through a softmax with temperature T = {T:g}. "
                     f"What probability does class {k} (the score {scores[k - 1]:g}) get? "
                     "(4 decimals)",
            answer=lambda: float(p[k - 1]),
            solution=lambda: ("p_k = e^(s_k/T) / Σ_j e^(s_j/T) = " + " , ".join(
                f"{q:.4f}" for q in p) + f" for the three classes: class {k} gets "
                f"{p[k - 1]:.4f}"),
            mistakes=lambda: soft_slips),
        Exercise(
            question=f"ELU with α = {ea:g}: f(x) = x for x > 0, α(e^x − 1) for x ≤ 0. What is its "
                     f"derivative at x = {ex_:g}? (4 decimals)",
            answer=lambda: d_elu,
            solution=lambda: (f"For x ≤ 0, f'(x) = α·e^x = {ea:g}·e^({ex_:g}) = {d_elu:.4f} "
                              "(not 0: negative inputs still pass a gradient back)."),
            mistakes=lambda: [(float(elu.forward(ex_)), "that is the value α(e^x − 1); the "
                                                        "derivative is α·e^x."),
                              (0.0, "that is ReLU's derivative for x < 0; ELU keeps α·e^x."),
                              (1.0, "1 is the slope for x > 0; here x is negative."),
                              (float(np.exp(ex_)), f"you left out α = {ea:g}.")]),
    ], seed=seed)


exercises = exercise_set(0)


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
