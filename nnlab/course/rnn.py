"""Notebook 08's exercises: one step of each cell by hand, a parameter count, a cosine similarity.

The answers are written from the exercise's own small numbers (a one-unit cell whose weights
are all given), not by calling the cells of nnlab.engine.rnn, so a wrong cell would not make
a wrong answer agree with it.
"""
from __future__ import annotations

import numpy as np

from ..core import functional as F
from ..engine.attention import load_word_vectors
from ..engine.rnn import param_count
from .exercises import Exercise, ExerciseSet

X, H = 1.0, 0.5          # the exercises' x_t and h_(t-1)


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


def rnn_answer() -> float:
    """h_t of the one-unit RNN: tanh(0.5 x + 0.8 h + 0.1)."""
    return float(F.tanh(0.5 * X + 0.8 * H + 0.1))


def gru_gates():
    """The scalar GRU with every weight 1 and every bias 0: r = z = σ(x + h), n = tanh(x + r·h)."""
    r = z = float(F.sigmoid(X + H))
    return r, z, float(F.tanh(X + r * H))


def gru_answer() -> float:
    _, z, n = gru_gates()
    return (1 - z) * n + z * H


def lstm_answer() -> float:
    """c_t of the scalar LSTM with every weight 1, every bias 0 and c_(t-1) = 1."""
    i = f = float(F.sigmoid(X + H))
    g = float(F.tanh(X + H))
    return f * 1.0 + i * g


def _gru_solution():
    r, z, n = gru_gates()
    return (f"r = z = σ({X} + {H}) = {z:.4f}; n = tanh({X} + r·{H}) = {n:.4f}; "
            f"h_t = (1 − z)·n + z·h = {gru_answer():.4f}")


def _gru_mistakes():
    _, z, n = gru_gates()
    return [(z * n + (1 - z) * H, "z and 1 − z are swapped: z multiplies the OLD state h_(t-1) "
                                  "(PyTorch and the course agree)."),
            (n, "that is the candidate n; now mix it with h_(t-1) through z.")]


def _lstm_solution():
    s, g = float(F.sigmoid(X + H)), float(F.tanh(X + H))
    return f"i = f = σ(1.5) = {s:.4f}, g = tanh(1.5) = {g:.4f}; c_t = f·1 + i·g = {lstm_answer():.4f}"


def _lstm_mistakes():
    s, g = float(F.sigmoid(X + H)), float(F.tanh(X + H))
    return [(s * float(F.tanh(lstm_answer())), "that is h_t = o·tanh(c_t); the question asks for c_t."),
            (s * g, "you forgot the kept memory f·c_(t-1).")]


exercises = ExerciseSet("RNN, GRU and LSTM", [
    Exercise(
        question=f"A one-unit RNN cell has W_ih = 0.5, W_hh = 0.8, b_ih + b_hh = 0.1 and tanh. "
                 f"With x_t = {X} and h_(t-1) = {H}, what is h_t? (4 decimals)",
        answer=rnn_answer,
        solution=lambda: (f"a = 0.5·{X} + 0.8·{H} + 0.1 = {0.5 * X + 0.8 * H + 0.1:.4f};"
                          f"  h_t = tanh(a) = {rnn_answer():.4f}"),
        mistakes=lambda: [(0.5 * X + 0.8 * H + 0.1, "that is the pre-activation a; apply tanh to it."),
                          (float(F.tanh(0.5 * X + 0.8 * H)), "you left out the bias 0.1."),
                          (float(F.sigmoid(0.5 * X + 0.8 * H + 0.1)),
                           "the RNN cell uses tanh here, not the sigmoid.")],
    ),
    Exercise(
        question=f"A one-unit GRU has every weight equal to 1 and every bias 0, so r = z = "
                 f"σ(x + h) and n = tanh(x + r·h). With x = {X} and h_(t-1) = {H}, "
                 "what is h_t = (1 − z)·n + z·h_(t-1)? (4 decimals)",
        answer=gru_answer, solution=_gru_solution, mistakes=_gru_mistakes,
    ),
    Exercise(
        question=f"A one-unit LSTM has every weight equal to 1 and every bias 0, so i = f = o = "
                 f"σ(x + h) and g = tanh(x + h). With x = {X}, h_(t-1) = {H} and "
                 "c_(t-1) = 1, what is the new cell state c_t = f·c_(t-1) + i·g? (4 decimals)",
        answer=lstm_answer, solution=_lstm_solution, mistakes=_lstm_mistakes,
    ),
    Exercise(
        question="How many parameters does torch.nn.LSTMCell(input_size=10, hidden_size=64) "
                 "have (two bias vectors, as PyTorch counts)?",
        answer=lambda: param_count("lstm", 10, 64),
        solution=lambda: ("4 gates × (h·i + h·h + 2h) = 4 × (64·10 + 64·64 + 2·64) = "
                          f"{param_count('lstm', 10, 64)}"),
        rel_tol=0.0, abs_tol=0.5,
        mistakes=lambda: [(param_count("lstm", 10, 64, bias=False) + 4 * 64,
                           "PyTorch keeps two bias vectors (b_ih and b_hh): 2h per gate."),
                          (param_count("rnn", 10, 64), "that is a plain RNN cell; the LSTM has 4 gates."),
                          (param_count("gru", 10, 64), "that is a GRU (3 gates); the LSTM has 4.")],
    ),
    Exercise(
        question="Using the slides' word vectors (data/word_vectors.csv), what is the cosine "
                 "similarity of \"win\" and \"world\"? (3 decimals)",
        answer=lambda: cos_words("win", "world"),
        solution=lambda: cos_solution("win", "world"),
        mistakes=lambda: [(float(word("win") @ word("world")),
                           "that is the dot product; divide by the two lengths ‖a‖·‖b‖."),
                          (float(np.linalg.norm(word("win") - word("world"))),
                           "that is the distance between the vectors, not the cosine.")],
    ),
])
