"""Notebook 01's perceptron explorer and the line fitted by hand.

- `PerceptronExplorer`: Rosenblatt's rule (`nnlab.engine.perceptron.train_perceptron`) on the
  play-tennis table or a truth table; the `update` slider steps through the updates the run
  returned (row, z, ŷ, error, Δw, the weights after it) and the figure shows every weight over
  the updates and, beside it, the weights now (a truth table: its four rows in the plane, the
  row just seen ringed, and the line w·x = 0 after the update). The run is recomputed only
  when the data, the learning rate or the bound on the passes change; the update slider's
  range follows the run's length.
- `LineFitExplorer`: sliders for m and c, the points, the line and its residuals, and the mean
  squared error beside the least-squares line's (`engine.perceptron.line_error`).
"""
from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..engine.perceptron import DATA, MAX_PASSES, line_error, table, train_perceptron
from .neuron_view import boundary_points
from .ui import Explorer, FigureView, new_figure, slider

PLANE = (-0.5, 1.5)                 # the view of a two-input table's plane
PASS_LIMIT = min(30, MAX_PASSES)    # the explorer's bound on the passes (XOR never settles)
NOTEBOOK_X = np.array([1, 2, 3, 4, 5.0])          # the points of notebook 01, section 1
NOTEBOOK_Y = np.array([2.9, 5.1, 7.0, 9.2, 10.8])


def _vec(v) -> str:
    return "(" + ", ".join(f"{x:g}" for x in v) + ")"


