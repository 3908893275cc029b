"""Explorers and figures of notebook 09: box regression, NMS, selective search, anchors, YOLO grid.

- BoxRegressionExplorer (the main one): sliders x, y, w, h of a proposal (centre and size, as
  the notes write boxes) against a fixed ground-truth box drawn on a photograph; the four
  targets Δx, Δy, Δw, Δh written line by line, the box decoded back from the deltas rounded to
  3 decimals as the notes round them, and the IoU, live.
- NMSExplorer: a threshold slider over clusters of scored detections on a synthetic scene.
- SelectiveSearchExplorer: sliders for the weights of S_colour, S_texture, S_size, S_fill.
- Static figures (anchors, YOLO grid, RoI pooling) are returned as `StaticFigure`, which shows
  as a PNG in a notebook and as a one-line description in text.

Figures come from nnlab.views.ui.new_figure (no pyplot), are drawn once, and a slider change only
updates artists (Rectangle geometry, LineCollection segments, image data).
"""
from __future__ import annotations

import html
from functools import lru_cache

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from ..engine import boxes as B
from ..engine import detection as D
from ..engine import yolo as Y
from .ui import Explorer, FigureView, new_figure, png_bytes, slider

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


@lru_cache(maxsize=1)
def sample_image() -> np.ndarray:
    """matplotlib's sample photograph grace_hopper.jpg (512×600), as floats in [0, 1]."""
    import matplotlib.cbook as cbook
    import matplotlib.image as mimage

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    return mimage.imread(path).astype(float) / 255.0


def _box_segments(boxes_xyxy) -> list:
    b = np.asarray(boxes_xyxy, float).reshape(-1, 4)
    return [[(x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1)] for x1, y1, x2, y2 in b]


def _set_rect(rect: Rectangle, cxcywh) -> None:
    cx, cy, w, h = cxcywh
    rect.set_xy((cx - w / 2, cy - h / 2))
    rect.set_width(w)
    rect.set_height(h)


def _paren(v: float, k: int) -> str:
    """A number written so that it can follow '+' or '^': negatives in parentheses."""
    return f"({v:.{k}f})" if v < 0 else f"{v:.{k}f}"


def _readout() -> W.HTML:
    r = W.HTML()
    r.add_class("nnlab-readout")
    return r


