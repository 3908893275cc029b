"""The activation functions of the course: value, derivative and symbolic form.

`ACTIVATIONS` maps a name to an `Activation` with `.name`, `.forward(x)`, `.derivative(x)`
(elementwise numpy, derivative with respect to the input x) and `.sympy_expr()` (built lazily:
sympy is imported only when a formula is asked for). `get(name, **params)` builds one with
parameters, e.g. `get("leaky_relu", alpha=0.01)`. Softmax acts on a vector, not on each number
alone: `softmax(x, axis=-1, temperature=1.0)`. Sigmoid, tanh, softplus and softmax are those of
nnlab.core.functional (each written once there); this module checks the arguments. What the
course notes say about each function (range, use, pros, cons, slips) is course content:
nnlab.course.activations.FACTS.

Conventions follow PyTorch where it has the function (torch.sigmoid, tanh, relu, leaky_relu,
elu, softplus, softmax), including the derivative at the kink: ReLU'(0) = 0, LeakyReLU'(0) = α,
ELU'(0) = α. The hard sigmoid is the course notes' min(1, max(0, 0.2x + 0.5)) (old Keras
versions used it); PyTorch's hardsigmoid and current Keras use x/6 + 1/2 instead (clipped to
[0, 1]): at x = 1 the notes' form gives 0.7, theirs 0.667. torch's softplus returns x itself for x > 20 (its
`threshold`); here log(1 + eˣ) is computed exactly there too (it differs from x by < 2e-9).
The step function is 1 for x ≥ 0, else 0; its derivative is 0 everywhere it exists
(nothing for gradient descent to follow).

Every function is numerically stable: sigmoid, softplus, softmax and ELU give finite values
without overflow warnings for inputs up to ±1e4 (and beyond).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core import functional as F
from ..core.validate import check_seed, fail, finite_array, finite_number, finite_result, positive_int


# ---- numerics -------------------------------------------------------------------------------
def _arr(x) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.size and np.any(np.isnan(a)):
        fail("x", "numbers (no nan)")
    return a


_LOW = -700.0  # exp(-700) ≈ 1e-304 is still a normal float: no underflow below it


def _exp_neg(z):
    """exp(z) for z ≤ 0 without overflow or underflow warnings (exactly 0 below -700)."""
    z = np.minimum(z, 0.0)
    return np.where(z < _LOW, 0.0, np.exp(np.maximum(z, _LOW)))


def _elu(x, alpha):
    em1 = np.where(x < _LOW, -1.0, np.expm1(np.maximum(np.minimum(x, 0.0), _LOW)))
    return np.where(x > 0, x, alpha * em1)


def _elu_d(x, alpha):
    return np.where(x > 0, 1.0, alpha * _exp_neg(x))


def _finite_out(x, out, what):
    """`out`, unless a finite input gave a non-finite output (a parameter such as alpha = 1e308
    overflowing): then the ValueError naming x. An infinite input may give an infinite output."""
    bad = ~np.isfinite(out) & np.isfinite(x)
    if np.any(bad):
        fail("x", f"inputs for which {what}(x) stays finite (with these parameters)",
             float(np.asarray(x)[bad].flat[0]) if np.ndim(x) else float(x))
    return out


@dataclass
class Activation:
    """One activation function: numbers, derivative and formula (the notes' facts about it are
    course content: nnlab.course.activations.FACTS[name])."""

    name: str
    title: str
    _f: object
    _d: object
    _sym: object  # callable (sympy module, x, params) -> expression
    params: dict = field(default_factory=dict)

    def forward(self, x):
        """f(x), elementwise (e^-|x| may round to 0 far out: that is not an error, so underflow
        is never signalled, even under np.errstate(all="raise"))."""
        x = _arr(x)
        with np.errstate(under="ignore", over="ignore", invalid="ignore"):
            return _finite_out(x, self._f(x, **self.params), self.name)

    __call__ = forward

    def derivative(self, x):
        """f'(x), elementwise, with respect to the input x."""
        x = _arr(x)
        with np.errstate(under="ignore", over="ignore", invalid="ignore"):
            return _finite_out(x, self._d(x, **self.params), self.name + "'")

    def forward_unchecked(self, x):
        """f(x) for a float array already checked (the fast path inside layers)."""
        return self._f(x, **self.params)

    def derivative_unchecked(self, x):
        return self._d(x, **self.params)

    def sympy_expr(self, symbol=None):
        """The function as a sympy expression in `symbol` (default x), parameters as numbers."""
        import sympy as sp

        x = symbol if symbol is not None else sp.Symbol("x", real=True)
        prm = {k: sp.nsimplify(v) for k, v in self.params.items()}
        return self._sym(sp, x, prm)

    def sympy_derivative(self, symbol=None):
        import sympy as sp

        x = symbol if symbol is not None else sp.Symbol("x", real=True)
        return sp.diff(self.sympy_expr(x), x)

    def latex(self) -> str:
        """LaTeX of f(x) with its parameters written symbolically (α), for display."""
        return LATEX[self.name]

    def derivative_latex(self) -> str:
        """LaTeX of f'(x) (checked against sympy.diff in the tests)."""
        return DERIVATIVE_LATEX[self.name]

    def __repr__(self):
        ps = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        return f"Activation({self.name!r}{', ' + ps if ps else ''})"


