"""Notebook 03's exercises, every seed against sympy (exact derivatives and softmax)."""
import pytest
import sympy as sp

from nnlab.course import activations as C

SEEDS = (0, 1, 5, 12, 99, 2**32 - 1)
x = sp.Symbol("x")


def R(v):
    return sp.Rational(str(v))


@pytest.mark.parametrize("seed", SEEDS)
def test_answers_against_sympy(seed):
    v, ex = C.variant_numbers(seed), C.exercise_set(seed)
    hard = sp.Min(1, sp.Max(0, sp.Rational(1, 5) * x + sp.Rational(1, 2)))
    assert float(ex.expected(1)) == pytest.approx(float(hard.subs(x, R(v["hard_x"]))), abs=1e-12)
    sig = 1 / (1 + sp.exp(-x))
    d_sig = sp.diff(sig, x).subs(x, R(v["sig_x"]))
    assert float(ex.expected(2)) == pytest.approx(float(d_sig.evalf(30)), abs=1e-12)
    # the largest slope of w·σ(z) over z, found by sympy, raised to the depth
    slope = sp.diff(R(v["w"]) * sig, x)
    top = max(slope.subs(x, c) for c in sp.solve(sp.diff(slope, x), x) if c.is_real)
    assert float(ex.expected(3)) == pytest.approx(float(top ** v["depth"]), rel=1e-12)
    s = [R(a) / R(v["T"]) for a in v["scores"]]
    p = sp.exp(s[v["cls"] - 1]) / sum(sp.exp(a) for a in s)
    assert float(ex.expected(4)) == pytest.approx(float(p.evalf(30)), abs=1e-12)
    elu = sp.Piecewise((x, x > 0), (R(v["elu_alpha"]) * (sp.exp(x) - 1), True))
    d_elu = sp.diff(elu, x).subs(x, R(v["elu_x"]))
    assert float(ex.expected(5)) == pytest.approx(float(d_elu.evalf(30)), abs=1e-12)


def test_seed_zero_asks_for_new_numbers_and_names_the_slips():
    ex = C.exercise_set(0)
    assert "x = -1.8" in ex.show(1) and "notes' slip" in ex.check(1, 0.5).message
    assert "the value" in ex.check(2, 0.8176).message
    assert "do not add" in ex.check(3, 4.0).message
    assert "exponentiates" in ex.check(4, 0.75).message
    assert "ReLU" in ex.check(5, 0.0).message
