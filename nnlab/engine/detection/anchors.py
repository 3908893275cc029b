"""Anchors of Faster R-CNN's region proposal network, and their matching to the ground truth.

At every location of a feature map with stride s, 3 scales × 3 aspect ratios = 9 boxes are
centred on that location. Each anchor is matched to the ground-truth box it overlaps most
(IoU): positive when IoU >= 0.7 (and, for every ground-truth box, the anchor(s) overlapping it
most, so no object is left without one), negative (background) when IoU < 0.3, ignored in
between; positives get regression targets ``boxes.encode(anchor, ground truth)`` towards the
box they overlap most (as torchvision's Matcher: also for an anchor made positive only as
some object's best anchor).

:func:`match_anchors` returns every intermediate (the IoU matrix, each anchor's best object and
IoU, which anchors were made positive only as an object's best match and for which object), and
:meth:`AnchorMatch.lines` explains the label of an anchor from those numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.validate import fail, finite_array, finite_number, positive_int, work_limit
from .boxes import COORD_LIMIT, as_boxes, check_pairs, encode, iou_matrix

DEFAULT_SCALES = (128.0, 256.0, 512.0)       # Faster R-CNN (Ren et al. 2015), pixels
DEFAULT_RATIOS = (0.5, 1.0, 2.0)             # aspect ratio = height / width (as torchvision)
MAX_SIDE = 10_000            # feature-map side (a 160,000-pixel image at stride 16)
MAX_ANCHORS = 10_000_000     # H·W·A anchors: 320 MB as a K×4 array
MAX_BASE = 1000              # anchors per location
RATIO_LIMIT = 1e6            # aspect ratios from 1e-6 to 1e6


def base_anchors(scales=DEFAULT_SCALES, ratios=DEFAULT_RATIOS) -> np.ndarray:
    """The len(scales)·len(ratios) anchors centred on (0, 0), as (x1, y1, x2, y2).

    An anchor of scale s and ratio r = h/w has area s² : w = s/√r, h = s·√r (torchvision's
    AnchorGenerator, without its rounding to whole pixels). Ordered ratio-major, as torchvision.
    """
    sc = finite_array("scales", scales, ndim=1)
    ra = finite_array("ratios", ratios, ndim=1)
    if sc.size == 0 or np.any(sc <= 0) or np.any(sc > COORD_LIMIT):
        fail("scales", f"one or more positive sizes in pixels (at most {COORD_LIMIT:g})", sc)
    if ra.size == 0 or np.any(ra < 1 / RATIO_LIMIT) or np.any(ra > RATIO_LIMIT):
        fail("ratios", f"one or more aspect ratios (height/width) from 1/{RATIO_LIMIT:g} to "
                       f"{RATIO_LIMIT:g}", ra)
    if sc.size * ra.size > MAX_BASE:
        fail("scales", f"at most {MAX_BASE} anchors per location (scales × ratios)",
             f"{sc.size}×{ra.size}")
    h_ratio = np.sqrt(ra)
    w_ratio = 1.0 / h_ratio
    ws = (w_ratio[:, None] * sc[None, :]).ravel()
    hs = (h_ratio[:, None] * sc[None, :]).ravel()
    return np.stack([-ws, -hs, ws, hs], axis=1) / 2.0


def anchor_grid(feature_height, feature_width, stride, scales=DEFAULT_SCALES,
                ratios=DEFAULT_RATIOS, offset: float = 0.5) -> np.ndarray:
    """Every anchor over a feature map: (H·W·A)×4, location-major (all A anchors of a location together).

    The location (i, j) of the feature map is the image point ((j + offset)·stride,
    (i + offset)·stride). offset = 0.5 puts it at the centre of the stride×stride cell it
    summarises; torchvision's AnchorGenerator uses offset = 0 (the cell's top-left corner).
    """
    fh = positive_int("feature_height", feature_height, maximum=MAX_SIDE)
    fw = positive_int("feature_width", feature_width, maximum=MAX_SIDE)
    s = finite_number("stride", stride, minimum=0, strict_min=True)
    off = finite_number("offset", offset, minimum=0.0, maximum=1.0)
    base = base_anchors(scales, ratios)
    work_limit("feature_width", fh * fw * base.shape[0], MAX_ANCHORS,
               f"number of anchors H·W·A ({fh}·{fw}·{base.shape[0]})")
    if (max(fh, fw) + off) * s + float(np.max(np.abs(base))) > COORD_LIMIT:
        fail("stride", f"a stride that keeps every anchor within ±{COORD_LIMIT:g}", s)
    xs = (np.arange(fw) + off) * s
    ys = (np.arange(fh) + off) * s
    cy, cx = np.meshgrid(ys, xs, indexing="ij")
    shifts = np.stack([cx.ravel(), cy.ravel(), cx.ravel(), cy.ravel()], axis=1)
    return (shifts[:, None, :] + base[None, :, :]).reshape(-1, 4)


LABEL_NAMES = {1: "positive", 0: "negative", -1: "ignored"}


@dataclass
class AnchorMatch:
    labels: np.ndarray        # per anchor: 1 object, 0 background, -1 ignored
    matched_gt: np.ndarray    # per anchor: index of the ground-truth box of highest IoU (-1 if none)
    max_iou: np.ndarray       # per anchor: that IoU
    targets: np.ndarray       # per anchor: (Δx, Δy, Δw, Δh) to its ground truth (0 unless positive)
    iou: np.ndarray           # anchors × ground truth: the IoU matrix the labels were read from
    promoted: np.ndarray      # per anchor: positive only as some object's best anchor (IoU < pos)
    pos_threshold: float = 0.7
    neg_threshold: float = 0.3
    best_for: np.ndarray | None = None  # per anchor: lowest index of an object whose best anchor
    #                                     it is (ties included), -1 if none

    def counts(self) -> dict:
        return {"positive": int(np.sum(self.labels == 1)), "negative": int(np.sum(self.labels == 0)),
                "ignored": int(np.sum(self.labels == -1))}

    def lines(self, indices, decimals: int = 3) -> list[str]:
        """Why each anchor in `indices` got its label, with its IoU, its object and its targets."""
        k = decimals
        pos, neg = self.pos_threshold, self.neg_threshold
        out = []
        for i in (int(v) for v in np.atleast_1d(indices)):
            lab, v, g = int(self.labels[i]), float(self.max_iou[i]), int(self.matched_gt[i])
            obj = f"object {g}" if g >= 0 else "no object"
            if self.promoted[i]:
                why = f"< {pos:g}, but the best anchor of object {int(self.best_for[i])}"
            elif lab == 1:
                why = f">= {pos:g}"
            elif lab == 0:
                why = f"< {neg:g}"
            else:
                why = f"between {neg:g} and {pos:g}"
            text = f"anchor {i}: best IoU {v:.{k}f} with {obj} ({why}) → {LABEL_NAMES[lab]}"
            if lab == 1:
                t = self.targets[i]
                text += ("; targets (" + ", ".join(f"{x:.{k}f}" for x in t) + ")")
            out.append(text)
        return out


def match_anchors(anchors, ground_truth, pos_threshold: float = 0.7, neg_threshold: float = 0.3,
                  allow_low_quality: bool = True, weights=(1.0, 1.0, 1.0, 1.0)) -> AnchorMatch:
    """Label anchors by IoU with the ground truth and give positives their regression targets.

    The rule of Faster R-CNN's RPN as torchvision's Matcher(0.7, 0.3,
    allow_low_quality_matches=True) applies it: each anchor's object is the ground-truth box it
    overlaps most (the first of equals); IoU >= pos_threshold → 1; IoU < neg_threshold → 0; in
    between → -1 (not used for training). With allow_low_quality, each ground-truth box also
    makes positive the anchor(s) with the highest IoU with it (ties included), even below
    pos_threshold; such an anchor keeps ITS OWN best object (the box it overlaps most, which may
    be another object than the one it is the best anchor of), and its targets point there, as in
    torchvision. One difference: an object that overlaps no anchor at all (best IoU 0) promotes
    nothing here, where torchvision would make positive every anchor of IoU 0 with it.
    """
    a = as_boxes("anchors", anchors)
    g = as_boxes("ground_truth", ground_truth)
    pos = finite_number("pos_threshold", pos_threshold, minimum=0.0, maximum=1.0)
    neg = finite_number("neg_threshold", neg_threshold, minimum=0.0, maximum=1.0)
    if neg > pos:
        fail("neg_threshold", f"a number <= pos_threshold ({pos})", neg)
    n = a.shape[0]
    if g.shape[0] == 0:
        return AnchorMatch(np.zeros(n, int), np.full(n, -1), np.zeros(n), np.zeros((n, 4)),
                           np.zeros((n, 0)), np.zeros(n, bool), pos, neg, np.full(n, -1))
    check_pairs("ground_truth", n, g.shape[0])
    iou = iou_matrix(a, g)                        # anchors × gt
    best = iou.argmax(axis=1)                     # each anchor's own best object (first of ties)
    best_iou = iou[np.arange(n), best]
    labels = np.full(n, -1, dtype=int)
    labels[best_iou < neg] = 0
    labels[best_iou >= pos] = 1
    best_for = np.full(n, -1)
    if allow_low_quality:
        per_gt = iou.max(axis=0)
        rows, cols = np.nonzero((iou == per_gt[None, :]) & (per_gt[None, :] > 0))
        labels[rows] = 1                          # matched to best[rows], their own best object
        first = np.full(n, g.shape[0])
        np.minimum.at(first, rows, cols)          # the lowest object index of its ties
        best_for = np.where(first < g.shape[0], first, -1)
    targets = np.zeros((n, 4))
    p = labels == 1
    if np.any(p):
        ok = p & (a[:, 2] > a[:, 0]) & (a[:, 3] > a[:, 1])
        targets[ok] = encode(a[ok], g[best[ok]], weights=weights)
    promoted = (labels == 1) & (best_iou < pos)   # only the low-quality rule gives these
    return AnchorMatch(labels, np.where(best_iou > 0, best, -1), best_iou, targets, iou, promoted,
                       pos, neg, best_for)
