"""2-D convolution, forward and backward, with the conventions of torch.nn.functional.conv2d.

    conv2d(x, weight, bias=None, stride=1, padding=0)        # x: N×C×H×W, weight: O×C×kH×kW

Like PyTorch (and every deep-learning framework), "convolution" here is *cross-correlation*:
the kernel is not flipped. Each output cell is the element-wise (Hadamard) product of the kernel
with the patch of the input under it, summed, plus the bias (`output_cell` returns those three
steps for one cell).

A single 2-D image with a 2-D kernel is accepted too (`conv2d(image, kernel)` -> 2-D map), and
a 3-D C×H×W input is treated as one unbatched image, as torch does.

`conv2d_unchecked` and `conv2d_backward_unchecked` are the same computations on an N×C×H×W
batch with arguments already resolved: the layer `Conv2d` calls them on every batch.
"""
from __future__ import annotations

import numpy as np

from ...core import validate as V
from .windows import (
    as_batch,
    as_pair,
    check_fits,
    check_grad_output,
    im2col,
    out_hw,
    pad_batch,
    resolve_padding,
    unbatch,
)

FORMS = ("torch", "notes")


def _conv_args(x, weight, bias, stride, padding, form):
    xb, ndim = as_batch("x", x)
    w = V.finite_array("weight", weight)
    if w.ndim == 2:
        w = w[None, None]
    elif ndim == 2:
        V.fail("weight", "a 2-D kernel for a 2-D image (or give x as N×C×H×W)", f"shape {w.shape}")
    elif w.ndim != 4:
        V.fail("weight", "an array of shape O×C×kH×kW (or a 2-D kH×kW kernel)", f"shape {w.shape}")
    if w.shape[1] != xb.shape[1]:
        V.fail("weight", f"{xb.shape[1]} input channel(s) on axis 1 to match x", f"shape {w.shape}")
    if 0 in w.shape or 0 in xb.shape:
        V.fail("x" if 0 in xb.shape else "weight", "a non-empty array")
    b = None
    if bias is not None:
        b = V.finite_array("bias", bias).reshape(-1) if np.ndim(bias) == 0 else \
            V.finite_array("bias", bias, ndim=1)
        if b.shape != (w.shape[0],):
            V.fail("bias", f"{w.shape[0]} number(s), one per output channel", f"shape {b.shape}")
    s = as_pair("stride", stride)
    kh, kw = w.shape[2:]
    pads = resolve_padding(padding, (kh, kw), s)
    check_fits("weight", xb.shape[2], xb.shape[3], pads, kh, kw, xb.shape[0] * xb.shape[1], s)
    scale = 1.0 / (kh * kw) if V.choice("form", form, FORMS) == "notes" else 1.0
    return xb, ndim, w * scale if scale != 1.0 else w, b, s, pads, scale


# -- forward -----------------------------------------------------------------------------------
def conv2d_unchecked(xb, w, b, stride, pads):
    """conv2d of an N×C×H×W batch, weight O×C×kh×kw, bias (O,) or None, stride pair, resolved pads."""
    o = w.shape[0]
    cols, ho, wo = im2col(xb, w.shape[2], w.shape[3], stride, pads)
    out = w.reshape(o, -1) @ cols                      # O × (N·Ho·Wo)
    if b is not None:
        out += b[:, None]
    return np.ascontiguousarray(out.reshape(o, xb.shape[0], ho, wo).transpose(1, 0, 2, 3))


def conv2d(x, weight, bias=None, stride=1, padding=0, form="torch"):
    """2-D cross-correlation as torch.nn.functional.conv2d: out[n,o] = Σ_c x[n,c] ⋆ w[o,c] + b[o].

    form="notes": each output cell is the *average* of the element-wise products (the sum divided
    by kH·kW), as the course notes compute it; torch and every framework use the plain sum.
    """
    xb, ndim, w, b, s, pads, _ = _conv_args(x, weight, bias, stride, padding, form)
    with np.errstate(over="ignore", invalid="ignore"):
        out = conv2d_unchecked(xb, w, b, s, pads)
    return unbatch(V.finite_result("weight", out, "sums of products x·weight"), ndim)


