"""Notebook 08's exercises: one step of each cell by hand, a parameter count, a cosine similarity.

The answers are written from the exercise's own small numbers (a one-unit cell whose weights
are all given), not by calling the cells of nnlab.engine.rnn, so a wrong cell would not make
a wrong answer agree with it. `exercise_set(seed)` draws another variant's inputs, weights,
sizes and words (seed 0: the notebook's).
"""
from __future__ import annotations

import numpy as np

from ..core import functional as F
from ..engine.attention import load_word_vectors
from ..engine.rnn import param_count
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, grid, variant_rng, variant_seed

X, H = 1.0, 0.5          # the notebook's own x_t and h_(t-1) (variant 0)
RNN_WEIGHTS = (0.5, 0.8, 0.1)   # W_ih, W_hh, b_ih + b_hh of the one-unit RNN (variant 0)
WORDS = ("The", "Cardinals", "will", "win", "the", "world", "series")


def word(w):
    """The slides' 3-D vector of the word w (data/word_vectors.csv)."""
    return load_word_vectors()[w]


def cos_words(a, b) -> float:
    u, v = word(a), word(b)
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def cos_solution(a, b) -> str:
    u, v = word(a), word(b)
    return (f"{a} = {u.tolist()}, {b} = {v.tolist()}; a·b = {float(u @ v):.4f}, "
            f"‖a‖ = {np.linalg.norm(u):.4f}, ‖b‖ = {np.linalg.norm(v):.4f}; "
            f"cos = a·b / (‖a‖‖b‖) = {cos_words(a, b):.4f}")


def _p(v: float) -> str:
    """A number as a factor in a worked line: negatives in brackets."""
    return f"({v:g})" if v < 0 else f"{v:g}"


