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
updates artists (Rectangle geometry, LineCollection segments, image data). Every number shown
is read from what the engine returns: `B.regression_steps` (the box regression),
`B.nms(..., return_steps=True)` (NMS), `D.match_anchors` and `D.roi_pool(..., return_steps=True)`.
"""
from __future__ import annotations

import html
from functools import lru_cache

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from ..course import detection as C
from ..engine import boxes as B
from ..engine import detection as D
from .detection_figures import (
    DECODED_COLOUR,
    GT_COLOUR,
    PROPOSAL_COLOUR,
    StaticFigure,
    anchors_figure,
    box_segments,
    roi_pool_figure,
    yolo_grid_figure,
)
from .ui import Explorer, FigureView, new_figure, slider


@lru_cache(maxsize=1)
def sample_image() -> np.ndarray:
    """matplotlib's sample photograph grace_hopper.jpg (512×600), as floats in [0, 1]."""
    import matplotlib.cbook as cbook
    import matplotlib.image as mimage

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    return mimage.imread(path).astype(float) / 255.0


def _set_rect(rect: Rectangle, cxcywh) -> None:
    cx, cy, w, h = cxcywh
    rect.set_xy((cx - w / 2, cy - h / 2))
    rect.set_width(w)
    rect.set_height(h)


def _readout() -> W.HTML:
    r = W.HTML(layout=W.Layout(min_width="0", max_width="100%"))
    r.add_class("nnlab-readout")
    return r


def _row(children) -> W.HBox:
    """Side by side while the page is wide enough, one under the other when it is not (a 1024 px
    laptop with the file browser open), so no slider shrinks and no readout is cut."""
    for child in children:
        if isinstance(child, W.FloatSlider):
            child.layout.flex = "0 0 auto"  # keeps its width: wraps to the next line, never shrinks
    return W.HBox(list(children), layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))


# -- box regression -----------------------------------------------------------------------------
class BoxRegressionExplorer(Explorer):
    """Move a proposal against a ground-truth box and read Δx, Δy, Δw, Δh, the decoded box and the IoU."""

    def __init__(self, proposal=C.COURSE_PROPOSAL, ground_truth=None, decimals: int = 3):
        gt = C.course_example()["implied_gt"] if ground_truth is None else ground_truth
        self.gt = tuple(float(v) for v in B.as_cxcywh("ground_truth", gt, "cxcywh")[0])
        p = B.as_cxcywh("proposal", proposal, "cxcywh")[0]
        self.decimals = decimals
        self.controls = {"x": slider("proposal centre x", p[0], 40, 280, 1, ".0f"),
                         "y": slider("proposal centre y", p[1], 30, 230, 1, ".0f"),
                         "w": slider("proposal width w", p[2], 20, 200, 1, ".0f"),
                         "h": slider("proposal height h", p[3], 20, 160, 1, ".0f")}
        self.mark_main(self.controls["x"])
        fig, ax = new_figure(520, 400)
        img = sample_image()
        ax.imshow(img[::2, ::2], extent=(0, img.shape[1], img.shape[0], 0), interpolation="nearest")
        ax.set(xlim=(0, 320), ylim=(260, 0), xlabel="x (pixels)", ylabel="y (pixels, downwards)",
               title="Box regression: proposal → ground truth")
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
            self.watch(c, self.update)
        cs = list(self.controls.values())
        self.widget = W.VBox([_row(cs[:2]), _row(cs[2:]), _row([self.view.image, self.readout])])
        self.update()

    def proposal(self) -> tuple:
        return tuple(float(self.controls[k].value) for k in ("x", "y", "w", "h"))

    def regression(self) -> B.Regression:
        """The engine's regression of the current proposal: every number the explorer shows."""
        return B.regression_steps(self.proposal(), self.gt, self.decimals)

    def state(self) -> dict:
        r = self.regression()
        d = r.deltas
        return {"proposal": [round(v, 4) for v in r.proposal],
                "ground_truth": [round(v, 4) for v in r.ground_truth],
                "dx": round(d[0], 4), "dy": round(d[1], 4), "dw": round(d[2], 4), "dh": round(d[3], 4),
                "decoded": [round(v, 3) for v in r.decoded],
                "iou_proposal": round(r.iou_proposal, 4), "iou_decoded": round(r.iou_decoded, 4)}

    def update(self, _change=None) -> None:
        r = self.regression()
        p, g, dec = r.proposal, r.ground_truth, r.decoded
        _set_rect(self._prop, p)
        _set_rect(self._dec, dec)
        self._centres.set_data([p[0], g[0]], [p[1], g[1]])
        self.view.refresh()
        text = r.lines(proposal_fmt=".0f", centre_fmt=".1f", size_fmt=".2f", delta_digits=4,
                       bold=("<b>", "</b>"))
        lines = ["<b>targets</b> (x, y = centre)", *text[:4],
                 f"<b>decoded</b> from Δ rounded to {r.decimals} decimals", *text[4:],
                 f"<b>IoU</b>(proposal, ground truth) = <b>{r.iou_proposal:.4f}</b>",
                 f"IoU(decoded, ground truth) = {r.iou_decoded:.4f}"]
        self.readout.value = "<div style='font-family:monospace;font-size:12px'>" + \
            "<br>".join(lines) + "</div>"


def box_regression_explorer(**kw) -> BoxRegressionExplorer:
    return BoxRegressionExplorer(**kw)


