"""Notebook 01's exercise set (nnlab.course.neuron.exercise_set), for several seeds.

Each exercise's data are read back from its question text, and the answer is worked out here
by a route of its own: exact sympy arithmetic (the sigmoid, least squares, the squared
error), the CSV read with the csv module (one-hot columns), and a plain loop of Rosenblatt's
rule in Rationals (the update and the passes). `check` must accept that answer and reject
every listed slip with its message.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from nnlab.course.neuron import GATE_TARGETS, exercise_set, exercises

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [0, 1, 2, 17, 2**32 - 1]
NUM = r"-?\d+(?:\.\d+)?"


def nums(text):
    return [sp.Rational(v) for v in re.findall(NUM, text)]


def between(text, start, end):
    return text.split(start, 1)[1].split(end, 1)[0]


def ex1(q):
    w = nums(between(q, "w = (", ")"))
    b = nums(between(q, "bias b = ", " and"))[0]
    x = nums(between(q, "x = (", ")"))
    z = sum(a * c for a, c in zip(w, x)) + b
    return float(1 / (1 + sp.exp(-z)))


def ex2(q):
    chosen = [c.strip().lower() for c in between(q, "only the columns ", " of the").split(",")]
    lines = [r for r in (ROOT / "data" / "play_tennis.csv").read_text().splitlines()
             if r and not r.startswith("#")]
    rows = list(csv.DictReader(lines))
    return sum(len({r[c] for r in rows}) for c in chosen)


def ex3(q):
    xs = nums(between(q, "points x = ", " and y"))
    ys = nums(between(q, " and y = ", ". What"))
    m, c = sp.symbols("m c")
    loss = sum((y - (m * x + c)) ** 2 for x, y in zip(xs, ys))
    sol = sp.solve([sp.diff(loss, m), sp.diff(loss, c)], [m, c])
    return [float(sol[m]), float(sol[c])]


def rosenblatt(w, rows, lr, max_passes=100):
    """(w after each pass, passes) with the plain rule, in Rationals."""
    w = list(w)
    for p in range(1, max_passes + 1):
        changed = False
        for x, t in rows:
            x = [1, *x]
            y = 1 if sum(a * b for a, b in zip(w, x)) >= 0 else 0
            if t != y:
                changed = True
                w = [a + lr * (t - y) * b for a, b in zip(w, x)]
        if not changed:
            return w, p
    raise AssertionError("did not settle")


def ex4(q):
    w = nums(between(q, "= (w0, w1, w2) = (", ")"))
    x1 = nums(between(q, "x1 = ", ","))[0]
    x2 = nums(between(q, "x2 = ", " with"))[0]
    t = nums(between(q, "target t = ", ","))[0]
    lr = nums(between(q, "η = ", ". What"))[0]
    x = [1, x1, x2]
    y = 1 if sum(a * b for a, b in zip(w, x)) >= 0 else 0
    return [float(a + lr * (t - y) * b) for a, b in zip(w, x)]


def ex5(q):
    gate = between(q, "on the ", " table")
    w = nums(between(q, "= (w0, w1, w2) = (", ")"))
    rows = list(zip([(0, 0), (0, 1), (1, 0), (1, 1)], GATE_TARGETS[gate]))
    return rosenblatt(w, rows, 1)[1]


def ex6(q):
    m = nums(between(q, "The line y = ", "·x"))[0]
    c = nums(between(q, "·x + ", " and the"))[0]
    pts = re.findall(rf"\(({NUM}), ({NUM})\)", between(q, "(x, y) = ", ". What"))
    pts = [(sp.Rational(a), sp.Rational(b)) for a, b in pts]
    assert len(pts) == 4
    return float(sum((y - (m * x + c)) ** 2 for x, y in pts) / 4)


ROUTES = [ex1, ex2, ex3, ex4, ex5, ex6]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_answer_by_an_independent_route(seed):
    ex = exercise_set(seed)
    assert len(ex) == 6 and ex.seed == seed
    for n, route in enumerate(ROUTES, 1):
        question = ex.exercises[n - 1].question
        want = route(question)
        assert np.allclose(ex.exercises[n - 1].expected(), want, rtol=1e-9, atol=1e-9), (seed, n)
        assert ex.check(n, want), (seed, n, question)
        assert ex.solution(n)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_listed_slip_is_recognised(seed):
    ex = exercise_set(seed)
    for n, e in enumerate(ex.exercises, 1):
        slips = list(e.mistakes())
        assert slips, (seed, n)
        for wrong, why in slips:
            fb = ex.check(n, wrong)
            assert not fb and fb.message == f"Not quite: {why}", (seed, n, wrong)


def test_seeds_draw_other_numbers_and_are_reproducible():
    questions = {s: [e.question for e in exercise_set(s).exercises] for s in SEEDS}
    assert questions[0] == [e.question for e in exercises.exercises]
    assert questions[0] == [e.question for e in exercise_set(0).exercises]
    assert len({tuple(q) for q in questions.values()}) == len(SEEDS)
    for n in (1, 3, 4, 6):    # data drawn from a wide range differ for most seeds
        assert len({q[n - 1] for q in questions.values()}) >= 3


def test_at_least_half_ask_for_a_number_not_printed_in_the_notebook():
    import json

    nb = json.loads((ROOT / "notebooks" / "01_neuron.ipynb").read_text())
    cells = nb["cells"]
    first_ex = next(i for i, c in enumerate(cells) if "exercise_set" in "".join(c["source"]))
    shown = ""
    for c in cells[:first_ex]:
        for o in c.get("outputs", []):
            shown += "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
    unprinted = 0
    for e in exercise_set(0).exercises:
        answer = np.atleast_1d(np.asarray(e.expected(), dtype=float))
        texts = {f"{v:.4f}" for v in answer} | {f"{v:.3f}" for v in answer} | {f"{v:g}" for v in answer}
        if len(answer) > 1:
            texts = {", ".join(f"{v:g}" for v in answer), ", ".join(f"{v:.3f}" for v in answer),
                     ", ".join(f"{v:.4f}" for v in answer)}
        unprinted += not any(t in shown for t in texts)
    assert unprinted >= 3


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "a", True])
def test_bad_seed_names_the_argument(seed):
    with pytest.raises(ValueError, match="^seed: "):
        exercise_set(seed)
