"""Convolution and pooling, forward and backward, with the conventions of torch.nn.functional.

    conv2d(x, weight, bias=None, stride=1, padding=0)        # x: N×C×H×W, weight: O×C×kH×kW
    max_pool2d(x, kernel_size, stride=None, padding=0)       # stride defaults to kernel_size
    avg_pool2d(x, kernel_size, stride=None, padding=0)       # zero padding counted (torch default)

Like PyTorch (and every deep-learning framework), "convolution" here is *cross-correlation*:
the kernel is not flipped. Each output cell is the element-wise (Hadamard) product of the kernel
with the patch of the input under it, summed, plus the bias.

A single 2-D image with a 2-D kernel is accepted too (`conv2d(image, kernel)` -> 2-D map), and
a 3-D C×H×W input is treated as one unbatched image, as torch does.

`padding` is an int, a pair (rows, columns), or one of the names the course notes use:
"valid" (no padding, the map shrinks), "same" (stride 1: the map keeps its size) and
"full" (f − 1 on every side: every partial overlap counted, the map grows).

The size of the output along one axis is  ⌊(n + 2p − f) / s⌋ + 1  (`output_size`).

Backward passes (`conv2d_backward`, `max_pool2d_backward`, `avg_pool2d_backward`) return the
gradients of a loss with respect to the input (and weight and bias) given the gradient with
respect to the output. Everything is vectorised with an im2col view
(`numpy.lib.stride_tricks.sliding_window_view`); the only Python loops run over the kH·kW
positions inside a kernel, never over pixels.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..core import validate as V

PADDING_NAMES = ("valid", "same", "full")
FORMS = ("torch", "notes")


# -- sizes and arguments -----------------------------------------------------------------------
def output_size(n, f, stride=1, padding=0) -> int:
    """⌊(n + 2p − f)/s⌋ + 1: the length of a convolution's or pooling's output along one axis."""
    n = V.positive_int("n", n)
    f = V.positive_int("f", f)
    s = V.positive_int("stride", stride)
    p = V.positive_int("padding", padding, minimum=0)
    if f > n + 2 * p:
        V.fail("f", f"a kernel size no larger than the padded input n + 2p = {n + 2 * p}", f)
    return (n + 2 * p - f) // s + 1


def _pair(name, value, minimum=1):
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            V.fail(name, "an int or a pair of ints", value)
        return tuple(V.positive_int(name, v, minimum=minimum) for v in value)
    v = V.positive_int(name, value, minimum=minimum)
    return (v, v)


def resolve_padding(padding, kernel_size, stride=1):
    """Padding as ((top, bottom), (left, right)); names "valid", "same", "full" resolved for a kernel.

    "same" pads f − 1 in total along each axis, the smaller half on the top/left (as torch does for
    even kernels); it only keeps the size with stride 1, so like torch it refuses other strides.
    """
    kh, kw = kernel_size
    if isinstance(padding, str):
        name = V.choice("padding", padding, PADDING_NAMES)
        if name == "valid":
            return ((0, 0), (0, 0))
        if name == "full":
            return ((kh - 1, kh - 1), (kw - 1, kw - 1))
        if tuple(stride) != (1, 1):
            V.fail("padding", "'same' only with stride 1 (as in torch); use a number with stride > 1",
                   padding)
        return (((kh - 1) // 2, kh - 1 - (kh - 1) // 2), ((kw - 1) // 2, kw - 1 - (kw - 1) // 2))
    ph, pw = _pair("padding", padding, minimum=0)
    return ((ph, ph), (pw, pw))


def _as_batch(name, x):
    """x as N×C×H×W plus how to undo it: 2-D (H×W) and 3-D (C×H×W) inputs are one image."""
    arr = V.finite_array(name, x)
    if arr.ndim == 2:
        return arr[None, None], 2
    if arr.ndim == 3:
        return arr[None], 3
    if arr.ndim == 4:
        return arr, 4
    V.fail(name, "an array of shape N×C×H×W, C×H×W or H×W", f"shape {arr.shape}")


def _unbatch(out, ndim):
    if ndim == 2:
        return out[0, 0]
    if ndim == 3:
        return out[0]
    return out


def _pad(x, pads, value=0.0):
    (t, b), (l, r) = pads
    if not (t or b or l or r):
        return x
    return np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), constant_values=value)


def _check_fits(name, h, w, pads, kh, kw):
    hp, wp = h + sum(pads[0]), w + sum(pads[1])
    if kh > hp or kw > wp:
        V.fail(name, f"a kernel no larger than the padded input {hp}×{wp}", f"{kh}×{kw}")


def _windows(xp, kh, kw, sh, sw):
    """View N×C×Ho×Wo×kh×kw of the patches of the padded input (no copy)."""
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]


# -- convolution -------------------------------------------------------------------------------
def _conv_args(x, weight, bias, stride, padding, form):
    xb, ndim = _as_batch("x", x)
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
    s = _pair("stride", stride)
    kh, kw = w.shape[2:]
    pads = resolve_padding(padding, (kh, kw), s)
    _check_fits("weight", xb.shape[2], xb.shape[3], pads, kh, kw)
    form = V.choice("form", form, FORMS)
    scale = 1.0 / (kh * kw) if form == "notes" else 1.0
    return xb, ndim, w * scale if scale != 1.0 else w, b, s, pads


def _im2col(xb, kh, kw, s, pads):
    """The patches as one matrix (C·kh·kw) × (N·Ho·Wo), and Ho, Wo.

    One row per kernel entry, holding that entry's input value at every output position: the copy
    moves long runs of memory, and the whole convolution is then a single matrix product.
    """
    xp = _pad(xb, pads)
    win = _windows(xp, kh, kw, *s)
    n, c, ho, wo = win.shape[:4]
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * ho * wo)
    return cols, ho, wo


def _conv_forward(xb, w, b, s, pads):
    o = w.shape[0]
    cols, ho, wo = _im2col(xb, w.shape[2], w.shape[3], s, pads)
    out = w.reshape(o, -1) @ cols                      # O × (N·Ho·Wo)
    if b is not None:
        out += b[:, None]
    return np.ascontiguousarray(out.reshape(o, xb.shape[0], ho, wo).transpose(1, 0, 2, 3))


def conv2d(x, weight, bias=None, stride=1, padding=0, form="torch"):
    """2-D cross-correlation as torch.nn.functional.conv2d: out[n,o] = Σ_c x[n,c] ⋆ w[o,c] + b[o].

    form="notes": each output cell is the *average* of the element-wise products (the sum divided
    by kH·kW), as the course notes compute it; torch and every framework use the plain sum.
    """
    xb, ndim, w, b, s, pads = _conv_args(x, weight, bias, stride, padding, form)
    return _unbatch(_conv_forward(xb, w, b, s, pads), ndim)


def _col2im(dcols, xshape, kh, kw, s, pads, ho, wo):
    """Scatter-add patch gradients N×Ho×Wo×C×kh×kw back onto the (padded) input, then crop."""
    n, c, h, w = xshape
    (t, b), (l, r) = pads
    dxp = np.zeros((n, c, h + t + b, w + l + r))
    sh, sw = s
    d = dcols.reshape(n, ho, wo, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)  # N C kh kw Ho Wo
    for i in range(kh):            # loops over the kernel's kh·kw offsets, not over pixels
        for j in range(kw):
            dxp[:, :, i:i + sh * (ho - 1) + 1:sh, j:j + sw * (wo - 1) + 1:sw] += d[:, :, i, j]
    return dxp[:, :, t:t + h, l:l + w]


def _conv_backward_core(xp, w, g, s, pads, xshape):
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
            idx = (slice(None), slice(None), slice(i, i + s[0] * (ho - 1) + 1, s[0]),
                   slice(j, j + s[1] * (wo - 1) + 1, s[1]))
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
    xb, ndim, w, b, s, pads = _conv_args(x, weight, bias, stride, padding, form)
    o, c, kh, kw = w.shape
    ho = (xb.shape[2] + sum(pads[0]) - kh) // s[0] + 1
    wo = (xb.shape[3] + sum(pads[1]) - kw) // s[1] + 1
    want = (xb.shape[0], o, ho, wo)
    g = _check_grad(grad_output, _unbatch(np.empty(want), ndim).shape)
    scale = 1.0 / (kh * kw) if V.choice("form", form, FORMS) == "notes" else 1.0
    dx, dw, db = _conv_backward_core(_pad(xb, pads), w, g.reshape(want), s, pads, xb.shape)
    dw = dw * scale
    db = None if bias is None else db
    if np.ndim(weight) == 2:
        dw = dw[0, 0]
    return _unbatch(dx, ndim), dw, db


# -- pooling -----------------------------------------------------------------------------------
def _pool_args(x, kernel_size, stride, padding):
    xb, ndim = _as_batch("x", x)
    k = _pair("kernel_size", kernel_size)
    s = k if stride is None else _pair("stride", stride)
    p = _pair("padding", padding, minimum=0)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        V.fail("padding", f"at most half the kernel size {k[0]}×{k[1]} (as in torch)", padding)
    pads = ((p[0], p[0]), (p[1], p[1]))
    _check_fits("kernel_size", xb.shape[2], xb.shape[3], pads, *k)
    return xb, ndim, k, s, pads


def _pool_windows(xb, k, s, pads, fill):
    xp = _pad(xb, pads, fill)
    win = _windows(xp, k[0], k[1], *s)
    n, c, ho, wo = win.shape[:4]
    return win.reshape(n, c, ho, wo, k[0] * k[1]), ho, wo


def _tiles(xb, k, s, pads):
    """Non-overlapping windows that tile the input exactly (the common 2×2, stride 2 case)."""
    return pads == ((0, 0), (0, 0)) and s == k and xb.shape[2] % k[0] == 0 and xb.shape[3] % k[1] == 0


def _tile_max(xb, k):
    """Max of each k×k tile: the element-wise maximum of the k·k strided slices (fast, no copy)."""
    m = xb[:, :, 0::k[0], 0::k[1]].copy()
    for i in range(k[0]):
        for j in range(k[1]):
            if i or j:
                np.maximum(m, xb[:, :, i::k[0], j::k[1]], out=m)
    return m


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max pooling as torch.nn.functional.max_pool2d (padding with −∞, floor mode)."""
    xb, ndim, k, s, pads = _pool_args(x, kernel_size, stride, padding)
    if _tiles(xb, k, s, pads):
        return _unbatch(_tile_max(xb, k), ndim)
    win, _, _ = _pool_windows(xb, k, s, pads, -np.inf)
    return _unbatch(win.max(axis=-1), ndim)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Average pooling as torch.nn.functional.avg_pool2d (zeros of the padding counted)."""
    xb, ndim, k, s, pads = _pool_args(x, kernel_size, stride, padding)
    win, _, _ = _pool_windows(xb, k, s, pads, 0.0)
    return _unbatch(win.mean(axis=-1), ndim)


def _check_grad(g, out_shape):
    g = V.finite_array("grad_output", g)
    if g.shape != tuple(out_shape):
        V.fail("grad_output", "the shape of the layer's output " + "×".join(map(str, out_shape)),
               f"shape {g.shape}")
    return g


def max_pool2d_backward(x, grad_output, kernel_size, stride=None, padding=0):
    """d input of max pooling: each output's gradient goes to the (first) maximum of its window."""
    xb, ndim, k, s, pads = _pool_args(x, kernel_size, stride, padding)
    n, c, h, w = xb.shape
    if _tiles(xb, k, s, pads):
        ho, wo = h // k[0], w // k[1]
        g = _check_grad(grad_output, _unbatch(np.empty((n, c, ho, wo)), ndim).shape).reshape(n, c, ho, wo)
        m = _tile_max(xb, k)
        taken = np.zeros(m.shape, dtype=bool)
        dx = np.zeros(xb.shape)
        for i in range(k[0]):      # the k·k offsets of a window, in torch's (row-major) order:
            for j in range(k[1]):  # the gradient goes to the first maximum only
                hit = xb[:, :, i::k[0], j::k[1]] == m
                hit &= ~taken
                taken |= hit
                np.multiply(g, hit, out=dx[:, :, i::k[0], j::k[1]])
        return _unbatch(dx, ndim)
    win, ho, wo = _pool_windows(xb, k, s, pads, -np.inf)
    g = _check_grad(grad_output, _unbatch(np.empty((n, c, ho, wo)), ndim).shape).reshape(n, c, ho, wo)
    idx = win.argmax(axis=-1)
    (t, _), (l, _) = pads
    rows = np.arange(ho)[:, None] * s[0] + idx // k[1] - t          # N C Ho Wo, in the input
    cols = np.arange(wo)[None, :] * s[1] + idx % k[1] - l
    flat = ((np.arange(n)[:, None, None, None] * c + np.arange(c)[None, :, None, None]) * h + rows) * w + cols
    dx = np.bincount(flat.ravel(), weights=g.ravel(), minlength=n * c * h * w)
    return _unbatch(dx.reshape(n, c, h, w), ndim)


