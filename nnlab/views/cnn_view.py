"""Notebook 07: pooling on the slides' 4×4 example, and what a trained digit CNN has learned."""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..engine.conv import avg_pool2d, max_pool2d, output_size, pool_cell, size_steps
from .ui import Explorer, FigureView, new_figure

SLIDES_IMAGE = np.array([[100, 0, 0, 0], [500, 10, 100, 0], [0, 100, 250, 0], [0, 0, 0, 250]],
                        dtype=float)


def _fmt(v):
    return f"{v:g}" if float(v).is_integer() else f"{v:.1f}"


def _table(m, marked, caption):
    """An HTML table of numbers (the figure has none: text dominates a redraw's time)."""
    cells = "".join(
        "<tr>" + "".join(
            f"<td style='padding:2px 8px;text-align:right;border:1px solid #bbb;"
            f"{'background:#f6c6c6;font-weight:bold' if marked(i, j) else ''}'>{_fmt(v)}</td>"
            for j, v in enumerate(row)) + "</tr>" for i, row in enumerate(np.asarray(m)))
    return (f"<table style='display:inline-table;border-collapse:collapse;margin:4px'>"
            f"<caption style='caption-side:top'>{caption}</caption>{cells}</table>")


class PoolingExplorer(Explorer):
    """Max or average pooling of the slides' 4×4 image; kernel, stride, padding and one window."""

    def __init__(self, image=None, mode="max", kernel_size=2, stride=2, padding=0):
        self.image = SLIDES_IMAGE.copy() if image is None else np.asarray(image, dtype=float)
        if self.image.shape != (4, 4):
            raise ValueError(f"image: expected a 4×4 array, got shape {self.image.shape}")
        self._hold = False
        self.controls = {
            "mode": W.ToggleButtons(options=["max", "avg"], value=mode, description="pooling"),
            "kernel_size": W.IntSlider(value=kernel_size, min=1, max=4, description="kernel k",
                                       continuous_update=False),
            "stride": W.IntSlider(value=stride, min=1, max=4, description="stride s",
                                  continuous_update=False),
            "padding": W.IntSlider(value=padding, min=0, max=kernel_size // 2, description="padding p",
                                   continuous_update=False),
            "cell": W.IntSlider(value=0, min=0, max=3, description="output cell",
                                continuous_update=False),
        }
        self.mark_main(self.controls["kernel_size"])
        fig, (ax_in, ax_out) = new_figure(600, 320, ncols=2)
        top = float(self.image.max()) or 1.0
        self._colour = {"cmap": "viridis", "vmin": 0.0, "vmax": top}
        self._im_in = ax_in.imshow(self.image, extent=(-0.5, 3.5, 3.5, -0.5), interpolation="nearest",
                                   **self._colour)
        from matplotlib.patches import Rectangle

        self._win = Rectangle((-0.5, -0.5), 2, 2, fill=False, edgecolor="#ff2020", linewidth=2.5)
        ax_in.add_patch(self._win)
        ax_in.set_title("input (slides' 4×4 image)", fontsize=9)
        for (i, j), v in np.ndenumerate(self.image):
            ax_in.text(j, i, _fmt(v), ha="center", va="center", fontsize=8, color=self._ink(v))
        self._im_out = ax_out.imshow(np.zeros((2, 2)), interpolation="nearest", **self._colour)
        # one label per possible output cell (at most 5×5: k = 4, p = 2, s = 1), shown as needed
        self._labels = [ax_out.text(0, 0, "", ha="center", va="center", fontsize=9, visible=False)
                        for _ in range(25)]
        self._cell = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="#ff2020", linewidth=2.5)
        ax_out.add_patch(self._cell)
        self._title = ax_out.set_title("output", fontsize=9)
        self._ax_out = ax_out
        for ax in (ax_in, ax_out):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel("column →", fontsize=8)
            ax.set_ylabel("← row", fontsize=8)
        ax_in.set_xlim(-0.5 - 2, 3.5 + 2)       # room for the padding the window may cover (p ≤ 2)
        ax_in.set_ylim(3.5 + 2, -0.5 - 2)
        fig.subplots_adjust(left=0.05, right=0.86, bottom=0.1, top=0.9, wspace=0.15)
        bar = fig.colorbar(self._im_out, cax=fig.add_axes((0.89, 0.15, 0.025, 0.7)))
        bar.set_label("value", fontsize=8)
        bar.ax.tick_params(labelsize=7)
        self.view = FigureView(fig, "pooling of the 4×4 image",
                               animated=[self._im_out, *self._labels, self._cell, self._win, self._title])
        self._n = None
        self.views = [self.view]
        self.readout = W.HTML()
        self.tables = W.HTML()
        for c in self.controls.values():
            self.watch(c, self._on_change)
        self.widget = W.VBox([self.controls["mode"],
                              W.HBox([self.controls["kernel_size"], self.controls["stride"]]),
                              W.HBox([self.controls["padding"], self.controls["cell"]]),
                              self.readout, self.tables, self.view.image])
        self.update()

    def _ink(self, v) -> str:
        """A label colour that reads on the cell's colour (dark cells of viridis: white text)."""
        return "white" if v < 0.6 * self._colour["vmax"] else "black"

    def _on_change(self, _change=None):
        if not self._hold:
            self.update()

    def _clamp(self):
        """Refuse impossible combinations: padding ≤ k/2 (as torch), the cell inside the output."""
        c = self.controls
        self._hold = True
        try:
            k = c["kernel_size"].value
            if c["padding"].value > k // 2:
                c["padding"].value = k // 2
            c["padding"].max = k // 2
            n = output_size(self.image.shape[0], k, c["stride"].value, c["padding"].value)
            if c["cell"].value > n * n - 1:
                c["cell"].value = n * n - 1
            c["cell"].max = n * n - 1
        finally:
            self._hold = False

    def output(self):
        c = self.controls
        f = max_pool2d if c["mode"].value == "max" else avg_pool2d
        return f(self.image, c["kernel_size"].value, c["stride"].value, c["padding"].value)

    def explain(self) -> dict:
        """What the display shows, as computed: the size steps ("size"), the pooled map ("output")
        and the chosen cell with its window and value ("cell", `nnlab.engine.conv.pool_cell`).
        The texts, the tables, the figure and `state()` read these."""
        c = self.controls
        k, s, p = c["kernel_size"].value, c["stride"].value, c["padding"].value
        size = size_steps(self.image.shape[0], k, s, p)
        index = min(c["cell"].value, size.size * size.size - 1)
        cell = pool_cell(self.image, k, index // size.size, index % size.size, s, p, c["mode"].value)
        return {"size": size, "output": self.output(), "cell": cell}

    def _state(self, ex) -> dict:
        size, cell = ex["size"], ex["cell"]
        return {"mode": cell["mode"], "kernel_size": size.f, "stride": size.stride,
                "padding": size.padding, "output": np.round(ex["output"], 4).tolist(),
                "cell": cell["cell"], "cell_value": round(cell["value"], 4)}

    def state(self) -> dict:
        return self._state(self.explain())

    def update(self) -> None:
        self._clamp()
        ex = self.explain()
        st = self._state(ex)
        size, cell, out = ex["size"], ex["cell"], ex["output"]
        n, k = size.size, size.f
        self._im_out.set_data(out)
        self._im_out.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
        self._ax_out.set_xlim(-0.5, n - 0.5)
        self._ax_out.set_ylim(n - 0.5, -0.5)
        r, cc = cell["cell"]
        top, left = cell["top_left"]
        for index, label in enumerate(self._labels):
            i, j = divmod(index, n)
            label.set_visible(index < n * n)
            if index < n * n:
                label.set_position((j, i))
                label.set_text(_fmt(out[i, j]))
                label.set_color(self._ink(out[i, j]))
        self._cell.set_xy((cc - 0.5, r - 0.5))
        self._win.set_xy((left - 0.5, top - 0.5))
        self._win.set_width(k)
        self._win.set_height(k)
        self._title.set_text(f"{st['mode']} pool k={k}, s={size.stride}, p={size.padding}: {n}×{n}")
        full = self._n != n            # new axis limits for the output: redraw the background too
        self._n = n
        self.view.refresh(full=full)
        pad_note = " (padding: −∞ for max, zeros counted for avg, as torch)" if size.padding else ""
        rows, cols = cell["rows"], cell["cols"]
        self.tables.value = (
            _table(self.image, lambda i, j: i in rows and j in cols, "input (window in red)")
            + " &nbsp;→&nbsp; "
            + _table(out, lambda i, j: (i, j) == (r, cc), f"{st['mode']} pooled"))
        self.readout.value = (f"output size {size.formula(html=True)}{pad_note}; "
                              f"cell {cell['cell']} = {st['mode']} of its {k}×{k} window = "
                              f"<b>{cell['value']:g}</b>")


def factory() -> PoolingExplorer:
    return PoolingExplorer()


def _mosaic(maps, cols, pad=1):
    """Tile C×h×w maps into one image, values unchanged (NaN separators, drawn as the background),
    so that one colour bar reads every tile."""
    c, h, w = maps.shape
    rows = -(-c // cols)
    out = np.full((rows * (h + pad) - pad, cols * (w + pad) - pad), np.nan)
    for k in range(c):
        i, j = divmod(k, cols)
        out[i * (h + pad):i * (h + pad) + h, j * (w + pad):j * (w + pad) + w] = maps[k]
    return out


class FeatureMapExplorer(Explorer):
    """A trained CNN's learned filters and the feature maps of one test digit (slider: which digit)."""

    def __init__(self, model, images, labels, index=0):
        self.model = model
        self.images = np.asarray(images, dtype=float)
        self.labels = np.asarray(labels)
        if self.images.ndim != 3 or len(self.labels) != len(self.images):
            raise ValueError("images: expected N×H×W images with one label each, "
                             f"got shapes {self.images.shape} and {self.labels.shape}")
        self.controls = {"index": W.IntSlider(value=index, min=0, max=len(self.images) - 1,
                                              description="test digit", continuous_update=False)}
        self.mark_main(self.controls["index"])
        conv = model.layers[0]
        w = conv.params[0][:, 0]
        self._cols = int(np.ceil(np.sqrt(w.shape[0])))
        fig, axes = new_figure(720, 640, nrows=2, ncols=2)
        (ax_in, ax_f), (ax_r, ax_p) = axes
        self._im_in = ax_in.imshow(self.images[0], cmap="gray_r", vmin=0, vmax=1)
        self._t_in = ax_in.set_title("", fontsize=10)
        limit = float(np.abs(w).max()) or 1.0
        im_f = ax_f.imshow(_mosaic(w, self._cols), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax_f.set_title(f"{w.shape[0]} learned 3×3 filters (red +, blue −)", fontsize=10)
        maps = model.feature_maps(self.images[0])
        self._relu_key = [k for k in maps if k.startswith("relu")][-1]
        self._pool_key = [k for k in maps if k.startswith("maxpool")][-1]
        h, wd = maps[self._relu_key].shape[1:]
        hp, wp = maps[self._pool_key].shape[1:]
        # one activation scale for every test digit, so that the colour bar stays put and a slider
        # change redraws only the digit, its title and the two mosaics (blitting)
        relu_at = [i for i, layer in enumerate(model.layers) if layer.name == "relu"][-1]
        top = float(model.forward(self.images, upto=relu_at + 1).max()) or 1.0   # all at once
        self._im_r = ax_r.imshow(_mosaic(maps[self._relu_key], self._cols), cmap="magma", vmin=0,
                                 vmax=top)
        ax_r.set_title(f"maps after ReLU, {h}×{wd}", fontsize=10)
        self._im_p = ax_p.imshow(_mosaic(maps[self._pool_key], self._cols), cmap="magma", vmin=0,
                                 vmax=top)
        ax_p.set_title(f"after 2×2 max pool, {hp}×{wp}", fontsize=10)
        for ax in axes.ravel():
            ax.set_xticks([])
            ax.set_yticks([])
        ax_in.set_xlabel("pixel column →", fontsize=8)
        ax_in.set_ylabel("← pixel row", fontsize=8)
        for ax in (ax_f, ax_r, ax_p):
            ax.set_xlabel(f"one tile per filter (filter 1 top left, {self._cols} per row)", fontsize=8)
        for im, ax, label in ((self._im_in, ax_in, "ink"), (im_f, ax_f, "weight"),
                              (self._im_r, ax_r, "activation"), (self._im_p, ax_p, "activation")):
            bar = fig.colorbar(im, ax=ax, shrink=0.8)
            bar.set_label(label, fontsize=8)
            bar.ax.tick_params(labelsize=7)
        fig.tight_layout()
        self.view = FigureView(fig, "filters and feature maps",
                               animated=[self._im_in, self._t_in, self._im_r, self._im_p])
        self.views = [self.view]
        self.readout = W.HTML()
        self.watch(self.controls["index"], lambda _c: self.update())
        self.widget = W.VBox([self.controls["index"], self.readout, self.view.image])
        self.update()

    def state(self) -> dict:
        i = self.controls["index"].value
        p = self.model.predict_proba(self.images[i][None])[0]
        return {"index": i, "label": int(self.labels[i]), "prediction": int(p.argmax()),
                "probability": round(float(p.max()), 4)}

    def update(self) -> None:
        st = self.state()
        img = self.images[st["index"]]
        maps = self.model.feature_maps(img)
        self._im_in.set_data(img)
        for im, key in ((self._im_r, self._relu_key), (self._im_p, self._pool_key)):
            im.set_data(_mosaic(maps[key], self._cols))
        ok = "✔" if st["label"] == st["prediction"] else "✘"
        self._t_in.set_text(f"digit {st['label']} → {st['prediction']} {ok}")
        self.view.refresh()
        self.readout.value = (f"test image {st['index']}: label <b>{st['label']}</b>, predicted "
                              f"<b>{st['prediction']}</b> with probability {st['probability']:.4f}")
