"""Notebook 06: a 3×3 kernel applied to a real photograph, stride and padding, one cell by hand.

The photograph is `grace_hopper.jpg`, which matplotlib ships among its sample data
(`matplotlib.cbook.get_sample_data`), converted to grayscale and averaged down 4× (600×512 ->
150×128) so that a redraw stays well under 100 ms (`nnlab.engine.conv.load_photo`).

The weight sliders span ±`KERNEL_LIMIT` (5: sharpen's centre), so every filter of the menu is
applied exactly as named. The feature map is drawn on a colour scale centred on zero (red
positive, blue negative, symmetric limits, with a colour bar).
"""
from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..core import validate as V
from ..core.blas import blas_threads
from ..engine.conv import (
    FILTERS,
    KERNEL_LIMIT,
    PHOTO,
    conv2d,
    downsample,
    filter_kernel,
    load_photo,
    output_cell,
    output_size,
    size_steps,
    to_grayscale,
)
from .ui import Explorer, FigureView, new_figure

__all__ = ["PHOTO", "ConvExplorer", "downsample", "factory", "load_photo", "to_grayscale"]
IDENTITY = filter_kernel("identity")


def _fmt(v):
    return f"{v:.2f}".replace("-0.00", "0.00")


def _matrix_html(m, caption):
    rows = "".join("<tr>" + "".join(f"<td style='padding:1px 6px;text-align:right'>{_fmt(v)}</td>"
                                    for v in row) + "</tr>" for row in np.asarray(m))
    return (f"<table style='display:inline-table;border:1px solid #999;margin:2px'>"
            f"<caption style='caption-side:top'>{html.escape(caption)}</caption>{rows}</table>")


