"""RoI max pooling (Fast R-CNN): any box of the feature map → a fixed grid of bins.

The part of the feature map under a box is divided into a fixed grid (7×7) of bins and each bin
keeps its maximum, so boxes of any size give the same-size input to the classifier. Same bin
arithmetic as Fast R-CNN's Caffe layer and torchvision.ops.roi_pool: the box (x1, y1, x2, y2,
in image pixels) is scaled by spatial_scale (1/stride) and rounded to feature-map cells; the RoI
is end − start + 1 cells wide (at least 1); bin k covers rows floor(k·h/ph) .. ceil((k + 1)·h/ph)
of it (bins may overlap by a cell, or be empty once clipped to the feature map).

``roi_pool(..., return_steps=True)`` also returns the cells of the RoI, the bin size, every bin's
rows and columns and where its maximum was; :meth:`RoIPooling.lines` and the notebook's RoI
figure are written from those.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...core.validate import fail, finite_array, finite_number, positive_int, work_limit
from .boxes import as_boxes

MAX_BINS = 256           # output_size per side (Fast R-CNN uses 7×7)
MAX_OUTPUT = 10_000_000  # C·ph·pw numbers pooled
MAX_CELLS = 1_000_000    # |box coordinate| × spatial_scale, in feature-map cells


def _round_half_away(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def _output_size(output_size):
    if isinstance(output_size, (int, np.integer)) and not isinstance(output_size, bool):
        output_size = (output_size, output_size)
    try:
        ph, pw = output_size
    except (TypeError, ValueError):
        fail("output_size", "a whole number or a pair (height, width)", output_size)
    return (positive_int("output_size", ph, maximum=MAX_BINS),
            positive_int("output_size", pw, maximum=MAX_BINS))


def _grid(box, spatial_scale, output_size, feature_shape):
    """The RoI's cells (x1, y1, x2, y2), the bin size (h, w) in cells, and the bins' row and
    column ranges [start, end), clipped to feature_shape when it is given."""
    b = as_boxes("box", box)
    if b.shape[0] != 1:
        fail("box", "one box (x1, y1, x2, y2)", f"{b.shape[0]} boxes")
    scale = finite_number("spatial_scale", spatial_scale, minimum=0, strict_min=True)
    ph, pw = _output_size(output_size)
    cells = _round_half_away(b[0] * scale)
    if np.any(np.abs(cells) > MAX_CELLS):
        fail("box", f"a box within ±{MAX_CELLS:,} feature-map cells once scaled by spatial_scale "
                    f"({scale:g})", b[0].tolist())
    x1, y1, x2, y2 = (int(v) for v in cells)
    roi_w = max(x2 - x1 + 1, 1)
    roi_h = max(y2 - y1 + 1, 1)
    bh, bw = roi_h / ph, roi_w / pw
    rows = [(int(math.floor(k * bh)) + y1, int(math.ceil((k + 1) * bh)) + y1) for k in range(ph)]
    cols = [(int(math.floor(k * bw)) + x1, int(math.ceil((k + 1) * bw)) + x1) for k in range(pw)]
    if feature_shape is not None:
        H, W = feature_shape
        rows = [(min(max(a, 0), H), min(max(c, 0), H)) for a, c in rows]
        cols = [(min(max(a, 0), W), min(max(c, 0), W)) for a, c in cols]
    return (x1, y1, x2, y2), (bh, bw), rows, cols


def roi_bins(box, spatial_scale: float = 1.0, output_size=(7, 7), feature_shape=None):
    """The (row start, row end) and (column start, column end) of every bin, as Fast R-CNN computes
    them (ends exclusive; see the module docstring)."""
    _, _, rows, cols = _grid(box, spatial_scale, output_size, feature_shape)
    return rows, cols


@dataclass(frozen=True)
class RoIPooling:
    """Every number of one RoI pooling: what `lines()` and the RoI figure show."""

    pooled: np.ndarray      # C×ph×pw (or ph×pw): the maximum of each bin, 0 for an empty bin
    cells: tuple            # the box rounded to feature-map cells (x1, y1, x2, y2), inclusive
    bin_size: tuple         # (height, width) of a bin in cells, before rounding the bin ends
    rows: list              # per bin row: (start, end), end exclusive, clipped to the map
    cols: list              # per bin column: (start, end)
    argmax: np.ndarray      # C×ph×pw×2 (or ph×pw×2): (row, col) of each maximum, -1 if empty

    def lines(self, channel: int = 0) -> list[str]:
        """The region, the bin size and, bin by bin, its cells and its maximum (one channel)."""
        x1, y1, x2, y2 = self.cells
        bh, bw = self.bin_size
        pooled = self.pooled if self.pooled.ndim == 2 else self.pooled[channel]
        where = self.argmax if self.argmax.ndim == 3 else self.argmax[channel]
        out = [f"RoI cells x {x1}..{x2}, y {y1}..{y2}: {y2 - y1 + 1} × {x2 - x1 + 1} cells "
               f"in {len(self.rows)} × {len(self.cols)} bins of {bh:g} × {bw:g}"]
        for i, (r0, r1) in enumerate(self.rows):
            for j, (c0, c1) in enumerate(self.cols):
                if r1 <= r0 or c1 <= c0:
                    out.append(f"bin ({i}, {j}): empty → 0")
                    continue
                r, c = where[i, j]
                out.append(f"bin ({i}, {j}): rows {r0}..{r1 - 1}, cols {c0}..{c1 - 1} → "
                           f"max {pooled[i, j]:g} at ({r}, {c})")
        return out


def roi_pool(features, box, output_size=(7, 7), spatial_scale: float = 1.0,
             return_steps: bool = False):
    """Max-pool the part of `features` (C×H×W or H×W) under `box` into output_size bins.

    Returns C×ph×pw (or ph×pw); an empty bin (outside the map) gives 0, as torchvision.ops.roi_pool.
    With return_steps=True, a :class:`RoIPooling` holding that array and every bin.
    """
    f = finite_array("features", features)
    squeeze = f.ndim == 2
    if squeeze:
        f = f[None]
    if f.ndim != 3:
        fail("features", "a feature map of shape C×H×W or H×W", f"shape {f.shape}")
    ph, pw = _output_size(output_size)
    work_limit("output_size", f.shape[0] * ph * pw, MAX_OUTPUT, f"output C·ph·pw ({f.shape[0]}·{ph}·{pw})")
    cells, size, rows, cols = _grid(box, spatial_scale, (ph, pw), f.shape[1:])
    out = np.zeros((f.shape[0], ph, pw))
    arg = np.full((f.shape[0], ph, pw, 2), -1, dtype=int)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            if r1 > r0 and c1 > c0:
                block = f[:, r0:r1, c0:c1].reshape(f.shape[0], -1)
                k = block.argmax(axis=1)          # the first maximum, in row-major order
                out[:, i, j] = block[np.arange(f.shape[0]), k]
                if return_steps:
                    arg[:, i, j, 0] = r0 + k // (c1 - c0)
                    arg[:, i, j, 1] = c0 + k % (c1 - c0)
    pooled = out[0] if squeeze else out
    if not return_steps:
        return pooled
    return RoIPooling(pooled, cells, size, rows, cols, arg[0] if squeeze else arg)
