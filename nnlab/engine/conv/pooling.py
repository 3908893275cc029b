"""Max and average pooling, forward and backward, with the conventions of torch.nn.functional.

    max_pool2d(x, kernel_size, stride=None, padding=0)       # stride defaults to kernel_size
    avg_pool2d(x, kernel_size, stride=None, padding=0)       # zero padding counted (torch default)

Max pooling pads with −∞ (padding never wins), average pooling with zeros that count in the
mean (torch's count_include_pad=True). Like torch, padding is at most half the kernel.
`pool_cell` returns the window and the value of one output cell, for explanations.

The common case, non-overlapping windows that tile the input (2×2, stride 2), has a fast path
(`tile_max`: the element-wise maximum of k·k strided slices), tested equal to the general one.
"""
from __future__ import annotations

import numpy as np

from ...core import validate as V
from .windows import (
    as_batch,
    as_pair,
    check_fits,
    check_grad_output,
    col2im,
    out_hw,
    pad_batch,
    unbatch,
    windows,
)

MODES = ("max", "avg")


def _pool_args(x, kernel_size, stride, padding):
    xb, ndim = as_batch("x", x)
    k = as_pair("kernel_size", kernel_size)
    s = k if stride is None else as_pair("stride", stride)
    p = as_pair("padding", padding, minimum=0)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        V.fail("padding", f"at most half the kernel size {k[0]}×{k[1]} (as in torch)", padding)
    pads = ((p[0], p[0]), (p[1], p[1]))
    check_fits("kernel_size", xb.shape[2], xb.shape[3], pads, *k, xb.shape[0] * xb.shape[1], s)
    return xb, ndim, k, s, pads


def _pool_windows(xb, k, s, pads, fill):
    win = windows(pad_batch(xb, pads, fill), k[0], k[1], *s)
    n, c, ho, wo = win.shape[:4]
    return win.reshape(n, c, ho, wo, k[0] * k[1]), ho, wo


def tiles(xb, k, s, pads) -> bool:
    """Non-overlapping windows that tile the input exactly (the common 2×2, stride 2 case)."""
    return pads == ((0, 0), (0, 0)) and s == k and xb.shape[2] % k[0] == 0 and xb.shape[3] % k[1] == 0


def tile_max(xb, k):
    """Max of each k×k tile: the element-wise maximum of the k·k strided slices (fast, no copy)."""
    m = xb[:, :, 0::k[0], 0::k[1]].copy()
    for i in range(k[0]):
        for j in range(k[1]):
            if i or j:
                np.maximum(m, xb[:, :, i::k[0], j::k[1]], out=m)
    return m


# -- forward -----------------------------------------------------------------------------------
def _max_of_windows(xb, k, s, pads):
    win, _, _ = _pool_windows(xb, k, s, pads, -np.inf)
    return win.max(axis=-1)


