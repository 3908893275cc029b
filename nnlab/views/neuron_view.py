"""Notebook 01's explorer: one neuron, two inputs, and the line where it changes its mind.

The neuron computes z = w1·x1 + w2·x2 + b and y = f(z). Its decision boundary is the line
z = 0, i.e. x2 = −(w1·x1 + b)/w2. The explorer shades y over the plane, draws the line and the
four rows of a truth table (AND, OR, XOR), and counts how many rows the neuron gets right.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..engine.neuron import GATE_X, GATES, NEURON_ACTIVATIONS, gate_rows, neuron
from .ui import Explorer, FigureView, StaticFigure, new_figure, slider

GRID = np.linspace(-0.5, 1.5, 121)


def boundary_points(w1: float, w2: float, b: float, lo=-0.5, hi=1.5):
    """Two points of the line w1·x1 + w2·x2 + b = 0 inside the view (or empty lists)."""
    if abs(w2) > 1e-12:
        xs = np.array([lo, hi])
        return xs, -(w1 * xs + b) / w2
    if abs(w1) > 1e-12:  # a vertical line
        x = -b / w1
        return np.array([x, x]), np.array([lo, hi])
    return np.array([]), np.array([])


def output_grid(w1, w2, b, activation):
    X1, X2 = np.meshgrid(GRID, GRID)
    _, y = neuron(np.stack([X1.ravel(), X2.ravel()], axis=1), [w1, w2], b, activation)
    return y.reshape(X1.shape)


def plot_line_fit(x, y, m, c, losses=None) -> StaticFigure:
    """The data, the fitted line y = m·x + c and (if given) the loss of gradient descent."""
    fig, axes = new_figure(720, 280, ncols=2 if losses is not None else 1)
    ax = axes[0] if losses is not None else axes
    ax.scatter(x, y, color="#1f77b4", zorder=3, label="data")
    xs = np.linspace(min(x) - 0.5, max(x) + 0.5, 2)
    ax.plot(xs, m * xs + c, color="#d62728", label=f"y = {m:.3f}·x + {c:.3f}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Least-squares line")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    if losses is not None:
        axes[1].semilogy(np.arange(1, len(losses) + 1), losses, color="#444")
        axes[1].set_xlabel("gradient-descent step")
        axes[1].set_ylabel("mean squared error (log scale)")
        axes[1].set_title("Gradient descent finds the same line")
        axes[1].grid(alpha=0.3)
    fig.tight_layout()
    return StaticFigure(fig, f"data and the line y = {m:.3f}·x + {c:.3f}")


class BoundaryExplorer(Explorer):
    def __init__(self, gate="AND", activation="step", w1=1.0, w2=1.0, b=-0.5):
        self.controls = {
            "gate": W.Dropdown(options=list(GATES), value=gate, description="truth table"),
            "activation": W.Dropdown(options=list(NEURON_ACTIVATIONS[:2]), value=activation,
                                     description="activation"),
            "w1": slider("w1", w1, -3, 3, 0.1),
            "w2": slider("w2", w2, -3, 3, 0.1),
            "b": slider("bias b", b, -3, 3, 0.1),
        }
        self.mark_main(self.controls["w1"])
        fig, ax = new_figure(420, 380)
        self.img = ax.imshow(output_grid(w1, w2, b, activation), origin="lower",
                             extent=(GRID[0], GRID[-1], GRID[0], GRID[-1]), cmap="RdBu",
                             vmin=0, vmax=1, alpha=0.6, aspect="auto")
        fig.colorbar(self.img, ax=ax, label="neuron output y")
        (self.line,) = ax.plot([], [], "k-", lw=2, label="boundary z = 0")
        self.points = ax.scatter(GATE_X[:, 0], GATE_X[:, 1], s=140, c=GATES[gate], cmap="RdBu",
                                 vmin=0, vmax=1, edgecolors="k", zorder=3, label="rows of the table")
        ax.set_xlim(GRID[0], GRID[-1])
        ax.set_ylim(GRID[0], GRID[-1])
        ax.set_xlabel("input x1")
        ax.set_ylabel("input x2")
        self.title = ax.set_title("AND: 4 of 4 rows right")  # sized for tight_layout
        legend = ax.legend(loc="upper left", fontsize=7)
        fig.tight_layout()
        self.view = FigureView(fig, "the neuron's output over the plane and its boundary",
                               animated=[self.img, self.line, self.points, legend, self.title])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, lambda _ch: self.update())
        c = self.controls
        self.widget = W.VBox([W.HBox([c["gate"], c["activation"]]),
                              W.HBox([c["w1"], c["w2"], c["b"]]), self.readout, self.view.image])
        self.update()

    def values(self):
        c = self.controls
        return (c["gate"].value, c["activation"].value, float(c["w1"].value),
                float(c["w2"].value), float(c["b"].value))

    def update(self) -> None:
        gate, act, w1, w2, b = self.values()
        self.rows = r = gate_rows(w1, w2, b, gate, act)  # computed once, read by all below
        self.img.set_data(output_grid(w1, w2, b, act))
        self.line.set_data(*boundary_points(w1, w2, b))
        self.points.set_array(r["target"])
        self.title.set_text(f"{gate}: {r['rows_right']} of 4 rows right")
        self.view.refresh()
        rows = "".join(f"<tr><td>({a:g}, {c:g})</td><td>{t:g}</td><td>{zz:.2f}</td><td>{yy:.3f}</td>"
                       f"<td>{'✔' if ok else '✘'}</td></tr>"
                       for (a, c), t, zz, yy, ok in zip(r["x"], r["target"], r["z"], r["y"], r["right"]))
        self.readout.value = ("<table><tr><th>(x1, x2)</th><th>target</th><th>z</th><th>y</th>"
                              f"<th></th></tr>{rows}</table>")

    def state(self) -> dict:
        gate, act, w1, w2, b = self.values()
        return {"gate": gate, "activation": act, "w1": round(w1, 3), "w2": round(w2, 3),
                "b": round(b, 3), "y": [round(float(v), 4) for v in self.rows["y"]],
                "rows_right": self.rows["rows_right"]}


def main_explorer() -> BoundaryExplorer:
    return BoundaryExplorer()
