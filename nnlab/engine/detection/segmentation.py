"""Graph-based over-segmentation (Felzenszwalb & Huttenlocher 2004), the first step of selective search.

Pixels are nodes; 8-neighbours are joined by an edge of weight |I_i − I_j| (the Euclidean
distance of the colours, 0..255 scale). Edges are taken by increasing weight and two components
C1, C2 are merged when the edge is no heavier than min(Int(C1) + k/|C1|, Int(C2) + k/|C2|),
Int being the heaviest edge inside a component. Then components smaller than min_size pixels
are merged into a neighbour.
"""
from __future__ import annotations

import math

import numpy as np

from ...core.validate import fail, finite_array, finite_number, positive_int

MAX_PIXELS = 512 * 512   # felzenszwalb's image (H·W)
MAX_SIGMA = 100.0         # pixels; the kernel then has 601 taps


def gaussian_smooth(img: np.ndarray, sigma: float) -> np.ndarray:
    """`img` (H×W or H×W×C) blurred by a Gaussian of standard deviation `sigma` pixels along
    rows and columns (edges repeated); sigma = 0 returns it unchanged."""
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
    if img.shape[0] * img.shape[1] > MAX_PIXELS:
        fail("image", f"at most {MAX_PIXELS:,} pixels (the graph is merged in Python: seconds "
                      "at this size)", f"{img.shape[0]}×{img.shape[1]}")
    kk = finite_number("k", k, minimum=0)
    sg = finite_number("sigma", sigma, minimum=0, maximum=MAX_SIGMA)
    ms = positive_int("min_size", min_size, maximum=img.shape[0] * img.shape[1])
    H, W = img.shape[:2]
    sm = gaussian_smooth(img.astype(float) * (255.0 if img.max() <= 1.0 else 1.0), sg)
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
