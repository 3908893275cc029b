"""Selective search (Uijlings et al. 2013): R-CNN's region proposals.

An over-segmentation (:func:`segmentation.felzenszwalb`) and greedy merging of the two most
similar neighbouring regions, S = w1·S_colour + w2·S_texture + w3·S_size + w4·S_fill; the
bounding box of every region of the hierarchy is a proposal. The result keeps the merges in
order (i, j, new region, similarity), so the hierarchy can be read back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.validate import fail, finite_array, finite_number
from .boxes import as_boxes, box_iou, check_pairs
from .segmentation import felzenszwalb, gaussian_smooth

COLOUR_BINS = 25   # per channel (Uijlings et al.)
TEXTURE_BINS = 10  # per orientation and channel
ORIENTATIONS = 8


def _region_features(image: np.ndarray, labels: np.ndarray):
    """Per region: size, bounding box, L1-normalised colour and texture histograms, neighbours."""
    H, W, C = image.shape
    n = int(labels.max()) + 1
    flat = labels.ravel()
    sizes = np.bincount(flat, minlength=n).astype(float)
    ys, xs = np.mgrid[0:H, 0:W]
    bbox = np.stack([np.full(n, np.inf), np.full(n, np.inf), np.full(n, -np.inf),
                     np.full(n, -np.inf)], axis=1)
    np.minimum.at(bbox[:, 0], flat, xs.ravel())
    np.minimum.at(bbox[:, 1], flat, ys.ravel())
    np.maximum.at(bbox[:, 2], flat, xs.ravel() + 1)
    np.maximum.at(bbox[:, 3], flat, ys.ravel() + 1)
    # colour: 25 bins per channel
    col = []
    for c in range(C):
        q = np.clip((image[..., c].ravel() * COLOUR_BINS).astype(int), 0, COLOUR_BINS - 1)
        col.append(np.bincount(flat * COLOUR_BINS + q, minlength=n * COLOUR_BINS).reshape(n, -1))
    colour = np.concatenate(col, axis=1).astype(float)
    colour /= colour.sum(axis=1, keepdims=True)
    # texture: derivative of the smoothed image in 8 orientations, 10 bins each, per channel
    sm = gaussian_smooth(image, 1.0)
    tex = []
    for c in range(C):
        gy, gx = np.gradient(sm[..., c])
        for t in range(ORIENTATIONS):
            th = 2 * np.pi * t / ORIENTATIONS
            resp = np.clip(np.cos(th) * gx + np.sin(th) * gy, 0, None).ravel()
            top = resp.max()
            q = np.zeros_like(flat) if top <= 0 else \
                np.clip((resp / top * TEXTURE_BINS).astype(int), 0, TEXTURE_BINS - 1)
            tex.append(np.bincount(flat * TEXTURE_BINS + q, minlength=n * TEXTURE_BINS).reshape(n, -1))
    texture = np.concatenate(tex, axis=1).astype(float)
    texture /= texture.sum(axis=1, keepdims=True)
    # neighbours: 4-adjacent pixels with different labels
    nb = set()
    for a, b in ((labels[:, :-1], labels[:, 1:]), (labels[:-1, :], labels[1:, :])):
        d = a != b
        lo = np.minimum(a[d], b[d])
        hi = np.maximum(a[d], b[d])
        nb.update(zip(lo.tolist(), hi.tolist()))
    return sizes, bbox, colour, texture, nb


@dataclass
class SelectiveSearchResult:
    proposals: np.ndarray      # P×4 (x1, y1, x2, y2), initial regions first, then each merge
    n_initial: int             # how many proposals are initial regions
    labels: np.ndarray         # the initial over-segmentation
    merges: list               # (i, j, new, similarity) in merge order


def similarity(a: dict, b: dict, image_size: float, weights) -> float:
    """S = w1·S_colour + w2·S_texture + w3·S_size + w4·S_fill of two regions (Uijlings et al.)."""
    w1, w2, w3, w4 = weights
    s_col = np.minimum(a["colour"], b["colour"]).sum()
    s_tex = np.minimum(a["texture"], b["texture"]).sum()
    s_size = 1.0 - (a["size"] + b["size"]) / image_size
    bx = (max(a["box"][2], b["box"][2]) - min(a["box"][0], b["box"][0])) * \
         (max(a["box"][3], b["box"][3]) - min(a["box"][1], b["box"][1]))
    s_fill = 1.0 - (bx - a["size"] - b["size"]) / image_size
    return float(w1 * s_col + w2 * s_tex + w3 * s_size + w4 * s_fill)


def _weights4(weights):
    w = finite_array("weights", weights, shape=(4,))
    if np.any(w < 0) or not np.any(w > 0):
        fail("weights", "four numbers >= 0 (colour, texture, size, fill), not all zero", w.tolist())
    return tuple(float(v) for v in w)


class SelectiveSearch:
    """Selective search on one image: the over-segmentation is computed once; `run(weights)` merges."""

    def __init__(self, image, k: float = 100.0, sigma: float = 0.8, min_size: int = 20,
                 labels=None):
        img = finite_array("image", image)
        if img.ndim != 3 or img.shape[2] != 3:
            fail("image", "an RGB image of shape H×W×3 with values in [0, 1]", f"shape {img.shape}")
        if img.min() < 0 or img.max() > 1:
            fail("image", "values in [0, 1]")
        self.image = img
        self.labels = felzenszwalb(img, k, sigma, min_size) if labels is None else np.asarray(labels)
        sizes, bbox, colour, texture, nb = _region_features(img, self.labels)
        self.regions = {i: {"size": sizes[i], "box": bbox[i], "colour": colour[i],
                            "texture": texture[i]} for i in range(len(sizes))}
        self.neighbours = nb
        self.image_size = float(img.shape[0] * img.shape[1])

    def run(self, weights=(1.0, 1.0, 1.0, 1.0)) -> SelectiveSearchResult:
        w = _weights4(weights)
        regions = dict(self.regions)
        sims = {(i, j): similarity(regions[i], regions[j], self.image_size, w)
                for i, j in self.neighbours}
        nxt = len(regions)
        merges = []
        boxes = [regions[i]["box"] for i in range(len(regions))]
        while sims:
            (i, j), s = max(sims.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))
            a, b = regions[i], regions[j]
            st = a["size"] + b["size"]
            new = {"size": st,
                   "box": np.array([min(a["box"][0], b["box"][0]), min(a["box"][1], b["box"][1]),
                                    max(a["box"][2], b["box"][2]), max(a["box"][3], b["box"][3])]),
                   "colour": (a["size"] * a["colour"] + b["size"] * b["colour"]) / st,
                   "texture": (a["size"] * a["texture"] + b["size"] * b["texture"]) / st}
            t = nxt
            nxt += 1
            regions[t] = new
            merges.append((i, j, t, s))
            boxes.append(new["box"])
            touching = set()
            for (p, q) in list(sims):
                if p in (i, j) or q in (i, j):
                    other = q if p in (i, j) else p
                    if other not in (i, j):
                        touching.add(other)
                    del sims[(p, q)]
            for o in touching:
                sims[(o, t)] = similarity(regions[o], new, self.image_size, w)
        return SelectiveSearchResult(np.array(boxes, float), len(self.regions), self.labels, merges)


def selective_search(image, weights=(1.0, 1.0, 1.0, 1.0), k: float = 100.0, sigma: float = 0.8,
                     min_size: int = 20) -> SelectiveSearchResult:
    return SelectiveSearch(image, k, sigma, min_size).run(weights)


def unique_boxes(boxes) -> np.ndarray:
    b = as_boxes("boxes", boxes)
    _, first = np.unique(b, axis=0, return_index=True)
    return b[np.sort(first)]


def proposal_recall(proposals, ground_truth, iou_threshold: float = 0.5):
    """Best IoU of any proposal with each ground-truth box, and the fraction >= iou_threshold."""
    t = finite_number("iou_threshold", iou_threshold, minimum=0.0, maximum=1.0)
    p = as_boxes("proposals", proposals)
    g = as_boxes("ground_truth", ground_truth)
    check_pairs("proposals", g.shape[0], p.shape[0])
    if p.shape[0] == 0:
        best = np.zeros(g.shape[0])
    else:
        best = box_iou(g, p).max(axis=1)
    return best, float(np.mean(best >= t)) if g.shape[0] else 1.0

