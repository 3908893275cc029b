"""What convolution and pooling share: sizes, padding, batching and the sliding windows.

The size of the output along one axis is  ⌊(n + 2p − f) / s⌋ + 1  (`output_size`, which checks
its arguments and calls `nnlab.core.functional.conv_output_size`); `size_steps` returns the
intermediate numbers of that formula, which the explorers print.

`padding` is an int, a pair (rows, columns), or one of the names the course notes use:
"valid" (no padding, the map shrinks), "same" (stride 1: the map keeps its size) and
"full" (f − 1 on every side: every partial overlap counted, the map grows). Internally it is
resolved to ((top, bottom), (left, right)).

The windows are an im2col view (`numpy.lib.stride_tricks.sliding_window_view`): no copy, and the
only Python loops (in `col2im`) run over the kH·kW positions inside a kernel, never over pixels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...core import functional as F
from ...core import validate as V

PADDING_NAMES = ("valid", "same", "full")
MAX_STRIDE = 10_000       # a stride, a padding per side: sizes that fit this machine
MAX_PADDING = 1_024
MAX_NUMBERS = 50_000_000  # the padded batch and the patch matrix: 400 MB each at most


# -- sizes -------------------------------------------------------------------------------------
def output_size(n, f, stride=1, padding=0) -> int:
    """⌊(n + 2p − f)/s⌋ + 1: the length of a convolution's or pooling's output along one axis."""
    n = V.positive_int("n", n)
    f = V.positive_int("f", f)
    s = V.positive_int("stride", stride)
    p = V.positive_int("padding", padding, minimum=0)
    if f > n + 2 * p:
        V.fail("f", f"a kernel size no larger than the padded input n + 2p = {n + 2 * p}", f)
    return F.conv_output_size(n, f, s, p)


@dataclass(frozen=True)
class SizeSteps:
    """The numbers of ⌊(n + 2p − f)/s⌋ + 1 along one axis, as an explanation prints them."""

    n: int
    f: int
    stride: int
    padding: int
    padded: int        # n + 2p
    span: int          # n + 2p − f: how far the window can move
    left_over: int     # span mod s: padded cells at the end that no window reaches
    size: int          # ⌊span / s⌋ + 1

    def formula(self, html=False) -> str:
        """'⌊(n + 2·p − f)/s⌋ + 1 = size' with the numbers filled in (the size in bold if html)."""
        size = f"<b>{self.size}</b>" if html else f"{self.size}"
        return f"⌊({self.n} + 2·{self.padding} − {self.f})/{self.stride}⌋ + 1 = {size}"


def size_steps(n, f, stride=1, padding=0) -> SizeSteps:
    """`output_size` with its intermediate numbers (for the explorers' formula lines)."""
    size = output_size(n, f, stride, padding)
    padded = n + 2 * padding
    return SizeSteps(n, f, stride, padding, padded, padded - f, (padded - f) % stride, size)


def out_hw(h, w, pads, kh, kw, stride):
    """(Ho, Wo) of an h×w input with resolved pads ((t, b), (l, r)): the formula on the padded size."""
    return (F.conv_output_size(h + sum(pads[0]), kh, stride[0]),
            F.conv_output_size(w + sum(pads[1]), kw, stride[1]))


# -- arguments ---------------------------------------------------------------------------------
def as_pair(name, value, minimum=1, maximum=MAX_STRIDE):
    """An int or a pair of ints (checked, from minimum to maximum) as a pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            V.fail(name, "an int or a pair of ints", value)
        return tuple(V.positive_int(name, v, minimum=minimum, maximum=maximum) for v in value)
    v = V.positive_int(name, value, minimum=minimum, maximum=maximum)
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
        if tuple(as_pair("stride", stride)) != (1, 1):
            V.fail("padding", "'same' only with stride 1 (as in torch); use a number with stride > 1",
                   padding)
        return (((kh - 1) // 2, kh - 1 - (kh - 1) // 2), ((kw - 1) // 2, kw - 1 - (kw - 1) // 2))
    ph, pw = as_pair("padding", padding, minimum=0, maximum=MAX_PADDING)
    return ((ph, ph), (pw, pw))


def as_batch(name, x):
    """x as N×C×H×W plus how to undo it: 2-D (H×W) and 3-D (C×H×W) inputs are one image."""
    arr = V.finite_array(name, x)
    if arr.ndim == 2:
        return arr[None, None], 2
    if arr.ndim == 3:
        return arr[None], 3
    if arr.ndim == 4:
        return arr, 4
    V.fail(name, "an array of shape N×C×H×W, C×H×W or H×W", f"shape {arr.shape}")


def unbatch(out, ndim):
    """Undo `as_batch`: back to the number of dimensions the caller gave."""
    if ndim == 2:
        return out[0, 0]
    if ndim == 3:
        return out[0]
    return out


def check_fits(name, h, w, pads, kh, kw, batch=1, stride=(1, 1)):
    """The kernel fits the padded input, and the padded batch (batch = N·C images) and its
    patch matrix stay within MAX_NUMBERS (checked before any array is made)."""
    hp, wp = h + sum(pads[0]), w + sum(pads[1])
    if kh > hp or kw > wp:
        V.fail(name, f"a kernel no larger than the padded input {hp}×{wp}", f"{kh}×{kw}")
    V.work_limit("padding", batch * hp * wp, MAX_NUMBERS, f"padded input N·C·Hp·Wp ({hp}×{wp})")
    cells = ((hp - kh) // stride[0] + 1) * ((wp - kw) // stride[1] + 1)
    V.work_limit(name, batch * kh * kw * cells, MAX_NUMBERS, "patch matrix N·C·kH·kW·Ho·Wo")


def check_grad_output(g, out_shape):
    """grad_output as an array of the layer's output shape (ValueError naming it otherwise)."""
    g = V.finite_array("grad_output", g)
    if g.shape != tuple(out_shape):
        V.fail("grad_output", "the shape of the layer's output " + "×".join(map(str, out_shape)),
               f"shape {g.shape}")
    return g


# -- padding and windows -----------------------------------------------------------------------
def pad_batch(x, pads, value=0.0):
    """An N×C×H×W batch padded by ((top, bottom), (left, right)) with `value` (no copy if no padding)."""
    (t, b), (l, r) = pads
    if not (t or b or l or r):
        return x
    return np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), constant_values=value)


