"""nnlab.engine.activations against independent routes: sympy, finite differences, PyTorch, hand values."""
import math
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.course import activations as C
from nnlab.engine import activations as A

SMOOTH = ("sigmoid", "tanh", "softplus", "linear")
KINKED = {"step": [0.0], "relu": [0.0], "leaky_relu": [0.0], "prelu": [0.0], "elu": [0.0],
          "hard_sigmoid": [-2.5, 2.5]}
ALPHA = {"leaky_relu": 0.07, "prelu": 0.3, "elu": 0.8}


def act(name):
    return A.get(name, alpha=ALPHA[name]) if name in ALPHA else A.get(name)


def away_from_kinks(name, x):
    return all(abs(x - k) > 1e-3 for k in KINKED.get(name, []))


def test_registry_has_the_shared_names():
    for n in ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "hard_sigmoid", "softplus",
              "linear", "prelu"):
        a = A.ACTIVATIONS[n]
        assert a.name == n and callable(a.forward) and callable(a.derivative)
    assert A.get("Leaky-ReLU", alpha=0.2).params == {"alpha": 0.2}


# -- values and derivatives against sympy ------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(x=st.floats(-8, 8, allow_nan=False), name=st.sampled_from(A.NAMES))
def test_value_and_derivative_match_sympy(x, name):
    a = act(name)
    if not away_from_kinks(name, x):
        return
    s = sp.Symbol("x", real=True)
    expr = a.sympy_expr(s)
    xr = sp.Rational(x)
    want_f = float(expr.subs(s, xr).evalf(30))
    want_d = float(sp.diff(expr, s).subs(s, xr).evalf(30))
    assert float(a.forward(x)) == pytest.approx(want_f, rel=1e-12, abs=1e-14)
    assert float(a.derivative(x)) == pytest.approx(want_d, rel=1e-10, abs=1e-14)


@settings(max_examples=80, deadline=None)
@given(x=st.floats(-20, 20, allow_nan=False), name=st.sampled_from(A.NAMES))
def test_derivative_matches_central_differences(x, name):
    a = act(name)
    h = 1e-6
    if not away_from_kinks(name, x) or any(abs(x - k) < 10 * h for k in KINKED.get(name, [])):
        return
    if not all(abs(x - k) > 2 * h for k in KINKED.get(name, [])):
        return
    fd = (float(a.forward(x + h)) - float(a.forward(x - h))) / (2 * h)
    assert float(a.derivative(x)) == pytest.approx(fd, rel=1e-5, abs=1e-7)


def test_derivative_latex_is_the_sympy_derivative():
    """The displayed f' formulas say the same as sympy.diff at sample points."""
    s = sp.Symbol("x", real=True)
    pts = [-3.3, -0.7, 0.4, 1.9, 3.1]
    for name in A.NAMES:
        a = act(name)
        d = sp.diff(a.sympy_expr(s), s)
        for x in pts:
            assert float(a.derivative(x)) == pytest.approx(float(d.subs(s, sp.Rational(x))), abs=1e-12)
        assert a.derivative_latex().startswith(("f'", r"\sigma'", r"\tanh'"))


# -- PyTorch as an oracle ---------------------------------------------------------------------
@pytest.mark.torch
def test_against_torch_values_and_autograd(torch):
    F = torch.nn.functional
    x = np.concatenate([np.linspace(-30, 30, 601), [0.0, -1e-9, 1e-9]])
    cases = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu,
             "leaky_relu": lambda t: F.leaky_relu(t, 0.07), "elu": lambda t: F.elu(t, 0.8),
             "softplus": F.softplus, "linear": lambda t: t}
    for name, fn in cases.items():
        if name == "softplus":  # torch returns x itself above its threshold 20; nnlab stays exact
            x = x[x <= 20]
        t = torch.tensor(x, requires_grad=True)
        y = fn(t)
        y.sum().backward()
        a = act(name)
        np.testing.assert_allclose(a.forward(x), y.detach().numpy(), rtol=1e-12, atol=1e-15,
                                   err_msg=name)
        np.testing.assert_allclose(a.derivative(x), t.grad.numpy(), rtol=1e-12, atol=1e-15,
                                   err_msg=name)