def avg_pool2d_backward(x, grad_output, kernel_size, stride=None, padding=0):
    """d input of average pooling: each output's gradient shared equally by its kH·kW cells."""
    xb, ndim, k, s, pads = _pool_args(x, kernel_size, stride, padding)
    n, c, h, w = xb.shape
    ho = (h + sum(pads[0]) - k[0]) // s[0] + 1
    wo = (w + sum(pads[1]) - k[1]) // s[1] + 1
    g = _check_grad(grad_output, _unbatch(np.empty((n, c, ho, wo)), ndim).shape).reshape(n, c, ho, wo)
    share = np.broadcast_to((g / (k[0] * k[1]))[:, :, :, :, None, None], (n, c, ho, wo, *k))
    d = share.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * k[0] * k[1])
    return _unbatch(_col2im(d, xb.shape, k[0], k[1], s, pads, ho, wo), ndim)


# -- one output cell, for the explorer and the exercises -----------------------------------------
def output_cell(image, kernel, row, col, stride=1, padding=0):
    """One output cell of a 2-D convolution: the patch, the element-wise product and their sum."""
    img = V.finite_array("image", image, ndim=2)
    ker = V.finite_array("kernel", kernel, ndim=2)
    s = _pair("stride", stride)
    pads = resolve_padding(padding, ker.shape, s)
    _check_fits("kernel", *img.shape, pads, *ker.shape)
    ho = (img.shape[0] + sum(pads[0]) - ker.shape[0]) // s[0] + 1
    wo = (img.shape[1] + sum(pads[1]) - ker.shape[1]) // s[1] + 1
    r = V.positive_int("row", row, minimum=0, maximum=ho - 1)
    c = V.positive_int("col", col, minimum=0, maximum=wo - 1)
    xp = _pad(img[None, None], pads)[0, 0]
    patch = xp[r * s[0]:r * s[0] + ker.shape[0], c * s[1]:c * s[1] + ker.shape[1]]
    product = patch * ker
    return {"patch": patch.copy(), "product": product, "value": float(product.sum()),
            "top_left": (r * s[0] - pads[0][0], c * s[1] - pads[1][0])}


