"""Bounding boxes: formats, area, IoU and the R-CNN box regression (encode / decode).

Formats (every array is K×4, one box per row):
- ``"xyxy"``   — (x1, y1, x2, y2), the corners; the format of torchvision.ops (x1 <= x2, y1 <= y2).
- ``"cxcywh"`` — (cx, cy, w, h), centre and size; the notes write boxes this way
  (x, y is the centre of the box, w, h its width and height).
- YOLO's normalised (x_center, y_center, width, height): cxcywh divided by the image's
  width and height, so every number lies in [0, 1] (see :func:`xyxy_to_yolo`).

``box_iou(a, b)`` follows torchvision.ops: the N×M matrix of intersection over union, except
that a pair of boxes whose union is empty (two zero-area boxes) has IoU 0 here (torchvision
gives 0/0 = nan). Every box number must be at most ``COORD_LIMIT`` = 1e150 in size (an area is
then at most 4e300 and finite; boxes with sides of 1e160 would have an infinite area and an IoU
of 0 with themselves), and an IoU matrix at most ``MAX_PAIRS`` = 5e7 entries (this machine).
:func:`iou_matrix` is the same formula without the argument checks, for callers that have
validated their boxes already (NMS, anchor matching, scenes).

The R-CNN parametrisation (Girshick et al. 2014, the notes' "Step 4: Bounding Box Regression")
of a ground-truth box g relative to a proposal p, both as centre and size:

    Δx = wx·(g_x − p_x)/p_w     Δy = wy·(g_y − p_y)/p_h
    Δw = ww·ln(g_w/p_w)         Δh = wh·ln(g_h/p_h)

and its inverse, applied to a proposal to get the predicted box:

    x = p_x + (Δx/wx)·p_w       y = p_y + (Δy/wy)·p_h
    w = p_w·exp(Δw/ww)          h = p_h·exp(Δh/wh)

Argument order: ``encode(proposals, ground_truth)`` and ``decode(proposals, deltas)`` read
as the notes do ("from the proposal to the ground truth"). torchvision's BoxCoder has the
*other* order: ``BoxCoder.encode(reference_boxes, proposals)`` takes the ground truth first and
``BoxCoder.decode(rel_codes, boxes)`` the deltas first. The weights mean the same thing in both
(torchvision's Faster R-CNN uses weights (10, 10, 5, 5) for its second stage, (1, 1, 1, 1) in
the RPN).

The clamp: before the exponential, Δw/ww and Δh/wh are clamped from above at
``BBOX_XFORM_CLIP = ln(1000/16) ≈ 4.135``, the value torchvision (and Detectron before it)
uses. No box has to grow by more than 1000/16 = 62.5 times: 1000 px is about the longest side of
the images these detectors are trained on and 16 px is the stride (the smallest anchor) of the
VGG/ResNet feature map, so a larger factor is never a real box; without the clamp an untrained
network's wild output (Δw = 100) overflows exp() to inf and the loss to nan. Only the upper
side is clamped (a box may shrink freely). ``decode(encode(g))`` gives g back exactly (to
floating-point rounding) whenever g is at most 62.5 times the proposal in each size.

:func:`regression_steps` runs encode and decode on one proposal and keeps every intermediate
(the deltas, the deltas rounded as the notes round them, the box decoded from those, both
IoUs); its ``lines()`` and the box-regression explorer write their text from those numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...core.validate import (
    fail,
    finite_array,
    finite_number,
    finite_result,
    positive_int,
    work_limit,
)

BBOX_XFORM_CLIP = math.log(1000.0 / 16.0)
FORMATS = ("xyxy", "cxcywh")
# |coordinate| <= 1e150: a side is then at most 2e150 and an area 4e300, so areas, their sums and
# the union stay finite (sides of 1e160 would give an area of inf and an IoU of 0 for two
# identical boxes). Pixel coordinates are many orders of magnitude below it.
COORD_LIMIT = 1e150
CLIP_LIMIT = 100.0        # decode's clip: e^100 ≈ 2.7e43 times the proposal is already absurd
MAX_PAIRS = 50_000_000   # N·M of an IoU matrix: about 5 arrays of 400 MB while it is computed


# -- validation ---------------------------------------------------------------------------------
def as_boxes(name: str, boxes, fmt: str = "xyxy") -> np.ndarray:
    """`boxes` checked: a K×4 float array of valid boxes in `fmt` (a single box (4,) becomes 1×4).

    The error names `name`: xyxy boxes need x1 <= x2 and y1 <= y2, cxcywh boxes w, h >= 0.
    """
    arr = finite_array(name, boxes)
    if arr.ndim == 1 and arr.shape[0] == 4:
        arr = arr[None, :]
    if arr.ndim == 1 and arr.shape[0] == 0:
        arr = arr.reshape(0, 4)
    if arr.ndim != 2 or arr.shape[1] != 4:
        fail(name, "an array of shape K×4 (one box per row)", f"shape {arr.shape}")
    big = np.flatnonzero(np.any(np.abs(arr) > COORD_LIMIT, axis=1))
    if big.size:
        i = int(big[0])
        fail(name, f"box numbers of at most {COORD_LIMIT:g} in size, so that areas stay finite "
                   f"(row {i})", arr[i].tolist())
    if fmt == "xyxy":
        bad = np.flatnonzero((arr[:, 2] < arr[:, 0]) | (arr[:, 3] < arr[:, 1]))
        if bad.size:
            i = int(bad[0])
            fail(name, f"boxes as (x1, y1, x2, y2) with x1 <= x2 and y1 <= y2 (row {i})",
                 arr[i].tolist())
    else:
        bad = np.flatnonzero((arr[:, 2] < 0) | (arr[:, 3] < 0))
        if bad.size:
            i = int(bad[0])
            fail(name, f"boxes as (cx, cy, w, h) with w >= 0 and h >= 0 (row {i})",
                 arr[i].tolist())
    return arr


def _fmt(fmt) -> str:
    if fmt not in FORMATS:
        fail("fmt", "'xyxy' or 'cxcywh'", fmt)
    return fmt


def _weights(weights) -> np.ndarray:
    w = finite_array("weights", weights, shape=(4,))
    if np.any(w <= 0):
        fail("weights", "four positive numbers (wx, wy, ww, wh)", w.tolist())
    return w


def _positive_sizes(name: str, cxcywh: np.ndarray) -> None:
    bad = np.flatnonzero((cxcywh[:, 2] <= 0) | (cxcywh[:, 3] <= 0))
    if bad.size:
        fail(name, f"boxes with positive width and height (row {int(bad[0])} has zero size: "
                   "its log-size ratio is undefined)")


# -- formats ------------------------------------------------------------------------------------
def xyxy_to_cxcywh(boxes) -> np.ndarray:
    """(x1, y1, x2, y2) → (cx, cy, w, h)."""
    b = as_boxes("boxes", boxes, "xyxy")
    w = b[:, 2] - b[:, 0]
    h = b[:, 3] - b[:, 1]
    return np.stack([b[:, 0] + 0.5 * w, b[:, 1] + 0.5 * h, w, h], axis=1)


def cxcywh_to_xyxy(boxes) -> np.ndarray:
    """(cx, cy, w, h) → (x1, y1, x2, y2)."""
    b = as_boxes("boxes", boxes, "cxcywh")
    return np.stack([b[:, 0] - 0.5 * b[:, 2], b[:, 1] - 0.5 * b[:, 3],
                     b[:, 0] + 0.5 * b[:, 2], b[:, 1] + 0.5 * b[:, 3]], axis=1)


def _image_size(image_width, image_height):
    return (finite_number("image_width", image_width, minimum=0, strict_min=True),
            finite_number("image_height", image_height, minimum=0, strict_min=True))


def xyxy_to_yolo(boxes, image_width, image_height) -> np.ndarray:
    """Pixel corners → YOLO's (x_center, y_center, width, height), each divided by the image size.

    A label file holds boxes inside the image with a size: a box reaching outside the image or
    with no width or height is refused (naming the first such box), not written as a label that
    YOLO's loaders would clip or drop."""
    iw, ih = _image_size(image_width, image_height)
    b = as_boxes("boxes", boxes, "xyxy")
    outside = (b[:, 0] < 0) | (b[:, 1] < 0) | (b[:, 2] > iw) | (b[:, 3] > ih)
    empty = (b[:, 2] <= b[:, 0]) | (b[:, 3] <= b[:, 1])
    if np.any(outside | empty):
        k = int(np.flatnonzero(outside | empty)[0])
        what = "has no width or height" if empty[k] else f"reaches outside the {iw:g}×{ih:g} image"
        fail(f"boxes[{k}]", f"a box inside the image with x1 < x2 and y1 < y2 (this one {what})")
    c = xyxy_to_cxcywh(b)
    return c / np.array([iw, ih, iw, ih])