@pytest.mark.torch
def test_prelu_alpha_gradient_against_torch(torch):
    rng = np.random.default_rng(3)
    x = rng.normal(size=40)
    up = rng.normal(size=40)
    t = torch.tensor(x, requires_grad=True)
    w = torch.tensor([0.25], requires_grad=True)
    y = torch.nn.functional.prelu(t, w)
    (y * torch.tensor(up)).sum().backward()
    assert A.prelu_alpha_gradient(x, up) == pytest.approx(float(w.grad[0]), rel=1e-12)
    np.testing.assert_allclose(A.get("prelu", alpha=0.25).derivative(x) * up, t.grad.numpy(),
                               rtol=1e-12)


@pytest.mark.torch
def test_softmax_and_jacobian_against_torch(torch):
    rng = np.random.default_rng(0)
    for T in (0.3, 1.0, 4.0):
        x = rng.normal(size=(5, 6)) * 5
        want = torch.softmax(torch.tensor(x) / T, dim=-1).numpy()
        np.testing.assert_allclose(A.softmax(x, temperature=T), want, rtol=1e-12, atol=1e-16)
        v = torch.tensor(x[0])
        J = torch.autograd.functional.jacobian(lambda z: torch.softmax(z / T, dim=0), v).numpy()
        np.testing.assert_allclose(A.softmax_jacobian(x[0], temperature=T), J, atol=1e-14)
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(A.softmax(x, axis=0), torch.softmax(torch.tensor(x), 0).numpy(),
                               rtol=1e-12)


@pytest.mark.torch
def test_gradient_through_depth_against_torch_autograd(torch):
    fns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
    for name, fn in fns.items():
        for x0, w in ((0.5, 1.0), (-0.3, 1.7), (1.2, 0.6)):
            a0 = torch.tensor(x0, requires_grad=True)
            a = a0
            grads = []
            for _ in range(12):
                a = fn(w * a)
                (g,) = torch.autograd.grad(a, a0, retain_graph=True)
                grads.append(float(g))
            np.testing.assert_allclose(A.gradient_through_depth(name, 12, x=x0, w=w), grads,
                                       rtol=1e-12, atol=1e-300)


# -- facts, slips and worked values ------------------------------------------------------------
def test_vanishing_gradient_bounds():
    d = np.arange(1, 31)
    assert np.all(np.abs(A.gradient_through_depth("sigmoid", 30)) <= 0.25 ** d)
    assert np.all(A.gradient_through_depth("relu", 30, x=0.5) == 1.0)
    tanh = A.gradient_through_depth("tanh", 30, x=0.5)
    assert np.all(np.diff(tanh) < 0) and tanh[-1] > 1e3 * A.gradient_through_depth("sigmoid", 30)[-1]


def test_hard_sigmoid_worked_value_and_the_notes_slip():
    s = sp.Symbol("x", real=True)
    exact = A.ACTIVATIONS["hard_sigmoid"].sympy_expr(s).subs(s, -10)
    assert exact == 0
    a, b, c = A.hard_sigmoid_steps(-10)
    assert (a, b, c) == (pytest.approx(-1.5), 0.0, 0.0)
    assert float(A.ACTIVATIONS["hard_sigmoid"].forward(-10.0)) == 0.0
    assert any("min(1, 0) = 0" in slip for slip in C.FACTS["hard_sigmoid"]["slips"])


def test_ranges_the_notes_get_wrong():
    leaky = A.get("leaky_relu", alpha=0.01)
    assert leaky.forward(-5.0) < 0  # so the notes' [0, ∞) is wrong
    assert C.FACTS["leaky_relu"]["range_notes"] == "[0, ∞)"
    assert C.FACTS["leaky_relu"]["range"] == "(-∞, ∞)"
    hs = A.ACTIVATIONS["hard_sigmoid"]
    assert hs.forward(3.0) == 1.0 and hs.forward(-3.0) == 0.0  # reaches both ends: [0, 1]
    assert C.FACTS["hard_sigmoid"]["range"] == "[0, 1]"
    assert C.FACTS["tanh"]["range"] == "(-1, 1)"
    assert "outliers dominate" in C.SOFTMAX_FACTS["cons"]
    assert C.FACTS["relu"]["cons"][:2] == ["Dying ReLU Problem", "Not zero centered"]
    assert C.FACTS["softplus"]["pros"] == ["No dead neurons"]