# -- classic filters and image helpers -------------------------------------------------------------
# Cross-correlation (no flip): a filter responds where the image looks like the filter.
FILTERS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "top edges": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],        # bright above, dark below
    "bottom edges": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],     # dark above, bright below
    "left edges": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],       # bright left, dark right
    "right edges": [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],      # dark left, bright right
    "horizontal edges (Sobel)": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "vertical edges (Sobel)": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "box blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "slides' 3×3 filter": [[0.1, -0.92, 0.5], [1.4, 0.39, -1.1], [-0.32, -1.2, 0.84]],
}


def filter_kernel(name) -> np.ndarray:
    """One of FILTERS as a 3×3 array."""
    return np.array(FILTERS[V.choice("name", name, FILTERS)], dtype=float)


def to_grayscale(rgb) -> np.ndarray:
    """H×W×3 (0..255 or 0..1) -> H×W in [0, 1] with the ITU-R BT.601 weights 0.299 R + 0.587 G + 0.114 B."""
    arr = V.finite_array("rgb", rgb)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        V.fail("rgb", "an H×W×3 (or ×4) colour image", f"shape {arr.shape}")
    if arr.max() > 1.0:
        arr = arr / 255.0
    return arr[:, :, :3] @ np.array([0.299, 0.587, 0.114])


