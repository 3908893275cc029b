"""Notebook 09's static figures (anchors, YOLO grid, RoI pooling) and what the explorers share
with them: the colours and the box outlines. A `StaticFigure` shows as a PNG in a notebook and
as a one-line description in text (compared by nbval)."""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from ..engine import boxes as B
from ..engine import detection as D
from ..engine import yolo as Y
from .ui import new_figure, png_bytes

GT_COLOUR = "#2ca02c"
PROPOSAL_COLOUR = "#d62728"
DECODED_COLOUR = "#1f77b4"


class StaticFigure:
    """A rendered figure: PNG for the notebook, a one-line description as text (compared by nbval)."""

    def __init__(self, fig, alt: str):
        self.png = png_bytes(fig)
        self.alt = alt
        fig.clear()

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"[figure: {self.alt}]"


def box_segments(boxes_xyxy) -> list:
    b = np.asarray(boxes_xyxy, float).reshape(-1, 4)
    return [[(x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1)] for x1, y1, x2, y2 in b]



# -- static figures -----------------------------------------------------------------------------
def anchors_figure(image_size: int = 128, stride: int = 16, scales=(16, 32, 64),
                   ratios=D.DEFAULT_RATIOS, location=(3, 4), scene_seed: int = 0) -> StaticFigure:
    """The 9 anchors of one feature-map location, and the grid of all anchor centres."""
    scene = D.synthetic_scene(scene_seed, size=image_size, n_objects=3)
    fh = fw = image_size // stride
    grid = D.anchor_grid(fh, fw, stride, scales, ratios)
    A = len(scales) * len(ratios)
    i, j = location
    own = grid[(i * fw + j) * A:(i * fw + j + 1) * A]
    m = D.match_anchors(grid, scene.boxes)
    fig, ax = new_figure(440, 480)
    ax.imshow(scene.image, extent=(0, image_size, image_size, 0), interpolation="nearest")
    c = B.xyxy_to_cxcywh(grid)
    ax.plot(c[::A, 0], c[::A, 1], "o", color="white", mec="black", mew=0.4, ms=3,
            label="anchor centres (stride)")
    ax.add_collection(LineCollection(box_segments(own), colors="#ffdd55", linewidths=1.2,
                                     label=f"the {A} anchors at location ({i}, {j})"))
    ax.add_collection(LineCollection(box_segments(grid[m.labels == 1]), colors="#ff7f0e",
                                     linewidths=1.5, linestyles="--", label="positive anchors"))
    ax.add_collection(LineCollection(box_segments(scene.boxes), colors=GT_COLOUR, linewidths=2.5,
                                     label="ground truth"))
    ax.set_xlim(-20, image_size + 20)
    ax.set_ylim(image_size + 20, -20)
    ax.set_title(f"{fh}×{fw} feature map, stride {stride}: {len(grid)} anchors")
    ax.set_xlabel("x (pixels)")
    ax.set_ylabel("y (pixels)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=7, ncol=2)
    fig.tight_layout()
    cnt = m.counts()
    return StaticFigure(fig, f"{len(grid)} anchors ({A} per location); {cnt['positive']} positive, "
                             f"{cnt['negative']} negative, {cnt['ignored']} ignored")


def yolo_grid_figure(labels, S: int = 13, image_size: int = 416, scene=None) -> StaticFigure:
    """The S×S grid on the image, each object's box and centre, and its responsible cell shaded."""
    fig, ax = new_figure(420, 420)
    if scene is not None:
        ax.imshow(scene, extent=(0, image_size, image_size, 0), interpolation="nearest")
    cell = image_size / S
    for k in range(S + 1):
        ax.axhline(k * cell, color="grey", lw=0.5)
        ax.axvline(k * cell, color="grey", lw=0.5)
    cells = []
    for lab in labels:
        row, col, _, _ = Y.responsible_cell(lab.x_center, lab.y_center, S)
        cells.append((row, col))
        ax.add_patch(Rectangle((col * cell, row * cell), cell, cell, color="#ff7f0e", alpha=0.5))
        x1, y1, x2, y2 = lab.xyxy(image_size, image_size)
        ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, ec=GT_COLOUR, lw=2))
        ax.plot([lab.x_center * image_size], [lab.y_center * image_size], "o", color="#d62728", ms=4)
    ax.set_xlim(0, image_size)
    ax.set_ylim(image_size, 0)
    ax.set_aspect("equal")
    ax.set_title(f"{S}×{S} grid on {image_size}×{image_size}\n(shaded: the cell responsible "
                 "for each object)", fontsize=10)
    ax.set_xlabel("x (pixels)")
    ax.set_ylabel("y (pixels)")
    fig.tight_layout()
    return StaticFigure(fig, f"{S}×{S} grid; responsible cells (row, col) {cells}")


def roi_pool_figure(features, box, output_size=(2, 2), spatial_scale: float = 1.0) -> StaticFigure:
    """A small feature map with the RoI's bins outlined and each bin's maximum ringed, and the
    pooled output: all read from D.roi_pool(..., return_steps=True)."""
    f = np.asarray(features, float)
    res = D.roi_pool(f, box, output_size, spatial_scale, return_steps=True)
    pooled = res.pooled
    fig, (a0, a1) = new_figure(560, 280, nrows=1, ncols=2)
    for ax, grid, size in ((a0, f, 7), (a1, pooled, 9)):
        ax.imshow(grid, cmap="viridis")
        for (r, c), v in np.ndenumerate(grid):
            ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=size, color="white")
    colours = ["#ff7f0e", "#d62728", "#e377c2", "#ffdd55", "#17becf", "#bcbd22"]
    for k, ((bi, (r0, r1)), (bj, (c0, c1))) in enumerate(
            (row, col) for row in enumerate(res.rows) for col in enumerate(res.cols)):
        inset = 0.06 * (1 + (bi + bj) % 3)  # overlapping bins stay visible
        colour = colours[k % len(colours)]
        a0.add_patch(Rectangle((c0 - 0.5 + inset, r0 - 0.5 + inset), c1 - c0 - 2 * inset,
                               r1 - r0 - 2 * inset, fill=False, ec=colour, lw=2))
        if res.argmax[bi, bj, 0] >= 0:
            a0.plot([res.argmax[bi, bj, 1]], [res.argmax[bi, bj, 0]], "o", ms=14, mfc="none",
                    mec=colour, mew=1.5)
    a0.set_title("feature map, the RoI's bins and their maxima")
    a0.set_xlabel("column")
    a0.set_ylabel("row")
    a1.set_title(f"max in each bin: {pooled.shape[0]}×{pooled.shape[1]}")
    a1.set_xticks(range(pooled.shape[1]))
    a1.set_yticks(range(pooled.shape[0]))
    a1.set_xlabel("bin column")
    a1.set_ylabel("bin row")
    fig.tight_layout()
    return StaticFigure(fig, f"RoI pooling to {pooled.shape[0]}×{pooled.shape[1]}: {pooled.tolist()}")
