"""Notebook 11's course content: the exercises on attention, positions, layer norm and cost, the
notes' "Enter Transformers" lines, and the claims the notebook makes about its two explorers."""
from __future__ import annotations

import numpy as np

from ..engine import attention as ATT
from ..engine import transformer as TF
from ..engine.transformer import parallel as P
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, variant_rng, variant_seed

# notes 001, the last section, as transcribed (the year slip is discussed in notebook 08)
ENTER_TRANSFORMERS = (
    "Transformers are a type of neural network that have a unique ability to recognize "
    "long-range connections within sequences. They are particularly useful for tasks like "
    "generating text, as the model needs to comprehend the preceding words in order to produce "
    "the next one.")
KEY_CAPABILITIES = ("Transformers are able to learn long-range dependencies in sequences.",
                    "Transformers are able to be trained on very large datasets.",
                    "Transformers are able to be parallelized")


def _vec(v) -> str:
    return "(" + ", ".join(f"{float(x):g}" for x in v) + ")"


def _distinct(answer, mistakes, rtol=2e-3, atol=1e-3):
    """The mistakes whose value differs from the answer (a slip that gives the right number is
    no slip), by more than twice the exercise's tolerance (what `check` allows a slip)."""
    a = np.asarray(answer, dtype=float)
    kept = []
    for w, why in mistakes:
        same = lambda b: np.asarray(w).shape == np.asarray(b).shape and np.allclose(  # noqa: E731
            w, b, rtol=rtol, atol=atol)
        if not same(a) and not any(same(k) for k, _ in kept):    # two slips, one number: the first
            kept.append((w, why))
    return kept


def _weight_exercise(rng) -> Exercise:
    d = 4
    q = rng.integers(-2, 3, d).astype(float)
    while not np.any(q):
        q = rng.integers(-2, 3, d).astype(float)
    K = rng.integers(-2, 3, (3, d)).astype(float)
    j = int(rng.integers(0, 3))
    # value = identity: the output of attention is then its weights
    w = lambda s=None: ATT.scaled_dot_product_attention(q[None], K, np.eye(3), scale=s)[0]  # noqa: E731
    return Exercise(
        question=f"A query q = {_vec(q)} meets three keys k1 = {_vec(K[0])}, k2 = {_vec(K[1])}, "
                 f"k3 = {_vec(K[2])} (d_k = {d}). What is the attention weight of key k{j + 1}, "
                 "softmax(q·k / √d_k)? (4 decimals)",
        answer=lambda: float(w()[j]),
        solution=lambda: (f"scores q·k = {_vec(K @ q)}, divided by √{d} = 2: {_vec(K @ q / 2)}; "
                          f"softmax: {_vec(np.round(w(), 4))}; weight of k{j + 1} = {w()[j]:.4f}"),
        mistakes=lambda: _distinct(w()[j], [
            (float(w(1.0)[j]), "divide the scores by √d_k = 2 before the softmax."),
            (float(w(1.0 / d)[j]), f"divide by √d_k = 2, not by d_k = {d}.")]),
    )


def _pe_exercise(rng) -> Exercise:
    d = int(rng.choice([8, 16, 32]))
    pos = int(rng.integers(1, 20))
    dim = int(rng.integers(0, 6))
    pe = lambda: TF.sinusoidal_encoding(pos + 1, d)[pos, dim]  # noqa: E731
    i = dim // 2
    angle = pos / 10000 ** (2 * i / d)
    fn = "sin" if dim % 2 == 0 else "cos"
    return Exercise(
        question=f"With d_model = {d}, what is the sinusoidal positional encoding PE[pos, dim] at "
                 f"position pos = {pos}, dimension dim = {dim} (dimensions counted from 0)? "
                 "(4 decimals)",
        answer=lambda: float(pe()),
        solution=lambda: (f"dim = {dim} = 2i{' + 1' if dim % 2 else ''} with i = {i}: "
                          f"PE = {fn}(pos / 10000^(2i/d_model)) = {fn}({pos} / 10000^({2 * i}/{d}))"
                          f" = {fn}({angle:.6f}) = {pe():.4f} (radians)"),
        mistakes=lambda: _distinct(pe(), [
            (float(np.cos(angle) if dim % 2 == 0 else np.sin(angle)),
             "even dimensions take the sine, odd ones the cosine."),
            (float((np.sin if dim % 2 == 0 else np.cos)(pos / 10000 ** (dim / d))),
             "the exponent is 2i/d_model with i = ⌊dim/2⌋: both columns of a pair share one "
             "frequency."),
            (float((np.sin if dim % 2 == 0 else np.cos)(np.deg2rad(angle))),
             "the angle is in radians, not degrees.")]),
    )


