"""Notebook 08's main explorer (the time-step explorer). Its static drawings (the three
architectures, training curves, generated sequences) are in nnlab.views.rnn_figures (also
reachable from here, as the notebook calls them); the other two explorers of notebook 08 are
in nnlab.views.gradient_flow_view and nnlab.views.attention_view.

Every figure is made by nnlab.views.ui.new_figure (outside pyplot) and drawn once; a slider change
updates the artists and re-encodes the PNG. The time-step explorer's bars, formulas and `state()`
are read from `SequenceRun.step(t)`: what the cells computed, never recomputed here.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..core import validate as V
from ..engine import rnn as R
from ..engine.rnn.symbolic import TEXT
from .rnn_figures import COLORS, draw_architectures, draw_sequences, draw_training, show  # noqa: F401
from .ui import Explorer, FigureView, new_figure, slider

GATE_COLORS = {"a": "#7f7f7f", "r": "#9467bd", "z": "#ff7f0e", "n": "#17becf", "i": "#2ca02c",
               "f": "#ff7f0e", "g": "#17becf", "o": "#9467bd", "c": "#8c564b", "h": "#1f77b4"}


def fmt_vec(v) -> str:
    """A vector as shown in the explanations: [+0.123, -0.456]."""
    return "[" + ", ".join(f"{float(a):+.3f}" for a in np.ravel(v)) + "]"


# -- 1. the time-step explorer ------------------------------------------------------------------
DEFAULT_INPUTS = (1.0, 0.5, -0.5, -1.0, 0.0, 0.8, 0.3, -0.2)


class TimeStepExplorer(Explorer):
    """Step through a short sequence in an RNN, GRU or LSTM cell (hidden size 2, input 1).

    Controls: the cell, the time step t (main), the input x_t at that step, a chosen weight
    and its value. The controls are the whole state (so a preset line restores it): the input
    slider edits x_t of the step shown, and the text box `inputs` shows (and takes) the whole
    input sequence; the value slider edits the chosen weight, the others keep their original
    values. Shows every gate of step t as bars, h (and c) over time, and the formulas with the
    numbers of step t.
    """

    HIDDEN = 2

    def __init__(self, cell: str = "gru", inputs=DEFAULT_INPUTS, seed: int = 0):
        cell = V.choice("cell", cell, R.CELLS)
        self.inputs = V.finite_array("inputs", inputs, ndim=1).copy()
        if self.inputs.size < 2:
            V.fail("inputs", "at least 2 input values", self.inputs.size)
        self.seed = seed
        self.params = {c: R.init_params(c, 1, self.HIDDEN, seed=seed + k)
                       for k, c in enumerate(R.CELLS)}
        # what Reset brings back besides the controls: the inputs and weights they edit
        self.default_inputs = self.inputs.copy()
        self.default_params = {c: {n: a.copy() for n, a in p.items()} for c, p in self.params.items()}
        T = self.inputs.size
        self.controls = {
            "cell": W.Dropdown(options=[("RNN (tanh)", "rnn"), ("GRU", "gru"), ("LSTM", "lstm")],
                               value=cell, description="cell"),
            "inputs": W.Text(value=format_inputs(self.inputs), description="inputs x_1…x_T",
                             continuous_update=False, style={"description_width": "initial"},
                             layout=W.Layout(width="420px")),
            "t": W.IntSlider(value=1, min=1, max=T, description="time step t",
                             continuous_update=False, style={"description_width": "initial"},
                             layout=W.Layout(width="360px")),
            "x": slider("input x_t", float(self.inputs[0]), *X_RANGE, 0.1, width="360px"),
            "weight": W.Dropdown(options=self._weight_options(cell), description="weight",
                                 layout=W.Layout(width="300px")),
            "value": slider("its value", 0.0, -3.0, 3.0, 0.05, width="360px"),
        }
        self.mark_main(self.controls["t"])
        self._quiet = False
        self.controls["value"].value = self._weight_value()
        self.fig, (self.ax_bar, self.ax_time) = new_figure(760, 300, ncols=2,
                                                           gridspec_kw={"width_ratios": [3, 2]})
        self._build_axes()
        self.view = FigureView(self.fig, "gate values at step t and the hidden state over time",
                               animated=self._animated())
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for name, c in self.controls.items():
            self.watch(c, getattr(self, f"_on_{name}"))
        wrap = W.Layout(flex_flow="row wrap")
        self.widget = W.VBox([W.HBox([self.controls["cell"], self.controls["t"]], layout=wrap),
                              W.HBox([self.controls["x"], self.controls["inputs"]], layout=wrap),
                              W.HBox([self.controls["weight"], self.controls["value"]], layout=wrap),
                              self.view.image, self.readout])
        self.update()

    # weights -----------------------------------------------------------------------------
    def _weight_options(self, cell):
        H, opts = self.HIDDEN, []
        for k, g in enumerate(R.GATES[cell]):
            for u in range(H):
                row = k * H + u
                tag = "" if cell == "rnn" else g
                opts.append((f"W_i{tag}[{u + 1}] (x → unit {u + 1})", ("W_ih", row, 0)))
                for v in range(H):
                    opts.append((f"W_h{tag}[{u + 1},{v + 1}] (h{v + 1} → unit {u + 1})",
                                 ("W_hh", row, v)))
                opts.append((f"b_i{tag}[{u + 1}]", ("b_ih", row, None)))
        return opts

    def _weight_value(self):
        name, row, col = self.controls["weight"].value
        p = self.params[self.controls["cell"].value][name]
        return float(p[row] if col is None else p[row, col])

    def reset_controls(self, *_ignored) -> None:
        """The controls, the inputs and the weights back to what the explorer was made with."""
        self.inputs[:] = self.default_inputs
        self.restore_params()
        super().reset_controls()
        self.update(full=True)

    def apply_preset(self, text: str) -> None:
        """As Explorer.apply_preset, but the cell first: the weight's choices depend on the cell."""
        cell = [p for p in str(text).split(";") if p.split("=")[0].strip() == "cell"]
        before = self.control_values()
        try:
            if cell:
                super().apply_preset(cell[0])
            super().apply_preset(text)
        except ValueError:
            self.set_control_values(before)
            raise

    # callbacks ---------------------------------------------------------------------------
    def restore_params(self) -> None:
        """Every weight back to the explorer's original (only the chosen weight differs from them)."""
        for c, p in self.default_params.items():
            for n, a in p.items():
                self.params[c][n][...] = a

    def _on_cell(self, _=None):
        self.restore_params()
        self._quiet = True
        try:
            self.controls["weight"].options = self._weight_options(self.controls["cell"].value)
            self.controls["value"].value = self._weight_value()
        finally:
            self._quiet = False
        self._build_axes()
        self.view.animated = self._animated()
        for artist in self.view.animated:
            artist.set_animated(True)
        self.update(full=True)

    def _animated(self):
        return [*self._bars, self._bar_title, self._x_line, *self._h_lines, self._t_line]

    def _show_input_of_step(self):
        """The x slider shows the input of the chosen step (without treating that as an edit)."""
        self._quiet = True
        try:
            self.controls["x"].value = float(self.inputs[self.controls["t"].value - 1])
        finally:
            self._quiet = False
        self.update()

    def _on_inputs(self, _=None):
        if self._quiet:
            return
        self.inputs[:] = parse_inputs(self.controls["inputs"].value, self.inputs.size)
        self._show_input_of_step()

    def _on_t(self, _=None):
        self._show_input_of_step()

    def _on_x(self, change=None):
        if self._quiet:
            return
        self.inputs[self.controls["t"].value - 1] = float(self.controls["x"].value)
        self._quiet = True
        try:
            self.controls["inputs"].value = format_inputs(self.inputs)
        finally:
            self._quiet = False
        self.update()

    def _on_weight(self, _=None):
        if self._quiet:
            return
        self.restore_params()                    # one edited weight at a time: the one chosen
        self._quiet = True
        try:
            self.controls["value"].value = self._weight_value()
        finally:
            self._quiet = False
        self.update()

    def _on_value(self, _=None):
        if self._quiet:
            return
        name, row, col = self.controls["weight"].value
        p = self.params[self.controls["cell"].value][name]
        if col is None:
            p[row] = float(self.controls["value"].value)
        else:
            p[row, col] = float(self.controls["value"].value)
        self.update()

    # computing ---------------------------------------------------------------------------
    def run(self):
        cell = self.controls["cell"].value
        return R.run_sequence(cell, self.inputs[:, None], self.params[cell])

    def _bar_items(self, cell):
        names = [g for g in R.GATES[cell] if g != "a"] + (["c"] if cell == "lstm" else []) + ["h"]
        return [(n, u) for n in names for u in range(self.HIDDEN)]

    def _build_axes(self):
        cell = self.controls["cell"].value
        ax = self.ax_bar
        ax.clear()
        items = self._bar_items(cell)
        xs = np.arange(len(items))
        self._bars = ax.bar(xs, np.zeros(len(items)), color=[GATE_COLORS[n] for n, _ in items])
        ax.set_xticks(xs, [f"{n}{u + 1}" for n, u in items], fontsize=8)
        ax.axhline(0, color="#444", lw=0.8)
        self._bar_limit = None          # set by update(): the axis follows the run's values
        ax.set_ylabel("value at step t")
        self._bar_title = ax.set_title("LSTM at step t = 1: gates and state", fontsize=10)
        ax.grid(alpha=0.3, axis="y")
        ax2 = self.ax_time
        ax2.clear()
        T = self.inputs.size
        ts = np.arange(0, T + 1)
        (self._x_line,) = ax2.plot(ts[1:], self.inputs, "s:", color="#7f7f7f", ms=3, label="x_t")
        self._h_lines = [ax2.plot(ts, np.zeros(T + 1), "o-", ms=3, color=f"C{u}",
                                  label=f"h{u + 1}")[0] for u in range(self.HIDDEN)]
        self._t_line = ax2.axvline(1, color="#d62728", lw=1)
        ax2.set_xlim(-0.3, T + 0.3)
        ax2.set_ylim(-2.1, 2.1)
        ax2.set_xlabel("time step t")
        ax2.set_title("hidden state over time", fontsize=10)
        ax2.grid(alpha=0.3)
        ax2.legend(fontsize=7, loc="lower left", ncol=3)
        self.fig.tight_layout()

    def step(self) -> R.Step:
        """Step t of the run, as the cells computed it."""
        return self.run().step(int(self.controls["t"].value))

    def state(self) -> dict:
        """Step t's gates and states (rounded to 4 places), and the same for every step: `series`
        name -> one [unit 1, unit 2] per step t = 1..T (h and c also at t = 0); `first_input_changed`
        and `first_h_changed`: the first step whose input / hidden state differs from the run on
        the explorer's original inputs with the same weights (None when none does)."""
        run = self.run()
        st = run.step(int(self.controls["t"].value))
        out = {"cell": st.cell, "t": st.t, "x_t": round(float(st.x[0]), 4)}
        out.update(step_values(st))
        steps = [step_values(run.step(t)) for t in range(1, run.T + 1)]
        series = {name: [s[name] for s in steps] for name in steps[0]}
        series["h"] = [rounded(run.hs[0, 0])] + series["h"]
        if run.cs is not None:
            series["c"] = [rounded(run.cs[0, 0])] + series["c"]
        out["series"] = series
        original = R.run_sequence(st.cell, self.default_inputs[:, None], self.params[st.cell])
        out["first_input_changed"] = first_true(self.inputs != self.default_inputs)
        out["first_h_changed"] = first_true(np.any(run.hs[1:, 0] != original.hs[1:, 0], axis=1))
        return out

    def update(self, full: bool = False) -> None:
        run = self.run()
        st = run.step(int(self.controls["t"].value))
        # gates lie in (−1, 1); the LSTM's cell state can grow by up to 1 per step: the bar axis
        # covers every value of the whole run, so it does not jump while t moves
        top = 1.0 if run.cs is None else max(1.0, float(np.max(np.abs(run.cs[:, 0]))))
        limit = 1.05 * (np.ceil(top * 4) / 4)
        if limit != self._bar_limit:
            self._bar_limit = limit
            self.ax_bar.set_ylim(-limit, limit)
            full = True
        vals = dict(st.gates, h=st.h)
        if st.c is not None:
            vals["c"] = st.c
        for bar, (n, u) in zip(self._bars, self._bar_items(st.cell)):
            bar.set_height(float(vals[n][u]))
        self._bar_title.set_text(f"{st.cell.upper()} at step t = {st.t}: gates and state")
        self._x_line.set_ydata(self.inputs)
        for u, line in enumerate(self._h_lines):
            line.set_ydata(run.hs[:, 0, u])
        self._t_line.set_xdata([st.t, st.t])
        self.view.refresh(full=full)
        self.readout.value = "<br>".join(explain_step(st))