def max_pool2d_windows(x, kernel_size, stride=None, padding=0):
    """Max pooling by the general route (the maximum of every window), never the tile fast path."""
    xb, ndim, k, s, pads = _pool_args(x, kernel_size, stride, padding)
    return unbatch(_max_of_windows(xb, k, s, pads), ndim)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max pooling as torch.nn.functional.max_pool2d (padding with −∞, floor mode)."""
    xb, ndim, k, s, pads = _pool_args(x, kernel_size, stride, padding)
    if tiles(xb, k, s, pads):
        return unbatch(tile_max(xb, k), ndim)
    return unbatch(_max_of_windows(xb, k, s, pads), ndim)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Average pooling as torch.nn.functional.avg_pool2d (zeros of the padding counted)."""
    xb, ndim, k, s, pads = _pool_args(x, kernel_size, stride, padding)
    win, _, _ = _pool_windows(xb, k, s, pads, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        out = win.mean(axis=-1)
    if not np.all(np.isfinite(out)):   # the sum overflowed (entries near 1.8e308): divide first
        out = (win / win.shape[-1]).sum(axis=-1)
    return unbatch(out, ndim)


# -- backward ----------------------------------------------------------------------------------
def _grad(grad_output, n, c, ho, wo, ndim):
    g = check_grad_output(grad_output, unbatch(np.empty((n, c, ho, wo)), ndim).shape)
    return g.reshape(n, c, ho, wo)


def _max_backward_tiles(xb, g, k):
    m = tile_max(xb, k)
    taken = np.zeros(m.shape, dtype=bool)
    dx = np.zeros(xb.shape)
    for i in range(k[0]):      # the k·k offsets of a window, in torch's (row-major) order:
        for j in range(k[1]):  # the gradient goes to the first maximum only
            hit = xb[:, :, i::k[0], j::k[1]] == m
            hit &= ~taken
            taken |= hit
            np.multiply(g, hit, out=dx[:, :, i::k[0], j::k[1]])
    return dx


def _max_backward_windows(xb, g, k, s, pads):
    n, c, h, w = xb.shape
    ho, wo = g.shape[2:]
    win, _, _ = _pool_windows(xb, k, s, pads, -np.inf)
    idx = win.argmax(axis=-1)
    (t, _), (l, _) = pads
    rows = np.arange(ho)[:, None] * s[0] + idx // k[1] - t          # N C Ho Wo, in the input
    cols = np.arange(wo)[None, :] * s[1] + idx % k[1] - l
    flat = ((np.arange(n)[:, None, None, None] * c + np.arange(c)[None, :, None, None]) * h + rows) * w + cols
    dx = np.bincount(flat.ravel(), weights=g.ravel(), minlength=n * c * h * w)
    return dx.reshape(n, c, h, w)


def _max_backward_args(x, grad_output, kernel_size, stride, padding):
    xb, ndim, k, s, pads = _pool_args(x, kernel_size, stride, padding)
    n, c, h, w = xb.shape
    ho, wo = out_hw(h, w, pads, *k, s)
    return xb, ndim, k, s, pads, _grad(grad_output, n, c, ho, wo, ndim)


def max_pool2d_backward_windows(x, grad_output, kernel_size, stride=None, padding=0):
    """`max_pool2d_backward` by the general route (argmax of every window), never the tile fast path."""
    xb, ndim, k, s, pads, g = _max_backward_args(x, grad_output, kernel_size, stride, padding)
    return unbatch(_max_backward_windows(xb, g, k, s, pads), ndim)


def max_pool2d_backward(x, grad_output, kernel_size, stride=None, padding=0):
    """d input of max pooling: each output's gradient goes to the (first) maximum of its window."""
    xb, ndim, k, s, pads, g = _max_backward_args(x, grad_output, kernel_size, stride, padding)
    if tiles(xb, k, s, pads):
        return unbatch(_max_backward_tiles(xb, g, k), ndim)
    return unbatch(_max_backward_windows(xb, g, k, s, pads), ndim)


def avg_pool2d_backward(x, grad_output, kernel_size, stride=None, padding=0):
    """d input of average pooling: each output's gradient shared equally by its kH·kW cells."""
    xb, ndim, k, s, pads = _pool_args(x, kernel_size, stride, padding)
    n, c, h, w = xb.shape
    ho, wo = out_hw(h, w, pads, *k, s)
    g = _grad(grad_output, n, c, ho, wo, ndim)
    share = np.broadcast_to((g / (k[0] * k[1]))[:, :, :, :, None, None], (n, c, ho, wo, *k))
    d = share.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * k[0] * k[1])
    return unbatch(col2im(d, xb.shape, k[0], k[1], s, pads, ho, wo), ndim)


# -- one output cell, explained ----------------------------------------------------------------
def pool_cell(image, kernel_size, row, col, stride=None, padding=0, mode="max") -> dict:
    """One output cell of 2-D pooling and the steps that make it, for explanations:

    "window" (the padded input under the window: −∞ padding for max, 0 for avg), "value" (its
    maximum or mean), "top_left" (the window's first input row and column; negative inside the
    padding), "rows" and "cols" (the input rows and columns it covers, padding included),
    "winner" (max: the input (row, column) of the first maximum, the one the gradient goes to;
    avg: None), "cell" and "output" (the pooled map's size Ho, Wo).
    """
    mode = V.choice("mode", mode, MODES)
    img = V.finite_array("image", image, ndim=2)
    xb, _, k, s, pads = _pool_args(img, kernel_size, stride, padding)
    ho, wo = out_hw(*img.shape, pads, *k, s)
    r = V.positive_int("row", row, minimum=0, maximum=ho - 1)
    c = V.positive_int("col", col, minimum=0, maximum=wo - 1)
    fill = -np.inf if mode == "max" else 0.0
    xp = pad_batch(xb, pads, fill)[0, 0]
    window = xp[r * s[0]:r * s[0] + k[0], c * s[1]:c * s[1] + k[1]].copy()
    top, left = r * s[0] - pads[0][0], c * s[1] - pads[1][0]
    winner = None
    if mode == "max":
        i, j = divmod(int(window.argmax()), k[1])
        winner = (top + i, left + j)
    value = float(window.max() if mode == "max" else window.mean())
    return {"window": window, "value": value, "top_left": (top, left),
            "rows": range(top, top + k[0]), "cols": range(left, left + k[1]), "winner": winner,
            "mode": mode, "cell": (r, c), "output": (ho, wo)}
