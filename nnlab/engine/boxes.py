"""Bounding boxes: formats, area, IoU, non-maximum suppression and the R-CNN box regression.

Formats (every array is K×4, one box per row):
- ``"xyxy"``   — (x1, y1, x2, y2), the corners; the format of torchvision.ops (x1 <= x2, y1 <= y2).
- ``"cxcywh"`` — (cx, cy, w, h), centre and size; the notes write boxes this way
  (x, y is the centre of the box, w, h its width and height).
- YOLO's normalised (x_center, y_center, width, height): cxcywh divided by the image's
  width and height, so every number lies in [0, 1] (see :func:`xyxy_to_yolo`).

``box_iou`` and ``nms`` follow torchvision.ops: ``box_iou(a, b)`` is the N×M matrix of
intersection over union; ``nms(boxes, scores, iou_threshold)`` keeps the highest-scoring box,
discards every remaining box whose IoU with it is *greater than* the threshold, repeats, and
returns the kept indices by decreasing score. Two differences, both deliberate and documented:
a pair of boxes whose union is empty (two zero-area boxes) has IoU 0 here (torchvision gives
0/0 = nan), and equal scores keep the lower index first (a stable sort; torch's sort does not
promise an order for ties).

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
"""
from __future__ import annotations

import math

import numpy as np

from ..core.validate import fail, finite_array, finite_number

BBOX_XFORM_CLIP = math.log(1000.0 / 16.0)
FORMATS = ("xyxy", "cxcywh")


# -- validation ---------------------------------------------------------------------------------
def _boxes(name: str, boxes, fmt: str = "xyxy") -> np.ndarray:
    """A K×4 float array of valid boxes in `fmt` (a single box of shape (4,) becomes 1×4)."""
    arr = finite_array(name, boxes)
    if arr.ndim == 1 and arr.shape[0] == 4:
        arr = arr[None, :]
    if arr.ndim == 1 and arr.shape[0] == 0:
        arr = arr.reshape(0, 4)
    if arr.ndim != 2 or arr.shape[1] != 4:
        fail(name, "an array of shape K×4 (one box per row)", f"shape {arr.shape}")
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
    b = _boxes("boxes", boxes, "xyxy")
    w = b[:, 2] - b[:, 0]
    h = b[:, 3] - b[:, 1]
    return np.stack([b[:, 0] + 0.5 * w, b[:, 1] + 0.5 * h, w, h], axis=1)


def cxcywh_to_xyxy(boxes) -> np.ndarray:
    """(cx, cy, w, h) → (x1, y1, x2, y2)."""
    b = _boxes("boxes", boxes, "cxcywh")
    return np.stack([b[:, 0] - 0.5 * b[:, 2], b[:, 1] - 0.5 * b[:, 3],
                     b[:, 0] + 0.5 * b[:, 2], b[:, 1] + 0.5 * b[:, 3]], axis=1)


def _image_size(image_width, image_height):
    return (finite_number("image_width", image_width, minimum=0, strict_min=True),
            finite_number("image_height", image_height, minimum=0, strict_min=True))


def xyxy_to_yolo(boxes, image_width, image_height) -> np.ndarray:
    """Pixel corners → YOLO's (x_center, y_center, width, height), each divided by the image size."""
    iw, ih = _image_size(image_width, image_height)
    c = xyxy_to_cxcywh(boxes)
    return c / np.array([iw, ih, iw, ih])


def yolo_to_xyxy(boxes, image_width, image_height) -> np.ndarray:
    """YOLO's normalised (x_center, y_center, width, height) → pixel corners (x1, y1, x2, y2)."""
    iw, ih = _image_size(image_width, image_height)
    b = _boxes("boxes", boxes, "cxcywh")
    if np.any((b < 0) | (b > 1)):
        fail("boxes", "YOLO boxes with every number in [0, 1] (normalised by the image size)")
    return cxcywh_to_xyxy(b * np.array([iw, ih, iw, ih]))


# -- area, IoU, NMS -----------------------------------------------------------------------------
def box_area(boxes) -> np.ndarray:
    """Area (x2 − x1)·(y2 − y1) of each box, as torchvision.ops.box_area."""
    b = _boxes("boxes", boxes)
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


def _iou_valid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    # intersection width and height, computed in place to keep the N×M temporaries few
    iw = np.minimum(a[:, None, 2], b[None, :, 2])
    iw -= np.maximum(a[:, None, 0], b[None, :, 0])
    np.maximum(iw, 0, out=iw)
    ih = np.minimum(a[:, None, 3], b[None, :, 3])
    ih -= np.maximum(a[:, None, 1], b[None, :, 1])
    np.maximum(ih, 0, out=ih)
    inter = iw
    inter *= ih
    union = ih
    np.add(area_a[:, None], area_b[None, :], out=union)
    union -= inter
    out = np.zeros_like(inter)
    np.divide(inter, union, out=out, where=union > 0)
    return out


def box_iou(boxes1, boxes2) -> np.ndarray:
    """The N×M matrix of intersection over union of two sets of (x1, y1, x2, y2) boxes."""
    return _iou_valid(_boxes("boxes1", boxes1), _boxes("boxes2", boxes2))


def iou(box1, box2) -> float:
    """IoU of two single boxes (x1, y1, x2, y2)."""
    return float(box_iou(box1, box2)[0, 0])


