"""The playground's drawing: its colours, the network diagram, the one figure and the data sets.

`PlaygroundFigure` is the explorer's figure, drawn once, three panels:
- the network: one line per weight, its thickness |w| and its colour the sign (blue +,
  orange −), the neurons coloured by their bias;
- the decision boundary: the network's output over the plane as a heatmap (updated with
  `set_array`), the training points (white edge) and the test points (black edge);
- the loss curves: training and test loss after every epoch.
Everything that moves with the epoch is blitted over a background drawn once; the titles and
the loss axes' limits (which grow in steps of 1, 2, 2.5, 5 × 10^k and never shrink while the
settings stay) are redrawn only when they change.

`plot_datasets` draws the four data sets side by side (a static figure of notebook 05).
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize

from ..core import validate as V
from ..engine import datasets2d as D
from .ui import FigureView, StaticFigure, new_figure

# TensorFlow Playground's colours: orange for negative / class 0, blue for positive / class 1
ORANGE, BLUE = "#f59322", "#0877bd"
CMAP = LinearSegmentedColormap.from_list("playground", [ORANGE, "#e8eaeb", BLUE])
# the heatmap in paler colours, so that the points (in full colour) stay visible on it
HEAT_CMAP = LinearSegmentedColormap.from_list("playground_heat", ["#f9c98f", "#f4f5f5", "#8dbfe0"])
DATASET_LABELS = {"circle": "circle", "xor": "XOR", "gauss": "Gaussian clusters",
                  "spiral": "spiral"}
GRID = 60                      # heatmap resolution (GRID × GRID points of the plane)
_BLUE_RGBA = np.array([[0.03, 0.47, 0.74, 1.0]])
_ORANGE_RGBA = np.array([[0.96, 0.58, 0.13, 1.0]])


def network_layout(sizes):
    """Neuron positions and weight segments in fixed axes coordinates (x in [0, 1], y in
    [-0.5, 0.5]): layer l of L at x = l/L, neurons evenly spaced and centred in their layer."""
    L = max(len(sizes) - 1, 1)
    top = max(sizes)
    gap = 1.0 / (top - 1) if top > 1 else 0.0
    per_layer = []
    for li, k in enumerate(sizes):
        ys = -(np.arange(k) - (k - 1) / 2.0) * gap
        per_layer.append(np.column_stack([np.full(k, li / L), ys]))
    segments = []
    for li in range(len(sizes) - 1):
        src, dst = per_layer[li], per_layer[li + 1]
        for j in range(len(dst)):          # W[j, i]: from neuron i to neuron j (torch layout)
            for i in range(len(src)):
                segments.append([src[i], dst[j]])
    return np.vstack(per_layer), segments


def nice_ceiling(v: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is >= v (axis limits that change rarely)."""
    if not np.isfinite(v) or v <= 0:
        return 1.0
    e = 10.0 ** np.floor(np.log10(v))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * e >= v * (1 - 1e-12):
            return float(m * e)
    return float(10 * e)


def weight_widths(w) -> np.ndarray:
    """Line thickness for weights w: 0.3 pt plus 1.5 pt per unit of |w|, at most 6 pt."""
    return np.minimum(0.3 + 1.5 * np.abs(np.asarray(w, dtype=float)), 6.0)


def class_colours(y) -> np.ndarray:
    """RGBA rows: blue for class 1 (y > 0.5), orange for class 0."""
    return np.where(np.asarray(y)[:, None] > 0.5, _BLUE_RGBA, _ORANGE_RGBA)