LATEX = {
    "step": r"f(x) = \begin{cases} 1 & x \ge 0 \\ 0 & x < 0 \end{cases}",
    "sigmoid": r"\sigma(x) = \frac{1}{1 + e^{-x}}",
    "tanh": r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
    "relu": r"\mathrm{ReLU}(x) = \max(0, x)",
    "leaky_relu": r"f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}",
    "prelu": r"f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases},\ \alpha\ \text{learned}",
    "elu": r"f(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
    "hard_sigmoid": r"f(x) = \min(1, \max(0, 0.2x + 0.5))",
    "softplus": r"f(x) = \log(1 + e^{x})",
    "linear": r"f(x) = x",
}

DERIVATIVE_LATEX = {
    "step": r"f'(x) = 0 \quad (x \ne 0;\ \text{undefined at } 0)",
    "sigmoid": r"\sigma'(x) = \sigma(x)\,(1 - \sigma(x))",
    "tanh": r"\tanh'(x) = 1 - \tanh^2(x)",
    "relu": r"f'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
    "leaky_relu": r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}",
    "prelu": r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases},\ "
             r"\frac{\partial f}{\partial \alpha} = \begin{cases} 0 & x > 0 \\ x & x \le 0 \end{cases}",
    "elu": r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}",
    "hard_sigmoid": r"f'(x) = \begin{cases} 0.2 & -2.5 < x < 2.5 \\ 0 & \text{otherwise} \end{cases}",
    "softplus": r"f'(x) = \frac{1}{1 + e^{-x}} = \sigma(x)",
    "linear": r"f'(x) = 1",
}


def _step_sym(sp, x, p):
    return sp.Piecewise((1, x >= 0), (0, True))


def _relu_sym(sp, x, p):
    return sp.Piecewise((x, x > 0), (0, True))


def _leaky_sym(sp, x, p):
    return sp.Piecewise((x, x > 0), (p["alpha"] * x, True))


def _elu_sym(sp, x, p):
    return sp.Piecewise((x, x > 0), (p["alpha"] * (sp.exp(x) - 1), True))


def _hard_sym(sp, x, p):
    return sp.Min(1, sp.Max(0, sp.Rational(1, 5) * x + sp.Rational(1, 2)))