def test_dying_relu_stays_dead():
    h = A.dying_relu_run(lr=3.0, steps=8, b=-0.2)
    dead = [i for i, a in enumerate(h["active"]) if a == 0.0]
    assert dead, "the big step should kill the unit"
    k = dead[0]
    assert all(h["dw"][i] == 0.0 and h["db"][i] == 0.0 for i in range(k, len(h["w"])))
    assert len(set(h["b"][k:])) == 1 and len(set(h["w"][k:])) == 1
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 50)                     # the same inputs, drawn independently here
    assert np.all(h["w"][k] * x + h["b"][k] <= 0)
    healthy = A.dying_relu_run(lr=0.2, steps=40)
    assert healthy["active"][-1] > 0 and healthy["loss"][-1] < healthy["loss"][0]


def test_softmax_properties():
    x = np.array([2.0, 1.0, 0.0])
    p = A.softmax(x)
    e = [math.exp(2), math.exp(1), 1.0]
    assert p == pytest.approx([v / sum(e) for v in e], rel=1e-14)
    assert A.softmax(x + 1000.0) == pytest.approx(p, rel=1e-14)
    assert A.softmax(x, temperature=1e-3)[0] == pytest.approx(1.0)
    assert A.softmax(x, temperature=1e6) == pytest.approx([1 / 3] * 3, rel=1e-5)
    # outliers dominate: one big score takes almost all the probability
    assert A.softmax(np.array([2.0, 1.0, 0.5, 12.0]))[-1] > 0.999


# -- stability ---------------------------------------------------------------------------------
def test_stable_up_to_1e4_without_warnings():
    x = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4])
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        for name in A.NAMES:
            a = act(name)
            f, d = a.forward(x), a.derivative(x)
            assert np.all(np.isfinite(f)) and np.all(np.isfinite(d)), name
        sm = A.softmax(np.array([1e4, -1e4, 0.0]))
        assert sm == pytest.approx([1.0, 0.0, 0.0])
        assert np.all(np.isfinite(A.softmax(np.array([-1e4, 1e4]), temperature=0.01)))
    assert A.ACTIVATIONS["sigmoid"].forward(1e4) == 1.0
    assert A.ACTIVATIONS["softplus"].forward(1e4) == 1e4
    assert A.ACTIVATIONS["softplus"].forward(-1e4) == 0.0
    assert A.get("elu", alpha=1.0).forward(-1e4) == -1.0


@settings(max_examples=50, deadline=None)
@given(x=st.floats(-1e4, 1e4, allow_nan=False))
def test_sigmoid_and_softplus_identities(x):
    s = A.ACTIVATIONS["sigmoid"]
    assert float(s.forward(x)) + float(s.forward(-x)) == pytest.approx(1.0, abs=1e-15)
    sp_ = A.ACTIVATIONS["softplus"]
    assert float(sp_.forward(x)) - float(sp_.forward(-x)) == pytest.approx(x, abs=1e-9 * max(1, abs(x)))


# -- bad input ---------------------------------------------------------------------------------
def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match=r"^name: expected one of step, sigmoid"):
        A.get("swish")
    with pytest.raises(ValueError, match=r"^beta: expected a parameter of elu \(alpha\)"):
        A.get("elu", beta=1.0)
    with pytest.raises(ValueError, match="^alpha: "):
        A.get("leaky_relu", alpha=-0.1)
    with pytest.raises(ValueError, match="^temperature: "):
        A.softmax([1.0, 2.0], temperature=0)
    with pytest.raises(ValueError, match="^x: "):
        A.softmax([1.0, float("nan")])
    with pytest.raises(ValueError, match="^x: "):
        A.ACTIVATIONS["relu"].forward([1.0, float("nan")])
    with pytest.raises(ValueError, match="^axis: "):
        A.softmax([1.0, 2.0], axis=3)
    with pytest.raises(ValueError, match="^depth: "):
        A.gradient_through_depth("tanh", 0)


# the exercises (every seed against sympy) are tested in tests/test_exercises_activations.py


def test_import_stays_cheap():
    """nnlab.engine.activations and nnlab.engine.optim import neither sympy nor matplotlib."""
    import subprocess
    import sys

    code = ("import sys, nnlab.engine.activations, nnlab.engine.optim, nnlab.engine.surfaces; "
            "print(sorted(m for m in ('sympy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