def yolo_to_xyxy(boxes, image_width, image_height) -> np.ndarray:
    """YOLO's normalised (x_center, y_center, width, height) → pixel corners (x1, y1, x2, y2)."""
    iw, ih = _image_size(image_width, image_height)
    b = as_boxes("boxes", boxes, "cxcywh")
    if np.any((b < 0) | (b > 1)):
        fail("boxes", "YOLO boxes with every number in [0, 1] (normalised by the image size)")
    return cxcywh_to_xyxy(b * np.array([iw, ih, iw, ih]))


def as_cxcywh(name: str, boxes, fmt: str) -> np.ndarray:
    """`boxes` given in `fmt` (checked, errors name `name`) as a K×4 array of (cx, cy, w, h)."""
    return _cols_cxcywh(name, boxes, _fmt(fmt)).T


def _cols_cxcywh(name: str, boxes, fmt: str) -> np.ndarray:
    """The boxes as a contiguous 4×K array of rows cx, cy, w, h (row operations are contiguous,
    several times faster than working on the columns of a K×4 array)."""
    if fmt == "xyxy":
        t = np.ascontiguousarray(as_boxes(name, boxes, "xyxy").T)
        wh = t[2:] - t[:2]
        return np.concatenate([t[:2] + 0.5 * wh, wh], axis=0)
    return np.ascontiguousarray(as_boxes(name, boxes, "cxcywh").T)


