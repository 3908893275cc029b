"""nnlab.course.generative: notebook 10's exercises for several seeds, each answer by an independent
route (sympy exact arithmetic, finite differences), every listed slip recognised; the notes' words."""
import math

import numpy as np
import pytest
import sympy as sp

from nnlab.core.gradcheck import derivative
from nnlab.course import generative as C

SEEDS = (0, 1, 7, 12345, 2**32 - 1)


def numbers(text):
    """The numbers written in a question, in order."""
    import re

    return [float(v) for v in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?", text)]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_answer_by_an_independent_route(seed):
    ex = C.exercise_set(seed)
    assert ex.seed == seed and len(ex) == 5
    q = [e.question for e in ex.exercises]
    # 1: count the parameters with sympy from the sizes written in the question
    n_in, h, k = (int(v) for v in numbers(q[0])[2:5])   # after "8×8"
    sizes = [n_in, h, k, h, n_in]
    assert ex.exercises[0].expected() == sum(sp.Integer(a) * b + b for a, b in zip(sizes, sizes[1:]))
    # 2: exact mean of squared differences of the printed pixels
    vals = [sp.Rational(str(v)) for v in numbers(q[1])[:8]]
    x, xhat = vals[:4], vals[4:8]
    exact = sum((a - b) ** 2 for a, b in zip(x, xhat)) / 4
    assert ex.exercises[1].expected() == pytest.approx(float(exact), rel=1e-12)
    # 3: the loss from the printed probabilities, in sympy
    r1, r2, f1, f2 = (sp.Rational(str(v)) for v in numbers(q[2])[:4])
    want = -(sp.log(r1) + sp.log(r2)) / 2 - (sp.log(1 - f1) + sp.log(1 - f2)) / 2
    assert ex.exercises[2].expected() == pytest.approx(float(want), rel=1e-12)
    # 4: the slopes of both losses at the printed D(G(z)), by central differences in the logit
    p = numbers(q[3])[0]
    logit = math.log(p / (1 - p))
    sig = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    mm = derivative(lambda v: math.log(1 - sig(v)), logit)
    ns = derivative(lambda v: -math.log(sig(v)), logit)
    assert ex.exercises[3].expected() == pytest.approx(ns / mm, rel=1e-6)
    # 5: D* maximises p_data log D + p_g log(1 − D): solve d/dD = 0 in sympy
    a, b = (sp.Rational(str(v)) for v in numbers(q[4])[:2])
    d = sp.Symbol("D", positive=True)
    best = sp.solve(sp.diff(a * sp.log(d) + b * sp.log(1 - d), d), d)[0]
    assert ex.exercises[4].expected() == pytest.approx(float(best), rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_check_accepts_the_answer_and_names_each_slip(seed):
    ex = C.exercise_set(seed)
    for n, e in enumerate(ex.exercises, 1):
        assert ex.check(n, e.expected()).ok
        assert "Correct" in repr(ex.check(n, e.expected()))
        assert not ex.check(n, None).ok
        for wrong, why in e.mistakes():
            fb = ex.check(n, wrong)
            assert not fb.ok and why in fb.message, (seed, n, wrong, fb.message)
        assert ex.solution(n)


def test_seeds_give_other_numbers_the_same_everywhere():
    a, b = C.exercise_set(0), C.exercise_set(1)
    assert [e.question for e in a.exercises] != [e.question for e in b.exercises]
    assert [e.question for e in C.exercise_set(1).exercises] == [e.question for e in b.exercises]
    assert [e.question for e in C.exercises.exercises] == [e.question for e in a.exercises]
    with pytest.raises(ValueError, match="^seed:"):
        C.exercise_set(-1)
    with pytest.raises(ValueError, match="^seed:"):
        C.exercise_set(2**32)


def test_the_notes_words_are_those_of_the_transcript():
    from pathlib import Path

    notes = Path("/work/shared/course-notes/000_011e332ff08641fe.txt")
    if not notes.exists():
        pytest.skip("course notes not on this machine")
    text = notes.read_text()
    for line in (*C.NOTES_TYPES, C.NOTES_STAR, *C.NOTES_GENERATIVE, C.NOTES_GEN_AI):
        assert line in text, line
    assert "GAN" in C.notes_quote() and np.char.count(C.notes_quote(), "\n") == 6
