"""Explorers of notebook 03: an activation and its derivative, gradients through depth, softmax."""
from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..course.activations import FACTS
from ..engine import activations as A
from .ui import Explorer, FigureView, new_figure, slider

XS = np.linspace(-6.0, 6.0, 241)
WITH_ALPHA = ("leaky_relu", "prelu", "elu")


def _esc(s: str) -> str:
    return html.escape(s, quote=False)


class ActivationExplorer(Explorer):
    """Dropdown (activation) + sliders (input x, α): f and f' on one plot, the input marked."""

    def __init__(self, name="sigmoid", x=1.0, alpha=None):
        act = A.get(name)
        self.controls = {
            "name": W.Dropdown(options=[(A.get(n).title, n) for n in A.NAMES], value=act.name,
                               description="activation", style={"description_width": "initial"}),
            "x": slider("input x", x, -6, 6, 0.1),
            "alpha": slider("α (Leaky ReLU, PReLU, ELU)", 0.1, 0.0, 1.0, 0.01),
        }
        if alpha is not None:
            self.controls["alpha"].value = alpha
        self.mark_main(self.controls["x"])
        fig, ax = new_figure(520, 300)
        (self._f,) = ax.plot(XS, XS, color="#1f77b4", lw=2, label="f(x)")
        (self._d,) = ax.plot(XS, XS, color="#d62728", lw=1.5, ls="--", label="f'(x)")
        # markers not clipped: a dot at x = ±6 is drawn whole (and the axis leaves room for it)
        (self._pf,) = ax.plot([0], [0], "o", color="#1f77b4", clip_on=False, zorder=5)
        (self._pd,) = ax.plot([0], [0], "s", color="#d62728", clip_on=False, zorder=5)
        self._vx = ax.axvline(0.0, color="0.4", lw=0.8)
        ax.axhline(0.0, color="0.7", lw=0.6)
        ax.set_xlim(-6.3, 6.3)
        ax.set_xlabel("input x")
        ax.set_ylabel("value")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
        self._ax = ax
        self._title = ax.set_title("Leaky ReLU and its derivative")  # room for the title ...
        fig.tight_layout()  # ... is made here; update() sets the real one
        self.view = FigureView(fig, "the activation and its derivative",
                               animated=[self._pf, self._pd, self._vx])
        self.views = [self.view]
        self.formula = W.HTMLMath()
        self.readout = W.HTML()
        self.facts = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        self.widget = W.VBox([W.HBox([self.controls["name"], self.controls["x"]]),
                              self.controls["alpha"], self.formula, self.readout,
                              self.view.image, self.facts])
        self._shown = None
        self.update()

    def _on_change(self, _change=None):
        self.update()

    def activation(self) -> A.Activation:
        name = self.controls["name"].value
        if name in WITH_ALPHA:
            return A.get(name, alpha=float(self.controls["alpha"].value))
        return A.get(name)

    def state(self) -> dict:
        act = self.activation()
        x = round(float(self.controls["x"].value), 4)
        out = {"name": act.name, "x": x, "f": round(float(act.forward(x)), 6),
               "df": round(float(act.derivative(x)), 6),
               "range_notes": FACTS[act.name]["range_notes"], "range": FACTS[act.name]["range"]}
        if act.name in WITH_ALPHA:
            out["alpha"] = round(act.params["alpha"], 4)
        if act.name == "prelu":
            out["df_dalpha"] = round(A.prelu_alpha_gradient([x]), 6)
        return out

    def update(self) -> None:
        act = self.activation()
        self.controls["alpha"].disabled = act.name not in WITH_ALPHA
        s = self.state()
        key = (act.name, s.get("alpha"))
        if key != self._shown:  # the curves change only with the activation or α
            fy, dy = act.forward(XS), act.derivative(XS)
            self._f.set_data(XS, fy)
            self._d.set_data(XS, dy)
            lo, hi = min(fy.min(), dy.min()), max(fy.max(), dy.max())
            pad = 0.08 * (hi - lo) + 0.05
            self._ax.set_ylim(max(lo, -6.5) - pad, min(hi, 6.5) + pad)
            self._title.set_text(f"{act.title} and its derivative")
            self.formula.value = f"$${act.latex()}$$ $${act.derivative_latex()}$$"
            self.facts.value = facts_html(act)
            self._shown = key
            self._pf.set_data([s["x"]], [s["f"]])
            self._pd.set_data([s["x"]], [s["df"]])
            self._vx.set_xdata([s["x"], s["x"]])
            self.view.refresh(full=True)
        self._pf.set_data([s["x"]], [s["f"]])
        self._pd.set_data([s["x"]], [s["df"]])
        self._vx.set_xdata([s["x"], s["x"]])
        self.view.refresh()
        extra = (f" &nbsp; ∂f/∂α = <b>{s['df_dalpha']:.4f}</b> (PReLU learns α with it)"
                 if "df_dalpha" in s else "")
        self.readout.value = (f"x = {s['x']:.2f} &nbsp;→&nbsp; f(x) = <b>{s['f']:.4f}</b>, "
                              f"f'(x) = <b>{s['df']:.4f}</b>{extra}")


