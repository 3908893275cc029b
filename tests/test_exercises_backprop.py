"""Notebook 02's exercises, every seed against PyTorch autograd (float64) and sympy (exact)."""
import pytest
import sympy as sp

from nnlab.course import backprop as C

SEEDS = (0, 1, 5, 12, 99, 2**32 - 1)


@pytest.mark.parametrize("seed", SEEDS)
def test_answers_against_torch_autograd(torch, seed):
    v, ex = C.variant_numbers(seed), C.exercise_set(seed)
    w = {k: torch.tensor(val, dtype=torch.float64, requires_grad=True) for k, val in v["weights"].items()}
    x1, x2 = v["x"]
    z3 = w["w13"] * x1 + w["w23"] * x2
    z4 = w["w14"] * x1 + w["w24"] * x2
    z5 = w["w35"] * torch.sigmoid(z3) + w["w45"] * torch.sigmoid(z4)
    z5.retain_grad()
    E = 0.5 * (v["t"] - torch.sigmoid(z5)) ** 2
    E.backward()
    lr = v["lr"]
    assert float(ex.expected(1)) == pytest.approx(-float(z5.grad), abs=1e-12)       # δ5 = −∂E/∂z5
    assert float(ex.expected(2)) == pytest.approx(-lr * float(w["w35"].grad), abs=1e-12)
    assert float(ex.expected(3)) == pytest.approx(v["weights"]["w24"] - lr * float(w["w24"].grad),
                                                  abs=1e-12)


@pytest.mark.parametrize("seed", (0, 12))
def test_answers_against_sympy(seed):
    v, ex = C.variant_numbers(seed), C.exercise_set(seed)
    ws = {k: sp.Symbol(k) for k in v["weights"]}
    s = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
    x1, x2 = (sp.Rational(str(a)) for a in v["x"])
    y5 = s(ws["w35"] * s(ws["w13"] * x1 + ws["w23"] * x2) + ws["w45"] * s(ws["w14"] * x1 + ws["w24"] * x2))
    E = (sp.Rational(str(v["t"])) - y5) ** 2 / 2
    point = {ws[k]: sp.Rational(str(val)) for k, val in v["weights"].items()}
    lr = sp.Rational(str(v["lr"]))
    dw35 = float((-lr * sp.diff(E, ws["w35"])).subs(point).evalf(30))
    new24 = float((ws["w24"] - lr * sp.diff(E, ws["w24"])).subs(point).evalf(30))
    assert float(ex.expected(2)) == pytest.approx(dw35, abs=1e-12)
    assert float(ex.expected(3)) == pytest.approx(new24, abs=1e-12)


def test_seed_zero_is_the_course_network_with_another_target_and_keeps_the_notes_slip():
    v, ex = C.variant_numbers(0), C.exercise_set(0)
    assert v["weights"]["w35"] == 0.3 and v["t"] == 0.6 and v["lr"] == 1.0
    tr = C.example_network().step(v["x"], [0.6], 1.0)
    assert "the slip in the notes' summary" in ex.check(2, tr["d3"]).message
    assert "not by y4" in ex.check(3, 0.6 + tr["d4"] * tr["y4"]).message
