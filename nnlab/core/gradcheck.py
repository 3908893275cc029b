"""Central finite differences, written once: the independent route every backward pass is checked by.

    ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / (2h)         error O(h²)
"""
from __future__ import annotations

import numpy as np


def central_difference(f, x, h=1e-6):
    """∂f/∂x at the array `x` for a scalar function `f()` that reads `x` (changed in place and restored).

    `f` takes no argument: it closes over the array, so a parameter of a model can be perturbed
    where it lives (`central_difference(lambda: model.loss(X, y), model.params[0])`).
    """
    x = np.asarray(x)
    if x.dtype != float:
        raise ValueError(f"x: expected a float array (it is changed in place), got {x.dtype}")
    if not x.flags.c_contiguous:
        raise ValueError("x: expected a contiguous array (it is changed in place)")
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()
        flat[i] = old - h
        down = f()
        flat[i] = old
        g[i] = (up - down) / (2 * h)
    return grad


def derivative(f, x: float, h=1e-6) -> float:
    """df/dx at the number x for a function of one number: (f(x + h) − f(x − h)) / (2h)."""
    return (f(x + h) - f(x - h)) / (2 * h)


def max_relative_error(a, b, floor=1e-8) -> float:
    """max |a − b| / max(|a|, |b|, floor): how far an analytic gradient is from a numerical one."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0
