"""Following an optimizer along a path: `run`, its 2-D fast path, and building optimizers by name.

`run(optimizer, grad_fn, x0, steps)` follows one optimizer from x0 on a function whose gradient
is `grad_fn(x)` and returns the path; it evaluates the gradient where the optimizer asks
(`lookahead`), which matters only for the notes' NAG. It takes one of two routes, tested equal
to the last bit: `run_arrays` (the reference: the rule on numpy arrays) and `run_2d` (the fast
path for 2-D surfaces whose gradient also comes as two floats: the same rule on Python floats,
which is about ten times faster on two numbers).
"""
from __future__ import annotations

import inspect
import math

import numpy as np

from ...core.validate import fail, finite_array, finite_number, positive_int, work_limit
from .adam import Adam, Adamax, NAdam
from .adaptive import Adagrad, RMSprop
from .base import ARRAY, SCALAR, Optimizer
from .sgd import GD, NAG, SGD, Momentum

OPTIMIZERS = {"gd": GD, "sgd": SGD, "momentum": Momentum, "nag": NAG, "adagrad": Adagrad,
              "rmsprop": RMSprop, "adam": Adam, "adamax": Adamax, "nadam": NAdam}


def make_optimizer(name, **hyper) -> Optimizer:
    """Build an optimizer by name (case-insensitive): gd, sgd, momentum, nag, adagrad, rmsprop,
    adam, adamax, nadam. Hyperparameters are those of the class (torch names)."""
    if not isinstance(name, str) or name.strip().lower() not in OPTIMIZERS:
        fail("name", "one of " + ", ".join(OPTIMIZERS), name)
    cls = OPTIMIZERS[name.strip().lower()]
    try:
        return cls(**hyper)
    except TypeError as exc:
        allowed = [k for k in inspect.signature(cls).parameters]
        bad = sorted(set(hyper) - set(allowed))
        fail("hyper", f"hyperparameters of {cls.__name__} among {', '.join(allowed)}",
             ", ".join(bad) if bad else str(exc))


MAX_STEPS = 1_000_000         # a path of a million steps takes seconds; 1e9 would take hours
MAX_PATH_NUMBERS = 50_000_000  # (steps + 1)·dim floats: 400 MB


def _start(optimizer, x0, steps):
    steps = positive_int("steps", steps, minimum=0, maximum=MAX_STEPS)
    x = finite_array("x0", x0, ndim=1)
    work_limit("steps", (steps + 1) * max(x.size, 1), MAX_PATH_NUMBERS, "path (steps + 1)·dim")
    optimizer.reset()
    optimizer.check([x], [x])
    optimizer.state = [{"shape": x.shape}]
    path = np.empty((steps + 1, x.size))
    path[0] = x
    return x, path, steps


def _state_finite(st) -> bool:
    """Every number of an optimizer's state is finite (a second moment g² that overflowed to inf
    stalls the path without making θ infinite: that is a divergence too)."""
    return all(np.all(np.isfinite(v)) for k, v in st.items() if k != "shape")


def _nan_after_divergence(path):
    bad = ~np.all(np.isfinite(path), axis=1)
    if bad.any():
        path[int(np.argmax(bad)):] = np.nan  # diverged: the rest of the path is undefined
    return path


def needs_lookahead(optimizer) -> bool:
    """True when the gradient must be taken elsewhere than at θ (the notes' NAG)."""
    return isinstance(optimizer, SGD) and optimizer.form == "notes" and optimizer.nesterov


def run_arrays(optimizer: Optimizer, grad_fn, x0, steps: int) -> np.ndarray:
    """The reference route of `run`: the rule on numpy arrays, as `step` applies it (without
    re-validating every step)."""
    x, path, steps = _start(optimizer, x0, steps)
    st, upd, look = optimizer.state[0], optimizer.update, needs_lookahead(optimizer)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            at = optimizer.lookahead([x])[0] if look else x
            g = np.asarray(grad_fn(at), dtype=float)
            if g.shape != x.shape:
                fail("grad_fn", f"a gradient of shape {x.shape}", f"shape {g.shape}")
            optimizer.t += 1
            x = upd(x, g, st, ARRAY)[-1]
            path[k + 1] = x
            if not _state_finite(st):
                path[k + 1:] = np.nan
                break
    return _nan_after_divergence(path)


