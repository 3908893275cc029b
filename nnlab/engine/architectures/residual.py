"""Why skip connections let very deep networks train: notebook 03's chain of layers, with and without them.

Notebook 03's depth chain (`engine.activations.gradient_through_depth`): z_k = w·a_{k−1},
a_k = f(z_k), a_0 = x, and the gradient reaching the first layer is the product of the factors
∂a_k/∂a_{k−1} = w·f′(z_k) — at most (1/4)ⁿ for sigmoid with w = 1: it vanishes.

With a skip connection around every layer (a residual block, He et al. 2016) the layer adds
its output to its input, a_k = a_{k−1} + f(w·a_{k−1}), so each factor becomes

    ∂a_k/∂a_{k−1} = 1 + w·f′(z_k)

— the "1" is the identity path: the gradient always has a route back that no layer shrinks,
and for w·f′ ≥ 0 the product is at least 1. (It can grow instead: ReLU with w = 1 doubles the
signal and the gradient at every layer, 2ⁿ; real residual networks keep the residual branch
small, batch norm after its last convolution.)
"""
from __future__ import annotations

import numpy as np

from ...core import validate as V
from .. import activations as A


def chain(name, depth, x=0.5, w=1.0, skip=False, **params) -> np.ndarray:
    """The activations a_1..a_depth of the chain (a_k = f(w·a_{k−1}), plus a_{k−1} with skip)."""
    act = A.get(name, **params)
    depth = V.positive_int("depth", depth, minimum=1, maximum=1000)
    a = V.finite_number("x", x)
    w = V.finite_number("w", w)
    out = np.empty(depth)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(depth):
            a = (a if skip else 0.0) + float(act.forward(w * a))
            if not np.isfinite(a):
                V.fail("depth", f"at most {k} layers at w = {w:g} (the signal overflows after "
                                "them)", depth)
            out[k] = a
    return out


def gradient_factors(name, depth, x=0.5, w=1.0, skip=False, **params) -> np.ndarray:
    """The running products ∂a_k/∂a_0 after 1..depth layers: w·f′(z) per layer without skip
    connections (as `activations.gradient_through_depth`), 1 + w·f′(z) with them."""
    if not skip:
        return A.gradient_through_depth(name, depth, x=x, w=w, **params)
    act = A.get(name, **params)
    acts = chain(name, depth, x=x, w=w, skip=True, **params)
    inputs = np.concatenate([[V.finite_number("x", x)], acts[:-1]])   # a_{k−1} of each layer
    w = float(w)
    factors = np.array([1.0 + w * float(act.derivative(w * a)) for a in inputs])
    with np.errstate(over="ignore"):
        out = np.cumprod(factors)
    if not np.all(np.isfinite(out)):
        k = int(np.argmax(~np.isfinite(out)))
        V.fail("depth", f"at most {k} layers at w = {w:g} (the gradient factor overflows after "
                        "them)", depth)
    return out


def first_layer_gradient(names=("sigmoid", "tanh", "relu"), depths=(1, 5, 10, 20, 30), x=0.5,
                         w=1.0) -> dict:
    """{(name, depth): (without skip, with skip)}: the factor by which the gradient at the top
    is multiplied on its way down to the first layer."""
    out = {}
    for n in names:
        plain = gradient_factors(n, max(depths), x=x, w=w)
        res = gradient_factors(n, max(depths), x=x, w=w, skip=True)
        for d in depths:
            out[(n, V.positive_int("depths", d, maximum=1000))] = (float(plain[d - 1]),
                                                                   float(res[d - 1]))
    return out


def gradient_table(names=("sigmoid", "tanh", "relu"), depths=(1, 5, 10, 20, 30), x=0.5,
                   w=1.0) -> str:
    """`first_layer_gradient` as a table: one row per depth, plain and residual per activation."""
    g = first_layer_gradient(names, depths, x, w)
    head = f"{'layers':>6}" + "".join(f"  {n + ' plain':>13}  {n + ' skip':>13}" for n in names)
    lines = [f"∂a_n/∂a_0 with x = {x:g}, w = {w:g}", head]
    for d in depths:
        lines.append(f"{d:>6}" + "".join(f"  {g[(n, d)][0]:>13.3e}  {g[(n, d)][1]:>13.3e}"
                                         for n in names))
    return "\n".join(lines)