class PlaygroundFigure:
    """The network, the decision boundary and the loss curves in one 960×330 px figure."""

    def __init__(self):
        fig, (axn, axb, axl) = new_figure(960, 330, ncols=3,
                                          gridspec_kw={"width_ratios": [1.15, 1.0, 1.15]})
        self.fig = fig
        self.network_axes, self.boundary_axes, self.loss_axes = axn, axb, axl
        # network (fixed limits: network_layout scales any architecture into them)
        axn.set_axis_off()
        axn.set_xlim(-0.32, 1.16)
        axn.set_ylim(-0.78, 0.58)
        self.edges = LineCollection([], cmap=CMAP, norm=Normalize(-1.5, 1.5), zorder=1)
        axn.add_collection(self.edges)
        self.nodes = axn.scatter([], [], s=80, c=[], cmap=CMAP, norm=Normalize(-1.5, 1.5),
                                 edgecolors="#333333", linewidths=0.8, zorder=2)
        axn.text(-0.05, 0.0, "x1, x2 →", ha="right", va="center", fontsize=8)
        axn.text(1.05, 0.0, "→ ŷ", ha="left", va="center", fontsize=8)
        axn.text(0.45, -0.77, "line: width |w|, colour sign (blue +, orange −)\n"
                             "neuron: colour its bias", ha="center", va="bottom", fontsize=7,
                 color="#444444")
        # decision boundary
        lo, hi = D.DOMAIN
        g = np.linspace(lo, hi, GRID)
        gx, gy = np.meshgrid(g, g)
        self.grid = np.column_stack([gx.ravel(), gy.ravel()])
        self.heat = axb.imshow(np.full((GRID, GRID), 0.5), extent=(lo, hi, lo, hi),
                               origin="lower", cmap=HEAT_CMAP, vmin=0.0, vmax=1.0,
                               interpolation="bilinear", aspect="equal")
        self.train_points = axb.scatter([], [], s=14, edgecolors="white", linewidths=0.6)
        self.test_points = axb.scatter([], [], s=14, edgecolors="black", linewidths=0.6)
        axb.set_xlim(lo, hi)
        axb.set_ylim(lo, hi)
        axb.set_xticks([-6, 0, 6])
        axb.set_yticks([-6, 0, 6])
        axb.set_xlabel("x1", fontsize=8, labelpad=0)
        axb.set_ylabel("x2", fontsize=8, labelpad=0)
        axb.tick_params(labelsize=7)
        # loss curves
        (self.train_line,) = axl.plot([], [], color="#222222", lw=1.5, label="training loss")
        (self.test_line,) = axl.plot([], [], color="#999999", lw=1.5, label="test loss")
        axl.set_xlabel("epoch", fontsize=8, labelpad=0)
        axl.tick_params(labelsize=7)
        axl.legend(loc="upper right", fontsize=7)
        axl.grid(alpha=0.3)
        fig.subplots_adjust(left=0.01, right=0.985, bottom=0.13, top=0.9, wspace=0.22)
        moving = [self.edges, self.nodes, self.heat, self.train_points, self.test_points,
                  self.train_line, self.test_line]
        self.view = FigureView(fig, "network, decision boundary and loss curves",
                               animated=moving)
        self.limits = self.titles = None
        self.reset_scale()

    def reset_scale(self) -> None:
        """New settings: the loss axis may shrink again."""
        self.loss_top = 0.0

    def show_points(self, split) -> None:
        """The training and test points of a datasets2d.Split (they are animated too)."""
        self.train_points.set_offsets(split.X_train)
        self.train_points.set_facecolors(class_colours(split.y_train))
        self.test_points.set_offsets(split.X_test)
        self.test_points.set_facecolors(class_colours(split.y_test))

    def show(self, layout, weights, biases, n_inputs, boundary, history, last_epoch,
             titles) -> None:
        """Draw a network: its `layout` (network_layout of its sizes), its weight and bias
        arrays, its output over `grid` (`boundary`, GRID² numbers), its loss `history` (a
        Trainer's), the furthest epoch reached (the loss axis' length) and the three titles."""
        pts, segs = layout
        w = np.concatenate([W_.ravel() for W_ in weights])
        self.edges.set_segments(segs)
        self.edges.set_array(w)
        self.edges.set_linewidths(weight_widths(w))
        self.nodes.set_offsets(pts)
        self.nodes.set_array(np.concatenate([np.zeros(n_inputs)] + [b.ravel() for b in biases]))
        self.heat.set_array(np.clip(boundary, 0.0, 1.0).reshape(GRID, GRID))
        ep = np.asarray(history["epoch"], dtype=float)
        self.shown_epoch = int(history["epoch"][-1])     # the epoch this picture shows
        trl, tel = np.asarray(history["train_loss"]), np.asarray(history["test_loss"])
        self.train_line.set_data(ep, trl)
        self.test_line.set_data(ep, tel)
        top = np.nanmax(np.concatenate([trl, tel]))
        self.loss_top = max(self.loss_top, top) if np.isfinite(top) else self.loss_top
        limits = (max(10.0, nice_ceiling(last_epoch)), nice_ceiling(1.05 * self.loss_top))
        titles = tuple(titles)
        full = limits != self.limits or titles != self.titles
        if full:
            self.loss_axes.set_xlim(0, limits[0])
            self.loss_axes.set_ylim(0, limits[1])
            for ax, t in zip((self.network_axes, self.boundary_axes, self.loss_axes), titles):
                ax.set_title(t, fontsize=9)
            self.limits, self.titles = limits, titles
        self.view.refresh(full=full)


class Picture:
    """PNG bytes shown as an image by the notebook, with a one-line text form."""

    def __init__(self, png: bytes, description: str):
        self.png = bytes(png)
        self.description = description

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"<figure: {self.description}>"


def plot_datasets(noise: float = 0.0, n: int = 200, seed: int = 0) -> StaticFigure:
    """The four data sets side by side (class 1 blue, class 0 orange)."""
    noise = V.finite_number("noise", noise, minimum=0.0, maximum=D.MAX_NOISE)
    fig, axes = new_figure(960, 260, ncols=4)
    lo, hi = D.DOMAIN
    for ax, name in zip(axes, D.DATASETS):
        X, y = D.make_dataset(name, n, noise, seed)
        ax.scatter(X[:, 0], X[:, 1], s=10, c=np.where(y > 0.5, BLUE, ORANGE),
                   edgecolors="white", linewidths=0.4)
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_aspect("equal")
        ax.set_xticks([-6, 0, 6])
        ax.set_yticks([-6, 0, 6])
        ax.tick_params(labelsize=7)
        ax.set_title(f"{DATASET_LABELS[name]} ({name!r})", fontsize=9)
    fig.suptitle(f"the four data sets: {n} points each, noise {noise:g}, seed {seed}",
                 fontsize=9)
    fig.tight_layout()
    return StaticFigure(fig, f"the four 2-D data sets, noise {noise:g}, seed {seed}")