# -- backward ----------------------------------------------------------------------------------
def conv2d_backward_unchecked(xp, w, g, stride, pads, xshape):
    """(d input, d weight, d bias) from the padded input xp and dL/d(output) g (N×O×Ho×Wo).

    One pass per kernel offset (i, j): the input cells that offset touched form one strided slice
    of xp, so d weight[:, :, i, j] is one matrix product and d input gets one slice added.
    """
    n, c = xp.shape[:2]
    o, _, kh, kw = w.shape
    ho, wo = g.shape[2:]
    g3 = g.reshape(n, o, ho * wo)
    gmat = g3.transpose(1, 0, 2).reshape(o, -1)
    dw = np.empty(w.shape)
    dxp = np.zeros(xp.shape)
    for i in range(kh):            # loops over the kernel's kh·kw offsets, not over pixels
        for j in range(kw):
            idx = (slice(None), slice(None), slice(i, i + stride[0] * (ho - 1) + 1, stride[0]),
                   slice(j, j + stride[1] * (wo - 1) + 1, stride[1]))
            dw[:, :, i, j] = gmat @ xp[idx].transpose(1, 0, 2, 3).reshape(c, -1).T
            dxp[idx] += np.matmul(w[:, :, i, j].T, g3).reshape(n, c, ho, wo)
    (t, _), (l, _) = pads
    return dxp[:, :, t:t + xshape[2], l:l + xshape[3]], dw, g.sum(axis=(0, 2, 3))


def conv2d_backward(x, weight, grad_output, bias=None, stride=1, padding=0, form="torch"):
    """Gradients (d input, d weight, d bias) of a loss L given dL/d(output) of `conv2d`.

    d bias[o] = Σ grad[n,o,:,:];  d weight = Σ grad · patches;  d input = the kernel spread back
    over every patch it touched (a "full" convolution with the flipped kernel when the stride is 1).
    The shapes follow the inputs (2-D image and kernel in, 2-D gradients out). d bias is None when
    bias is None.
    """
    xb, ndim, w, b, s, pads, scale = _conv_args(x, weight, bias, stride, padding, form)
    o, c, kh, kw = w.shape
    want = (xb.shape[0], o, *out_hw(xb.shape[2], xb.shape[3], pads, kh, kw, s))
    g = check_grad_output(grad_output, unbatch(np.empty(want), ndim).shape)
    with np.errstate(over="ignore", invalid="ignore"):
        dx, dw, db = conv2d_backward_unchecked(pad_batch(xb, pads), w, g.reshape(want), s, pads,
                                               xb.shape)
    for part in (dx, dw, db):
        V.finite_result("grad_output", part, "gradients (sums of grad_output·x or ·weight)")
    dw = dw * scale
    db = None if bias is None else db
    if np.ndim(weight) == 2:
        dw = dw[0, 0]
    return unbatch(dx, ndim), dw, db


# -- one output cell, explained ----------------------------------------------------------------
def output_cell(image, kernel, row, col, stride=1, padding=0) -> dict:
    """One output cell of a 2-D convolution and the steps that make it, for explanations:

    "patch" (the padded input under the kernel), "kernel", "product" (patch ⊙ kernel),
    "value" (Σ product), "top_left" (the patch's first input row and column; negative inside the
    padding), "cell" (row, col) and "output" (the map's size Ho, Wo).
    """
    img = V.finite_array("image", image, ndim=2)
    ker = V.finite_array("kernel", kernel, ndim=2)
    s = as_pair("stride", stride)
    pads = resolve_padding(padding, ker.shape, s)
    check_fits("kernel", *img.shape, pads, *ker.shape)
    ho, wo = out_hw(*img.shape, pads, *ker.shape, s)
    r = V.positive_int("row", row, minimum=0, maximum=ho - 1)
    c = V.positive_int("col", col, minimum=0, maximum=wo - 1)
    xp = pad_batch(img[None, None], pads)[0, 0]
    patch = xp[r * s[0]:r * s[0] + ker.shape[0], c * s[1]:c * s[1] + ker.shape[1]].copy()
    product = patch * ker
    return {"patch": patch, "kernel": ker.copy(), "product": product, "value": float(product.sum()),
            "top_left": (r * s[0] - pads[0][0], c * s[1] - pads[1][0]), "cell": (r, c),
            "output": (ho, wo)}
