"""Drawings and explorers of notebook 08: the time-step explorer, the gradient-flow explorer
and the attention explorer, plus static drawings (the three architectures, training curves).

Every figure is made by nnlab.views.ui.new_figure (outside pyplot) and drawn once; a slider change
updates the artists and re-encodes the PNG.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..core import validate as V
from ..engine import attention as A
from ..engine import rnn as R
from ..engine.rnn_symbolic import TEXT
from .ui import Explorer, FigureView, new_figure, png_bytes, slider

COLORS = {"rnn": "#1f77b4", "gru": "#2ca02c", "lstm": "#d62728"}
GATE_COLORS = {"a": "#7f7f7f", "r": "#9467bd", "z": "#ff7f0e", "n": "#17becf", "i": "#2ca02c",
               "f": "#ff7f0e", "g": "#17becf", "o": "#9467bd", "c": "#8c564b", "h": "#1f77b4"}


def show(fig):
    """A static figure as an IPython Image (PNG), the figure then cleared."""
    from IPython.display import Image

    data = png_bytes(fig)
    fig.clear()
    return Image(data=data, format="png")


def _fmt_vec(v) -> str:
    return "[" + ", ".join(f"{float(a):+.3f}" for a in np.ravel(v)) + "]"


# -- static drawings ----------------------------------------------------------------------------
def draw_architectures(T: int = 4):
    """many-to-one, one-to-many and many-to-many drawn as unrolled cells."""
    T = V.positive_int("T", T, minimum=2, maximum=8)
    fig, axes = new_figure(900, 280, ncols=3)
    kinds = [("many-to-one\n(sentiment of a sentence)", [True] * T, [False] * (T - 1) + [True]),
             ("one-to-many\n(generate a sequence)", [True] + [False] * (T - 1), [True] * T),
             ("many-to-many\n(tag every step)", [True] * T, [True] * T)]
    for ax, (title, ins, outs) in zip(axes, kinds):
        for t in range(T):
            ax.add_patch(_box(t, 1.0, "#cfe2f3"))
            ax.text(t, 1.0, f"h{t + 1}", ha="center", va="center", fontsize=9)
            if t:
                ax.annotate("", xy=(t - 0.3, 1.0), xytext=(t - 0.7, 1.0),
                            arrowprops=dict(arrowstyle="->", color="#444"))
            if ins[t]:
                ax.add_patch(_box(t, 0.0, "#d9ead3"))
                ax.text(t, 0.0, f"x{t + 1}", ha="center", va="center", fontsize=9)
                ax.annotate("", xy=(t, 0.72), xytext=(t, 0.28),
                            arrowprops=dict(arrowstyle="->", color="#444"))
            if outs[t]:
                ax.add_patch(_box(t, 2.0, "#f4cccc"))
                ax.text(t, 2.0, f"y{t + 1}", ha="center", va="center", fontsize=9)
                ax.annotate("", xy=(t, 1.72), xytext=(t, 1.28),
                            arrowprops=dict(arrowstyle="->", color="#444"))
        ax.set_xlim(-0.6, T - 0.4)
        ax.set_ylim(-0.5, 2.5)
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
    fig.tight_layout()
    return fig


def _box(x, y, color):
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch((x - 0.28, y - 0.28), 0.56, 0.56, boxstyle="round,pad=0.02",
                          facecolor=color, edgecolor="#444")


def draw_training(histories: dict, title: str = "training loss"):
    """Loss curves (name -> history from SequenceModel.fit), smoothed over 20 steps."""
    fig, ax = new_figure(560, 300)
    for name, h in histories.items():
        loss = np.asarray(h["loss"])
        k = min(20, len(loss))
        smooth = np.convolve(loss, np.ones(k) / k, mode="valid")
        ax.plot(np.arange(len(smooth)) + k, smooth, label=name,
                color=COLORS.get(name.split()[0].lower(), None))
    ax.set_xlabel("training step")
    ax.set_ylabel("loss (moving average)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def draw_sequences(xs, ys_true, ys_pred, title: str, labels=("target", "prediction")):
    """One-to-many / many-to-many results: true and predicted sequences of a few samples."""
    fig, ax = new_figure(560, 280)
    T = len(ys_true[0])
    for k, (yt, yp) in enumerate(zip(ys_true, ys_pred)):
        ax.plot(range(1, T + 1), yt, "-", color=f"C{k}", label=f"{labels[0]} {k + 1}")
        ax.plot(range(1, T + 1), yp, "o", color=f"C{k}", ms=4, label=f"{labels[1]} {k + 1}")
    ax.set_xlabel("time step t")
    ax.set_ylabel("value")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


# -- 1. the time-step explorer ------------------------------------------------------------------
DEFAULT_INPUTS = (1.0, 0.5, -0.5, -1.0, 0.0, 0.8, 0.3, -0.2)


class TimeStepExplorer(Explorer):
    """Step through a short sequence in an RNN, GRU or LSTM cell (hidden size 2, input 1).

    Controls: the cell, the time step t (main), the input x_t at that step, a chosen weight
    and its value. Shows every gate of step t as bars, h (and c) over time, and the formulas
    with the numbers of step t.
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
        T = self.inputs.size
        self.controls = {
            "cell": W.Dropdown(options=[("RNN (tanh)", "rnn"), ("GRU", "gru"), ("LSTM", "lstm")],
                               value=cell, description="cell"),
            "t": W.IntSlider(value=1, min=1, max=T, description="time step t",
                             continuous_update=False, style={"description_width": "initial"}),
            "x": slider("input x_t", float(self.inputs[0]), -2.0, 2.0, 0.1),
            "weight": W.Dropdown(options=self._weight_options(cell), description="weight",
                                 layout=W.Layout(width="260px")),
            "value": slider("its value", 0.0, -3.0, 3.0, 0.05),
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
            c.observe(getattr(self, f"_on_{name}"), names="value")
        self.widget = W.VBox([W.HBox([self.controls["cell"], self.controls["t"]]),
                              W.HBox([self.controls["x"]]),
                              W.HBox([self.controls["weight"], self.controls["value"]]),
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

    # callbacks ---------------------------------------------------------------------------
    def _on_cell(self, _=None):
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

    def _on_t(self, _=None):
        self._quiet = True
        try:
            self.controls["x"].value = float(self.inputs[self.controls["t"].value - 1])
        finally:
            self._quiet = False
        self.update()

    def _on_x(self, change=None):
        if self._quiet:
            return
        self.inputs[self.controls["t"].value - 1] = float(self.controls["x"].value)
        self.update()

    def _on_weight(self, _=None):
        if self._quiet:
            return
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
        lo = -1.05 if cell != "lstm" else -2.05
        ax.set_ylim(lo, -lo)
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

    def state(self) -> dict:
        run = self.run()
        t = int(self.controls["t"].value)
        cell = run.cell
        g = run.gates[t - 1]
        out = {"cell": cell, "t": t, "x_t": round(float(self.inputs[t - 1]), 4)}
        for name in R.GATES[cell]:
            if name != "a":
                out[name] = [round(float(v), 4) for v in g[name][0]]
        if cell == "lstm":
            out["c"] = [round(float(v), 4) for v in run.cs[t, 0]]
        out["h"] = [round(float(v), 4) for v in run.hs[t, 0]]
        return out

    def update(self, full: bool = False) -> None:
        run = self.run()
        cell, t = run.cell, int(self.controls["t"].value)
        g = run.gates[t - 1]
        vals = {n: g[n][0] for n in R.GATES[cell] if n != "a"}
        vals["h"] = run.hs[t, 0]
        if cell == "lstm":
            vals["c"] = run.cs[t, 0]
        for bar, (n, u) in zip(self._bars, self._bar_items(cell)):
            bar.set_height(float(vals[n][u]))
        self._bar_title.set_text(f"{cell.upper()} at step t = {t}: gates and state")
        self._x_line.set_ydata(self.inputs)
        for u, line in enumerate(self._h_lines):
            line.set_ydata(run.hs[:, 0, u])
        self._t_line.set_xdata([t, t])
        self.view.refresh(full=full)
        self.readout.value = self._formulas(run, t)

    def _formulas(self, run, t):
        cell, g = run.cell, run.gates[t - 1]
        p = run.params
        x = run.xs[t - 1, 0]
        h_prev = run.hs[t - 1, 0]
        H = self.HIDDEN
        rows = [f"<b>step t = {t}</b>: x_t = {float(x[0]):+.3f}, h_(t-1) = {_fmt_vec(h_prev)}"
                + (f", c_(t-1) = {_fmt_vec(run.cs[t - 1, 0])}" if cell == "lstm" else "")]
        pre_all = x @ p["W_ih"].T + p["b_ih"] + h_prev @ p["W_hh"].T + p["b_hh"]
        for k, (name, formula) in enumerate(TEXT[cell]):
            letter = name[0]
            if cell == "rnn":
                val = f"tanh({_fmt_vec(pre_all)}) = {_fmt_vec(run.hs[t, 0])}"
            elif letter in R.GATES[cell]:
                j = R.GATES[cell].index(letter)
                if cell == "gru" and letter == "n":
                    gi = x @ p["W_ih"].T[:, 2 * H:] + p["b_ih"][2 * H:]
                    val = (f"tanh({_fmt_vec(gi)} + {_fmt_vec(g['r'][0])} ⊙ {_fmt_vec(g['hn'][0])})"
                           f" = {_fmt_vec(g['n'][0])}")
                else:
                    fn = "tanh" if letter in ("g", "n") else "σ"
                    val = f"{fn}({_fmt_vec(pre_all[j * H:(j + 1) * H])}) = {_fmt_vec(g[letter][0])}"
            elif letter == "c":
                val = _fmt_vec(run.cs[t, 0])
            else:
                val = _fmt_vec(run.hs[t, 0])
            rows.append(f"<code>{name} = {formula}</code><br>&nbsp;&nbsp;= {val}")
        return "<br>".join(rows)


def factory() -> TimeStepExplorer:
    """The main explorer of notebook 08 (named in its metadata)."""
    return TimeStepExplorer()


# -- 2. vanishing and exploding gradients ------------------------------------------------------
class GradientFlowExplorer(Explorer):
    """‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ for every earlier t, RNN vs GRU vs LSTM (log scale).

    Sliders: the recurrent-weight scale (main), the sequence length T, the gate bias (forget
    gate of the LSTM, update gate of the GRU) and the RNN's nonlinearity.
    """

    FLOOR, CEIL = 1e-16, 1e8

    def __init__(self, scale: float = 1.0, T: int = 30, gate_bias: float = 0.0,
                 hidden_size: int = 8, seed: int = 0):
        self.hidden_size, self.seed = hidden_size, seed
        self.controls = {
            "scale": slider("recurrent-weight scale", scale, 0.25, 3.0, 0.05),
            "T": W.IntSlider(value=T, min=2, max=80, description="sequence length T",
                             continuous_update=False, style={"description_width": "initial"}),
            "gate_bias": slider("gate bias b (keep the memory)", gate_bias, -3.0, 5.0, 0.25),
            "nonlinearity": W.Dropdown(options=["tanh", "relu"], value="tanh",
                                       description="RNN act."),
        }
        self.mark_main(self.controls["scale"])
        fig, ax = new_figure(640, 320)
        self.fig, self.ax = fig, ax
        self.lines = {c: ax.semilogy([0], [1], "-", color=COLORS[c], label=c.upper(), lw=1.8)[0]
                      for c in R.CELLS}
        self.lines["lstm_c"] = ax.semilogy([0], [1], "--", color=COLORS["lstm"], lw=1.2,
                                           label="LSTM, along the cell state c")[0]
        ax.set_ylim(self.FLOOR, self.CEIL)
        ax.set_xlim(0, self.controls["T"].max)
        ax.set_xlabel("steps back from the end, T − t (the loss reads h_T, at 0)")
        ax.set_ylabel("‖∂L/∂h_t‖ / ‖∂L/∂h_T‖")
        self.title = ax.set_title("gradient reaching step t, scale 0.00, gate bias 0.00", fontsize=10)
        ax.grid(alpha=0.3, which="major")
        ax.legend(fontsize=8, loc="lower right")
        fig.tight_layout()
        self.view = FigureView(fig, "gradient norm reaching each earlier time step",
                               animated=[*self.lines.values(), self.title])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            c.observe(self._on_change, names="value")
        self.widget = W.VBox([W.HBox([self.controls["scale"], self.controls["T"]]),
                              W.HBox([self.controls["gate_bias"], self.controls["nonlinearity"]]),
                              self.view.image, self.readout])
        self.update()

    def _on_change(self, _=None):
        self.update()

    def curves(self) -> dict:
        c = self.controls
        kw = dict(T=int(c["T"].value), scale=float(c["scale"].value),
                  hidden_size=self.hidden_size, gate_bias=float(c["gate_bias"].value),
                  seed=self.seed)
        lstm_h, lstm_c = R.gradient_flow("lstm", wrt="both", **kw)
        return {"rnn": R.gradient_flow("rnn", nonlinearity=c["nonlinearity"].value, **kw),
                "gru": R.gradient_flow("gru", **kw), "lstm": lstm_h, "lstm_c": lstm_c}

    def state(self) -> dict:
        cur = self.curves()
        c = self.controls
        s = {"scale": round(float(c["scale"].value), 4), "T": int(c["T"].value),
             "gate_bias": round(float(c["gate_bias"].value), 4),
             "nonlinearity": c["nonlinearity"].value}
        for k, v in cur.items():
            s[f"{k}_t0"] = float(f"{v[0]:.3g}")
        return s

    def update(self) -> None:
        cur = self.curves()
        T = int(self.controls["T"].value)
        back = T - np.arange(T + 1)     # steps back from the end: a fixed axis, no full redraw
        for k, v in cur.items():
            self.lines[k].set_data(back, np.clip(v, self.FLOOR, self.CEIL))
        self.title.set_text(f"gradient reaching step t, scale {self.controls['scale'].value:.2f}, "
                            f"gate bias {self.controls['gate_bias'].value:.2f}")
        self.view.refresh()
        self.readout.value = ("‖∂L/∂h_0‖ relative to ‖∂L/∂h_T‖: " + ", ".join(
            f"{k.upper().replace('_C', ' (c)')} <b>{v[0]:.3g}</b>" for k, v in cur.items()))


# -- 3. attention: "bank" in context --------------------------------------------------------
class AttentionExplorer(Explorer):
    """"the <w> bank": slide <w> from "river" to "money" and watch bank's representation move."""

    AXES = ("money", "nature", "grammar")

    def __init__(self, context: float = 0.0, sharpness: float = 3.0):
        self.vectors = A.bank_vectors()
        self.controls = {"context": slider("context word: river → money", context, 0.0, 1.0, 0.05),
                         "sharpness": slider("sharpness of W_q", sharpness, 0.0, 10.0, 0.25)}
        self.mark_main(self.controls["context"])
        fig, (ax1, ax2) = new_figure(760, 300, ncols=2)
        self.fig = fig
        r = A.bank_in_context(context, sharpness, self.vectors)
        self.im = ax1.imshow(r["attention"].weights, vmin=0, vmax=1, cmap="Blues")
        labels = ["the", "context", "bank"]
        ax1.set_xticks(range(3), labels)
        ax1.set_yticks(range(3), labels)
        ax1.set_xlabel("key (attended word)")
        ax1.set_ylabel("query (word being updated)")
        ax1.set_title("attention weights softmax(QKᵀ/√d_k)", fontsize=10)
        self.cell_text = [ax1.text(j, 2, "", ha="center", va="center", fontsize=9)
                          for j in range(3)]   # the row of "bank" (fewer texts: faster redraw)
        xs = np.arange(3)
        self.bars_static = ax2.bar(xs - 0.2, r["static"], 0.4, color="#bbbbbb",
                                   label="bank, static vector")
        self.bars_ctx = ax2.bar(xs + 0.2, r["contextual"], 0.4, color="#1f77b4",
                                label="bank after attention")
        ax2.set_xticks(xs, self.AXES)
        ax2.set_ylim(0, 1)
        ax2.set_ylabel("component")
        self.title2 = ax2.set_title("bank: cos to money 0.000, to river 0.000", fontsize=10)
        ax2.legend(fontsize=8, loc="upper right")
        ax2.grid(alpha=0.3, axis="y")
        fig.tight_layout()
        self.view = FigureView(fig, "attention weights and the vector of bank",
                               animated=[self.im, *self.cell_text,
                                         *self.bars_ctx, self.title2])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            c.observe(self._on_change, names="value")
        self.widget = W.VBox([W.HBox(list(self.controls.values())), self.view.image,
                              self.readout])
        self.update()

    def _on_change(self, _=None):
        self.update()

    def result(self):
        return A.bank_in_context(float(self.controls["context"].value),
                                 float(self.controls["sharpness"].value), self.vectors)

    def state(self) -> dict:
        r = self.result()
        return {"context": round(float(self.controls["context"].value), 4),
                "sharpness": round(float(self.controls["sharpness"].value), 4),
                "bank_weights": [round(float(v), 4) for v in r["attention"].weights[2]],
                "bank_vector": [round(float(v), 4) for v in r["contextual"]],
                "cos_money": round(r["cos_money"], 4), "cos_river": round(r["cos_river"], 4)}

    def update(self) -> None:
        r = self.result()
        w = r["attention"].weights
        self.im.set_array(w)
        for j, t in enumerate(self.cell_text):
            t.set_text(f"{w[2, j]:.2f}")
            t.set_color("white" if w[2, j] > 0.6 else "black")
        for b, v in zip(self.bars_ctx, r["contextual"]):
            b.set_height(float(v))
        self.title2.set_text(f"bank: cos to money {r['cos_money']:.3f}, to river {r['cos_river']:.3f}")
        self.view.refresh()
        self.readout.value = (
            f"bank attends to [the, context, bank] with weights {_fmt_vec(w[2])}; its new vector "
            f"{_fmt_vec(r['contextual'])} (static {_fmt_vec(r['static'])}). cos(bank, money) = "
            f"<b>{r['cos_money']:.3f}</b> (static {r['static_cos_money']:.3f}), cos(bank, river) = "
            f"<b>{r['cos_river']:.3f}</b> (static {r['static_cos_river']:.3f}).")
