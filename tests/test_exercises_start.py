"""Notebook 00's exercises, every seed against sympy (exact)."""
import pytest
import sympy as sp

from nnlab.course import start as C

SEEDS = (0, 1, 5, 12, 99, 2**32 - 1)


@pytest.mark.parametrize("seed", SEEDS)
def test_answers_against_sympy(seed):
    w, b, x = C.variant_numbers(seed)
    ex = C.exercise_set(seed)
    X = sp.Symbol("x")
    W, B, XV = (sp.Rational(str(v)) for v in (w, b, x))
    y = 1 / (1 + sp.exp(-(W * XV + B)))
    assert float(ex.expected(1)) == pytest.approx(float(y.evalf(30)), abs=1e-12)
    (mid,) = sp.solve(sp.Eq(W * X + B, 0), X)
    assert sp.Rational(1, 2) == sp.simplify((1 / (1 + sp.exp(-(W * mid + B)))))
    assert float(ex.expected(2)) == pytest.approx(float(mid), abs=1e-12)
    assert f"w = {w:g}" in ex.show(1) and f"x = {x:g}" in ex.show(1)


def test_seed_zero_is_the_notebooks_and_the_slips_are_named():
    ex = C.exercise_set(0)
    assert C.variant_numbers(0) == (1.5, -0.5, 2.0)
    assert "left out the bias" in ex.check(1, 1 / (1 + 2.718281828 ** -3.0)).message
    assert "apply the sigmoid" in ex.check(1, 2.5).message
    assert "−b/w" in ex.check(2, 3.0).message