# -- box regression -----------------------------------------------------------------------------
class BoxRegressionExplorer(Explorer):
    """Move a proposal against a ground-truth box and read Δx, Δy, Δw, Δh, the decoded box and the IoU."""

    def __init__(self, proposal=B.COURSE_PROPOSAL, ground_truth=None, decimals: int = 3):
        gt = B.course_example()["implied_gt"] if ground_truth is None else ground_truth
        self.gt = tuple(float(v) for v in B._as_cxcywh("ground_truth", gt, "cxcywh")[0])
        p = B._as_cxcywh("proposal", proposal, "cxcywh")[0]
        self.decimals = decimals
        self.controls = {"x": slider("proposal centre x", p[0], 40, 280, 1, ".0f"),
                         "y": slider("proposal centre y", p[1], 30, 230, 1, ".0f"),
                         "w": slider("proposal width w", p[2], 20, 200, 1, ".0f"),
                         "h": slider("proposal height h", p[3], 20, 160, 1, ".0f")}
        self.mark_main(self.controls["x"])
        fig, ax = new_figure(520, 400)
        img = sample_image()
        ax.imshow(img[::2, ::2], extent=(0, img.shape[1], img.shape[0], 0), interpolation="nearest")
        ax.set_xlim(0, 320)
        ax.set_ylim(260, 0)
        ax.set_xlabel("x (pixels)")
        ax.set_ylabel("y (pixels, downwards)")
        ax.set_title("Box regression: proposal → ground truth")
        self._gt = Rectangle((0, 0), 1, 1, fill=False, lw=2.5, ec=GT_COLOUR, label="ground truth")
        self._prop = Rectangle((0, 0), 1, 1, fill=False, lw=2, ec=PROPOSAL_COLOUR, ls="--",
                               label="proposal")
        self._dec = Rectangle((0, 0), 1, 1, fill=False, lw=1.5, ec=DECODED_COLOUR, ls=":",
                              label="decoded from the rounded Δ")
        for r in (self._gt, self._prop, self._dec):
            ax.add_patch(r)
        _set_rect(self._gt, self.gt)
        (self._centres,) = ax.plot([], [], "x", color="white", ms=6)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.8)
        fig.tight_layout()
        self.view = FigureView(fig, "a proposal and a ground-truth box on a photograph",
                               animated=[self._prop, self._dec, self._centres])
        self.views = [self.view]
        self.readout = _readout()
        for c in self.controls.values():
            c.observe(self._on_change, names="value")
        cs = list(self.controls.values())
        self.widget = W.VBox([W.HBox(cs[:2]), W.HBox(cs[2:]), W.HBox([self.view.image, self.readout])])
        self.update()

    def _on_change(self, _change=None):
        self.update()

    def proposal(self) -> tuple:
        return tuple(float(self.controls[k].value) for k in ("x", "y", "w", "h"))

    def _compute(self):
        p = np.array([self.proposal()])
        g = np.array([self.gt])
        d = B.encode(p, g, fmt="cxcywh")[0]
        d_round = np.round(d, self.decimals)
        dec = B.decode(p, d_round[None], fmt="cxcywh")[0]
        to_xyxy = B.cxcywh_to_xyxy
        iou_p = B.iou(to_xyxy(p), to_xyxy(g))
        iou_d = B.iou(to_xyxy(dec[None]), to_xyxy(g))
        return p[0], d, d_round, dec, iou_p, iou_d

    def state(self) -> dict:
        p, d, d_round, dec, iou_p, iou_d = self._compute()
        return {"proposal": [round(float(v), 4) for v in p],
                "ground_truth": [round(v, 4) for v in self.gt],
                "dx": round(float(d[0]), 4), "dy": round(float(d[1]), 4),
                "dw": round(float(d[2]), 4), "dh": round(float(d[3]), 4),
                "decoded": [round(float(v), 3) for v in dec],
                "iou_proposal": round(iou_p, 4), "iou_decoded": round(iou_d, 4)}

    def update(self) -> None:
        p, d, d_round, dec, iou_p, iou_d = self._compute()
        _set_rect(self._prop, p)
        _set_rect(self._dec, dec)
        self._centres.set_data([p[0], self.gt[0]], [p[1], self.gt[1]])
        self.view.refresh()
        g = self.gt
        k = self.decimals
        lines = [
            "<b>targets</b> (x, y = centre)",
            f"Δx = (x_gt − x)/w = ({g[0]:.1f} − {p[0]:.0f})/{p[2]:.0f} = <b>{d[0]:.4f}</b>",
            f"Δy = (y_gt − y)/h = ({g[1]:.1f} − {p[1]:.0f})/{p[3]:.0f} = <b>{d[1]:.4f}</b>",
            f"Δw = ln(w_gt/w) = ln({g[2]:.2f}/{p[2]:.0f}) = <b>{d[2]:.4f}</b>",
            f"Δh = ln(h_gt/h) = ln({g[3]:.2f}/{p[3]:.0f}) = <b>{d[3]:.4f}</b>",
            f"<b>decoded</b> from Δ rounded to {k} decimals",
            f"x_new = x + Δx·w = {p[0]:.0f} + {_paren(d_round[0], k)}·{p[2]:.0f} = {dec[0]:.2f}",
            f"y_new = y + Δy·h = {p[1]:.0f} + {_paren(d_round[1], k)}·{p[3]:.0f} = {dec[1]:.2f}",
            f"w_new = w·e^Δw = {p[2]:.0f}·e^{_paren(d_round[2], k)} = {dec[2]:.2f}",
            f"h_new = h·e^Δh = {p[3]:.0f}·e^{_paren(d_round[3], k)} = {dec[3]:.2f}",
            f"<b>IoU</b>(proposal, ground truth) = <b>{iou_p:.4f}</b>",
            f"IoU(decoded, ground truth) = {iou_d:.4f}",
        ]
        self.readout.value = "<div style='font-family:monospace;font-size:12px'>" + \
            "<br>".join(lines) + "</div>"