_SPECS = {
    # name: (title, forward, derivative, sympy builder, default params)
    "step": ("Step", lambda x: np.where(x >= 0, 1.0, 0.0), lambda x: np.zeros_like(x),
             _step_sym, {}),
    "sigmoid": ("Sigmoid", F.sigmoid, F.sigmoid_derivative, lambda sp, x, p: F.sigmoid_expr(x), {}),
    "tanh": ("Tanh", F.tanh, F.tanh_derivative, lambda sp, x, p: sp.tanh(x), {}),
    "relu": ("ReLU", lambda x: np.maximum(x, 0.0), lambda x: np.where(x > 0, 1.0, 0.0),
             _relu_sym, {}),
    "leaky_relu": ("Leaky ReLU", lambda x, alpha: np.where(x > 0, x, alpha * x),
                   lambda x, alpha: np.where(x > 0, 1.0, alpha), _leaky_sym, {"alpha": 0.01}),
    "prelu": ("PReLU", lambda x, alpha: np.where(x > 0, x, alpha * x),
              lambda x, alpha: np.where(x > 0, 1.0, alpha), _leaky_sym, {"alpha": 0.25}),
    "elu": ("ELU", _elu, _elu_d, _elu_sym, {"alpha": 1.0}),
    "hard_sigmoid": ("Hard sigmoid", lambda x: np.clip(0.2 * x + 0.5, 0.0, 1.0),
                     lambda x: np.where((x > -2.5) & (x < 2.5), 0.2, 0.0), _hard_sym, {}),
    "softplus": ("Softplus", F.softplus, F.softplus_derivative,
                 lambda sp, x, p: sp.log(1 + sp.exp(x)), {}),
    "linear": ("Linear", lambda x: x.copy(), lambda x: np.ones_like(x), lambda sp, x, p: x, {}),
}

NAMES = tuple(_SPECS)


