"""nnlab.course.rnn: notebook 08's exercises, answers checked by hand-written formulas."""
from __future__ import annotations

import math

from nnlab.course import rnn as C


def test_exercises_have_independent_answers():
    ex = C.exercises
    assert ex.check(1, round(math.tanh(0.5 * 1.0 + 0.8 * 0.5 + 0.1), 4))
    s = 1 / (1 + math.exp(-1.5))
    n = math.tanh(1.0 + s * 0.5)
    assert ex.check(2, (1 - s) * n + s * 0.5)
    assert not ex.check(2, s * n + (1 - s) * 0.5)
    assert "swapped" in ex.check(2, s * n + (1 - s) * 0.5).message
    assert ex.check(3, s * 1.0 + s * math.tanh(1.5))
    assert ex.check(4, 4 * (64 * 10 + 64 * 64 + 2 * 64))
    assert "two bias" in ex.check(4, 4 * (64 * 10 + 64 * 64 + 64)).message
    for k in range(1, len(ex) + 1):
        assert ex.check(k, ex.exercises[k - 1].expected())
        assert ex.solution(k)


def test_exercise_on_word_vectors_by_hand():
    win, world = (0.57, 0.01, 0.02), (0.11, 0.27, 0.45)   # the slides' table (notes 001)
    dot = sum(a * b for a, b in zip(win, world))
    cos = dot / math.sqrt(sum(a * a for a in win) * sum(b * b for b in world))
    assert C.exercises.check(5, round(cos, 3))
    assert "dot product" in C.exercises.check(5, dot).message
