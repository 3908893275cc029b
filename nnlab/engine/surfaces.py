"""Loss surfaces for racing optimizers: named 2-D test functions with exact gradients, and the
linear-regression data set for GD vs SGD vs mini-batch GD.

Surfaces (`SURFACES`, `surface(name, **params)`):
- "bowl": f = ½(x² + κ·y²), a quadratic bowl with condition number κ (Hessian eigenvalues 1
  and κ). Plain GD converges iff 0 < η < 2/λ_max = 2/max(1, κ).
- "rosenbrock": f = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1) at the end of a curved valley.
- "himmelblau": f = (x² + y − 11)² + (x + y² − 7)², four minima of value 0.
- "saddle": f = ½x² − ½y² + ¼y⁴, a saddle point at the origin between minima at (0, ±1).
- "noisy_bowl": the bowl, but each gradient carries Gaussian noise of standard deviation
  `noise` (a stand-in for the noise of stochastic gradients); seeded.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.validate import check_seed, fail, finite_array, finite_number, finite_result, positive_int

MAX_GRID = 2000          # grid points per axis (2000² values: 32 MB)
MAX_EXAMPLES = 1_000_000  # make_linreg's n
MAX_STEPS = 1_000_000    # linreg_path's steps


@dataclass
class Surface:
    name: str
    title: str
    formula: str
    f: object           # f(x, y) -> value, vectorised
    g: object           # g(x, y) -> (df/dx, df/dy)
    start: tuple
    xlim: tuple
    ylim: tuple
    minima: list
    params: dict = field(default_factory=dict)
    noise: float = 0.0
    max_eigenvalue: float | None = None  # of the Hessian, for quadratics

    def value(self, p) -> float:
        """f(p); a point so far out that f overflows is refused (ValueError naming p)."""
        p = finite_array("p", p, shape=(2,))
        with np.errstate(over="ignore", invalid="ignore"):
            out = float(self.f(p[0], p[1]))
        return finite_result("p", out, f"value of {self.name}")

    def grad(self, p) -> np.ndarray:
        """The exact gradient at p (without noise); refused where it overflows."""
        p = finite_array("p", p, shape=(2,))
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.array(self.g(p[0], p[1]), dtype=float)
        return finite_result("p", out, f"gradient of {self.name}")

    def gradient_fn(self, seed=0):
        """grad_fn(p) for nnlab.engine.optim.run: exact, or with seeded Gaussian noise (noisy_bowl)."""
        g = self.g
        if self.noise == 0:
            return GradFn(lambda p: np.array(g(p[0], p[1])), g)
        rng = np.random.default_rng(check_seed(seed))
        s = self.noise

        def scalar(x, y):
            n1, n2 = rng.standard_normal(2)
            gx, gy = g(x, y)
            return gx + s * n1, gy + s * n2

        return GradFn(lambda p: np.array(scalar(p[0], p[1])), scalar)

    def grid(self, n=120):
        n = positive_int("n", n, minimum=2, maximum=MAX_GRID)
        xs = np.linspace(*self.xlim, n)
        ys = np.linspace(*self.ylim, n)
        X, Y = np.meshgrid(xs, ys)
        return X, Y, self.f(X, Y)

    def stable_lr(self) -> float | None:
        """2/λ_max for the quadratic bowls (GD's stability limit), None otherwise."""
        return None if self.max_eigenvalue is None else 2.0 / self.max_eigenvalue


class GradFn:
    """grad_fn(p) -> array; `.scalar(x, y)` -> (gx, gy) with floats, for run()'s 2-D fast path."""

    def __init__(self, array_fn, scalar):
        self._f = array_fn
        self.scalar = scalar

    def __call__(self, p):
        return self._f(p)


def _bowl(condition=10.0, noise=0.0):
    k = finite_number("condition", condition, minimum=1.0, maximum=1e4)
    return dict(f=lambda x, y: 0.5 * (x * x + k * y * y), g=lambda x, y: (x, k * y),
                max_eigenvalue=max(1.0, k), params={"condition": k},
                formula=f"f = ½(x² + {k:g}·y²)")


def surface(name, **params) -> Surface:
    """A named surface: bowl(condition), rosenbrock, himmelblau, saddle, noisy_bowl(condition, noise)."""
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in SURFACES:
        fail("name", "one of " + ", ".join(SURFACES), name)
    allowed = {"bowl": {"condition"}, "noisy_bowl": {"condition", "noise"}}.get(key, set())
    bad = sorted(set(params) - allowed)
    if bad:
        fail(bad[0], f"a parameter of {key} ({', '.join(sorted(allowed)) or 'none'})", params[bad[0]])
    if key == "bowl":
        b = _bowl(params.get("condition", 10.0))
        return Surface("bowl", "Quadratic bowl", b["formula"], b["f"], b["g"], (-1.8, 1.2),
                       (-2.0, 2.0), (-1.5, 1.5), [(0.0, 0.0)], b["params"],
                       max_eigenvalue=b["max_eigenvalue"])
    if key == "noisy_bowl":
        b = _bowl(params.get("condition", 10.0))
        s = finite_number("noise", params.get("noise", 1.0), minimum=0.0)
        return Surface("noisy_bowl", "Bowl with noisy gradients", b["formula"] + f", ∇f + N(0, {s:g}²)",
                       b["f"], b["g"], (-1.8, 1.2), (-2.0, 2.0), (-1.5, 1.5), [(0.0, 0.0)],
                       {**b["params"], "noise": s}, noise=s, max_eigenvalue=b["max_eigenvalue"])
    if key == "rosenbrock":
        return Surface("rosenbrock", "Rosenbrock", "f = (1 − x)² + 100(y − x²)²",
                       lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
                       lambda x, y: (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
                       (-1.2, 1.0), (-2.0, 2.0), (-1.0, 3.0), [(1.0, 1.0)])
    if key == "himmelblau":
        return Surface("himmelblau", "Himmelblau", "f = (x² + y − 11)² + (x + y² − 7)²",
                       lambda x, y: (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
                       lambda x, y: (4 * x * (x * x + y - 11) + 2 * (x + y * y - 7),
                                     2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)),
                       (-0.5, -0.5), (-5.0, 5.0), (-5.0, 5.0),
                       [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                        (3.584428, -1.848126)])
    return Surface("saddle", "Saddle", "f = ½x² − ½y² + ¼y⁴",
                   lambda x, y: 0.5 * x * x - 0.5 * y * y + 0.25 * y ** 4,
                   lambda x, y: (x, -y + y ** 3),
                   (-1.8, 0.01), (-2.0, 2.0), (-1.6, 1.6), [(0.0, 1.0), (0.0, -1.0)])


SURFACES = ("bowl", "rosenbrock", "himmelblau", "saddle", "noisy_bowl")


# ---- linear regression: GD vs SGD vs mini-batch ----------------------------------------------
LINREG_TRUE = {"w": 3.0, "b": 2.0, "noise": 1.0, "n": 200}


def make_linreg(seed=0, n=200, w=3.0, b=2.0, noise=1.0):
    """The synthetic data of data/linreg.csv: x ~ U(−2, 2), y = w·x + b + N(0, noise²)."""
    rng = np.random.default_rng(check_seed(seed))
    n = positive_int("n", n, minimum=2, maximum=MAX_EXAMPLES)
    x = rng.uniform(-2.0, 2.0, n)
    y = finite_number("w", w) * x + finite_number("b", b) + finite_number(
        "noise", noise, minimum=0.0) * rng.standard_normal(n)
    return np.round(x, 6), np.round(y, 6)


def load_linreg():
    """(x, y) from data/linreg.csv (synthetic, made by benchmarks/make_linreg_data.py)."""
    from ..core.data import load_csv

    t = load_csv("linreg.csv", expected_columns=["x", "y"])
    a = t.array(["x", "y"])
    return a[:, 0].copy(), a[:, 1].copy()


def linreg_loss(w, b, x, y):
    """Mean squared error J(w, b) = mean((w·x + b − y)²); w, b may be grids."""
    w = np.asarray(w, dtype=float)[..., None]
    b = np.asarray(b, dtype=float)[..., None]
    return np.mean((w * x + b - y) ** 2, axis=-1)


def linreg_grad(theta, x, y):
    """∇J at θ = (w, b) on the examples (x, y): (2·mean(r·x), 2·mean(r)), r = w·x + b − y."""
    r = theta[0] * x + theta[1] - y
    return np.array([2.0 * np.mean(r * x), 2.0 * np.mean(r)])


def linreg_solution(x, y):
    """The least-squares (w, b), by the normal equations."""
    A = np.column_stack([x, np.ones_like(x)])
    return np.linalg.lstsq(A, y, rcond=None)[0]


def linreg_path(x, y, batch_size, lr=0.05, steps=100, seed=0, start=(-1.0, -1.0)):
    """GD on batches of `batch_size` examples (1 = SGD, len(x) = full-batch GD); each epoch
    shuffles the data with a seeded generator. Returns the path of (w, b), shape (steps + 1, 2)."""
    x = finite_array("x", x, ndim=1)
    y = finite_array("y", y, shape=(x.size,))
    bs = positive_int("batch_size", batch_size, minimum=1, maximum=x.size)
    lr = finite_number("lr", lr, minimum=0.0, strict_min=True)
    steps = positive_int("steps", steps, minimum=0, maximum=MAX_STEPS)
    rng = np.random.default_rng(check_seed(seed))
    theta = finite_array("start", start, shape=(2,)).copy()
    path = np.empty((steps + 1, 2))
    path[0] = theta
    order, pos = rng.permutation(x.size), 0
    for k in range(steps):
        if pos + bs > x.size:
            order, pos = rng.permutation(x.size), 0
        idx = order[pos:pos + bs]
        pos += bs
        with np.errstate(over="ignore", invalid="ignore"):
            theta = theta - lr * linreg_grad(theta, x[idx], y[idx])
        if not np.all(np.isfinite(theta)):
            fail("lr", f"a learning rate for which GD stays finite (it overflowed at step {k + 1})",
                 lr)
        path[k + 1] = theta
    return path


__all__ = ["Surface", "surface", "SURFACES", "make_linreg", "load_linreg", "linreg_loss",
           "linreg_grad", "linreg_solution", "linreg_path", "LINREG_TRUE"]