def _numbers(seed: int) -> dict:
    if seed == 0:
        return {"x": X, "h": H, "rnn": RNN_WEIGHTS, "gx": X, "gh": H, "lx": X, "lh": H, "c": 1.0,
                "sizes": (10, 64), "words": ("win", "world")}
    rng = variant_rng(seed)
    tenth = lambda lo, hi: grid(rng, lo, hi, 0.1, avoid=(0.0,))   # noqa: E731
    words = rng.choice(len(WORDS), size=2, replace=False)
    return {"x": tenth(-1, 1), "h": tenth(-0.9, 0.9),
            "rnn": (tenth(-1, 1), tenth(-1, 1), tenth(-0.5, 0.5)),
            "gx": tenth(-1, 1), "gh": tenth(-0.9, 0.9), "lx": tenth(-1, 1), "lh": tenth(-0.9, 0.9),
            "c": tenth(-1, 1), "sizes": (int(rng.integers(2, 33)), int(rng.choice([16, 32, 48, 64, 128]))),
            "words": (WORDS[int(words[0])], WORDS[int(words[1])])}


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 08's exercises in the variant `seed` (0: the notebook's own numbers).

    The answers are written from each exercise's small numbers (one-unit cells whose weights are
    all given), not by calling the cells of nnlab.engine.rnn, so a wrong cell would not make a
    wrong answer agree with it; the tests check them against torch's RNNCell, GRUCell, LSTMCell.
    """
    v = _numbers(variant_seed(seed))
    x, h, (wi, wh, b) = v["x"], v["h"], v["rnn"]
    a = wi * x + wh * h + b
    rnn = float(F.tanh(a))
    gx, gh = v["gx"], v["gh"]
    r = z = float(F.sigmoid(gx + gh))          # every weight 1, every bias 0
    n = float(F.tanh(gx + r * gh))
    gru = (1 - z) * n + z * gh
    lx, lh, c = v["lx"], v["lh"], v["c"]
    s_, g = float(F.sigmoid(lx + lh)), float(F.tanh(lx + lh))
    cell = s_ * c + s_ * g
    n_in, n_h = v["sizes"]
    w1, w2 = v["words"]
    return ExerciseSet("RNN, GRU and LSTM", [
        Exercise(
            question=f"A one-unit RNN cell has W_ih = {wi:g}, W_hh = {wh:g}, b_ih + b_hh = {b:g} and "
                     f"tanh. With x_t = {x:g} and h_(t-1) = {h:g}, what is h_t? (4 decimals)",
            answer=lambda: rnn,
            solution=lambda: (f"a = {wi:g}·{_p(x)} + {wh:g}·{_p(h)} + {_p(b)} = {a:.4f};  h_t = "
                              f"tanh(a) = {rnn:.4f}"),
            mistakes=lambda: [(a, "that is the pre-activation a; apply tanh to it."),
                              (float(F.tanh(a - b)), f"you left out the bias {b:g}."),
                              (float(F.sigmoid(a)), "the RNN cell uses tanh here, not the sigmoid.")]),
        Exercise(
            question=f"A one-unit GRU has every weight equal to 1 and every bias 0, so r = z = "
                     f"σ(x + h) and n = tanh(x + r·h). With x = {gx:g} and h_(t-1) = {gh:g}, "
                     "what is h_t = (1 − z)·n + z·h_(t-1)? (4 decimals)",
            answer=lambda: gru,
            solution=lambda: (f"r = z = σ({gx:g} + {gh:g}) = {z:.4f}; n = tanh({gx:g} + r·{gh:g}) = "
                              f"{n:.4f}; h_t = (1 − z)·n + z·h = {gru:.4f}").replace("+ -", "− "),
            mistakes=lambda: [(z * n + (1 - z) * gh, "z and 1 − z are swapped: z multiplies the OLD "
                               "state h_(t-1) (PyTorch and the course agree)."),
                              (n, "that is the candidate n; now mix it with h_(t-1) through z.")]),
        Exercise(
            question=f"A one-unit LSTM has every weight equal to 1 and every bias 0, so i = f = o = "
                     f"σ(x + h) and g = tanh(x + h). With x = {lx:g}, h_(t-1) = {lh:g} and "
                     f"c_(t-1) = {c:g}, what is the new cell state c_t = f·c_(t-1) + i·g? (4 decimals)",
            answer=lambda: cell,
            solution=lambda: (f"i = f = σ({lx + lh:g}) = {s_:.4f}, g = tanh({lx + lh:g}) = {g:.4f}; "
                              f"c_t = f·{_p(c)} + i·g = {cell:.4f}"),
            mistakes=lambda: [(s_ * float(F.tanh(cell)), "that is h_t = o·tanh(c_t); the question "
                                                         "asks for c_t."),
                              (s_ * g, "you forgot the kept memory f·c_(t-1).")]),
        Exercise(
            question=f"How many parameters does torch.nn.LSTMCell(input_size={n_in}, "
                     f"hidden_size={n_h}) have (two bias vectors, as PyTorch counts)?",
            answer=lambda: param_count("lstm", n_in, n_h),
            solution=lambda: (f"4 gates × (h·i + h·h + 2h) = 4 × ({n_h}·{n_in} + {n_h}·{n_h} + "
                              f"2·{n_h}) = {param_count('lstm', n_in, n_h)}"),
            rel_tol=0.0, abs_tol=0.4,
            mistakes=lambda: [(param_count("lstm", n_in, n_h, bias=False) + 4 * n_h,
                               "PyTorch keeps two bias vectors (b_ih and b_hh): 2h per gate."),
                              (param_count("rnn", n_in, n_h), "that is a plain RNN cell; the LSTM "
                                                              "has 4 gates."),
                              (param_count("gru", n_in, n_h), "that is a GRU (3 gates); the LSTM "
                                                              "has 4.")]),
        Exercise(
            question="Using the slides' word vectors (data/word_vectors.csv), what is the cosine "
                     f"similarity of \"{w1}\" and \"{w2}\"? (3 decimals)",
            answer=lambda: cos_words(w1, w2),
            solution=lambda: cos_solution(w1, w2),
            mistakes=lambda: [(float(word(w1) @ word(w2)),
                               "that is the dot product; divide by the two lengths ‖a‖·‖b‖."),
                              (float(np.linalg.norm(word(w1) - word(w2))),
                               "that is the distance between the vectors, not the cosine.")]),
    ], seed=seed)


exercises = exercise_set(0)


# -- what notebook 08 tells the learner to try, each checked at its settings (tests/test_claims.py) --
def _steps(state, name, unit=0):
    return [v[unit] for v in state["series"][name]]


def _gru_moves_by_one_minus_z(s) -> bool:
    h, z, n = _steps(s, "h"), _steps(s, "z"), _steps(s, "n")
    return all(abs((h[t + 1] - h[t]) - (1 - z[t]) * (n[t] - h[t])) < 2e-3 for t in range(len(z)))


def _lstm_keeps(s) -> bool:
    f, c = _steps(s, "f"), _steps(s, "c")
    return min(f) > 0.9 and abs(c[-1]) > 1.5 and all(abs(c[t + 1]) > abs(c[t]) for t in range(len(f)))


def _lstm_forgets(s) -> bool:
    f, c, i, g = _steps(s, "f"), _steps(s, "c"), _steps(s, "i"), _steps(s, "g")
    return max(f) < 0.1 and all(abs(c[t + 1] - i[t] * g[t]) <= 0.1 * abs(c[t]) + 1e-3
                                for t in range(len(f)))


STEP_CLAIMS = Claims("nnlab.views.rnn_view:factory", [
    Claim("GRU: each step moves h the share 1 − z of the way from h_(t−1) to the candidate n "
          "(h_t − h_(t−1) = (1 − z)(n − h_(t−1))).", 'cell="GRU"', _gru_moves_by_one_minus_z,
          "h_t − h_(t−1) equals (1 − z_t)(n_t − h_(t−1)) at every step, unit 1"),
    Claim("GRU, b_iz[1] raised to 3: z1 stays above 0.9 and h1 barely moves (less than 0.05 per step).",
          'cell="GRU"; weight="b_iz[1]"; value=3.0',
          lambda s: min(_steps(s, "z")) > 0.9
          and max(abs(a - b) for a, b in zip(_steps(s, "h")[1:], _steps(s, "h"))) < 0.05,
          "z1 > 0.9 at every step and |h1_t − h1_(t−1)| < 0.05"),
    Claim("GRU, b_iz[1] lowered to −3: z1 stays below 0.1 and h1 jumps to the candidate n1 "
          "(within 0.05).", 'cell="GRU"; weight="b_iz[1]"; value=-3.0',
          lambda s: max(_steps(s, "z")) < 0.1
          and all(abs(h - n) < 0.05 for h, n in zip(_steps(s, "h")[1:], _steps(s, "n"))),
          "z1 < 0.1 and |h1_t − n1_t| < 0.05 at every step"),
    Claim("LSTM, the forget gate's bias b_if[1] raised to 3: f1 stays above 0.9 and c1 carries its "
          "value across the steps (it keeps growing, past 1.5 in size).",
          'cell="LSTM"; weight="b_if[1]"; value=3.0', _lstm_keeps,
          "f1 > 0.9 at every step, |c1| grows at every step and ends above 1.5"),
    Claim("LSTM, b_if[1] lowered to −3: f1 stays below 0.1 and c1 forgets at every step "
          "(c1_t ≈ i1·g1 of that step alone).", 'cell="LSTM"; weight="b_if[1]"; value=-3.0',
          _lstm_forgets, "f1 < 0.1 and |c1_t − i1_t·g1_t| ≤ 0.1·|c1_(t−1)| at every step"),
    Claim("Change the input at one step (x_5 = 2): only that step and the later ones change.",
          "t=5; x=2.0", lambda s: s["first_input_changed"] == 5 and s["first_h_changed"] == 5,
          "the first input and the first hidden state that differ from the original run are both at t = 5"),
])

FLOW_CLAIMS = Claims("nnlab.views.gradient_flow_view:factory", [
    Claim("RNN, scale 0.25: the gradient vanishes (‖∂L/∂h_0‖ below 1e-15 of ‖∂L/∂h_T‖ after 30 steps).",
          "scale=0.25", lambda s: s["rnn_t0"] < 1e-15, "rnn_t0 < 1e-15"),
    Claim("RNN, scale 3: the gradient grows back through time (above 10 at h_0, tanh).",
          "scale=3.0", lambda s: s["rnn_t0"] > 10, "rnn_t0 > 10"),
    Claim("RNN with ReLU, scale 3: it explodes (above 1e6 at h_0).",
          'scale=3.0; nonlinearity="relu"', lambda s: s["rnn_t0"] > 1e6, "rnn_t0 > 1e6"),
    Claim("Gate bias b = 0: the GRU's and the LSTM's gradients vanish too (below 1e-3 at h_0, T = 30), "
          "even more than the tanh RNN's at scale 1 — gating by itself is not magic.",
          "gate_bias=0.0", lambda s: max(s["gru_t0"], s["lstm_c_t0"], s["lstm_t0"]) < min(1e-3, s["rnn_t0"]),
          "gru_t0, lstm_t0 and lstm_c_t0 < 1e-3 and < rnn_t0"),
    Claim("Gate bias b = 3: the gradient along h (GRU) and along c (LSTM, dashed) decays by only "
          "about 0.95 per step (between 0.9 and 1 on average over the 30 steps); the LSTM's ∂L/∂h_t "
          "(solid) is smaller, as it reaches back through the gates.", "gate_bias=3.0",
          lambda s: all(0.9 < s[k] ** (1 / s["T"]) < 1 for k in ("gru_t0", "lstm_c_t0"))
          and s["lstm_t0"] < s["lstm_c_t0"],
          "(gru_t0)^(1/T) and (lstm_c_t0)^(1/T) in (0.9, 1); lstm_t0 < lstm_c_t0"),
    Claim("Sequence length T = 10: the RNN's gradient at h_0 is still above 0.1 of the last one.",
          "T=10", lambda s: s["rnn_t0"] > 0.1, "rnn_t0 > 0.1 at T = 10"),
    Claim("T = 80: the longer the sequence, the further the vanishing goes (RNN below 1e-5).",
          "T=80", lambda s: s["rnn_t0"] < 1e-5, "rnn_t0 < 1e-5 at T = 80"),
])


def _weights_unchanged(s) -> bool:
    return all(abs(a - b) < 0.005 for a, b in zip(s["bank_weights"], (0.17, 0.37, 0.46)))


BANK_CLAIMS = Claims("nnlab.views.attention_view:factory", [
    Claim("Context word river (0): bank attends to [the, river, bank] with weights 0.17 / 0.37 / 0.46, "
          "and its new vector leans to river (cos to river above 0.85, to money below 0.5).",
          "context=0.0", lambda s: _weights_unchanged(s) and s["cos_river"] > 0.85 > 0.5 > s["cos_money"],
          "bank_weights ≈ (0.17, 0.37, 0.46), cos_river > 0.85, cos_money < 0.5"),
    Claim("Slide it to money (1): the weights stay at 0.17 / 0.37 / 0.46 (bank is as close to river as "
          "to money), but the vector they average changes: bank now leans to money.",
          "context=1.0", lambda s: _weights_unchanged(s) and s["cos_money"] > 0.85 > 0.5 > s["cos_river"],
          "bank_weights ≈ (0.17, 0.37, 0.46), cos_money > 0.85, cos_river < 0.5"),
    Claim("Sharpness 0: every word gets weight 1/3.", "sharpness=0.0",
          lambda s: all(abs(w - 1 / 3) < 1e-4 for w in s["bank_weights"]), "bank_weights all 1/3"),
    Claim("Sharpness 10: bank attends mostly to itself (weight above 0.6; its key matches its query "
          "best), “the” gets almost nothing (below 0.05).", "sharpness=10.0",
          lambda s: s["bank_weights"][2] > 0.6 and s["bank_weights"][0] < 0.05,
          "bank_weights[2] > 0.6 and bank_weights[0] < 0.05"),
])