def facts_html(act: A.Activation) -> str:
    """What the notes say about `act` (nnlab.course.activations.FACTS) as HTML."""
    f = FACTS[act.name]

    def items(xs):
        return "".join(f"<li>{_esc(x)}</li>" for x in xs) or "<li>(none listed)</li>"

    slips = (f"<p style='color:#b3261e'><b>Slips in the notes:</b></p><ul>{items(f['slips'])}</ul>"
             if f["slips"] else "")
    return (f"<p><b>Range</b> (notes): {_esc(f['range_notes'])} &nbsp; <b>correct:</b> "
            f"{_esc(f['range'])}</p><p><b>Use</b></p><ul>{items(f['use'])}</ul>"
            f"<p><b>Pros</b></p><ul>{items(f['pros'])}</ul><p><b>Cons</b></p>"
            f"<ul>{items(f['cons'])}</ul>{slips}")


def activation_explorer(**kw) -> ActivationExplorer:
    return ActivationExplorer(**kw)


# ---------------------------------------------------------------------------------------------
DEPTH_NAMES = ("sigmoid", "tanh", "relu")
DEPTH_COLOURS = {"sigmoid": "#1f77b4", "tanh": "#2ca02c", "relu": "#d62728"}


class DepthExplorer(Explorer):
    """The vanishing gradient: the product of w·f'(z) through 1–30 layers, sigmoid vs tanh vs ReLU."""

    MAX = 30

    def __init__(self, depth=10, x=0.5, w=1.0):
        self.controls = {"depth": W.IntSlider(value=depth, min=1, max=self.MAX, description="layers",
                                              continuous_update=False,
                                              style={"description_width": "initial"}),
                         "x": slider("input x", x, -3, 3, 0.1),
                         "w": slider("weight w of every layer", w, 0.25, 3.0, 0.05)}
        self.mark_main(self.controls["depth"])
        fig, ax = new_figure(520, 300)
        self._lines, self._dots = {}, {}
        ks = np.arange(1, self.MAX + 1)
        for n in DEPTH_NAMES:
            (self._lines[n],) = ax.plot(ks, np.zeros(self.MAX), color=DEPTH_COLOURS[n], lw=1.8,
                                        label=A.get(n).title)
            (self._dots[n],) = ax.plot([1], [0], "o", color=DEPTH_COLOURS[n], clip_on=False)
        self._vline = ax.axvline(depth, color="0.4", lw=0.8)
        self._ax = ax
        ax.set_xlim(0.5, self.MAX + 0.5)
        ax.set_ylim(-22, 6)  # a log10 scale drawn on a plain axis; update() fits it to the data
        ax.axhline(0.0, color="0.6", lw=0.8)
        ax.set_xlabel("number of layers the gradient passes back through")
        ax.set_ylabel("log10 |gradient factor|")
        ax.set_title("Gradient factor Π w·f'(z_k) through the layers")
        ax.grid(alpha=0.3, which="major")
        ax.legend(loc="lower left", fontsize=8)
        fig.tight_layout()
        self.view = FigureView(fig, "gradient factor through depth",
                               animated=[*self._dots.values(), self._vline])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        self.widget = W.VBox([W.HBox([self.controls["depth"], self.controls["x"]]),
                              self.controls["w"], self.readout, self.view.image])
        self._key = None
        self.update()

    def _on_change(self, _change=None):
        self.update()

    def products(self) -> dict:
        x, w = float(self.controls["x"].value), float(self.controls["w"].value)
        return {n: A.gradient_through_depth(n, self.MAX, x=x, w=w) for n in DEPTH_NAMES}

    def state(self) -> dict:
        d = int(self.controls["depth"].value)
        p = self.products()
        ylim = getattr(self, "_ylim", None)
        return {"depth": d, "x": round(float(self.controls["x"].value), 4),
                "w": round(float(self.controls["w"].value), 4),
                **{n: float(f"{p[n][d - 1]:.4g}") for n in DEPTH_NAMES},
                "ylim": None if ylim is None else [round(float(v), 3) for v in ylim]}

    def update(self) -> None:
        d = int(self.controls["depth"].value)
        key = (float(self.controls["x"].value), float(self.controls["w"].value))
        ks = np.arange(1, self.MAX + 1)
        changed = key != self._key
        if changed:
            self._products, self._key = self.products(), key
        p = self._products
        if changed:
            self._y, self._ylim = log_factors(p)
            self._ax.set_ylim(*self._ylim)
        for n in DEPTH_NAMES:  # an exact 0 (a dead ReLU) is drawn on the bottom edge
            y = self._y[n]
            if changed:
                self._lines[n].set_data(ks, y)
            self._dots[n].set_data([d], [y[d - 1]])
        self._vline.set_xdata([d, d])
        if changed:
            self.view.refresh(full=True)
        else:
            self.view.refresh()
        s = self.state()
        self.readout.value = "after <b>{}</b> layer(s): ".format(d) + ", ".join(
            f"{A.get(n).title} <b>{s[n]:.3g}</b>" for n in DEPTH_NAMES)