def box_regression_explorer(**kw) -> BoxRegressionExplorer:
    return BoxRegressionExplorer(**kw)


# -- NMS ----------------------------------------------------------------------------------------
def nms_demo_detections(seed: int = 0, per_object: int = 6, n_false: int = 4):
    """A scene and scored detections: jittered boxes around each object plus a few false alarms."""
    scene = D.synthetic_scene(seed, size=128, n_objects=3)
    rng = np.random.default_rng(seed + 1)
    dets, scores = [], []
    for box in scene.boxes:
        c = B.xyxy_to_cxcywh(box)[0]
        for k in range(per_object):
            j = c + rng.normal(0, 1, 4) * np.array([0.07 * c[2], 0.07 * c[3], 0.08 * c[2], 0.08 * c[3]])
            j[2:] = np.maximum(j[2:], 4)
            dets.append(j)
            scores.append(0.95 - 0.1 * k + rng.uniform(-0.03, 0.03))
    for _ in range(n_false):
        w, h = rng.uniform(10, 30, 2)
        dets.append([rng.uniform(15, 113), rng.uniform(15, 113), w, h])
        scores.append(rng.uniform(0.1, 0.4))
    boxes = np.clip(B.cxcywh_to_xyxy(np.array(dets)), 0, 128)
    return scene, boxes, np.clip(np.array(scores), 0.01, 0.99)


class NMSExplorer(Explorer):
    """Non-maximum suppression with a threshold slider: kept boxes solid, suppressed ones faint."""

    def __init__(self, iou_threshold: float = 0.5, seed: int = 0):
        self.scene, self.boxes, self.scores = nms_demo_detections(seed)
        self.controls = {"iou_threshold": slider("IoU threshold", iou_threshold, 0.0, 1.0, 0.05)}
        self.mark_main(self.controls["iou_threshold"])
        fig, ax = new_figure(440, 400)
        ax.imshow(self.scene.image, extent=(0, 128, 128, 0), interpolation="nearest")
        ax.set_xlim(0, 128)
        ax.set_ylim(128, 0)
        ax.set_title("Non-maximum suppression")
        ax.set_xlabel("x (pixels)")
        ax.set_ylabel("y (pixels)")
        self._supp = LineCollection([], colors="white", linewidths=0.8, linestyles="--", alpha=0.7,
                                    label="suppressed")
        self._kept = LineCollection([], colors="#ff7f0e", linewidths=2.2, label="kept")
        ax.add_collection(self._supp)
        ax.add_collection(self._kept)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.8)
        fig.tight_layout()
        self.view = FigureView(fig, "scored detections before and after NMS",
                               animated=[self._supp, self._kept])
        self.views = [self.view]
        self.readout = _readout()
        self.controls["iou_threshold"].observe(self._on_change, names="value")
        self.widget = W.VBox([self.controls["iou_threshold"], W.HBox([self.view.image, self.readout])])
        self.update()

    def _on_change(self, _change=None):
        self.update()

    def kept(self) -> np.ndarray:
        return B.nms(self.boxes, self.scores, float(self.controls["iou_threshold"].value))

    def state(self) -> dict:
        k = self.kept()
        return {"iou_threshold": round(float(self.controls["iou_threshold"].value), 4),
                "boxes": int(len(self.boxes)), "kept": int(len(k)), "kept_indices": k.tolist()}

    def update(self) -> None:
        k = self.kept()
        mask = np.zeros(len(self.boxes), bool)
        mask[k] = True
        self._kept.set_segments(_box_segments(self.boxes[mask]))
        self._supp.set_segments(_box_segments(self.boxes[~mask]))
        self.view.refresh()
        rows = "".join(f"<tr><td>{i}</td><td>{self.scores[i]:.3f}</td></tr>" for i in k)
        self.readout.value = (f"threshold {self.controls['iou_threshold'].value:.2f}: "
                              f"<b>{len(k)}</b> of {len(self.boxes)} boxes kept"
                              "<table><tr><th>index</th><th>score</th></tr>" + rows + "</table>")