X_RANGE = (-2.0, 2.0)   # the input slider's range


def format_inputs(xs) -> str:
    return ", ".join(f"{round(float(v), 4):g}" for v in xs)


def parse_inputs(text: str, T: int) -> np.ndarray:
    """The text box's input sequence: T numbers in the input slider's range, comma-separated."""
    lo, hi = X_RANGE
    try:
        xs = np.array([float(p) for p in str(text).split(",")])
    except ValueError:
        xs = None
    if xs is None or xs.size != T or not np.all(np.isfinite(xs)) or np.any((xs < lo) | (xs > hi)):
        raise ValueError(f"inputs: expected {T} numbers from {lo:g} to {hi:g} separated by commas, "
                         f"got {text!r}")
    return xs


def rounded(v) -> list:
    return [round(float(a), 4) for a in np.ravel(v)]


def step_values(st: R.Step) -> dict:
    """A step's gates, c (LSTM) and h, each a list over the hidden units, rounded to 4 places."""
    out = {name: rounded(v) for name, v in st.gates.items()}
    if st.c is not None:
        out["c"] = rounded(st.c)
    out["h"] = rounded(st.h)
    return out


def first_true(flags):
    """1-based index of the first True (None when there is none)."""
    hits = np.flatnonzero(np.asarray(flags))
    return int(hits[0]) + 1 if hits.size else None


