"""The symbolic engine: sympy's own derivative of E equals backprop; formula -> numbers -> value agree."""
import math
import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.engine.network import Network, bias_name, weight_name
from nnlab.engine.symbolic import attach_formulas, exact_trace, loss_expression, symbol


@settings(max_examples=12, deadline=None)
@given(layers=st.lists(st.integers(1, 3), min_size=2, max_size=3),
       act=st.sampled_from(["sigmoid", "tanh", "linear"]), seed=st.integers(0, 999),
       bias=st.booleans())
def test_sympy_gradient_of_E_equals_minus_delta_times_O(layers, act, seed, bias):
    """sympy.diff of E, written out in the weights, equals -δ_j·O_i from backprop (η = 1)."""
    net = Network.build(layers, act, biases=True if bias else None, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, layers[0]).round(2)
    t = rng.uniform(0, 1, layers[-1]).round(2)
    E = loss_expression(net)
    point = {symbol(f"x{i}"): v for i, v in zip(net.input_numbers, x)}
    point.update({symbol(f"t{j}"): v for j, v in zip(net.output_numbers, t)})
    point.update({symbol(k): v for k, v in net.weight_dict().items()})
    point.update({symbol(k): v for k, v in net.bias_dict().items()})
    tr = net.step(x, t, 1.0)
    values = {r.key: r.value for r in tr.records}
    for li in range(len(layers) - 1):
        for j in net.numbers[li + 1]:
            for i in net.numbers[li]:
                name = weight_name(i, j)
                grad = float(sp.diff(E, symbol(name)).evalf(subs=point))
                O_i = x[i - 1] if li == 0 else values[f"y{i}"]
                assert -values[f"d{j}"] * O_i == pytest.approx(grad, rel=1e-9, abs=1e-12)
            if bias:
                grad = float(sp.diff(E, symbol(bias_name(j))).evalf(subs=point))
                assert -values[f"d{j}"] == pytest.approx(grad, rel=1e-9, abs=1e-12)


def _eval_text(expr: str) -> float:
    """Evaluate a substituted text line ('0.1·0.35 + 0.8·0.9') with Python's own arithmetic."""
    py = expr.replace("·", "*").replace("²", "**2").replace("e^(", "math.exp(")
    py = re.sub(r"Heaviside\(([^,]+), 0\)", r"(1.0 if \1 > 0 else 0.0)", py)
    py = py.replace("tanh(", "math.tanh(").replace("Max(0, ", "max(0, ")
    return eval(py, {"math": math})  # noqa: S307 - our own generated arithmetic


@pytest.mark.parametrize("layers, act, bias", [
    ((2, 2, 1), "sigmoid", False), ((3, 4, 2), "tanh", True), ((2, 3, 1), "linear", True),
    ((2, 3, 2), "relu", True)])
def test_substituted_lines_evaluate_to_their_values(layers, act, bias):
    net = Network.build(layers, act, biases=True if bias else None, seed=2)
    tr = attach_formulas(net.step([0.35, 0.9, -0.4][: layers[0]], [0.5, 0.2][: layers[-1]], 0.5))
    checked = 0
    for r in tr.records:
        if r.substituted_text is None:
            continue
        # the substituted numbers are rounded to 4 significant digits
        assert _eval_text(r.substituted_text) == pytest.approx(r.value, rel=5e-3, abs=5e-4), r.key
        checked += 1
    assert checked == len(tr.records) - 1  # every line but E' carries a formula


def test_formulas_read_as_the_notes_write_them():
    net = Network.build("2,2,1", weights={"w13": 0.1, "w23": 0.8, "w14": 0.4, "w24": 0.6,
                                          "w35": 0.3, "w45": 0.9})
    tr = attach_formulas(net.step([0.35, 0.9], [0.5], 1))
    assert tr.record("d5").formula_text == "y5·(1 - y5)·(t5 - y5)"
    assert tr.record("d3").formula_text == "y3·(1 - y3)·w35·δ5"
    assert tr.record("dw14").formula_text == "η·δ4·x1"
    assert tr.record("z3").substituted_text == "0.1·0.35 + 0.8·0.9"
    assert tr.record("d5").formula_latex.startswith("y_{5}")
    assert r"\delta_{5}" in tr.record("d3").formula_latex


def test_exact_trace_agrees_with_the_numeric_engine_and_parses():
    net = Network.build("2,2,1", weights={"w13": 0.1, "w23": 0.8, "w14": 0.4, "w24": 0.6,
                                          "w35": 0.3, "w45": 0.9})
    numeric = net.step([0.35, 0.9], [0.5], 1)
    exact = exact_trace(net, [0.35, 0.9], [0.5], 1)
    assert exact.record("z3").exact == "151/200"
    for r_num, r_ex in zip(numeric.records, exact.records):
        assert r_ex.value == pytest.approx(r_num.value, rel=1e-12, abs=1e-16), r_num.key
        assert float(sp.sympify(r_ex.exact).evalf(20)) == pytest.approx(r_num.value, rel=1e-12,
                                                                          abs=1e-16)


def test_exact_linear_network_is_rational():
    net = Network.build("2,1", "linear", weights={"w13": 0.5, "w23": -0.25})
    tr = exact_trace(net, [1, 2], [0.1], 0.1)
    assert tr.record("dw13").exact == str(sp.Rational(1, 10) * (sp.Rational(1, 10) - 0) * 1)
    assert sp.Rational(tr.record("E").exact) == sp.Rational(1, 200)