def nms_explorer(**kw) -> NMSExplorer:
    return NMSExplorer(**kw)


# -- selective search ---------------------------------------------------------------------------
class SelectiveSearchExplorer(Explorer):
    """Weights of the similarity S = w1·S_colour + w2·S_texture + w3·S_size + w4·S_fill, live."""

    NAMES = ("colour", "texture", "size", "fill")

    def __init__(self, weights=(1.0, 1.0, 1.0, 1.0), seed: int = 2, size: int = 80, n_objects: int = 4):
        self.scene = D.synthetic_scene(seed, size=size, n_objects=n_objects)
        self.search = D.SelectiveSearch(self.scene.image, k=150.0, sigma=0.8, min_size=15)
        self.controls = {n: slider(f"w {n}", float(w), 0.0, 1.0, 0.1)
                         for n, w in zip(self.NAMES, weights)}
        self.mark_main(self.controls["colour"])
        fig, axes = new_figure(640, 330, nrows=1, ncols=2)
        n = size
        labels = self.search.labels
        rng = np.random.default_rng(0)
        palette = rng.uniform(0.2, 1.0, (labels.max() + 1, 3))
        axes[0].imshow(self.scene.image, extent=(0, n, n, 0), interpolation="nearest")
        axes[0].set_title("best proposal per object")
        axes[1].imshow(palette[labels], extent=(0, n, n, 0), interpolation="nearest")
        axes[1].set_title(f"{labels.max() + 1} initial regions; merged boxes")
        for ax in axes:
            ax.set_xlim(0, n)
            ax.set_ylim(n, 0)
            ax.set_xlabel("x (pixels)")
        axes[0].set_ylabel("y (pixels)")
        axes[0].add_collection(LineCollection(_box_segments(self.scene.boxes), colors=GT_COLOUR,
                                              linewidths=2.5, label="ground truth"))
        self._best = LineCollection([], colors="#ff7f0e", linewidths=1.5, linestyles="--",
                                    label="best proposal")
        axes[0].add_collection(self._best)
        axes[0].legend(loc="lower right", fontsize=7, framealpha=0.8)
        self._all = LineCollection([], colors="black", linewidths=0.7, alpha=0.6)
        axes[1].add_collection(self._all)
        fig.tight_layout()
        self.view = FigureView(fig, "selective search proposals on a synthetic scene",
                               animated=[self._best, self._all])
        self.views = [self.view]
        self.readout = _readout()
        for c in self.controls.values():
            c.observe(self._on_change, names="value")
        cs = list(self.controls.values())
        self.widget = W.VBox([W.HBox(cs[:2]), W.HBox(cs[2:]), self.readout, self.view.image])
        self._result = None
        self.message = ""
        self.update()

    def _on_change(self, _change=None):
        self.update()

    def weights(self) -> tuple:
        return tuple(float(self.controls[n].value) for n in self.NAMES)

    def state(self) -> dict:
        r = self._result
        best, recall = D.proposal_recall(r.proposals, self.scene.boxes)
        return {"weights": [round(w, 4) for w in self.weights()], "message": self.message,
                "initial_regions": int(r.n_initial), "proposals": int(len(D.unique_boxes(r.proposals))),
                "best_iou": [round(float(v), 4) for v in best], "recall@0.5": round(recall, 4)}

    def update(self) -> None:
        w = self.weights()
        if not any(v > 0 for v in w):
            self.message = "all weights are 0: every pair is equally similar; kept the previous result"
            self.readout.value = f"<span style='color:#b3261e'>{html.escape(self.message)}</span>"
            if self._result is None:
                self._result = self.search.run((1.0, 1.0, 1.0, 1.0))
            return
        self.message = ""
        r = self._result = self.search.run(w)
        merged = r.proposals[r.n_initial:]
        iou = B.box_iou(self.scene.boxes, r.proposals)
        best_idx = iou.argmax(axis=1)
        self._best.set_segments(_box_segments(r.proposals[best_idx]))
        self._all.set_segments(_box_segments(merged))
        self.view.refresh()
        s = self.state()
        self.readout.value = (f"S = {w[0]:.1f}·S_colour + {w[1]:.1f}·S_texture + {w[2]:.1f}·S_size + "
                              f"{w[3]:.1f}·S_fill &nbsp; → {s['proposals']} distinct proposals; "
                              f"best IoU per object {s['best_iou']}; recall at IoU 0.5: "
                              f"<b>{s['recall@0.5']:.2f}</b>")


