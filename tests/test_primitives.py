"""nnlab.core.functional and nnlab.core.gradcheck against independent routes, and "written once".

- values: sympy at 40 significant digits from exact rationals; derivatives: sympy.diff;
- softmax, log_softmax and the losses (with their gradients, through autograd): torch.nn.functional;
- extreme inputs (±1000, ±745): no warning, no NaN, the limits right;
- conv_output_size: the shape torch.nn.Conv2d gives, and the window positions counted one by one;
- central differences: exact on polynomials up to the h² term they leave;
- and, read from the source: no second definition of a primitive and no second copy of the
  sigmoid or central-difference formula anywhere else in nnlab.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from nnlab.core import functional as F
from nnlab.core import gradcheck as G

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nnlab"
X = sp.Symbol("x", real=True)
POINTS = [-40, -12.5, -3, -1, -0.25, 0, 1e-3, 0.5, 2, 7.75, 36]


def exact(expr, x):
    return float(expr.subs(X, sp.Rational(x)).evalf(40))


def quiet():
    """A context in which any numpy warning or floating-point overflow, division by zero or
    invalid operation fails the test (underflow to 0 is what these formulas rely on)."""
    class Quiet:
        def __enter__(self):
            self.w = warnings.catch_warnings()
            self.w.__enter__()
            warnings.simplefilter("error")
            self.e = np.errstate(over="raise", divide="raise", invalid="raise")
            self.e.__enter__()

        def __exit__(self, *exc):
            self.e.__exit__(*exc)
            self.w.__exit__(*exc)
    return Quiet()


# -- the elementwise functions and their derivatives, against sympy ------------------------------------
SIGMOID = 1 / (1 + sp.exp(-X))
ELEMENTWISE = [
    ("sigmoid", F.sigmoid, SIGMOID),
    ("sigmoid_derivative", F.sigmoid_derivative, sp.diff(SIGMOID, X)),
    ("tanh", F.tanh, sp.tanh(X)),
    ("tanh_derivative", F.tanh_derivative, sp.diff(sp.tanh(X), X)),
    ("softplus", F.softplus, sp.log(1 + sp.exp(X))),
    ("softplus_derivative", F.softplus_derivative, sp.diff(sp.log(1 + sp.exp(X)), X)),
    ("exp_nonpositive", F.exp_nonpositive, sp.exp(sp.Min(X, 0))),
]


@pytest.mark.parametrize("name, f, expr", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
def test_elementwise_values_match_sympy(name, f, expr):
    got = np.asarray(f(np.array(POINTS, dtype=float)))
    want = np.array([exact(expr, x) for x in POINTS])
    # relative to the value: sigmoid is exact at both ends (1e-17 is not rounded to 0);
    # tanh' = 1 − tanh² is only absolutely accurate where tanh rounds to ±1
    atol = 1e-16 if name == "tanh_derivative" else 0.0
    np.testing.assert_allclose(got, want, rtol=4e-15, atol=atol)
    for x, w in zip(POINTS, want):   # a number in, the same number out
        assert float(f(x)) == pytest.approx(w, rel=4e-15, abs=atol)


def test_sigmoid_is_exact_far_out_on_the_negative_side():
    # 1 − σ(z) is σ(−z): the formula with e^-z alone would round σ(−40) through 1 + e^40.
    for z in (-40.0, -100.0, -700.0):
        assert F.sigmoid(z) == pytest.approx(exact(SIGMOID, z), rel=1e-15)


def test_derivatives_written_with_the_output():
    # s(1 − s) loses its digits where s rounds to 1 (that is why sigmoid_derivative exists)
    for x in [x for x in POINTS if x < 30]:
        s, h = exact(SIGMOID, x), exact(sp.tanh(X), x)
        assert F.sigmoid_derivative_from_output(s) == pytest.approx(
            exact(sp.diff(SIGMOID, X), x), rel=1e-12, abs=1e-30)
        assert F.tanh_derivative_from_output(h) == pytest.approx(
            exact(sp.diff(sp.tanh(X), X), x), rel=1e-9, abs=1e-16)


def test_sigmoid_expr_is_the_sigmoid_in_sympy():
    w, b = sp.symbols("w b", real=True)
    e = F.sigmoid_expr(X)
    assert e.subs(X, 0) == sp.Rational(1, 2)
    assert sp.simplify(sp.diff(e, X) - e * (1 - e)) == 0
    assert sp.simplify(e + e.subs(X, -X) - 1) == 0
    composed = F.sigmoid_expr(w * X + b)
    assert float(composed.subs({w: 2, b: -1, X: sp.Rational(3, 4)})) == pytest.approx(
        float(F.sigmoid(0.5)), rel=1e-15)
    for x in POINTS:
        assert float(e.subs(X, sp.Rational(x)).evalf(30)) == pytest.approx(
            float(F.sigmoid(x)), rel=4e-15)


# -- softmax and its relatives, against sympy -----------------------------------------------------------
def sympy_softmax(z, t=1):
    zs = [sp.nsimplify(v) / sp.nsimplify(t) for v in z]
    e = [sp.exp(v) for v in zs]
    return [float((v / sum(e)).evalf(40)) for v in e]


@pytest.mark.parametrize("t", [1.0, 0.5, 3.0])
def test_softmax_matches_sympy(t):
    z = [0.5, -1.25, 2.0, 0.0]
    np.testing.assert_allclose(F.softmax(np.array(z), temperature=t), sympy_softmax(z, t), rtol=1e-14)


def test_softmax_along_either_axis():
    z = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 4.0]])
    rows = F.softmax(z, axis=1)
    cols = F.softmax(z, axis=0)
    for i in range(2):
        np.testing.assert_allclose(rows[i], sympy_softmax(z[i]), rtol=1e-14)
    for j in range(3):
        np.testing.assert_allclose(cols[:, j], sympy_softmax(z[:, j]), rtol=1e-14)


@pytest.mark.parametrize("t", [1.0, 0.5, 2.5])
def test_softmax_jacobian_matches_sympy(t):
    zs = sp.symbols("z0:3", real=True)
    e = [sp.exp(v / sp.nsimplify(t)) for v in zs]
    s = [v / sum(e) for v in e]
    jac = sp.Matrix(s).jacobian(zs)
    z = [0.3, -0.7, 1.1]
    at = {v: sp.nsimplify(x) for v, x in zip(zs, z)}
    want = np.array(jac.subs(at).evalf(40), dtype=float)
    got = F.softmax_jacobian(F.softmax(np.array(z), temperature=t), temperature=t)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)


def test_log_softmax_matches_sympy():
    zs = [sp.nsimplify(v) for v in (0.5, -1.25, 2.0, 0.0)]
    lse = sp.log(sum(sp.exp(v) for v in zs))
    want = [float((v - lse).evalf(40)) for v in zs]
    np.testing.assert_allclose(F.log_softmax(np.array(zs, dtype=float)), want, rtol=1e-14)


def test_cross_entropy_by_hand_and_by_central_differences():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    labels = np.array([0, 2])
    zs = [[sp.nsimplify(v) for v in row] for row in logits]
    want = sum(-(row[k] - sp.log(sum(sp.exp(v) for v in row))) for row, k in zip(zs, labels)) / 2
    loss, grad = F.cross_entropy(logits, labels)
    assert loss == pytest.approx(float(want.evalf(40)), rel=1e-14)
    z = logits.copy()
    fd = G.central_difference(lambda: F.cross_entropy(z, labels)[0], z, h=1e-6)
    np.testing.assert_allclose(grad, fd, rtol=1e-7, atol=1e-10)


def test_bce_and_mse_by_hand():
    z, y = np.array([1.5, -0.5, 3.0, 0.0]), np.array([1.0, 0.0, 0.25, 1.0])
    want = sum(-(sp.nsimplify(t) * sp.log(1 / (1 + sp.exp(-sp.nsimplify(v))))
                 + (1 - sp.nsimplify(t)) * sp.log(1 - 1 / (1 + sp.exp(-sp.nsimplify(v)))))
               for v, t in zip(z, y)) / 4
    loss, grad = F.bce_with_logits(z, y)
    assert loss == pytest.approx(float(want.evalf(40)), rel=1e-14)
    zz = z.copy()
    np.testing.assert_allclose(grad, G.central_difference(lambda: F.bce_with_logits(zz, y)[0], zz),
                               rtol=1e-7, atol=1e-10)
    a, t = np.array([[1.0, 2.0], [3.0, -4.0]]), np.array([[0.5, 2.0], [1.0, 0.0]])
    loss, grad = F.mse(a, t)
    assert loss == (0.25 + 0 + 4 + 16) / 4
    np.testing.assert_array_equal(grad, [[0.25, 0.0], [1.0, -2.0]])


# -- against PyTorch -----------------------------------------------------------------------------------
@pytest.fixture
def torch():
    torch = pytest.importorskip("torch", reason="PyTorch not installed: comparison skipped")
    torch.set_default_dtype(torch.float64)
    return torch


def logits_and_labels(seed=0, n=7, k=5, scale=4.0):
    rng = np.random.default_rng(seed)
    return rng.normal(0, scale, (n, k)), rng.integers(0, k, n)


@pytest.mark.torch
@pytest.mark.parametrize("t", [1.0, 0.3, 2.0])
def test_softmax_and_log_softmax_match_torch(torch, t):
    z, _ = logits_and_labels()
    for axis in (0, 1, -1):
        want = torch.softmax(torch.tensor(z) / t, dim=axis).numpy()
        np.testing.assert_allclose(F.softmax(z, axis=axis, temperature=t), want, rtol=1e-13, atol=1e-300)
        want = torch.log_softmax(torch.tensor(z), dim=axis).numpy()
        np.testing.assert_allclose(F.log_softmax(z, axis=axis), want, rtol=1e-13, atol=1e-13)


@pytest.mark.torch
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cross_entropy_and_its_gradient_match_torch(torch, seed):
    z, y = logits_and_labels(seed, scale=[1.0, 5.0, 30.0][seed])
    zt = torch.tensor(z, requires_grad=True)
    want = torch.nn.functional.cross_entropy(zt, torch.tensor(y))
    want.backward()
    loss, grad = F.cross_entropy(z, y)
    assert loss == pytest.approx(want.item(), rel=1e-13)
    np.testing.assert_allclose(grad, zt.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.torch
@pytest.mark.parametrize("seed", [0, 1])
def test_bce_with_logits_and_its_gradient_match_torch(torch, seed):
    rng = np.random.default_rng(seed)
    z, y = rng.normal(0, 6, (4, 3)), rng.uniform(0, 1, (4, 3))
    y[0] = [0.0, 1.0, 1.0]
    zt = torch.tensor(z, requires_grad=True)
    want = torch.nn.functional.binary_cross_entropy_with_logits(zt, torch.tensor(y))
    want.backward()
    loss, grad = F.bce_with_logits(z, y)
    assert loss == pytest.approx(want.item(), rel=1e-13)
    np.testing.assert_allclose(grad, zt.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.torch
def test_mse_and_its_gradient_match_torch(torch):
    rng = np.random.default_rng(3)
    a, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    at = torch.tensor(a, requires_grad=True)
    want = torch.nn.functional.mse_loss(at, torch.tensor(y))
    want.backward()
    loss, grad = F.mse(a, y)
    assert loss == pytest.approx(want.item(), rel=1e-14)
    np.testing.assert_allclose(grad, at.grad.numpy(), rtol=1e-14)


@pytest.mark.torch
def test_sigmoid_tanh_softplus_match_torch(torch):
    z = np.linspace(-50, 50, 201)
    zt = torch.tensor(z)
    np.testing.assert_allclose(F.sigmoid(z), torch.sigmoid(zt).numpy(), rtol=1e-15)
    np.testing.assert_allclose(F.tanh(z), torch.tanh(zt).numpy(), rtol=1e-15)
    np.testing.assert_allclose(F.softplus(z), torch.nn.functional.softplus(zt, threshold=1e9).numpy(),
                               rtol=1e-14)


@pytest.mark.torch
def test_conv_output_size_matches_torch_conv2d(torch):
    for n in (1, 5, 8, 13):
        for f in (1, 2, 3, 5):
            for stride in (1, 2, 3):
                for padding in (0, 1, 2):
                    for dilation in (1, 2):
                        if n + 2 * padding < dilation * (f - 1) + 1:
                            continue   # the window does not fit: torch refuses
                        conv = torch.nn.Conv2d(1, 1, (f, 1), stride=(stride, 1), padding=(padding, 0),
                                               dilation=(dilation, 1), bias=False)
                        out = conv(torch.zeros(1, 1, n, 1)).shape[2]
                        assert F.conv_output_size(n, f, stride, padding, dilation) == out, (
                            n, f, stride, padding, dilation)


def test_conv_output_size_counts_the_window_positions():
    for n in range(1, 12):
        for f in range(1, 6):
            for stride in (1, 2, 3, 4):
                for padding in (0, 1, 2):
                    for dilation in (1, 2, 3):
                        span = dilation * (f - 1) + 1   # cells from the window's first to its last
                        fits = [i for i in range(0, n + 2 * padding, stride) if i + span <= n + 2 * padding]
                        if not fits:
                            continue
                        assert F.conv_output_size(n, f, stride, padding, dilation) == len(fits)
    assert F.conv_output_size(32, 5) == 28 and F.conv_output_size(224, 11, 4, 2) == 55  # LeNet, AlexNet


# -- extreme inputs ------------------------------------------------------------------------------------
BIG = np.array([-1000.0, -745.0, -30.0, 0.0, 30.0, 745.0, 1000.0])


def test_elementwise_functions_at_extreme_inputs():
    with quiet():
        outs = {name: np.asarray(f(BIG)) for name, f, _ in ELEMENTWISE}
        outs["sigmoid_derivative_from_output"] = F.sigmoid_derivative_from_output(F.sigmoid(BIG))
        outs["tanh_derivative_from_output"] = F.tanh_derivative_from_output(F.tanh(BIG))
    for name, out in outs.items():
        assert np.all(np.isfinite(out)), name
    s = outs["sigmoid"]
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5 and 0 < s[1] < 1e-300
    assert np.array_equal(outs["tanh"][[0, -1]], [-1.0, 1.0])
    assert outs["softplus"][-1] == 1000.0 and outs["softplus"][0] == 0.0
    assert outs["sigmoid_derivative"][0] == 0.0 == outs["sigmoid_derivative"][-1]
    assert outs["exp_nonpositive"][-1] == 1.0 and outs["exp_nonpositive"][0] == 0.0


def test_softmax_and_losses_at_extreme_inputs():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    with quiet():
        s = F.softmax(z, axis=1)
        s_hot = F.softmax(z, axis=1, temperature=0.01)
        logp = F.log_softmax(z, axis=1)
        loss, grad = F.cross_entropy(z, np.array([1, 2]))
        bce, bgrad = F.bce_with_logits(np.array([1000.0, -1000.0, 1000.0]), np.array([0.0, 1.0, 1.0]))
        jac = F.softmax_jacobian(s[0])
    for a in (s, s_hot, logp, grad, bgrad, jac):
        assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(s[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(s[1], [1 / 3] * 3, rtol=1e-15)
    np.testing.assert_array_equal(logp[0], [0.0, -2000.0, -1000.0])
    assert loss == pytest.approx((2000.0 + np.log(3.0)) / 2, rel=1e-15)
    np.testing.assert_allclose(grad, [[0.5, -0.5, 0.0], [1 / 6, 1 / 6, -1 / 3]], rtol=1e-15, atol=1e-300)
    assert bce == pytest.approx(2000.0 / 3, rel=1e-15)
    np.testing.assert_allclose(bgrad, [1 / 3, -1 / 3, 0.0])


# -- central differences -------------------------------------------------------------------------------
def test_central_difference_matches_sympy_gradient():
    a, b, c = sp.symbols("a b c", real=True)
    expr = a ** 2 * b + sp.sin(c) * a - sp.exp(b * c)
    at = {a: sp.Rational(3, 10), b: sp.Rational(-7, 10), c: sp.Rational(6, 5)}
    want = [float(sp.diff(expr, v).subs(at).evalf(30)) for v in (a, b, c)]
    f = sp.lambdify([(a, b, c)], expr, "math")
    x = np.array([0.3, -0.7, 1.2])
    kept = x.copy()
    got = G.central_difference(lambda: f(x), x, h=1e-6)
    np.testing.assert_allclose(got, want, rtol=1e-8)
    np.testing.assert_array_equal(x, kept)   # restored


def test_central_difference_works_on_a_matrix_in_place():
    w = np.arange(6, dtype=float).reshape(2, 3) / 10
    got = G.central_difference(lambda: float(np.sum(w ** 3)), w, h=1e-4)
    np.testing.assert_allclose(got, 3 * w ** 2 + 1e-8, rtol=1e-9, atol=1e-12)  # + h², exactly
    assert got.shape == (2, 3)


def test_derivative_is_central_its_error_is_h_squared():
    # (x+h)³ − (x−h)³ = 6x²h + 2h³, so the central quotient is 3x² + h² (a forward one: 3x² + 3xh + h²)
    for h in (1e-1, 1e-2):
        assert G.derivative(lambda x: x ** 3, 1.0, h=h) == pytest.approx(3 + h * h, rel=1e-12)
    assert G.derivative(np.sin, 0.7) == pytest.approx(np.cos(0.7), rel=1e-9)


def test_central_difference_refuses_arrays_it_cannot_change_in_place():
    with pytest.raises(ValueError, match="x: expected a float array"):
        G.central_difference(lambda: 0.0, np.arange(3))
    with pytest.raises(ValueError, match="x: expected a contiguous array"):
        G.central_difference(lambda: 0.0, np.zeros((3, 4))[:, ::2])


def test_max_relative_error_by_hand():
    assert G.max_relative_error([1.0, 2.0], [1.1, 2.0]) == pytest.approx(0.1 / 1.1, rel=1e-15)
    assert G.max_relative_error([0.0], [1e-10]) == pytest.approx(1e-2, rel=1e-12)   # the floor
    assert G.max_relative_error([0.0], [1e-10], floor=1e-10) == pytest.approx(1.0)
    assert G.max_relative_error([-3.0, 5.0], [3.0, 5.0]) == pytest.approx(2.0)
    assert G.max_relative_error([], []) == 0.0
    assert G.max_relative_error(np.ones((2, 2)), np.ones((2, 2))) == 0.0


# -- written once ----------------------------------------------------------------------------------------
FUNCTIONAL = PACKAGE / "core" / "functional.py"
GRADCHECK = PACKAGE / "core" / "gradcheck.py"
PRIMITIVES = {"sigmoid", "tanh", "softplus", "softmax", "log_softmax", "cross_entropy",
              "bce_with_logits", "output_size", "conv_output_size"}
# a copy under a private name counts too (`_sigmoid`); `_output_size` is not in this list:
# detection's RoI pooling has a `_output_size` that reads its argument `output_size`
PRIVATE_COPIES = {"_" + n for n in PRIMITIVES - {"output_size", "conv_output_size"}}
WRAPS = {"output_size": {"conv_output_size"}}   # which functional function a wrapper must call
CENTRAL = re.compile(r"/\s*\(\s*2(?:\.0*)?\s*\*\s*(?:h|eps|epsilon|delta|dx|step)\s*\)"
                     r"|/\s*\(\s*(?:h|eps|epsilon|delta|dx|step)\s*\*\s*2(?:\.0*)?\s*\)"
                     r"|/\s*2(?:\.0*)?\s*/\s*(?:h|eps|epsilon|delta|dx|step)\b")
MODULE = r"(?:\w+\s*\.\s*)?"   # np. / math. / sp. / nothing
SIGMOID_FORMULA = re.compile(
    rf"(?<![\w.])1(?:\.0*)?\s*/\s*\(\s*1(?:\.0*)?\s*\+\s*{MODULE}exp\s*\("             # 1 / (1 + np.exp(
    rf"|(?<![\w.])0?\.5\s*\+\s*0?\.5\s*\*\s*{MODULE}tanh\s*\(\s*0?\.5\s*\*"           # .5 + .5 * tanh(.5 *
    rf"|(?<![\w.])0?\.5\s*\*\s*\(\s*1(?:\.0*)?\s*\+\s*{MODULE}tanh\s*\(\s*0?\.5\s*\*")  # .5 * (1 + tanh(.5 *


def code_lines(text: str) -> dict:
    """Line number -> the code on it, with comments and string literals blanked out (docstrings
    may quote a formula; only code may not repeat it)."""
    lines = [list(line) for line in text.splitlines()]
    blank = {tokenize.COMMENT, tokenize.STRING}
    blank |= {getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
              if hasattr(tokenize, n)}
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in blank:
            continue
        (r0, c0), (r1, c1) = tok.start, tok.end
        for r in range(r0, r1 + 1):
            row = lines[r - 1]
            lo, hi = (c0 if r == r0 else 0), (c1 if r == r1 else len(row))
            row[lo:hi] = " " * (hi - lo)
    return {i: "".join(row) for i, row in enumerate(lines, 1) if "".join(row).strip()}


def formula_copies(files, pattern, what, root=ROOT) -> list[str]:
    found = []
    for path in files:
        for row, code in sorted(code_lines(path.read_text()).items()):
            if pattern.search(code):
                found.append(f"{path.relative_to(root)}:{row}: {what}: {code.strip()}")
    return found


def functional_names(tree: ast.Module, path: Path, root=ROOT) -> tuple[set, dict]:
    """How this file reaches nnlab.core.functional: local module aliases, and name -> function."""
    modules, functions = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "nnlab.core.functional" and alias.asname:
                    modules.add(alias.asname)
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:   # resolve the relative import against this file's package
                package = list(path.relative_to(root).with_suffix("").parts[:-1])
                package = package[: len(package) - (node.level - 1)]
                source = ".".join(package + ([node.module] if node.module else []))
            for alias in node.names:
                if source == "nnlab.core" and alias.name == "functional":
                    modules.add(alias.asname or "functional")
                elif source == "nnlab.core.functional":
                    functions[alias.asname or alias.name] = alias.name
    return modules, functions


def calls_functional(func: ast.AST, modules: set, functions: dict, wanted: set) -> bool:
    for node in ast.walk(func):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in modules:
            if f.attr in wanted:
                return True
        if isinstance(f, ast.Name) and functions.get(f.id) in wanted:
            return True
    return False


def second_definitions(files, root=ROOT) -> list[str]:
    found = []
    for path in files:
        tree = ast.parse(path.read_text(), str(path))
        modules, functions = functional_names(tree, path, root)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if node.name not in PRIMITIVES | PRIVATE_COPIES:
                continue
            name = node.name.lstrip("_")
            wanted = WRAPS.get(name, {name})
            if not calls_functional(node, modules, functions, wanted):
                found.append(f"{path.relative_to(root)}:{node.lineno}: def {node.name} does not call "
                             f"nnlab.core.functional.{'/'.join(sorted(wanted))} (a second definition)")
    return found


def package_files(*excluded):
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p not in excluded]


def test_each_primitive_is_defined_once():
    found = second_definitions(package_files(FUNCTIONAL))
    assert not found, "\n" + "\n".join(found)


def test_no_second_central_difference_formula():
    found = formula_copies(package_files(GRADCHECK), CENTRAL, "central difference (use nnlab.core.gradcheck)")
    assert not found, "\n" + "\n".join(found)


def test_no_second_sigmoid_formula():
    found = formula_copies(package_files(FUNCTIONAL), SIGMOID_FORMULA, "sigmoid (use nnlab.core.functional)")
    assert not found, "\n" + "\n".join(found)


def test_the_primitives_are_where_the_checks_look():
    tree = ast.parse(FUNCTIONAL.read_text())
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert PRIMITIVES - {"output_size"} <= defined
    # the one copy of each formula is found where it is written (the checks read real code)
    assert any(SIGMOID_FORMULA.search(c) for c in code_lines(FUNCTIONAL.read_text()).values())
    assert any(CENTRAL.search(c) for c in code_lines(GRADCHECK.read_text()).values())


PLANTED = '''\
"""Docstrings may quote σ = 1 / (1 + np.exp(-z)) and (f(x+h) − f(x−h)) / (2 * h)."""
import numpy as np
from ..core import functional as F
from nnlab.core.functional import softmax as _sm


def sigmoid(z):                        # a second formula
    return 1.0 / (1.0 + np.exp(-z))


def _softplus(z):                      # a private copy
    return np.log1p(np.exp(z))


def tanh(z):                           # a validating wrapper: allowed
    if not np.all(np.isfinite(z)):
        raise ValueError("z: expected finite numbers")
    return F.tanh(z)


def softmax(z):                        # a wrapper through a from-import: allowed
    return _sm(z)


def output_size(n, f):                 # a wrapper of conv_output_size: allowed
    return F.conv_output_size(n, f)


def cross_entropy(p, y):               # calls functional, but not cross_entropy
    return -np.sum(F.log_softmax(p)[y])


def grad(f, x, eps):
    s = 0.5 + 0.5 * np.tanh(0.5 * x)   # sigmoid through tanh
    t = np.tanh(0.5 * x + 0.8)         # a tanh cell: not a sigmoid
    return (f(x + eps) - f(x - eps)) / (2.0 * eps) + s + t
'''


def test_the_checks_catch_planted_copies(tmp_path):
    fake = tmp_path / "nnlab" / "engine" / "planted_copy.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(PLANTED)
    defs = second_definitions([fake], tmp_path)
    assert [d.split(": ")[1].split(" does")[0] for d in defs] == [
        "def sigmoid", "def _softplus", "def cross_entropy"], defs
    assert all(d.startswith("nnlab/engine/planted_copy.py:") for d in defs)
    central = formula_copies([fake], CENTRAL, "central", tmp_path)
    assert len(central) == 1 and ":36:" in central[0], central
    sig = formula_copies([fake], SIGMOID_FORMULA, "sigmoid", tmp_path)
    assert [s.split(":")[1] for s in sig] == ["8", "34"], sig
