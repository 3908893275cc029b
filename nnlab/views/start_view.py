"""Notebook 00's explorer: one sigmoid neuron on three sliders.

The course map is `nnlab.course.map`, the environment check `nnlab.core.environment` (re-exported
here, since every notebook's setup cell imports it from this module), the exercise
`nnlab.course.start`.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..engine.neuron import neuron
from .ui import Explorer, FigureView, new_figure, slider

__all__ = ["NeuronDemo", "demo_explorer", "neuron_curve", "neuron_state"]


# -- a first explorer: one sigmoid neuron -----------------------------------------------------
def neuron_state(x: float, w: float, b: float) -> dict:
    """z = w·x + b and y = σ(z) of the one-input neuron (`nnlab.engine.neuron.neuron`)."""
    z, y = neuron([x], [w], b, "sigmoid")
    return {"x": float(x), "w": float(w), "b": float(b), "z": float(z), "y": float(y)}


def neuron_curve(w: float, b: float, xs=None):
    xs = np.linspace(-5, 5, 201) if xs is None else xs
    return xs, neuron(xs[:, None], [w], b, "sigmoid")[1]


class NeuronDemo(Explorer):
    """Sliders x, w, b; shows z = w·x + b, y = σ(z) and the curve σ(w·x + b) over x."""

    def __init__(self, x=1.0, w=1.0, b=0.0):
        self.controls = {"x": slider("input x", x, -5, 5, 0.1),
                         "w": slider("weight w", w, -4, 4, 0.1),
                         "b": slider("bias b", b, -4, 4, 0.1)}
        self.mark_main(self.controls["w"])
        fig, ax = new_figure(480, 260)
        xs, ys = neuron_curve(w, b)
        (self._line,) = ax.plot(xs, ys, color="#1f77b4", label="y = σ(w·x + b)")
        (self._dot,) = ax.plot([x], [neuron_state(x, w, b)["y"]], "o", color="#d62728",
                               label="the input x")
        ax.set_xlabel("input x")
        ax.set_ylabel("output y")
        ax.set_ylim(-0.05, 1.05)
        ax.set_title("One sigmoid neuron")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        self.view = FigureView(fig, "the neuron's output as a function of x",
                               animated=[self._line, self._dot])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        self.widget = W.VBox([W.HBox(list(self.controls.values())[:2]),
                              W.HBox([list(self.controls.values())[2]]),
                              self.readout, self.view.image])
        self.update()

    def _on_change(self, _change=None):
        self.update()

    def values(self):
        return {k: float(c.value) for k, c in self.controls.items()}

    def state(self) -> dict:
        """The numbers the explorer shows (z and y rounded to 4 decimals as in the readout)."""
        return {k: round(v, 4) for k, v in self.result.items()}

    def update(self) -> None:
        v = self.values()
        self.result = r = neuron_state(v["x"], v["w"], v["b"])  # computed once, read by all below
        xs, ys = neuron_curve(r["w"], r["b"])
        self._line.set_data(xs, ys)
        self._dot.set_data([r["x"]], [r["y"]])
        self.view.refresh()
        self.readout.value = (f"z = w·x + b = {r['w']:.2f}·{r['x']:.2f} + {r['b']:.2f} = "
                              f"<b>{r['z']:.4f}</b> &nbsp;→&nbsp; y = σ(z) = <b>{r['y']:.4f}</b>")


def demo_explorer(**kw) -> NeuronDemo:
    return NeuronDemo(**kw)
