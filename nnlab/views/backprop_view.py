"""Notebook 02's explorer: the 2-2-1 example, every line recomputed as the sliders move.

Computing is `nnlab.engine.network` (numbers) and `nnlab.engine.symbolic` (formulas, printed once per
network shape); this module only draws and wires, and every number it shows (the drawing, the
status line, the derivation, `state()`) is read from the Trace that `Network.step` returned:

- `iteration_state(start, x, t, lr, k)`: the network at iteration k and the trace of step k;
- `NetworkDrawing`: the network with its current weights on the edges (thickness = |w|,
  colour = sign) and each neuron's output; `update()` changes the artists, never the figure;
- `BackpropExplorer`: sliders for x1, x2, t, the six starting weights, η and the iteration;
  "Next iteration" steps on and the error curve grows; "Back to iteration 1" starts again.
  The derivation is a plain HTML table of numbers (re-typesetting 26 LaTeX rows per change
  took seconds in the browser); the general formulas are typeset once beside it.
"""
from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..course.notes_check import LR, TARGET, WEIGHTS, X
from ..engine.network import Network
from .ui import Explorer, FigureView, new_figure, slider

POS = "#1f77b4"
NEG = "#d62728"


def iteration_state(start: Network, x, t, lr, k: int):
    """(network before update k, trace of update k, losses of iterations 1..k)."""
    from ..engine.symbolic import attach_formulas

    if k > 1:
        net, _, losses = start.train(x, t, lr, k - 1)
    else:
        net, losses = start, np.empty(0)
    trace = attach_formulas(net.step(x, t, lr))
    return net, trace, np.append(losses, trace.loss)


def layout(layers) -> dict[int, tuple[float, float]]:
    """Neuron number -> (x, y) position, layers left to right, centred vertically."""
    pos, n = {}, 1
    for li, size in enumerate(layers):
        for k in range(size):
            pos[n] = (li, (size - 1) / 2 - k)
            n += 1
    return pos