def explain_step(st: R.Step) -> list[str]:
    """The formulas of one step with its numbers (HTML lines), every number read from `st`."""
    v = fmt_vec
    rows = [f"<b>step t = {st.t}</b>: x_t = {float(st.x[0]):+.3f}, h_(t-1) = {v(st.h_prev)}"
            + (f", c_(t-1) = {v(st.c_prev)}" if st.c is not None else "")]
    for name, formula in TEXT[st.cell]:
        k = name[0]
        if st.cell == "rnn":
            val = f"{st.nonlinearity}({v(st.pre['h'])}) = {v(st.h)}"
        elif st.cell == "gru" and k == "n":
            val = f"tanh({v(st.x_n)} + {v(st.gates['r'])} ⊙ {v(st.hn)}) = {v(st.gates['n'])}"
        elif k in st.gates:
            val = f"{'tanh' if k in ('g', 'n') else 'σ'}({v(st.pre[k])}) = {v(st.gates[k])}"
        elif k == "c":
            g = st.gates
            val = f"{v(g['f'])} ⊙ {v(st.c_prev)} + {v(g['i'])} ⊙ {v(g['g'])} = {v(st.c)}"
        elif st.cell == "gru":
            z = v(st.gates["z"])
            val = f"(1 − {z}) ⊙ {v(st.gates['n'])} + {z} ⊙ {v(st.h_prev)} = {v(st.h)}"
        else:
            val = f"{v(st.gates['o'])} ⊙ tanh({v(st.c)}) = {v(st.h)}"
        rows.append(f"<code>{name} = {formula}</code><br>&nbsp;&nbsp;= {val}")
    return rows


def factory() -> TimeStepExplorer:
    """The main explorer of notebook 08 (named in its metadata)."""
    return TimeStepExplorer()