# -- area and IoU -------------------------------------------------------------------------------
def box_area(boxes) -> np.ndarray:
    """Area (x2 − x1)·(y2 − y1) of each box, as torchvision.ops.box_area."""
    b = as_boxes("boxes", boxes)
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


def iou_of_corners(a, b, area_a, area_b) -> np.ndarray:
    """IoU from corners: a = (x1, y1, x2, y2) and b the same, four arrays (or numbers) each, of
    shapes that broadcast together, with their areas. The one IoU formula of nnlab (intersection
    clipped at 0, over union; an empty union gives 0), shared by :func:`iou_matrix` (N×M) and the
    NMS sweep (one box against the boxes still in play)."""
    iw = np.minimum(a[2], b[2])
    iw -= np.maximum(a[0], b[0])
    np.maximum(iw, 0, out=iw)
    ih = np.minimum(a[3], b[3])
    ih -= np.maximum(a[1], b[1])
    np.maximum(ih, 0, out=ih)
    inter = iw                   # in place: the temporaries stay few when the result is N×M
    inter *= ih
    union = ih
    np.add(area_a, area_b, out=union)
    union -= inter
    out = np.zeros_like(inter)
    np.divide(inter, union, out=out, where=union > 0)
    return out


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The N×M IoU matrix of two K×4 xyxy arrays already checked (see :func:`as_boxes`)."""
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return iou_of_corners([a[:, None, k] for k in range(4)], [b[None, :, k] for k in range(4)],
                          area_a[:, None], area_b[None, :])


def check_pairs(name: str, n: int, m: int) -> None:
    """Refuse, before any work, an N×M IoU matrix larger than this machine holds comfortably."""
    work_limit(name, n * m, MAX_PAIRS, f"IoU matrix N×M ({n}×{m})")


def box_iou(boxes1, boxes2) -> np.ndarray:
    """The N×M matrix of intersection over union of two sets of (x1, y1, x2, y2) boxes."""
    a, b = as_boxes("boxes1", boxes1), as_boxes("boxes2", boxes2)
    check_pairs("boxes2", a.shape[0], b.shape[0])
    return iou_matrix(a, b)


def iou(box1, box2) -> float:
    """IoU of two single boxes (x1, y1, x2, y2)."""
    return float(box_iou(box1, box2)[0, 0])


# -- box regression -----------------------------------------------------------------------------
def encode(proposals, ground_truth, weights=(1.0, 1.0, 1.0, 1.0), fmt: str = "xyxy") -> np.ndarray:
    """Regression targets (Δx, Δy, Δw, Δh) that move each proposal onto its ground-truth box.

    `proposals` and `ground_truth` are K×4 in `fmt` ("xyxy" corners, or "cxcywh" centre and
    size as the notes write them). Same equations as torchvision's BoxCoder.encode, whose
    argument order is the reverse: BoxCoder.encode(ground_truth, proposals).
    """
    f = _fmt(fmt)
    wts = _weights(weights)
    p = _cols_cxcywh("proposals", proposals, f)
    g = _cols_cxcywh("ground_truth", ground_truth, f)
    if p.shape != g.shape:
        fail("ground_truth", f"one box per proposal (shape {p.T.shape})", f"shape {g.T.shape}")
    _positive_sizes("proposals", p.T)
    _positive_sizes("ground_truth", g.T)
    # two rows at a time: (x, y) shifts in proposal sizes, (w, h) log size ratios
    out = np.empty_like(p)
    with np.errstate(over="ignore", invalid="ignore"):
        np.subtract(g[:2], p[:2], out=out[:2])
        out[:2] /= p[2:]
        np.divide(g[2:], p[2:], out=out[2:])
        np.log(out[2:], out=out[2:])
        out *= wts[:, None]
    return finite_result("ground_truth", out.T, "regression targets (shift / proposal size)")


def decode(proposals, deltas, weights=(1.0, 1.0, 1.0, 1.0), fmt: str = "xyxy",
           clip: float = BBOX_XFORM_CLIP) -> np.ndarray:
    """Apply deltas (Δx, Δy, Δw, Δh) to proposals: the boxes they predict, in `fmt`.

    Δw/ww and Δh/wh are clamped from above at `clip` (ln(1000/16), see the module docstring)
    before the exponential, as torchvision's BoxCoder.decode(deltas, proposals) does.
    """
    f = _fmt(fmt)
    wts = _weights(weights)
    p = _cols_cxcywh("proposals", proposals, f)
    d = finite_array("deltas", deltas)
    if d.ndim == 1 and d.shape[0] == 4:
        d = d[None, :]
    if d.shape != p.T.shape:
        fail("deltas", f"one row (Δx, Δy, Δw, Δh) per proposal, shape {p.T.shape}",
             f"shape {d.shape}")
    c = finite_number("clip", clip, minimum=0.0, strict_min=True, maximum=CLIP_LIMIT)
    dt = d.T / wts[:, None]                      # 4×K, contiguous
    out = np.empty_like(p)
    np.minimum(dt[2:], c, out=out[2:])
    np.exp(out[2:], out=out[2:])
    out[2:] *= p[2:]                             # w, h
    np.multiply(dt[:2], p[2:], out=out[:2])
    out[:2] += p[:2]                             # cx, cy
    if f == "xyxy":
        half = 0.5 * out[2:]
        out[2:] = out[:2] + half
        out[:2] -= half
    return finite_result("deltas", out.T, "decoded boxes")


# -- one proposal, every intermediate kept ------------------------------------------------------
def signed(v: float, decimals: int) -> str:
    """A number written so that it can follow '+' or '^': negatives in parentheses."""
    return f"({v:.{decimals}f})" if v < 0 else f"{v:.{decimals}f}"


@dataclass(frozen=True)
class Regression:
    """Box regression of one proposal onto one ground-truth box, every number of it (cxcywh)."""

    proposal: tuple          # (x, y, w, h)
    ground_truth: tuple      # (x_gt, y_gt, w_gt, h_gt)
    deltas: tuple            # (Δx, Δy, Δw, Δh), exact
    decimals: int            # how the notes round the deltas
    deltas_rounded: tuple    # the deltas rounded to `decimals`
    decoded: tuple           # the box decode(proposal, deltas_rounded)
    iou_proposal: float      # IoU(proposal, ground truth)
    iou_decoded: float       # IoU(decoded, ground truth)

    def lines(self, proposal_fmt: str = "g", centre_fmt: str = "g", size_fmt: str = "g",
              delta_digits: int | None = None, bold=("", "")) -> list[str]:
        """The four targets and the decoding written line by line, as the notes do.

        The formats are those of the proposal's numbers, the ground truth's centre and size,
        and the digits of the exact deltas (default: `decimals`); the decoding uses the rounded
        deltas. `bold` = (opening, closing) markup around each delta (the explorer's HTML).
        """
        k = self.decimals
        dd = k if delta_digits is None else delta_digits
        o, c = bold
        px, py, pw, ph = (format(v, proposal_fmt) for v in self.proposal)
        gx, gy = (format(v, centre_fmt) for v in self.ground_truth[:2])
        gw, gh = (format(v, size_fmt) for v in self.ground_truth[2:])
        d, r, b = self.deltas, self.deltas_rounded, self.decoded
        return [
            f"Δx = (x_gt − x)/w = ({gx} − {px})/{pw} = {o}{d[0]:.{dd}f}{c}",
            f"Δy = (y_gt − y)/h = ({gy} − {py})/{ph} = {o}{d[1]:.{dd}f}{c}",
            f"Δw = ln(w_gt/w) = ln({gw}/{pw}) = {o}{d[2]:.{dd}f}{c}",
            f"Δh = ln(h_gt/h) = ln({gh}/{ph}) = {o}{d[3]:.{dd}f}{c}",
            f"x_new = x + Δx·w = {px} + {signed(r[0], k)}·{pw} = {b[0]:.2f}",
            f"y_new = y + Δy·h = {py} + {signed(r[1], k)}·{ph} = {b[1]:.2f}",
            f"w_new = w·e^Δw = {pw}·e^{signed(r[2], k)} = {b[2]:.2f}",
            f"h_new = h·e^Δh = {ph}·e^{signed(r[3], k)} = {b[3]:.2f}",
        ]


def regression_steps(proposal, ground_truth, decimals: int = 3) -> Regression:
    """Encode one proposal (x, y, w, h) against one ground-truth box, then decode the deltas
    rounded to `decimals` (so that every line of the explanation is arithmetic one can redo)."""
    k = positive_int("decimals", decimals, minimum=0, maximum=12)
    p = as_cxcywh("proposal", proposal, "cxcywh")
    g = as_cxcywh("ground_truth", ground_truth, "cxcywh")
    if p.shape[0] != 1:
        fail("proposal", "one box (x, y, w, h)", f"{p.shape[0]} boxes")
    if g.shape[0] != 1:
        fail("ground_truth", "one box (x, y, w, h)", f"{g.shape[0]} boxes")
    d = encode(p, g, fmt="cxcywh")
    d_round = np.round(d, k)
    back = decode(p, d_round, fmt="cxcywh")
    gx = cxcywh_to_xyxy(g)
    return Regression(tuple(map(float, p[0])), tuple(map(float, g[0])), tuple(map(float, d[0])), k,
                      tuple(map(float, d_round[0])), tuple(map(float, back[0])),
                      float(iou_matrix(cxcywh_to_xyxy(p), gx)[0, 0]),
                      float(iou_matrix(cxcywh_to_xyxy(back), gx)[0, 0]))


def regression_lines(proposal, ground_truth, decimals: int = 3) -> list[str]:
    """The four targets and the decoding written line by line (cxcywh boxes):
    ``regression_steps(proposal, ground_truth, decimals).lines()``."""
    return regression_steps(proposal, ground_truth, decimals).lines()