# -- NMS ----------------------------------------------------------------------------------------
class NMSExplorer(Explorer):
    """Non-maximum suppression with a threshold slider: kept boxes solid, suppressed ones faint."""

    def __init__(self, iou_threshold: float = 0.5, seed: int = 0):
        self.scene, self.boxes, self.scores = D.scored_detections(seed)
        self.controls = {"iou_threshold": slider("IoU threshold", iou_threshold, 0.0, 1.0, 0.05)}
        self.mark_main(self.controls["iou_threshold"])
        fig, ax = new_figure(440, 400)
        ax.imshow(self.scene.image, extent=(0, 128, 128, 0), interpolation="nearest")
        ax.set(xlim=(0, 128), ylim=(128, 0), title="Non-maximum suppression", xlabel="x (pixels)",
               ylabel="y (pixels)")
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
        self.watch(self.controls["iou_threshold"], self.update)
        self.widget = W.VBox([self.controls["iou_threshold"], _row([self.view.image, self.readout])])
        self.update()

    def result(self) -> B.NMSResult:
        """The engine's sweep at the current threshold, with its steps."""
        return B.nms(self.boxes, self.scores, float(self.controls["iou_threshold"].value),
                     return_steps=True)

    def kept(self) -> np.ndarray:
        return self.result().keep

    def state(self) -> dict:
        """The sweep's numbers; `kept_per_object`: for each object of the scene, how many kept
        boxes overlap it with IoU >= 0.5 (1 = one detection per object, more = duplicates)."""
        r = self.result()
        kept = self.boxes[r.keep]
        per_object = (B.box_iou(self.scene.boxes, kept) >= 0.5).sum(axis=1) if len(kept) else \
            np.zeros(len(self.scene.boxes), int)
        return {"iou_threshold": round(r.iou_threshold, 4), "boxes": int(len(self.boxes)),
                "kept": int(len(r.keep)), "kept_indices": r.keep.tolist(),
                "objects": int(len(self.scene.boxes)),
                "kept_per_object": [int(v) for v in per_object]}

    def update(self, _change=None) -> None:
        r = self.result()
        mask = np.zeros(len(self.boxes), bool)
        mask[r.keep] = True
        self._kept.set_segments(box_segments(self.boxes[mask]))
        self._supp.set_segments(box_segments(self.boxes[~mask]))
        self.view.refresh()
        rows = "".join(
            f"<tr><td>{st.kept}</td><td>{st.score:.3f}</td><td>"
            + (", ".join(f"{j} ({v:.2f})" for j, v in zip(st.suppressed.tolist(),
                                                          st.suppressed_ious.tolist())) or "—")
            + "</td></tr>" for st in r.steps)
        self.readout.value = (f"threshold {r.iou_threshold:.2f}: "
                              f"<b>{len(r.keep)}</b> of {len(self.boxes)} boxes kept"
                              "<table><tr><th>kept</th><th>score</th><th>suppresses (IoU)</th></tr>"
                              + rows + "</table>")


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
        axes[0].add_collection(LineCollection(box_segments(self.scene.boxes), colors=GT_COLOUR,
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
            self.watch(c, self.update)
        cs = list(self.controls.values())
        self.widget = W.VBox([_row(cs[:2]), _row(cs[2:]), self.readout, self.view.image])
        self._result = None
        self.message = ""
        self.update()

    def weights(self) -> tuple:
        return tuple(float(self.controls[n].value) for n in self.NAMES)

    def state(self) -> dict:
        r = self._result
        best, recall = D.proposal_recall(r.proposals, self.scene.boxes)
        return {"weights": [round(w, 4) for w in self.weights()], "message": self.message,
                "shown_weights": [round(float(w), 4) for w in self._shown],
                "initial_regions": int(r.n_initial), "proposals": int(len(D.unique_boxes(r.proposals))),
                "best_iou": [round(float(v), 4) for v in best], "recall@0.5": round(recall, 4)}

    def update(self, _change=None) -> None:
        w = self.weights()
        if not any(v > 0 for v in w):
            self.message = "all weights are 0: every pair is equally similar; kept the previous result"
            self.readout.value = f"<span style='color:#b3261e'>{html.escape(self.message)}</span>"
            if self._result is None:
                self._shown = (1.0, 1.0, 1.0, 1.0)
                self._result = self.search.run(self._shown)
            return
        self.message = ""
        r = self._result = self.search.run(w)
        self._shown = w
        merged = r.proposals[r.n_initial:]
        iou = B.box_iou(self.scene.boxes, r.proposals)
        best_idx = iou.argmax(axis=1)
        self._best.set_segments(box_segments(r.proposals[best_idx]))
        self._all.set_segments(box_segments(merged))
        self.view.refresh()
        s = self.state()
        self.readout.value = (f"S = {w[0]:.1f}·S_colour + {w[1]:.1f}·S_texture + {w[2]:.1f}·S_size + "
                              f"{w[3]:.1f}·S_fill &nbsp; → {s['proposals']} distinct proposals; "
                              f"best IoU per object {s['best_iou']}; recall at IoU 0.5: "
                              f"<b>{s['recall@0.5']:.2f}</b>")


def selective_search_explorer(**kw) -> SelectiveSearchExplorer:
    return SelectiveSearchExplorer(**kw)


__all__ = ["BoxRegressionExplorer", "NMSExplorer", "SelectiveSearchExplorer", "StaticFigure",
           "anchors_figure", "box_regression_explorer", "nms_explorer", "roi_pool_figure",
           "sample_image", "selective_search_explorer", "yolo_grid_figure"]