def get(name, **params) -> Activation:
    """The activation `name` (see NAMES) with parameters (only `alpha` for leaky_relu, prelu, elu)."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(name, str) else name
    if key not in _SPECS:
        fail("name", "one of " + ", ".join(NAMES), name)
    title, f, d, sym, defaults = _SPECS[key]
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        allowed = ", ".join(defaults) if defaults else "no parameters"
        fail(unknown[0], f"a parameter of {key} ({allowed})", params[unknown[0]])
    full = dict(defaults)
    for k, v in params.items():
        lo = 0.0
        full[k] = finite_number(k, v, minimum=lo)
    return Activation(key, title, f, d, sym, full)


ACTIVATIONS = {n: get(n) for n in NAMES}


def prelu_alpha_gradient(x, upstream=None):
    """∂PReLU/∂α summed over the elements: Σ upstream·x over x ≤ 0 (α is shared, as torch's PReLU)."""
    x = finite_array("x", x)
    up = np.ones_like(x) if upstream is None else finite_array("upstream", upstream)
    if up.shape != x.shape:
        fail("upstream", f"an array of shape {x.shape} like x", f"shape {up.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        out = float(np.sum(np.where(x > 0, 0.0, x) * up))
    return finite_result("upstream", out, "sum x·upstream over x <= 0")


# ---- softmax --------------------------------------------------------------------------------
def softmax(x, axis=-1, temperature=1.0):
    """softmax(x / T) along `axis` (stable: the max is subtracted first): the checked public
    form of nnlab.core.functional.softmax."""
    x = finite_array("x", x)
    if x.ndim == 0:
        fail("x", "an array with at least one axis (softmax acts on a vector)", x)
    T = finite_number("temperature", temperature, minimum=0.0, strict_min=True)
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) \
            or not -x.ndim <= axis < x.ndim:
        fail("axis", f"an axis of x, from {-x.ndim} to {x.ndim - 1}", axis)
    if x.shape[axis] == 0:
        fail("x", "at least one number along the softmax axis", f"shape {x.shape}")
    with np.errstate(under="ignore", over="ignore"):
        return F.softmax(x, axis=axis, temperature=T)


def softmax_jacobian(x, temperature=1.0):
    """∂softmax_i/∂x_j = s_i(δ_ij − s_j)/T for a vector x."""
    s = softmax(finite_array("x", x, ndim=1), temperature=temperature)
    with np.errstate(over="ignore", invalid="ignore"):
        jac = F.softmax_jacobian(s, temperature=float(temperature))
    return finite_result("temperature", jac, "Jacobian s(δ − s)/T")


# ---- lessons --------------------------------------------------------------------------------
def gradient_through_depth(name, depth, x=0.5, w=1.0, **params):
    """The product of w·f'(z_k) through `depth` layers z_k = w·a_{k−1}, a_k = f(z_k), a_0 = x.

    Returns the running products after 1..depth layers: the factor by which a gradient is
    multiplied on its way back through the layers (the chain rule). With w = 1: sigmoid
    multiplies by at most 1/4 per layer, tanh by at most 1, ReLU by exactly 1 while active.
    """
    act = get(name, **params)
    depth = positive_int("depth", depth, minimum=1, maximum=1000)
    a = finite_number("x", x)
    w = finite_number("w", w)
    out = np.empty(depth)
    prod = 1.0
    for k in range(depth):
        z = w * a
        prod *= w * float(act.derivative(z))
        a = float(act.forward(z))
        out[k] = prod
        if not np.isfinite(prod):
            fail("w", f"a weight for which the product of w·f'(z) stays finite through {depth} "
                      f"layers (it overflowed at layer {k + 1})", w)
    return out


def hard_sigmoid_steps(x):
    """The course's worked hard-sigmoid value, step by step: (0.2x + 0.5, max(0, ·), min(1, ·))."""
    x = finite_number("x", x)
    a = 0.2 * x + 0.5
    b = max(0.0, a)
    return a, b, min(1.0, b)


def dead_relu_fraction(w, b, x):
    """Fraction of inputs x (1-D) for which the ReLU unit w·x + b is inactive (gradient 0)."""
    w = finite_number("w", w)
    b = finite_number("b", b)
    x = finite_array("x", x, ndim=1)
    if x.size == 0:
        fail("x", "at least one input")
    return float(np.mean(w * x + b <= 0))


def dying_relu_run(lr=0.5, steps=20, w=1.0, b=0.5, seed=0, n=50):
    """One ReLU unit a = ReLU(w·x + b) fitted to y = 2x + 1 on x ~ U(−1, 1) by gradient descent
    on the mean squared error. A too large step throws b so negative that w·x + b ≤ 0 for every
    x: from then on every gradient is exactly 0 and the unit never recovers (a "dead" ReLU).

    Returns a dict of lists per step: w, b, loss, active (fraction of x with w·x + b > 0), and
    the gradients (dw, db)."""
    lr = finite_number("lr", lr, minimum=0.0, strict_min=True)
    steps = positive_int("steps", steps, minimum=1, maximum=10000)
    w = finite_number("w", w)
    b = finite_number("b", b)
    rng = np.random.default_rng(check_seed(seed))
    x = rng.uniform(-1.0, 1.0, positive_int("n", n, minimum=1, maximum=1_000_000))
    y = 2.0 * x + 1.0
    hist = {k: [] for k in ("w", "b", "loss", "active", "dw", "db")}
    for _ in range(steps + 1):
        _dying_relu_step(hist, w, b, x, y)
        w, b = w - lr * hist["dw"][-1], b - lr * hist["db"][-1]
        if not (np.isfinite(w) and np.isfinite(b) and np.isfinite(hist["loss"][-1])):
            fail("lr", "a learning rate for which w, b and the loss stay finite", lr)
    return hist


def _dying_relu_step(hist, w, b, x, y):
    """Append one step of dying_relu_run: w, b, loss, active fraction and the gradients."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = w * x + b
        on = z > 0
        r = np.where(on, z, 0.0) - y
        dw, db = float(np.mean(2 * r * on * x)), float(np.mean(2 * r * on))
        for k, v in (("w", w), ("b", b), ("loss", float(np.mean(r * r))),
                     ("active", float(np.mean(on))), ("dw", dw), ("db", db)):
            hist[k].append(v)


__all__ = ["dying_relu_run", "DERIVATIVE_LATEX", "ACTIVATIONS", "NAMES", "Activation", "get",
           "softmax", "softmax_jacobian", "prelu_alpha_gradient", "gradient_through_depth",
           "hard_sigmoid_steps", "dead_relu_fraction", "LATEX"]