class NetworkDrawing:
    """The network drawn once; `update(net, trace)` only changes text, widths and colours."""

    def __init__(self, ax, net: Network):
        self.ax = ax
        self.pos = layout(net.layers)
        self.edges = {}
        for name in net.weight_index():
            li, a, b = net.resolve_weight(name)
            i, j = net.numbers[li][a], net.numbers[li + 1][b]
            (x0, y0), (x1, y1) = self.pos[i], self.pos[j]
            (line,) = ax.plot([x0, x1], [y0, y1], color=POS, zorder=1)
            # put the label a third of the way along, where edges into one neuron do not cross
            fx, fy = x0 + 0.36 * (x1 - x0), y0 + 0.36 * (y1 - y0)
            label = ax.text(fx, fy, "", fontsize=8, ha="center", va="center", zorder=3,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
            self.edges[name] = (line, label)
        self.nodes, self.circles = {}, []
        for j, (px, py) in self.pos.items():
            self.circles.append(ax.scatter([px], [py], s=900, color="#f4f4f4", edgecolor="#333",
                                           zorder=2))
            self.nodes[j] = ax.text(px, py, "", fontsize=8, ha="center", va="center", zorder=4)
        xs = [p[0] for p in self.pos.values()]
        ys = [p[1] for p in self.pos.values()]
        ax.set_xlim(min(xs) - 0.35, max(xs) + 0.35)
        ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
        ax.set_axis_off()
        self.title = ax.set_title("")

    def update(self, trace) -> None:
        """Draw the network of `trace` (its weights before the update) and the step's outputs."""
        net = trace.network
        for name, (line, label) in self.edges.items():
            w = net.weight(name)
            line.set_linewidth(0.8 + 3.0 * min(abs(w), 2.0))
            line.set_color(POS if w >= 0 else NEG)
            label.set_text(f"{name} = {w:.3f}")
        for j, text in self.nodes.items():
            if j in net.input_numbers:
                text.set_text(f"x{j}\n{trace.x[j - 1]:.3g}")
            else:
                text.set_text(f"y{j}\n{trace[f'y{j}']:.4f}")


def nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k above value (so the axis moves in few steps)."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    k = np.floor(np.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10**k > value * 1.05:
            return float(m * 10**k)
    return float(10 ** (k + 1))


def formulas_html(trace) -> str:
    """The general formulas of the trace's lines as LaTeX (MathJax typesets them once: they
    depend only on the network's shape, not on the sliders)."""
    rows = "".join(f"<tr><td style='text-align:left'>${r.latex_symbol} = {r.formula_latex}$</td></tr>"
                   for r in trace.records if r.formula_latex)
    return "<table class='nnlab-formulas'>" + rows + "</table>"


def derivation_html(trace) -> str:
    """The trace as a plain HTML table (no LaTeX, so a change re-typesets nothing): symbol,
    formula, formula with the numbers put in, value."""
    rows = []
    for r in trace.records:
        cells = [r.text_symbol, r.formula_text or "", r.substituted_text or ""]
        rows.append("<tr>" + "".join(f"<td style='text-align:left;padding-right:1em'>{html.escape(c)}</td>"
                                     for c in cells)
                    + f"<td style='text-align:right'><b>= {html.escape(f'{r.value:.6g}')}</b></td></tr>")
    head = ("<tr><th style='text-align:left'>line</th><th style='text-align:left'>formula</th>"
            "<th style='text-align:left'>numbers put in</th><th style='text-align:right'>value</th></tr>")
    return "<table class='nnlab-derivation'>" + head + "".join(rows) + "</table>"


MAX_ITERATION = 100


class BackpropExplorer(Explorer):
    """The course's 2-2-1 example with every input, weight and η on a slider.

    The weight sliders are the weights of iteration 1; the iteration control (moved by *Next
    iteration* and *Back to iteration 1*) says how many updates have been applied, and the
    drawing and the line under the sliders show the weights in use at that iteration."""

    def __init__(self, x=X, target=TARGET[0], weights=None, lr=LR, iteration=1):
        weights = dict(WEIGHTS if weights is None else weights)
        self.controls = {
            "x1": slider("x1", x[0], -1, 1, 0.05),
            "x2": slider("x2", x[1], -1, 1, 0.05),
            "t": slider("target t", target, 0, 1, 0.01),
            **{name: slider(name, weights[name], -2, 2, 0.05) for name in WEIGHTS},
            "lr": slider("η (learning rate)", lr, 0, 10, 0.1, readout_format=".1f"),
            "iteration": W.IntSlider(value=iteration, min=1, max=MAX_ITERATION, description="iteration",
                                     continuous_update=False, style={"description_width": "initial"},
                                     layout=W.Layout(width="320px")),
        }
        self.mark_main(self.controls["x1"])
        self.next_button = W.Button(description="Next iteration", icon="forward",
                                    button_style="primary")
        self.reset_button = W.Button(description="Back to iteration 1", icon="undo",
                                     layout=W.Layout(width="auto"))
        self.on_click(self.next_button, lambda _b: self.next_iteration())
        self.on_click(self.reset_button, lambda _b: self.reset())
        fig, (ax_net, ax_err) = new_figure(820, 340, ncols=2,
                                           gridspec_kw={"width_ratios": [1.5, 1]})
        start = self.start_network()
        self.drawing = NetworkDrawing(ax_net, start)
        (self.err_line,) = ax_err.plot([1], [0.0], "o-", color="#444", ms=4)
        ax_err.set_xlabel("iteration")
        ax_err.set_ylabel("loss E = ½(t − y5)²")
        ax_err.set_title("Error curve")
        ax_err.grid(alpha=0.3)
        self.ax_err = ax_err
        fig.tight_layout()
        # drawn in this order on each refresh: edges, circles over them, then the labels
        d = self.drawing
        animated = [line for line, _ in d.edges.values()] + d.circles
        animated += [label for _, label in d.edges.values()] + list(d.nodes.values())
        animated += [d.title, self.err_line]
        self.view = FigureView(fig, "the network with its weights, and the error curve", animated)
        self._limits = None
        self.views = [self.view]
        self.status = W.HTML()
        self.in_use = W.HTML()
        self.derivation = W.HTML()
        self.derivation.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        self.controls.update(next=self.next_button, back=self.reset_button)  # the sweep presses them
        c = self.controls
        sliders = [c[name] for name in ("x1", "x2", "t", *WEIGHTS, "lr")]
        self.update()
        self.formulas = W.HTMLMath(formulas_html(self.trace))   # typeset once
        self.widget = W.VBox([
            W.HTML("<b>Inputs and target</b>"), W.HBox(sliders[:3]),
            W.HTML("<b>Starting weights</b> (the weights of iteration 1; w_ij: from neuron i to "
                   "neuron j) <b>and learning rate</b>"),
            W.HBox(sliders[3:6]), W.HBox(sliders[6:9]), W.HBox(sliders[9:]),
            W.HBox([self.next_button, self.reset_button, c["iteration"]]), self.in_use, self.status,
            self.view.image, self.derivation,
            W.HTML("<b>The formulas</b> (the same for every setting)"), self.formulas])

    # -- the pure part --------------------------------------------------------------------
    @property
    def k(self) -> int:
        """The iteration shown (1 = the starting weights)."""
        return int(self.controls["iteration"].value)

    def values(self) -> dict:
        return {k: float(c.value) for k, c in self.settable().items()}

    def start_network(self) -> Network:
        v = self.values()
        return Network.build("2,2,1", "sigmoid", {n: v[n] for n in WEIGHTS})

    def compute(self):
        v = self.values()
        return iteration_state(self.start_network(), [v["x1"], v["x2"]], [v["t"]], v["lr"], self.k)

    # -- callbacks ------------------------------------------------------------------------
    def _on_change(self, _change=None):
        self.update()

    def next_iteration(self) -> None:
        if self.k >= MAX_ITERATION:
            raise ValueError(f"iteration: this explorer goes up to iteration {MAX_ITERATION}; "
                             "press 'Back to iteration 1'")
        self.controls["iteration"].value = self.k + 1

    def reset(self) -> None:
        self.controls["iteration"].value = 1

    def update(self) -> None:
        _, trace, losses = self.compute()
        self.trace, self.losses = trace, losses   # everything below reads these
        self.drawing.update(trace)
        self.drawing.title.set_text(f"Iteration {self.k}: the weights in use (before its update)")
        its = np.arange(1, len(losses) + 1)
        self.err_line.set_data(its, losses)
        limits = (max(5, 5 * int(np.ceil(len(losses) / 5))), nice_top(float(losses.max())))
        if limits != self._limits:  # axes change rarely: only then redraw the background
            self.ax_err.set_xlim(0.5, limits[0] + 0.5)
            self.ax_err.set_ylim(0, limits[1])
            self._limits = limits
            self.view.refresh(full=True)
        else:
            self.view.refresh()
        self.next_button.disabled = self.k >= MAX_ITERATION
        net = trace.network
        where = ("the starting weights of the sliders" if self.k == 1 else
                 f"the sliders' weights after {self.k - 1} update{'s' if self.k > 2 else ''}")
        self.in_use.value = (f"Weights in use at iteration {self.k} ({where}): "
                             + ", ".join(f"{n} = {net.weight(n):.4f}" for n in net.weight_index()))
        self.status.value = (f"Iteration <b>{self.k}</b>: y5 = {trace['y5']:.4f}, "
                             f"error t − y5 = {trace['e5']:.4f}, E = {trace.loss:.6f} "
                             f"→ after the update E = {trace.loss_after:.6f}")
        self.derivation.value = derivation_html(trace)

    def state(self) -> dict:
        t = self.trace
        return {"iteration": self.k, "y5": round(t["y5"], 4), "error": round(t["e5"], 4),
                "loss": round(t.loss, 6), "delta5": round(t["d5"], 5),
                "dw45": round(t["dw45"], 5), "loss_after": round(t.loss_after, 6),
                "max_abs_dw": round(max(abs(v) for v in t.of_kind("dw").values()), 6),
                "losses": [round(float(v), 6) for v in self.losses],
                "weights_in_use": {n: round(t.network.weight(n), 6) for n in t.network.weight_index()}}


def main_explorer() -> BackpropExplorer:
    return BackpropExplorer()
