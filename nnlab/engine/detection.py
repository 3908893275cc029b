"""The pieces of the R-CNN family: anchors and their matching, RoI pooling, selective search.

- Anchors (Faster R-CNN's region proposal network): at every location of a feature map with
  stride s, 3 scales × 3 aspect ratios = 9 boxes centred on that location. Each anchor is
  matched to the ground-truth box it overlaps most (IoU): positive when IoU >= 0.7 (and, for
  every ground-truth box, the anchor(s) overlapping it most, so no object is left without one),
  negative (background) when IoU < 0.3, ignored in between; positives get regression targets
  ``boxes.encode(anchor, ground truth)``.
- RoI max pooling (Fast R-CNN): the part of the feature map under a box is divided into a fixed
  grid (7×7) of bins and each bin keeps its maximum, so boxes of any size give the same-size
  input to the classifier. Same bin arithmetic as Fast R-CNN's Caffe layer and
  torchvision.ops.roi_pool.
- Selective search (Uijlings et al. 2013): an over-segmentation (Felzenszwalb and
  Huttenlocher's graph-based method, written here in numpy) and greedy merging of the two most
  similar neighbouring regions, S = w1·S_colour + w2·S_texture + w3·S_size + w4·S_fill; the
  bounding box of every region of the hierarchy is a proposal.
- Synthetic scenes: coloured shapes on a textured background with known boxes, so that a
  proposal method can be scored (recall: the fraction of objects some proposal covers with
  IoU >= 0.5).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.validate import fail, finite_array, finite_number, positive_int
from .boxes import _boxes, _iou_valid, box_iou, encode

# -- anchors ------------------------------------------------------------------------------------
DEFAULT_SCALES = (128.0, 256.0, 512.0)       # Faster R-CNN (Ren et al. 2015), pixels
DEFAULT_RATIOS = (0.5, 1.0, 2.0)             # aspect ratio = height / width (as torchvision)


def base_anchors(scales=DEFAULT_SCALES, ratios=DEFAULT_RATIOS) -> np.ndarray:
    """The len(scales)·len(ratios) anchors centred on (0, 0), as (x1, y1, x2, y2).

    An anchor of scale s and ratio r = h/w has area s² : w = s/√r, h = s·√r (torchvision's
    AnchorGenerator, without its rounding to whole pixels). Ordered ratio-major, as torchvision.
    """
    sc = finite_array("scales", scales, ndim=1)
    ra = finite_array("ratios", ratios, ndim=1)
    if sc.size == 0 or np.any(sc <= 0):
        fail("scales", "one or more positive sizes in pixels", sc.tolist())
    if ra.size == 0 or np.any(ra <= 0):
        fail("ratios", "one or more positive aspect ratios (height/width)", ra.tolist())
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
    fh = positive_int("feature_height", feature_height)
    fw = positive_int("feature_width", feature_width)
    s = finite_number("stride", stride, minimum=0, strict_min=True)
    off = finite_number("offset", offset, minimum=0.0, maximum=1.0)
    base = base_anchors(scales, ratios)
    xs = (np.arange(fw) + off) * s
    ys = (np.arange(fh) + off) * s
    cy, cx = np.meshgrid(ys, xs, indexing="ij")
    shifts = np.stack([cx.ravel(), cy.ravel(), cx.ravel(), cy.ravel()], axis=1)
    return (shifts[:, None, :] + base[None, :, :]).reshape(-1, 4)


@dataclass
class AnchorMatch:
    labels: np.ndarray        # per anchor: 1 object, 0 background, -1 ignored
    matched_gt: np.ndarray    # per anchor: index of the ground-truth box of highest IoU (-1 if none)
    max_iou: np.ndarray       # per anchor: that IoU
    targets: np.ndarray       # per anchor: (Δx, Δy, Δw, Δh) to its ground truth (0 unless positive)

    def counts(self) -> dict:
        return {"positive": int(np.sum(self.labels == 1)), "negative": int(np.sum(self.labels == 0)),
                "ignored": int(np.sum(self.labels == -1))}


def match_anchors(anchors, ground_truth, pos_threshold: float = 0.7, neg_threshold: float = 0.3,
                  allow_low_quality: bool = True, weights=(1.0, 1.0, 1.0, 1.0)) -> AnchorMatch:
    """Label anchors by IoU with the ground truth and give positives their regression targets.

    The rule of Faster R-CNN's RPN (torchvision's Matcher(0.7, 0.3, allow_low_quality_matches)):
    IoU >= pos_threshold → 1; IoU < neg_threshold → 0; in between → -1 (not used for training).
    With allow_low_quality, each ground-truth box also makes positive the anchor(s) with the
    highest IoU with it (ties included), even below pos_threshold, provided that IoU > 0.
    """
    a = _boxes("anchors", anchors)
    g = _boxes("ground_truth", ground_truth)
    pos = finite_number("pos_threshold", pos_threshold, minimum=0.0, maximum=1.0)
    neg = finite_number("neg_threshold", neg_threshold, minimum=0.0, maximum=1.0)
    if neg > pos:
        fail("neg_threshold", f"a number <= pos_threshold ({pos})", neg)
    n = a.shape[0]
    if g.shape[0] == 0:
        return AnchorMatch(np.zeros(n, int), np.full(n, -1), np.zeros(n), np.zeros((n, 4)))
    iou = _iou_valid(a, g)                        # anchors × gt
    best = iou.argmax(axis=1)
    best_iou = iou[np.arange(n), best]
    labels = np.full(n, -1, dtype=int)
    labels[best_iou < neg] = 0
    labels[best_iou >= pos] = 1
    if allow_low_quality:
        per_gt = iou.max(axis=0)
        rows, cols = np.nonzero((iou == per_gt[None, :]) & (per_gt[None, :] > 0))
        labels[rows] = 1
        best[rows] = cols  # an anchor that is some object's best match is assigned to it
        best_iou[rows] = iou[rows, cols]
    targets = np.zeros((n, 4))
    p = labels == 1
    if np.any(p):
        ok = p & (a[:, 2] > a[:, 0]) & (a[:, 3] > a[:, 1])
        targets[ok] = encode(a[ok], g[best[ok]], weights=weights)
    return AnchorMatch(labels, np.where(best_iou > 0, best, -1), best_iou, targets)


# -- RoI pooling --------------------------------------------------------------------------------
def _round_half_away(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def roi_bins(box, spatial_scale: float = 1.0, output_size=(7, 7), feature_shape=None):
    """The (row start, row end, column start, column end) of every bin, as Fast R-CNN computes them.

    The box (x1, y1, x2, y2, in image pixels) is scaled by spatial_scale (1/stride) and rounded
    to feature-map cells; the RoI is end − start + 1 cells wide (at least 1); bin k covers
    rows floor(k·h/ph) .. ceil((k + 1)·h/ph) of it (bins may overlap by a cell or be empty once
    clipped to the feature map).
    """
    b = _boxes("box", box)
    if b.shape[0] != 1:
        fail("box", "one box (x1, y1, x2, y2)", f"{b.shape[0]} boxes")
    scale = finite_number("spatial_scale", spatial_scale, minimum=0, strict_min=True)
    ph, pw = _output_size(output_size)
    x1, y1, x2, y2 = (_round_half_away(b[0] * scale)).astype(int)
    roi_w = max(x2 - x1 + 1, 1)
    roi_h = max(y2 - y1 + 1, 1)
    bh, bw = roi_h / ph, roi_w / pw
    rows = [(int(math.floor(k * bh)) + y1, int(math.ceil((k + 1) * bh)) + y1) for k in range(ph)]
    cols = [(int(math.floor(k * bw)) + x1, int(math.ceil((k + 1) * bw)) + x1) for k in range(pw)]
    if feature_shape is not None:
        H, W = feature_shape
        rows = [(min(max(a, 0), H), min(max(c, 0), H)) for a, c in rows]
        cols = [(min(max(a, 0), W), min(max(c, 0), W)) for a, c in cols]
    return [(int(a), int(c)) for a, c in rows], [(int(a), int(c)) for a, c in cols]


def _output_size(output_size):
    if isinstance(output_size, (int, np.integer)) and not isinstance(output_size, bool):
        output_size = (output_size, output_size)
    try:
        ph, pw = output_size
    except (TypeError, ValueError):
        fail("output_size", "a whole number or a pair (height, width)", output_size)
    return positive_int("output_size", ph), positive_int("output_size", pw)


def roi_pool(features, box, output_size=(7, 7), spatial_scale: float = 1.0) -> np.ndarray:
    """Max-pool the part of `features` (C×H×W or H×W) under `box` into output_size bins.

    Returns C×ph×pw (or ph×pw); an empty bin (outside the map) gives 0, as torchvision.ops.roi_pool.
    """
    f = finite_array("features", features)
    squeeze = f.ndim == 2
    if squeeze:
        f = f[None]
    if f.ndim != 3:
        fail("features", "a feature map of shape C×H×W or H×W", f"shape {f.shape}")
    ph, pw = _output_size(output_size)
    rows, cols = roi_bins(box, spatial_scale, (ph, pw), feature_shape=f.shape[1:])
    out = np.zeros((f.shape[0], ph, pw))
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            if r1 > r0 and c1 > c0:
                out[:, i, j] = f[:, r0:r1, c0:c1].max(axis=(1, 2))
    return out[0] if squeeze else out


# -- synthetic scenes ---------------------------------------------------------------------------
SCENE_CLASSES = ("rectangle", "ellipse", "triangle")


@dataclass
class Scene:
    image: np.ndarray     # H×W×3 in [0, 1]
    boxes: np.ndarray     # K×4 (x1, y1, x2, y2) in pixels, the exact extent of each shape
    classes: np.ndarray   # K class ids into SCENE_CLASSES


def synthetic_scene(seed: int = 0, size: int = 64, n_objects: int = 3) -> Scene:
    """Coloured shapes on a noisy, smoothly shaded background; the boxes are known exactly."""
    sd = positive_int("seed", seed, minimum=0)
    n = positive_int("size", size, minimum=16, maximum=1024)
    k = positive_int("n_objects", n_objects, minimum=1, maximum=8)
    rng = np.random.default_rng(sd)
    yy, xx = np.mgrid[0:n, 0:n] + 0.5
    base = rng.uniform(0.35, 0.6, 3)
    img = base[None, None, :] + 0.08 * (xx / n)[..., None] - 0.05 * (yy / n)[..., None]
    img = img + rng.normal(0, 0.02, (n, n, 3))
    boxes, classes = [], []
    tries = 0
    while len(boxes) < k and tries < 200:
        tries += 1
        w, h = rng.integers(n // 6, n // 2, size=2)
        x1, y1 = rng.integers(1, n - w - 1), rng.integers(1, n - h - 1)
        cand = np.array([[x1, y1, x1 + w, y1 + h]], float)
        grown = cand + np.array([[-2, -2, 2, 2]])  # shapes never touch: every box stays exact
        if boxes and _iou_valid(grown, np.array(boxes)).max() > 0:
            continue
        cls = int(rng.integers(0, len(SCENE_CLASSES)))
        u = (xx - x1) / w
        v = (yy - y1) / h
        if cls == 0:
            mask = (u >= 0) & (u < 1) & (v >= 0) & (v < 1)
        elif cls == 1:
            mask = (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25
        else:
            mask = (v >= 0) & (v < 1) & (np.abs(u - 0.5) <= 0.5 * v)
        ys, xs = np.nonzero(mask)
        if ys.size == 0:
            continue
        colour = rng.uniform(0, 1, 3)
        colour[rng.integers(0, 3)] = rng.choice([0.05, 0.95])
        stripes = 0.08 * np.sign(np.sin(2 * np.pi * (xx + yy) / rng.integers(3, 7)))
        img[mask] = colour[None, :] + stripes[mask][:, None] * (cls == 0)
        # a second part of another colour (the top 40 %), so that an object is several regions
        # of the over-segmentation and only merging finds its whole box
        part = mask & (v < 0.4)
        img[part] = rng.uniform(0, 1, 3)[None, :]
        boxes.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
        classes.append(cls)
    return Scene(np.clip(img, 0, 1), np.array(boxes, float), np.array(classes, int))


# -- graph-based over-segmentation (Felzenszwalb & Huttenlocher 2004) ---------------------------
def _smooth(img: np.ndarray, sigma: float) -> np.ndarray:
    if sigma <= 0:
        return img
    r = max(1, int(math.ceil(3 * sigma)))
    t = np.arange(-r, r + 1)
    g = np.exp(-t ** 2 / (2 * sigma ** 2))
    g /= g.sum()
    out = img
    for axis in (0, 1):
        pad = [(0, 0)] * img.ndim
        pad[axis] = (r, r)
        p = np.pad(out, pad, mode="edge")
        acc = np.zeros_like(out)
        for i, wt in enumerate(g):
            sl = [slice(None)] * img.ndim
            sl[axis] = slice(i, i + out.shape[axis])
            acc += wt * p[tuple(sl)]
        out = acc
    return out


def felzenszwalb(image, k: float = 100.0, sigma: float = 0.8, min_size: int = 20) -> np.ndarray:
    """Graph-based segmentation: an H×W array of region labels 0..n−1.

    Pixels are nodes; 8-neighbours are joined by an edge of weight |I_i − I_j| (the Euclidean
    distance of the colours, 0..255 scale). Edges are taken by increasing weight and two
    components C1, C2 are merged when the edge is no heavier than
    min(Int(C1) + k/|C1|, Int(C2) + k/|C2|), Int being the heaviest edge inside a component.
    Then components smaller than min_size pixels are merged into a neighbour.
    """
    img = finite_array("image", image)
    if img.ndim == 2:
        img = img[..., None]
    if img.ndim != 3 or img.shape[0] < 2 or img.shape[1] < 2:
        fail("image", "an image of shape H×W×3 or H×W (at least 2×2)", f"shape {img.shape}")
    kk = finite_number("k", k, minimum=0)
    sg = finite_number("sigma", sigma, minimum=0)
    ms = positive_int("min_size", min_size)
    H, W = img.shape[:2]
    sm = _smooth(img.astype(float) * (255.0 if img.max() <= 1.0 else 1.0), sg)
    idx = np.arange(H * W).reshape(H, W)
    pairs = []
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        ys, ys2 = slice(0, H - dy), slice(dy, H)
        xs, xs2 = (slice(0, W - dx), slice(dx, W)) if dx >= 0 else (slice(1, W), slice(0, W - 1))
        a = idx[ys, xs].ravel()
        b = idx[ys2, xs2].ravel()
        wgt = np.sqrt(((sm[ys, xs] - sm[ys2, xs2]) ** 2).sum(axis=-1)).ravel()
        pairs.append((a, b, wgt))
    ea = np.concatenate([p[0] for p in pairs])
    eb = np.concatenate([p[1] for p in pairs])
    ew = np.concatenate([p[2] for p in pairs])
    order = np.argsort(ew, kind="stable")
    ea, eb, ew = ea[order].tolist(), eb[order].tolist(), ew[order].tolist()
    parent = list(range(H * W))
    size = [1] * (H * W)
    internal = [0.0] * (H * W)

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, w in zip(ea, eb, ew):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if w <= min(internal[ra] + kk / size[ra], internal[rb] + kk / size[rb]):
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
            size[ra] += size[rb]
            internal[ra] = max(internal[ra], internal[rb], w)
    for a, b in zip(ea, eb):
        ra, rb = find(a), find(b)
        if ra != rb and (size[ra] < ms or size[rb] < ms):
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
            size[ra] += size[rb]
    roots = np.array([find(i) for i in range(H * W)])
    _, labels = np.unique(roots, return_inverse=True)
    return labels.reshape(H, W)


# -- selective search ---------------------------------------------------------------------------
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
    sm = _smooth(image, 1.0)
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
    b = _boxes("boxes", boxes)
    _, first = np.unique(b, axis=0, return_index=True)
    return b[np.sort(first)]


def proposal_recall(proposals, ground_truth, iou_threshold: float = 0.5):
    """Best IoU of any proposal with each ground-truth box, and the fraction >= iou_threshold."""
    t = finite_number("iou_threshold", iou_threshold, minimum=0.0, maximum=1.0)
    p = _boxes("proposals", proposals)
    g = _boxes("ground_truth", ground_truth)
    if p.shape[0] == 0:
        best = np.zeros(g.shape[0])
    else:
        best = box_iou(g, p).max(axis=1)
    return best, float(np.mean(best >= t)) if g.shape[0] else 1.0


# -- the two families, summarised ---------------------------------------------------------------
PIPELINES = {
    "region proposals": {
        "Faster R-CNN": "a Region Proposal Network slides over the shared feature map; at each "
                        "location 9 anchors get an objectness score and box deltas; NMS (IoU 0.7) "
                        "keeps ~2,000 proposals for training, the top ~300 at test",
        "SSD": "none: a fixed set of default boxes (anchors) on 6 feature maps of decreasing "
               "resolution plays that role",
        "YOLO": "none: each cell of the S×S grid (with B anchor priors from v2 on) predicts boxes "
                "directly",
    },
    "anchors / priors": {
        "Faster R-CNN": "3 scales × 3 aspect ratios = 9 per location of one feature map (stride 16)",
        "SSD": "4 or 6 default boxes per location, scale growing with the depth of the feature map",
        "YOLO": "v1: none (B = 2 free boxes per cell); v2/v3: k-means box priors, 3 per cell per "
                "scale in v3",
    },
    "anchor matching": {
        "Faster R-CNN": "IoU >= 0.7 positive, < 0.3 negative (plus each object's best anchor)",
        "SSD": "each object's best default box, plus any default box with IoU > 0.5",
        "YOLO": "the cell containing the object's centre, and in it the box/prior of highest IoU",
    },
    "RoI pooling": {
        "Faster R-CNN": "yes: each proposal's part of the feature map is max-pooled to 7×7",
        "SSD": "no: classification and regression are convolutions at every location",
        "YOLO": "no: one forward pass predicts everything",
    },
    "box regression": {
        "Faster R-CNN": "twice: RPN deltas on anchors, then class-specific deltas on proposals "
                        "(the R-CNN parametrisation, weights (10, 10, 5, 5))",
        "SSD": "deltas on default boxes (same parametrisation, variances 0.1, 0.2)",
        "YOLO": "cell offset through a sigmoid for the centre, w = p_w·e^t_w for the size (v2/v3)",
    },
    "classification": {
        "Faster R-CNN": "softmax over classes + background for each pooled proposal",
        "SSD": "softmax over classes + background at every default box",
        "YOLO": "v1: class probabilities per cell; v3: per box, independent logistic classifiers",
    },
    "non-maximum suppression": {
        "Faster R-CNN": "on proposals (0.7) and per class on final detections (0.5)",
        "SSD": "per class on final detections (0.45)",
        "YOLO": "per class on final detections (typically 0.45–0.5)",
    },
    "stages": {
        "Faster R-CNN": "two: propose, then classify and refine each proposal",
        "SSD": "one (single shot)",
        "YOLO": "one (you only look once)",
    },
}


def pipeline_table() -> str:
    """The two-stage vs one-stage summary as a text table (piece: Faster R-CNN | SSD | YOLO)."""
    lines = []
    for piece, row in PIPELINES.items():
        lines.append(f"{piece}:")
        for name in ("Faster R-CNN", "SSD", "YOLO"):
            lines.append(f"  {name:<12} {row[name]}")
    return "\n".join(lines)


# -- exercises ----------------------------------------------------------------------------------
from ..course.exercises import Exercise, ExerciseSet  # noqa: E402  (numpy only)

EX_BOXES = ((0.0, 0.0, 4.0, 4.0), (2.0, 2.0, 6.0, 6.0))
EX_NMS_BOXES = ((10, 10, 50, 50), (12, 12, 52, 52), (30, 30, 70, 70), (100, 100, 140, 140),
                (102, 98, 140, 138))
EX_NMS_SCORES = (0.9, 0.8, 0.7, 0.6, 0.95)


def _ex_dw():
    return math.log(90.0 / 80.0)


def _ex_iou():
    return float(box_iou([EX_BOXES[0]], [EX_BOXES[1]])[0, 0])


def _ex_cell():
    from .yolo import responsible_cell
    row, col, _, _ = responsible_cell(200 / 416, 100 / 416, 13)
    return [row, col]


def _ex_nms():
    from .boxes import nms
    return float(len(nms(EX_NMS_BOXES, EX_NMS_SCORES, 0.5)))


def _ex_nms_solution():
    from .boxes import nms
    b = np.array(EX_NMS_BOXES, float)
    iou = box_iou(b, b)
    keep = nms(b, EX_NMS_SCORES, 0.5).tolist()
    steps = []
    alive = list(np.argsort(-np.array(EX_NMS_SCORES), kind="stable"))
    while alive:
        k = alive.pop(0)
        gone = [j for j in alive if iou[k, j] > 0.5]
        near = ", ".join(f"box {j} (IoU {iou[k, j]:.2f})" for j in alive)
        steps.append(f"keep box {k} (score {EX_NMS_SCORES[k]}); IoU with the rest: {near or 'none left'}"
                     + (f" → remove {', '.join(f'box {j}' for j in gone)}" if gone else ""))
        alive = [j for j in alive if j not in gone]
    return "; ".join(steps) + f". Kept {keep}: {len(keep)} boxes."


exercises = ExerciseSet("Object detection", [
    Exercise(
        question="A proposal is 80 px wide and its ground-truth box 90 px. What is the regression "
                 "target Δw = ln(w_gt/w)? (4 decimals)",
        answer=_ex_dw,
        solution=lambda: f"Δw = ln(90/80) = ln(1.125) = {_ex_dw():.4f} (the natural logarithm: "
                         "decoding multiplies by e^Δw).",
        mistakes=lambda: [(math.log10(90 / 80), "that is log base 10; the targets use the natural "
                                                "log, because decoding multiplies by e^Δw."),
                          ((90 - 80) / 80, "that is the relative change (w_gt − w)/w; Δw is the "
                                           "log of the ratio w_gt/w."),
                          (90 / 80, "that is the ratio w_gt/w; take its logarithm.")],
    ),
    Exercise(
        question=f"What is the IoU of the boxes {EX_BOXES[0]} and {EX_BOXES[1]} "
                 "(x1, y1, x2, y2)? (4 decimals)",
        answer=_ex_iou,
        solution=lambda: ("intersection [2, 2, 4, 4] has area 4; union = 16 + 16 − 4 = 28; "
                          f"IoU = 4/28 = {_ex_iou():.4f}"),
        mistakes=lambda: [(4 / 16, "you divided by the area of one box; divide by the union."),
                          (4 / 32, "you divided by the sum of the areas; subtract the "
                                   "intersection once (union = 16 + 16 − 4).")],
    ),
    Exercise(
        question="YOLO with a 13×13 grid on a 416×416 image: an object's centre is at pixel "
                 "(x, y) = (200, 100). Which cell (row, col) is responsible for it? "
                 "Answer as [row, col], counting from 0.",
        answer=_ex_cell,
        solution=lambda: ("each cell is 416/13 = 32 px; col = floor(200/32) = 6, "
                          "row = floor(100/32) = 3 → [3, 6]"),
        rel_tol=0.0, abs_tol=1e-9,
        mistakes=lambda: [([6, 3], "rows go down (y) and columns across (x): [row, col] = "
                                   "[y cell, x cell]."),
                          ([4, 7], "count from 0: floor(200/32) = 6, not 7.")],
    ),
    Exercise(
        question=f"Boxes {list(EX_NMS_BOXES)} have scores {list(EX_NMS_SCORES)}. How many boxes "
                 "does non-maximum suppression keep with IoU threshold 0.5?",
        answer=_ex_nms,
        solution=lambda: _ex_nms_solution(),
        rel_tol=0.0, abs_tol=1e-9,
        mistakes=lambda: [(2.0, "box 2 overlaps box 0 only a little (IoU 0.14 < 0.5): it is kept."),
                          (5.0, "boxes whose IoU with a kept, higher-scoring box exceeds 0.5 are "
                                "removed.")],
    ),
    Exercise(
        question="A Faster R-CNN feature map is 38×50 locations with 3 scales × 3 aspect ratios "
                 "per location. How many anchors are there?",
        answer=lambda: float(38 * 50 * 9),
        solution=lambda: "38 · 50 locations · 9 anchors = 17,100 anchors",
        rel_tol=0.0, abs_tol=1e-9,
        mistakes=lambda: [(38 * 50, "that is the number of locations; each has 9 anchors."),
                          (38 * 50 * 6, "3 scales × 3 ratios is 9 anchors per location, not 6.")],
    ),
])