class PerceptronExplorer(Explorer):
    def __init__(self, data="play tennis", lr=1.0, max_passes=20, update=0):
        self.controls = {
            "data": W.Dropdown(options=list(DATA), value=data, description="data"),
            "lr": slider("learning rate η", lr, 0.25, 2.0, 0.25),
            "max_passes": W.IntSlider(value=max_passes, min=1, max=PASS_LIMIT,
                                      description="at most passes", continuous_update=False,
                                      style={"description_width": "initial"}),
            "update": W.IntSlider(value=0, min=0, max=0, description="update",
                                  continuous_update=False, style={"description_width": "initial"},
                                  layout=W.Layout(width="420px")),
        }
        self.mark_main(self.controls["update"])
        self._hold = False
        self.fig, (self.ax_w, self.ax_now) = new_figure(760, 300, ncols=2)
        self.view = FigureView(self.fig, "the perceptron's weights over its updates")
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for name in ("data", "lr", "max_passes"):
            self.watch(self.controls[name], lambda _ch: self.rerun())
        self.watch(self.controls["update"], lambda _ch: self.update())
        c = self.controls
        self.widget = W.VBox([W.HBox([c["data"], c["lr"], c["max_passes"]]), c["update"],
                              self.readout, self.view.image])
        self.rerun()
        c["update"].value = min(max(int(update), 0), c["update"].max)
        self.update()

    def rerun(self) -> None:
        c = self.controls
        names, X, t = table(c["data"].value)
        self.run = train_perceptron(X, t, lr=float(c["lr"].value), max_passes=c["max_passes"].value,
                                    names=names)
        self._hold = True
        try:
            c["update"].max = len(self.run.updates) - 1   # the slider clamps its value
        finally:
            self._hold = False
        self._draw_history()
        self.update()

    def _draw_history(self) -> None:
        """The parts that stay while the update slider moves: drawn once per run."""
        run, ax, now = self.run, self.ax_w, self.ax_now
        ax.clear()
        now.clear()
        after = np.array([u.w_after for u in run.updates])
        steps = np.arange(1, len(after) + 1)
        for k, name in enumerate(run.names):
            ax.plot(steps, after[:, k], drawstyle="steps-post", lw=1.2, label=f"w{k} ({name})")
        for p in range(1, run.passes):
            ax.axvline(p * len(run.t) + 0.5, color="#bbb", lw=0.6)
        self.marker = ax.axvline(1, color="k", lw=1.5)
        ax.set_xlabel("update (grey lines: the end of each pass)")
        ax.set_ylabel("weight after the update")
        ax.set_title(f"{self.controls['data'].value}: every weight", fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=6, ncol=2, loc="best", framealpha=0.6)
        self.plane = run.X.shape[1] == 3       # two inputs: draw the rows and the line
        if self.plane:
            self._draw_plane(now)
        else:
            self._draw_bars(now, reach=max(1.0, float(np.abs(after).max())) * 1.1)
        self.now_title = now.set_title("after update 000 (pass 00, row 00)", fontsize=9)
        # fixed margins (room for the longest bar label), not tight_layout: a rerun stays cheap
        self.fig.subplots_adjust(left=0.1, right=0.98, bottom=0.16, top=0.9, wspace=0.55)
        self.view.animated = [self.marker, *self.moving, self.now_title]
        for artist in self.view.animated:
            artist.set_animated(True)
        self.view.refresh(full=True)

    def _draw_bars(self, now, reach) -> None:
        rows = np.arange(len(self.run.names))
        self.bars = now.barh(rows, np.zeros(len(rows)))
        now.set_yticks(rows, [f"w{i} {n}" for i, n in enumerate(self.run.names)], fontsize=7)
        now.invert_yaxis()
        now.set_xlim(-reach, reach)
        now.axvline(0, color="k", lw=0.8)
        now.set_xlabel("weight")
        self.moving = list(self.bars)

    def _draw_plane(self, now) -> None:
        X, t = self.run.X[:, 1:], self.run.t
        now.scatter(X[:, 0], X[:, 1], c=t, cmap="RdBu", vmin=0, vmax=1, s=120, edgecolors="k",
                    zorder=3)
        for i, (a, b) in enumerate(X):
            now.annotate(f"row {i + 1}", (a, b), xytext=(8, -12), textcoords="offset points",
                         fontsize=7)
        (self.line,) = now.plot([], [], "k-", lw=2)
        (self.ring,) = now.plot([], [], "o", ms=18, mfc="none", mec="#ff7f0e", mew=2.5)
        now.set_xlim(PLANE[0], PLANE[1])
        now.set_ylim(PLANE[0], PLANE[1])
        now.set_xlabel("x1 (blue: target 1, red: 0; black: w·x = 0)", fontsize=8)
        now.set_ylabel("x2")
        self.moving = [self.line, self.ring]

    def _redraw_now(self, u) -> None:
        if self.plane:
            self.line.set_data(*boundary_points(u.w_after[1], u.w_after[2], u.w_after[0],
                                                *PLANE))
            self.ring.set_data([u.x[1]], [u.x[2]])
            return
        for bar, v in zip(self.bars, u.w_after):
            bar.set_width(v)
            bar.set_color("#d62728" if v < 0 else "#1f77b4")

    def update(self) -> None:
        if self._hold:
            return
        run, k = self.run, int(self.controls["update"].value)
        self.current = u = run.updates[k]          # read by the text, the figure and state()
        self.marker.set_xdata([k + 1, k + 1])
        self._redraw_now(u)
        self.now_title.set_text(f"after update {k + 1} (pass {u.pass_no}, row {u.row + 1})")
        self.view.refresh()
        verdict = "right: nothing changes" if not u.changed else (
            "wrong: the weights move by Δw = η·(t − ŷ)·x")
        self.readout.value = (
            f"<b>Update {k + 1} of {len(run.updates)}</b> (pass {u.pass_no}, row {u.row + 1}): "
            f"x = {_vec(u.x)}<br>z = w·x = {u.z:g}, ŷ = step(z) = {u.y_hat:g}, target t = "
            f"{u.target:g}, error t − ŷ = {u.error:g} — {verdict}<br>Δw = {_vec(u.dw)}<br>"
            f"w after = {_vec(u.w_after)}<br><i>{html.escape(run.outcome())}</i>")

    def state(self) -> dict:
        run, u, c = self.run, self.current, self.controls
        return {"data": c["data"].value, "lr": round(float(c["lr"].value), 3),
                "max_passes": int(c["max_passes"].value), "update": int(c["update"].value),
                "n_updates": len(run.updates), "pass_no": u.pass_no, "row": u.row + 1,
                "z": round(u.z, 6), "y_hat": u.y_hat, "target": u.target, "error": u.error,
                "dw": [round(float(v), 6) for v in u.dw],
                "w_after": [round(float(v), 6) for v in u.w_after],
                "rows_right_after": run.rows_right(u.w_after), "passes": run.passes,
                "settled": run.settled, "cycle": list(run.cycle) if run.cycle else None,
                "outcome": run.outcome()}