def _params_exercise(rng) -> Exercise:
    E = int(rng.choice([32, 64, 128, 256]))
    h = int(rng.choice([2, 4, 8]))
    Fd = int(rng.choice([2, 4])) * E
    n = lambda: TF.param_count(E, h, Fd)  # noqa: E731
    return Exercise(
        question=f"How many parameters has torch.nn.TransformerEncoderLayer(d_model={E}, nhead={h},"
                 f" dim_feedforward={Fd}) (attention, feed-forward and the two layer norms, every "
                 "bias included)?",
        answer=lambda: n(),
        rel_tol=0, abs_tol=0.5,
        solution=lambda: (f"attention: W_in 3·{E}·{E} + b_in 3·{E} + W_out {E}·{E} + b_out {E} = "
                          f"{4 * E * E + 4 * E}; feed-forward: {E}·{Fd} + {Fd} + {Fd}·{E} + {E} = "
                          f"{2 * E * Fd + Fd + E}; two layer norms: 4·{E} = {4 * E}; total {n()} "
                          "(the number of heads does not change it)"),
        mistakes=lambda: _distinct(n(), [
            (n() - 4 * E, "count the two layer norms: a weight and a bias of d_model each."),
            (n() - E * E - E, "count the output projection W_out (d_model × d_model) and its bias."),
            (n() - 4 * E - Fd - E - 2 * E, "count the biases too (torch's layers have them by "
                                           "default).")], rtol=0, atol=1),
    )


def _norm_exercise(rng) -> Exercise:
    x = rng.integers(-4, 6, 4).astype(float)
    while np.ptp(x) == 0:
        x = rng.integers(-4, 6, 4).astype(float)
    j = int(rng.integers(0, 4))
    tr = lambda: TF.layer_norm(x)  # noqa: E731
    mu, var_u = float(x.mean()), float(x.var(ddof=1))
    return Exercise(
        question=f"Layer norm (γ = 1, β = 0, ε = 1e-5) of the token x = {_vec(x)}: what is "
                 f"component {j + 1} of the output? (4 decimals)",
        answer=lambda: float(tr().out[j]),
        solution=lambda: (f"μ = {float(tr().mean[0]):g}, σ² = mean((x − μ)²) = {float(tr().var[0]):g} "
                          f"(divided by 4, not 3), x̂ = (x − μ)/√(σ² + ε) = "
                          f"{_vec(np.round(tr().xhat, 4))}; component {j + 1}: {tr().out[j]:.4f}"),
        mistakes=lambda: _distinct(tr().out[j], [
            (float((x[j] - mu) / np.sqrt(var_u + 1e-5)), "layer norm divides by n = 4 (the biased "
                                                          "variance), not by n − 1."),
            (float(x[j] / np.sqrt(float(tr().var[0]) + 1e-5)), "subtract the mean μ first."),
            (float((x[j] - mu) / (float(tr().var[0]) + 1e-5)), "divide by the standard deviation "
                                                                 "√(σ² + ε), not the variance.")]),
    )