class ConvExplorer(Explorer):
    """Nine kernel sliders, a filter menu, stride/padding sliders and the output cell (row, col)."""

    def __init__(self, image=None, filter_name="top edges", stride=1, padding=1):
        self.image = load_photo() if image is None else V.finite_array("image", image, ndim=2)
        k0 = filter_kernel(filter_name)
        self._hold = False
        self.weights = [[W.FloatSlider(value=float(k0[i, j]), min=-KERNEL_LIMIT, max=KERNEL_LIMIT,
                                       step=0.01,
                                       description=f"w{i + 1}{j + 1}", readout_format=".2f",
                                       continuous_update=False,
                                       style={"description_width": "30px"},
                                       layout=W.Layout(width="210px"))
                         for j in range(3)] for i in range(3)]
        self.controls = {f"w{i + 1}{j + 1}": self.weights[i][j] for i in range(3) for j in range(3)}
        self.controls["filter"] = W.Dropdown(options=list(FILTERS) + ["custom"], value=filter_name,
                                             description="filter", layout=W.Layout(width="300px"))
        self.controls["stride"] = W.IntSlider(value=stride, min=1, max=4, description="stride s",
                                              continuous_update=False)
        self.controls["padding"] = W.IntSlider(value=padding, min=0, max=2, description="padding p",
                                               continuous_update=False)
        self.controls["row"] = W.IntSlider(value=0, min=0, max=1, description="cell row",
                                           continuous_update=False)
        self.controls["col"] = W.IntSlider(value=0, min=0, max=1, description="cell col",
                                           continuous_update=False)
        self.mark_main(self.weights[1][1])

        # two figures: a kernel change redraws only the feature map (the photo is unchanged)
        fig_in, ax_in = new_figure(330, 300)
        self._im_in = ax_in.imshow(self.image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax_in.set_title(f"input photograph {self.image.shape[0]}×{self.image.shape[1]}", fontsize=9)
        bar_in = fig_in.colorbar(self._im_in, ax=ax_in, shrink=0.8)
        bar_in.set_label("brightness", fontsize=8)
        bar_in.ax.tick_params(labelsize=7)
        from matplotlib.patches import Rectangle

        self._box = Rectangle((0, 0), 3, 3, fill=False, edgecolor="#ff3030", linewidth=1.5)
        ax_in.add_patch(self._box)
        fig_out, ax_out = new_figure(330, 300)
        self._im_out = ax_out.imshow(np.zeros((2, 2)), cmap="RdBu_r", vmin=-1, vmax=1,
                                     interpolation="nearest")
        # the colour bar spans −1..1 of the colormap, its three labels (−m, 0, m) are our own text:
        # a kernel change then redraws only the map, the marker, the title and these labels
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from matplotlib.transforms import offset_copy

        bar = fig_out.colorbar(ScalarMappable(Normalize(-1, 1), "RdBu_r"), ax=ax_out, shrink=0.8,
                               ticks=[-1, 0, 1])
        bar.ax.set_yticklabels(["−0.00", "0", "0.00"], fontsize=7, alpha=0)   # room for the labels
        bar.set_label("response (red > 0, blue < 0)", fontsize=8)
        at = offset_copy(bar.ax.transAxes, fig_out, x=6, units="points")
        self._bar_labels = [bar.ax.text(1, y, "", transform=at, va="center", ha="left", fontsize=7)
                            for y in (0, 0.5, 1)]
        (self._dot,) = ax_out.plot([0], [0], "s", mfc="none", mec="#00a000", mew=1.5, ms=6)
        self._title = ax_out.set_title("feature map", fontsize=9)
        for ax in (ax_in, ax_out):   # no tick labels: text dominates the redraw time
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel("column →", fontsize=8)
            ax.set_ylabel("← row", fontsize=8)
        fig_in.tight_layout()
        fig_out.tight_layout()
        self._ax_out = ax_out
        self.view = FigureView(fig_out, "the feature map",
                               animated=[self._im_out, self._dot, *self._bar_labels])
        self.input_view = FigureView(fig_in, "the photograph, with the window of the chosen cell",
                                     animated=[self._box])
        self._shape = None
        self.views = [self.view, self.input_view]
        self._where = None
        self.formula = W.HTML()
        self.cell = W.HTML()
        self.message = W.HTML()
        for name, c in self.controls.items():
            self.watch(c, self._on_filter if name == "filter" else self._on_change)
        grid = W.VBox([W.HBox(row) for row in self.weights])
        self.widget = W.VBox([W.HBox([self.controls["filter"]]), grid,
                              W.HBox([self.controls["stride"], self.controls["padding"]]),
                              W.HBox([self.controls["row"], self.controls["col"]]),
                              self.formula, self.message,
                              W.HBox([self.input_view.image, self.view.image]), self.cell])
        self.update()

    # -- controls --------------------------------------------------------------------------
    def kernel(self) -> np.ndarray:
        return np.array([[w.value for w in row] for row in self.weights], dtype=float)

    def _on_filter(self, change=None):
        name = self.controls["filter"].value
        if self._hold or name == "custom":
            return
        k = filter_kernel(name)
        self._hold = True
        try:
            for i in range(3):
                for j in range(3):
                    self.weights[i][j].value = float(k[i, j])   # exactly: the range holds it
        finally:
            self._hold = False
        self.update()

    def _on_change(self, change=None):
        if self._hold:
            return
        owner = change["owner"] if change is not None else None
        if any(owner is w for row in self.weights for w in row):
            name = self.controls["filter"].value
            if name != "custom" and not np.allclose(self.kernel(), filter_kernel(name)):
                self._hold = True
                self.controls["filter"].value = "custom"
                self._hold = False
        self.update()

    def _clamp(self):
        """Refuse impossible combinations: the cell (row, col) must exist in the feature map."""
        s, p = self.controls["stride"].value, self.controls["padding"].value
        h, w = self.image.shape
        self._hold = True
        try:
            for name, n in (("row", output_size(h, 3, s, p)), ("col", output_size(w, 3, s, p))):
                c = self.controls[name]
                if c.value > n - 1:
                    c.value = n - 1
                c.max = n - 1
        finally:
            self._hold = False

    # -- the computation, the state and the drawing -------------------------------------------
    def explain(self) -> dict:
        """What the display shows, as computed: the size steps of the rows ("rows") and columns
        ("cols") and the chosen output cell with its patch, kernel and products ("cell",
        `nnlab.engine.conv.output_cell`). The texts, the figure and `state()` read these."""
        s, p = self.controls["stride"].value, self.controls["padding"].value
        h, w = self.image.shape
        rows, cols = size_steps(h, 3, s, p), size_steps(w, 3, s, p)
        r = min(self.controls["row"].value, rows.size - 1)
        c = min(self.controls["col"].value, cols.size - 1)
        cell = output_cell(self.image, self.kernel(), r, c, s, p)
        with blas_threads(1):
            fmap = conv2d(self.image, cell["kernel"], stride=s, padding=p)
            centres = conv2d(self.image, IDENTITY, stride=s, padding=p)
        limit = float(np.abs(fmap).max())
        return {"rows": rows, "cols": cols, "cell": cell, "map": fmap, "centres": centres,
                "limit": limit if limit > 0 else 1.0}

    @staticmethod
    def _correlation(a, b) -> float:
        a, b = a.ravel() - a.mean(), b.ravel() - b.mean()   # element-wise: no BLAS call
        den = float(np.sqrt((a * a).sum() * (b * b).sum()))
        return float((a * b).sum() / den) if den > 0 else 0.0

    def _state(self, ex) -> dict:
        rows, cell = ex["rows"], ex["cell"]
        s, p = rows.stride, rows.padding
        return {"filter": self.controls["filter"].value,
                "kernel": np.round(cell["kernel"], 2).tolist(),
                "input": self.image.shape, "stride": s, "padding": p,
                "padding_name": {0: "valid", 1: "same", 2: "full"}[p] if s == 1 else f"p = {p}",
                "output": cell["output"], "cell": cell["cell"], "cell_value": round(cell["value"], 4),
                "map_min": round(float(ex["map"].min()), 4), "map_max": round(float(ex["map"].max()), 4),
                "colour_limits": (-round(ex["limit"], 4), round(ex["limit"], 4)),
                "photo_correlation": round(self._correlation(ex["map"], ex["centres"]), 4)}

    def state(self) -> dict:
        return self._state(self.explain())

    def update(self) -> None:
        self._clamp()
        ex = self.explain()
        st = self._state(ex)
        rows, cols, cell = ex["rows"], ex["cols"], ex["cell"]
        ho, wo = cell["output"]
        self._im_out.set_data(ex["map"])
        self._im_out.set_extent((-0.5, wo - 0.5, ho - 0.5, -0.5))
        self._im_out.set_clim(-ex["limit"], ex["limit"])   # centred on zero
        for label, v in zip(self._bar_labels, (-ex["limit"], 0.0, ex["limit"])):
            label.set_text(f"{v:.2f}".replace("-", "−") if v else "0")
        full = self._shape != (ho, wo)     # new axis limits: the background is redrawn too
        self._shape = (ho, wo)
        self._ax_out.set_xlim(-0.5, wo - 0.5)
        self._ax_out.set_ylim(ho - 0.5, -0.5)
        r, c = cell["cell"]
        top, left = cell["top_left"]
        self._dot.set_data([c], [r])
        self._title.set_text(f"feature map {ho}×{wo}")   # changes with the shape only: background
        self.view.refresh(full=full)
        if self._where != (top, left):
            self._where = (top, left)
            self._box.set_xy((left - 0.5, top - 0.5))
            self.input_view.refresh()
        self.formula.value = (f"output size ⌊(n + 2p − f)/s⌋ + 1: rows {rows.formula(html=True)}, "
                              f"columns {cols.formula(html=True)} &nbsp; [padding: {st['padding_name']}]")
        self.message.value = "".join(
            f"<i>s = {st['stride']} does not divide n + 2p − f for the {side}: the last {steps.left_over} "
            f"padded {side} are never covered by a window (the ⌊ ⌋ of the formula).</i><br>"
            for side, steps in (("rows", rows), ("columns", cols)) if steps.left_over)
        self.cell.value = (f"<div>cell ({r}, {c}) = Σ patch ⊙ kernel = <b>{cell['value']:.4f}</b> "
                           f"(patch starts at input row {top}, column {left}; padding zeros "
                           "outside the image)</div>"
                           + _matrix_html(cell["patch"], "patch") + " ⊙ "
                           + _matrix_html(cell["kernel"], "kernel") + " = "
                           + _matrix_html(cell["product"], "products"))


def factory() -> ConvExplorer:
    return ConvExplorer()