def log_factors(products: dict):
    """log10 |factor| of each line and y-limits that hold every non-zero value (axes follow the
    data); an exact 0 (a dead ReLU) is put on the bottom edge."""
    logs = {n: np.log10(np.abs(np.asarray(v, dtype=float)), where=np.asarray(v) != 0,
                        out=np.full(len(v), np.nan)) for n, v in products.items()}
    finite = np.concatenate([y[np.isfinite(y)] for y in logs.values()] + [np.zeros(1)])
    lo, hi = float(finite.min()), float(finite.max())
    pad = 0.06 * max(hi - lo, 2.0)
    ylim = (lo - pad, hi + pad)
    return {n: np.where(np.isfinite(y), y, ylim[0]) for n, y in logs.items()}, ylim


def depth_explorer(**kw) -> DepthExplorer:
    return DepthExplorer(**kw)


# ---------------------------------------------------------------------------------------------
class SoftmaxExplorer(Explorer):
    """Softmax of four scores with a temperature slider and an 'outlier' score slider."""

    def __init__(self, scores=(2.0, 1.0, 0.5, 0.0), temperature=1.0):
        self.base = np.array(scores, dtype=float)
        self.controls = {
            "temperature": W.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.05,
                                            description="temperature T", readout_format=".2f",
                                            continuous_update=False,
                                            style={"description_width": "initial"}),
            "outlier": slider("score of class D", float(self.base[-1]), -2, 12, 0.5),
        }
        self.mark_main(self.controls["temperature"])
        fig, ax = new_figure(480, 280)
        self.labels = ["A", "B", "C", "D"]
        self._bars = ax.bar(self.labels, np.full(4, 0.25), color=["#1f77b4", "#2ca02c", "#ff7f0e",
                                                                   "#d62728"])
        self._texts = [ax.text(i, 0.0, "", ha="center", va="bottom", fontsize=9) for i in range(4)]
        ax.set_ylim(0, 1.1)
        ax.set_xlabel("class")
        ax.set_ylabel("probability")
        ax.set_title("softmax(scores / T)")
        fig.tight_layout()
        self.view = FigureView(fig, "softmax probabilities",
                               animated=[*self._bars, *self._texts])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        self.widget = W.VBox([W.HBox([self.controls["temperature"], self.controls["outlier"]]),
                              self.readout, self.view.image])
        self.update()

    def _on_change(self, _change=None):
        self.update()

    def scores(self) -> np.ndarray:
        s = self.base.copy()
        s[-1] = float(self.controls["outlier"].value)
        return s

    def state(self) -> dict:
        T = float(self.controls["temperature"].value)
        p = A.softmax(self.scores(), temperature=T)
        return {"temperature": round(T, 4), "scores": [round(float(v), 4) for v in self.scores()],
                "p": [round(float(v), 4) for v in p], "sum": round(float(p.sum()), 10)}

    def update(self) -> None:
        s = self.state()
        for bar, txt, v in zip(self._bars, self._texts, s["p"]):
            bar.set_height(v)
            txt.set_y(v + 0.01)
            txt.set_text(f"{v:.3f}")
        self.view.refresh()
        scores = ", ".join(f"{label} = {v:g}" for label, v in zip(self.labels, s["scores"]))
        self.readout.value = (f"T = {s['temperature']:.2f}: scores {scores}"
                              + " &nbsp;→&nbsp; p = " + ", ".join(f"{v:.4f}" for v in s["p"])
                              + f" (sum {s['sum']:.4f})")


def softmax_explorer(**kw) -> SoftmaxExplorer:
    return SoftmaxExplorer(**kw)