def _cost_exercise(rng) -> Exercise:
    T = int(rng.choice([128, 256, 512, 1024, 2048]))
    E = int(rng.choice([64, 128, 256, 512]))
    while E == T:               # T²·E and T·E² would be the same number
        E = int(rng.choice([64, 128, 256, 512]))
    c = lambda: P.attention_cost(T, E)  # noqa: E731
    return Exercise(
        question=f"A sequence of T = {T} tokens of width E = {E}: how many multiply-adds do the "
                 "scores QKᵀ and the weighted sum AV take together (one sample, the projections "
                 "left out)?",
        answer=lambda: c()["scores_and_sum"],
        rel_tol=1e-9, abs_tol=0.5,
        solution=lambda: (f"QKᵀ: T × T scores of E products each = {T}²·{E} = {T * T * E}; AV the "
                          f"same again: total 2·T²·E = {c()['scores_and_sum']}"),
        mistakes=lambda: _distinct(c()["scores_and_sum"], [
            (T * T * E, "AV costs as much as QKᵀ: count both."),
            (2 * T * E * E, "the scores are T × T dot products of length E: T²·E, not T·E²."),
            (c()["multiply_adds"], "leave out the projections (4·T·E²).")], rtol=0, atol=1),
    )


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 11's exercises; seed 0 is the committed notebook's numbers, any other seed (0 to
    2**32 − 1) draws other numbers. Nothing is computed until an answer or solution is asked for."""
    seed = variant_seed(seed)
    rng = variant_rng(seed)
    makers = (_weight_exercise, _pe_exercise, _norm_exercise, _params_exercise, _cost_exercise)
    return ExerciseSet("Transformers", [make(rng) for make in makers], seed=seed)


exercises = exercise_set(0)


# what notebook 11 tells the learner about the attention-map explorer (tests/test_claims.py)
claims = Claims("nnlab.views.transformer_view:attention_factory", [
    Claim("In layer 2, head 1, the last position (the pointer →3 of test sequence 0) puts more "
          "than 0.9 of its weight on position 3, the symbol the model must name.",
          'example=0; layer="layer 2"; head="head 1"; query=8',
          lambda s: s["most_attended"] == s["pointer"] == 3 and s["max_weight"] > 0.9,
          "the largest weight of query 8 is on position 3 and above 0.9"),
    Claim("The same head finds the pointed-to position in another sequence (test sequence 5).",
          'example=5; layer="layer 2"; head="head 1"; query=8',
          lambda s: s["most_attended"] == s["pointer"] and s["prediction"] == s["target"],
          "query 8 attends most to the pointer's position, and the answer is right"),
    Claim("In layer 1 the pointer's weights are spread out: no position gets half of them.",
          'example=0; layer="layer 1"; head="head 1"; query=8',
          lambda s: s["max_weight"] < 0.5, "the largest weight of query 8 in layer 1 is below 0.5"),
])

# ... and about the positional-encoding explorer
positional_claims = Claims("nnlab.views.transformer_view:positional_factory", [
    Claim("PE[pos]·PE[pos] is d_model/2 at every position: 8 for d_model = 16.",
          "d_model=16; length=32; pos=20",
          lambda s: abs(s["self_similarity"] - 8.0) < 1e-9, "self-similarity 8 at pos 20"),
    Claim("The similarity is largest at q = pos and the same k places before and after it.",
          "d_model=16; length=32; pos=12",
          lambda s: s["peak_at"] == 12 and s["symmetric"], "peak at 12, symmetric around it"),
    Claim("With d_model = 2 only the fastest clock is left: the similarity swings below zero, and "
          "position 31, 19 places away, looks almost exactly like position 12 (0.99 of its "
          "self-similarity; with d_model = 16 no position 3 or more places away gets above 0.81).",
          "d_model=2; length=32; pos=12",
          lambda s: s["min_similarity"] < 0 and s["far_alike_at"] == 31 and s["far_alike"] > 0.98,
          "with d_model = 2 the smallest similarity is negative and position 31 is 0.99 alike"),
    Claim("With d_model = 16, positions 3 or more places from position 12 are at most 0.81 as alike "
          "as position 12 itself.",
          "d_model=16; length=32; pos=12",
          lambda s: s["far_alike"] < 0.81, "the largest far similarity ratio is below 0.81"),
])