class LineFitExplorer(Explorer):
    def __init__(self, m=1.0, c=0.0, x=NOTEBOOK_X, y=NOTEBOOK_Y):
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.controls = {"m": slider("slope m", m, -2.0, 5.0, 0.05),
                         "c": slider("intercept c", c, -5.0, 5.0, 0.05)}
        self.mark_main(self.controls["m"])
        fig, ax = new_figure(480, 320)
        ax.scatter(self.x, self.y, color="#1f77b4", zorder=3, label="data")
        lo, hi = self.x.min() - 0.5, self.x.max() + 0.5
        self.xs = np.array([lo, hi])
        first = line_error(self.x, self.y, m, c)
        ax.plot(self.xs, first["m_ls"] * self.xs + first["c_ls"], "--", color="#2ca02c",
                label=f"least squares y = {first['m_ls']:.3f}·x + {first['c_ls']:.3f}")
        (self.line,) = ax.plot([], [], color="#d62728", lw=2, label="your line")
        self.res = [ax.plot([], [], color="#d62728", lw=0.8, alpha=0.7)[0] for _ in self.x]
        ax.set_xlim(lo, hi)
        ax.set_ylim(min(self.y.min(), 0) - 3, self.y.max() + 3)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        self.title = ax.set_title("mean squared error 00.000 (least squares 0.000)", fontsize=9)
        ax.legend(fontsize=7, loc="upper left")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        self.view = FigureView(fig, "the points, your line and the least-squares line",
                               animated=[self.line, *self.res, self.title])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for control in self.controls.values():
            self.watch(control, lambda _ch: self.update())
        self.widget = W.VBox([W.HBox([self.controls["m"], self.controls["c"]]), self.readout,
                              self.view.image])
        self.update()

    def update(self) -> None:
        m, c = float(self.controls["m"].value), float(self.controls["c"].value)
        self.err = e = line_error(self.x, self.y, m, c)    # read by everything below
        self.line.set_data(self.xs, m * self.xs + c)
        for seg, xi, yi, pi in zip(self.res, self.x, self.y, e["pred"]):
            seg.set_data([xi, xi], [yi, pi])
        self.title.set_text(f"mean squared error {e['mse']:.3f} (least squares {e['mse_ls']:.3f})")
        self.view.refresh()
        self.readout.value = (
            f"your line y = {m:.2f}·x + {c:.2f}: mean squared error <b>{e['mse']:.4f}</b>"
            f"<br>least squares y = {e['m_ls']:.4f}·x + {e['c_ls']:.4f}: mean squared error "
            f"<b>{e['mse_ls']:.4f}</b> (no line does better)")

    def state(self) -> dict:
        e = self.err
        return {"m": round(float(self.controls["m"].value), 4),
                "c": round(float(self.controls["c"].value), 4), "mse": round(e["mse"], 4),
                "m_ls": round(e["m_ls"], 4), "c_ls": round(e["c_ls"], 4),
                "mse_ls": round(e["mse_ls"], 4),
                "excess": round(e["mse"] - e["mse_ls"], 4)}


def perceptron_explorer() -> PerceptronExplorer:
    return PerceptronExplorer()


def line_fit_explorer() -> LineFitExplorer:
    return LineFitExplorer()