def nms(boxes, scores, iou_threshold) -> np.ndarray:
    """Non-maximum suppression, torchvision.ops.nms semantics.

    Repeatedly keep the highest-scoring remaining box and discard the boxes whose IoU with it
    is > iou_threshold. Returns the kept indices (int64) by decreasing score.
    """
    b = _boxes("boxes", boxes)
    s = finite_array("scores", scores, ndim=1)
    if s.shape[0] != b.shape[0]:
        fail("scores", f"one score per box ({b.shape[0]})", f"{s.shape[0]} scores")
    t = finite_number("iou_threshold", iou_threshold, minimum=0.0, maximum=1.0)
    order = np.argsort(-s, kind="stable")
    n = len(order)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    sb = b[order]
    x1, y1, x2, y2 = sb[:, 0], sb[:, 1], sb[:, 2], sb[:, 3]
    area = (x2 - x1) * (y2 - y1)
    # Greedy sweep in score order: each *kept* box suppresses, in one vectorised step, the
    # lower-scoring boxes still alive that overlap it by more than t. O(N) work per kept box.
    rest = np.arange(n)          # positions (in score order) not yet kept nor suppressed
    keep = []
    while rest.size:
        i, rest = rest[0], rest[1:]
        keep.append(i)
        if not rest.size:
            break
        iw = np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest])
        ih = np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest])
        inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
        union = area[i] + area[rest] - inter
        iou = np.zeros_like(inter)
        np.divide(inter, union, out=iou, where=union > 0)
        rest = rest[iou <= t]    # torchvision: discard when IoU > iou_threshold
    return order[np.array(keep, dtype=np.int64)].astype(np.int64)


# -- box regression -----------------------------------------------------------------------------
def _as_cxcywh(name: str, boxes, fmt: str) -> np.ndarray:
    return _cols_cxcywh(name, boxes, fmt).T


def _cols_cxcywh(name: str, boxes, fmt: str) -> np.ndarray:
    """The boxes as a contiguous 4×K array of rows cx, cy, w, h (row operations are contiguous,
    several times faster than working on the columns of a K×4 array)."""
    if fmt == "xyxy":
        t = np.ascontiguousarray(_boxes(name, boxes, "xyxy").T)
        wh = t[2:] - t[:2]
        return np.concatenate([t[:2] + 0.5 * wh, wh], axis=0)
    return np.ascontiguousarray(_boxes(name, boxes, "cxcywh").T)


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
    np.subtract(g[:2], p[:2], out=out[:2])
    out[:2] /= p[2:]
    np.divide(g[2:], p[2:], out=out[2:])
    np.log(out[2:], out=out[2:])
    out *= wts[:, None]
    return out.T


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
    c = finite_number("clip", clip, minimum=0.0, strict_min=True)
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
    return out.T


def regression_lines(proposal, ground_truth, decimals: int = 3) -> list[str]:
    """The four targets and the decoding written line by line, as the notes do (cxcywh boxes)."""
    p = _as_cxcywh("proposal", proposal, "cxcywh")[0]
    g = _as_cxcywh("ground_truth", ground_truth, "cxcywh")[0]
    d = encode(p[None], g[None], fmt="cxcywh")[0]
    # decode the deltas as printed (rounded), so that every line is arithmetic one can redo
    back = decode(p[None], np.round(d, decimals)[None], fmt="cxcywh")[0]
    k = decimals

    def par(v):  # negatives in parentheses after '+' and '^'
        return f"({v:.{k}f})" if v < 0 else f"{v:.{k}f}"

    px, py, pw, ph = p
    gx, gy, gw, gh = g
    return [
        f"Δx = (x_gt − x)/w = ({gx:g} − {px:g})/{pw:g} = {d[0]:.{k}f}",
        f"Δy = (y_gt − y)/h = ({gy:g} − {py:g})/{ph:g} = {d[1]:.{k}f}",
        f"Δw = ln(w_gt/w) = ln({gw:g}/{pw:g}) = {d[2]:.{k}f}",
        f"Δh = ln(h_gt/h) = ln({gh:g}/{ph:g}) = {d[3]:.{k}f}",
        f"x_new = x + Δx·w = {px:g} + {par(d[0])}·{pw:g} = {back[0]:.2f}",
        f"y_new = y + Δy·h = {py:g} + {par(d[1])}·{ph:g} = {back[1]:.2f}",
        f"w_new = w·e^Δw = {pw:g}·e^{par(d[2])} = {back[2]:.2f}",
        f"h_new = h·e^Δh = {ph:g}·e^{par(d[3])} = {back[3]:.2f}",
    ]


# -- the course's worked example (notes 000, "Step 4: Bounding Box Regression") ------------------
COURSE_PROPOSAL = (100.0, 120.0, 80.0, 60.0)      # x, y (centre), w, h
COURSE_GT_CENTRE = (110.0, 130.0)
COURSE_DELTAS_AS_WRITTEN = (0.125, 0.167, 0.051, 0.039)


def course_example() -> dict:
    """The notes' example checked: implied ground-truth size and what the rounded deltas decode to."""
    px, py, pw, ph = COURSE_PROPOSAL
    dx_w, dy_w, dw_w, dh_w = COURSE_DELTAS_AS_WRITTEN
    gw = pw * math.exp(dw_w)
    gh = ph * math.exp(dh_w)
    gt = (COURSE_GT_CENTRE[0], COURSE_GT_CENTRE[1], gw, gh)
    exact = encode([COURSE_PROPOSAL], [gt], fmt="cxcywh")[0]
    decoded = decode([COURSE_PROPOSAL], [COURSE_DELTAS_AS_WRITTEN], fmt="cxcywh")[0]
    return {"proposal": COURSE_PROPOSAL, "implied_gt": gt, "deltas_exact": tuple(exact),
            "deltas_rounded": COURSE_DELTAS_AS_WRITTEN, "decoded_from_rounded": tuple(decoded)}