def downsample(image, factor) -> np.ndarray:
    """Average of each factor×factor block (rows/columns that do not fill a block are dropped)."""
    img = V.finite_array("image", image, ndim=2)
    f = V.positive_int("factor", factor, maximum=min(img.shape))
    h, w = img.shape[0] // f * f, img.shape[1] // f * f
    return img[:h, :w].reshape(h // f, f, w // f, f).mean(axis=(1, 3))


# -- exercises -----------------------------------------------------------------------------------
def _ex_cell():
    return float(conv2d([[3, 0, 1], [1, 5, 8], [2, 7, 2]], FILTERS["left edges"])[0, 0])


exercises = None  # built below (needs the functions above)


def _build_exercises():
    from ..course.exercises import Exercise, ExerciseSet

    return ExerciseSet("Convolution", [
        Exercise(
            question="A 28×28 image is convolved with a 5×5 filter, stride 1, no padding ('valid'). "
                     "How many rows does the feature map have?",
            answer=lambda: output_size(28, 5, 1, 0),
            solution=lambda: f"⌊(n + 2p − f)/s⌋ + 1 = ⌊(28 + 0 − 5)/1⌋ + 1 = {output_size(28, 5)}.",
            abs_tol=0.5,
            mistakes=lambda: [(23, "add 1: the first position counts too (n − f + 1)."),
                              (28, "that is 'same' padding (p = 2); here there is no padding.")]),
        Exercise(
            question="Same image and filter, now with padding p = 2 and stride s = 2: how many rows?",
            answer=lambda: output_size(28, 5, 2, 2),
            solution=lambda: f"⌊(28 + 4 − 5)/2⌋ + 1 = ⌊13.5⌋ + 1 = {output_size(28, 5, 2, 2)}.",
            abs_tol=0.5,
            mistakes=lambda: [(14.5, "round down: the filter must fit entirely, ⌊13.5⌋ = 13."),
                              (15, "round 13.5 down, not up: the last half step does not fit."),
                              (13, "you forgot the + 1.")]),
        Exercise(
            question="Apply the 'left edges' filter [[1,0,-1],[1,0,-1],[1,0,-1]] to the 3×3 patch "
                     "[[3,0,1],[1,5,8],[2,7,2]] (element-wise product, then sum). What is the output?",
            answer=_ex_cell,
            solution=lambda: "3·1 + 0·0 + 1·(−1) + 1·1 + 5·0 + 8·(−1) + 2·1 + 7·0 + 2·(−1) "
                             f"= 3 − 1 + 1 − 8 + 2 − 2 = {_ex_cell():g}.",
            mistakes=lambda: [(-_ex_cell(), "the sign is flipped: that is the 'right edges' filter "
                                            "(or a true, flipped convolution)."),
                              (_ex_cell() / 9, "that is the notes' average (divided by 9); frameworks "
                                               "use the plain sum.")]),
    ])


exercises = _build_exercises()