def run_2d(optimizer: Optimizer, scalar_grad, x0, steps: int) -> np.ndarray:
    """The fast route of `run` in two dimensions: `scalar_grad(a, b)` returns the gradient as two
    floats and each coordinate is updated by the same rule on Python floats (the same IEEE
    operations as numpy's). Not for the notes' NAG (its gradient is taken at a look-ahead)."""
    if needs_lookahead(optimizer):
        fail("optimizer", "an optimizer that takes the gradient at θ (not the notes' NAG)",
             optimizer)
    x, path, steps = _start(optimizer, x0, steps)
    if x.size != 2:
        fail("x0", "a point with 2 coordinates", f"{x.size} coordinates")
    a, b = float(x[0]), float(x[1])
    sa, sb = {}, {}
    upd, sq = optimizer.update, optimizer.SQUARED
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            optimizer.t += 1
            try:
                ga, gb = scalar_grad(a, b)
                a = upd(a, float(ga), sa, SCALAR)[-1]
                b = upd(b, float(gb), sb, SCALAR)[-1]
            except (OverflowError, ZeroDivisionError, ValueError):
                a = b = math.nan  # Python floats raise where numpy gives inf or nan
            path[k + 1, 0] = a
            path[k + 1, 1] = b
            # x − x is 0 for a finite x and nan for ±inf or nan: one test for θ and for the sum
            # of g² (an overflowing g² stalls θ without making it infinite: a divergence too)
            if (a - a) + (b - b) + (0.0 if sq is None else (sa[sq] - sa[sq]) + (sb[sq] - sb[sq])) \
                    != 0:
                path[k + 1:] = np.nan
                break
    for key in set(sa) & set(sb):  # leave the state as step() would: arrays of shape (2,) ...
        optimizer.state[0][key] = np.array([sa[key], sb[key]], dtype=float)
    for key in optimizer.SCALAR_STATE:  # ... except the numbers shared by all coordinates
        if key in sa:
            optimizer.state[0][key] = sa[key]
    return _nan_after_divergence(path)


def run(optimizer: Optimizer, grad_fn, x0, steps: int) -> np.ndarray:
    """Follow `optimizer` from x0 for `steps` steps; returns the path, shape (steps + 1, dim).

    `grad_fn(x)` returns ∇J at x (a 1-D array like x); if it also has `grad_fn.scalar(a, b)`
    (the 2-D surfaces' gradients do), the fast route `run_2d` is taken. The optimizer is reset
    first. After a divergence the rest of the path is nan.
    """
    scalar = getattr(grad_fn, "scalar", None)
    if scalar is not None and not needs_lookahead(optimizer) and np.size(x0) == 2:
        return run_2d(optimizer, scalar, x0, steps)
    return run_arrays(optimizer, grad_fn, x0, steps)


def stable_lr_limit(max_eigenvalue) -> float:
    """Plain GD on a quadratic with Hessian eigenvalues ≤ λ_max converges iff 0 < η < 2/λ_max."""
    lam = finite_number("max_eigenvalue", max_eigenvalue, minimum=0.0, strict_min=True)
    if 2.0 / lam == math.inf:   # λ below 1.1e-308: 2/λ overflows
        fail("max_eigenvalue", "an eigenvalue of at least 1.2e-308 (2/λ must be finite)", lam)
    return 2.0 / lam


def diverged_at(path) -> int | None:
    """The first step whose point is not finite (the path left the finite numbers), or None."""
    bad = ~np.all(np.isfinite(np.asarray(path, dtype=float)), axis=1)
    return int(np.argmax(bad)) if bad.any() else None