def selective_search_explorer(**kw) -> SelectiveSearchExplorer:
    return SelectiveSearchExplorer(**kw)


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
    ax.add_collection(LineCollection(_box_segments(own), colors="#ffdd55", linewidths=1.2,
                                     label=f"the {A} anchors at location ({i}, {j})"))
    ax.add_collection(LineCollection(_box_segments(grid[m.labels == 1]), colors="#ff7f0e",
                                     linewidths=1.5, linestyles="--", label="positive anchors"))
    ax.add_collection(LineCollection(_box_segments(scene.boxes), colors=GT_COLOUR, linewidths=2.5,
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
    """A small feature map with the RoI's bins outlined, and the pooled output."""
    f = np.asarray(features, float)
    pooled = D.roi_pool(f, box, output_size, spatial_scale)
    rows, cols = D.roi_bins(box, spatial_scale, output_size, feature_shape=f.shape)
    fig, (a0, a1) = new_figure(560, 280, nrows=1, ncols=2)
    a0.imshow(f, cmap="viridis")
    for r in range(f.shape[0]):
        for c in range(f.shape[1]):
            a0.text(c, r, f"{f[r, c]:g}", ha="center", va="center", fontsize=7, color="white")
    colours = ["#ff7f0e", "#d62728", "#e377c2", "#ffdd55", "#17becf", "#bcbd22"]
    k = 0
    for bi, (r0, r1) in enumerate(rows):
        for bj, (c0, c1) in enumerate(cols):
            inset = 0.06 * (1 + (bi + bj) % 3)  # overlapping bins stay visible
            a0.add_patch(Rectangle((c0 - 0.5 + inset, r0 - 0.5 + inset), c1 - c0 - 2 * inset,
                                   r1 - r0 - 2 * inset, fill=False,
                                   ec=colours[k % len(colours)], lw=2))
            k += 1
    a0.set_title("feature map and the RoI's bins")
    a0.set_xlabel("column")
    a0.set_ylabel("row")
    a1.imshow(pooled, cmap="viridis")
    for r in range(pooled.shape[0]):
        for c in range(pooled.shape[1]):
            a1.text(c, r, f"{pooled[r, c]:g}", ha="center", va="center", fontsize=9, color="white")
    a1.set_title(f"max in each bin: {pooled.shape[0]}×{pooled.shape[1]}")
    a1.set_xticks(range(pooled.shape[1]))
    a1.set_yticks(range(pooled.shape[0]))
    a1.set_xlabel("bin column")
    a1.set_ylabel("bin row")
    fig.tight_layout()
    return StaticFigure(fig, f"RoI pooling to {pooled.shape[0]}×{pooled.shape[1]}: {pooled.tolist()}")
