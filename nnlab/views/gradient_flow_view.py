"""The gradient-flow explorer of notebook 08: ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ through time, RNN vs GRU vs LSTM.

Every curve and every number of its readout is `nnlab.engine.rnn.gradient_flow`'s result.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..engine import rnn as R
from .rnn_figures import COLORS
from .ui import Explorer, FigureView, new_figure, slider


class GradientFlowExplorer(Explorer):
    """‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ for every earlier t, RNN vs GRU vs LSTM (log scale).

    Sliders: the recurrent-weight scale (main), the sequence length T, the gate bias (forget
    gate of the LSTM, update gate of the GRU) and the RNN's nonlinearity.
    """

    def __init__(self, scale: float = 1.0, T: int = 30, gate_bias: float = 0.0,
                 hidden_size: int = 8, seed: int = 0):
        self.hidden_size, self.seed = hidden_size, seed
        self.controls = {
            "scale": slider("recurrent-weight scale", scale, 0.25, 3.0, 0.05, width="400px"),
            "T": W.IntSlider(value=T, min=2, max=80, description="sequence length T",
                             continuous_update=False, style={"description_width": "initial"},
                             layout=W.Layout(width="400px")),
            "gate_bias": slider("gate bias b (keep the memory)", gate_bias, -3.0, 5.0, 0.25,
                                width="440px"),
            "nonlinearity": W.Dropdown(options=["tanh", "relu"], value="tanh",
                                       description="RNN act."),
        }
        self.mark_main(self.controls["scale"])
        fig, ax = new_figure(760, 320)
        self.fig, self.ax = fig, ax
        self.lines = {c: ax.semilogy([0], [1], "-", color=COLORS[c], label=c.upper(), lw=1.8)[0]
                      for c in R.CELLS}
        self.lines["lstm_c"] = ax.semilogy([0], [1], "--", color=COLORS["lstm"], lw=1.2,
                                           label="LSTM, along c")[0]
        ax.set_xlabel("steps back from the end, T − t (the loss reads h_T, at 0)")
        ax.set_ylabel("‖∂L/∂h_t‖ / ‖∂L/∂h_T‖")
        self.title = ax.set_title("gradient reaching step t, scale 0.00, gate bias 0.00", fontsize=10)
        ax.grid(alpha=0.3, which="major")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))   # beside the curves
        fig.tight_layout()
        self.view = FigureView(fig, "gradient norm reaching each earlier time step",
                               animated=[*self.lines.values(), self.title])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        wrap = W.Layout(flex_flow="row wrap")   # on a narrow page a slider moves down, never shrinks
        self.widget = W.VBox([W.HBox([self.controls["scale"], self.controls["T"]], layout=wrap),
                              W.HBox([self.controls["gate_bias"], self.controls["nonlinearity"]],
                                     layout=wrap),
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

    def follow_data(self, cur: dict, T: int) -> bool:
        """Axis limits that show every curve; True when they changed (the background must then be
        redrawn, which costs several blits: so the limits move in steps and only when needed).

        y: whole decades, with two decades of margin, kept while every curve fits inside them and
        they are at most six decades looser than needed (a gradient of 0 is drawn at the bottom);
        x: 0 to T rounded up to a multiple of 10."""
        vals = np.concatenate(list(cur.values()))
        pos = vals[vals > 0]
        lo = min(-2, int(np.floor(np.log10(pos.min())))) if pos.size else -2
        hi = max(1, int(np.ceil(np.log10(pos.max())))) if pos.size else 1
        xmax = 10 * int(np.ceil(T / 10))
        old = getattr(self, "_limits", None)
        if old is not None and old[2] == xmax and lo - 6 <= old[0] <= lo and hi <= old[1] <= hi + 6:
            return False
        self._limits = (max(lo - 2, -300), min(hi + 2, 300), xmax)
        self.ax.set_ylim(10.0 ** self._limits[0], 10.0 ** self._limits[1])
        self.ax.set_xlim(0, xmax)
        return True

    def update(self) -> None:
        cur = self.curves()
        T = int(self.controls["T"].value)
        back = T - np.arange(T + 1)     # steps back from the end
        full = self.follow_data(cur, T)
        for k, v in cur.items():
            self.lines[k].set_data(back, np.clip(v, self.ax.get_ylim()[0], None))
        self.title.set_text(f"gradient reaching step t, scale {self.controls['scale'].value:.2f}, "
                            f"gate bias {self.controls['gate_bias'].value:.2f}")
        self.view.refresh(full=full)
        self.readout.value = ("‖∂L/∂h_0‖ relative to ‖∂L/∂h_T‖: " + ", ".join(
            f"{k.upper().replace('_C', ' (c)')} <b>{v[0]:.3g}</b>" for k, v in cur.items()))


def factory() -> GradientFlowExplorer:
    """The gradient-flow explorer as notebook 08 shows it."""
    return GradientFlowExplorer(scale=1.0, T=30, gate_bias=0.0)