def windows(xp, kh, kw, sh, sw):
    """View N×C×Ho×Wo×kh×kw of the patches of the padded input (no copy)."""
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]


def im2col(xb, kh, kw, stride, pads):
    """The patches as one matrix (C·kh·kw) × (N·Ho·Wo), and Ho, Wo.

    One row per kernel entry, holding that entry's input value at every output position: the copy
    moves long runs of memory, and the whole convolution is then a single matrix product.
    """
    win = windows(pad_batch(xb, pads), kh, kw, *stride)
    n, c, ho, wo = win.shape[:4]
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * ho * wo)
    return cols, ho, wo


def col2im(dcols, xshape, kh, kw, stride, pads, ho, wo):
    """Scatter-add patch gradients (N·Ho·Wo) × (C·kh·kw) back onto the (padded) input, then crop."""
    n, c, h, w = xshape
    (t, b), (l, r) = pads
    dxp = np.zeros((n, c, h + t + b, w + l + r))
    sh, sw = stride
    d = dcols.reshape(n, ho, wo, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)  # N C kh kw Ho Wo
    for i in range(kh):            # loops over the kernel's kh·kw offsets, not over pixels
        for j in range(kw):
            dxp[:, :, i:i + sh * (ho - 1) + 1:sh, j:j + sw * (wo - 1) + 1:sw] += d[:, :, i, j]
    return dxp[:, :, t:t + h, l:l + w]
