"""The main explorer of notebook 04: optimizers racing on a surface, one update line by line.
(The learning-rate lesson and GD vs SGD vs mini-batch GD are in optim_lessons_view.)

Everything a slider changes is drawn as an "animated" artist over a background (contours,
axes, ticks) rendered once per surface, so a slider change costs a few milliseconds of
drawing (see nnlab.views.ui.FigureView).
"""
from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
from matplotlib.lines import Line2D

from ..engine import optim as O
from ..engine import surfaces as S
from .ui import Explorer, FigureView, new_figure, slider

RACERS = ("gd", "momentum", "nag", "adagrad", "rmsprop", "adam", "adamax", "nadam")
TITLES = {"gd": "GD", "momentum": "Momentum", "nag": "NAG", "adagrad": "Adagrad",
          "rmsprop": "RMSprop", "adam": "Adam", "adamax": "Adamax", "nadam": "NAdam"}
COLOURS = {"gd": "#1f77b4", "momentum": "#ff7f0e", "nag": "#2ca02c", "adagrad": "#d62728",
           "rmsprop": "#9467bd", "adam": "#8c564b", "adamax": "#e377c2", "nadam": "#17becf"}
WIDE = "320px"  # slider width; with a min width (track ≥ 80 px) so a narrow page wraps, not shrinks
FLOOR = -12.0  # log10 of the loss gap drawn at the bottom of the loss panel


def build(name: str, lr: float, gamma: float, beta1: float, beta2: float, eps: float,
          form: str = "torch", alpha: float = 0.99) -> O.Optimizer:
    """One racer from the explorer's sliders (RMSprop's α — the notes' β — has its own slider,
    torch's default 0.99)."""
    if name in ("gd",):
        return O.GD(lr=lr, form=form)
    if name in ("momentum", "nag"):
        return O.make_optimizer(name, lr=lr, momentum=gamma, form=form)
    if name == "adagrad":
        return O.Adagrad(lr=lr, eps=eps, form=form)
    if name == "rmsprop":
        return O.RMSprop(lr=lr, alpha=alpha, eps=eps, form=form)
    return O.make_optimizer(name, lr=lr, betas=(beta1, beta2), eps=eps, form=form)


def _loss_gap(surf: S.Surface, path: np.ndarray) -> np.ndarray:
    fmin = min(surf.f(*m) for m in surf.minima)
    with np.errstate(invalid="ignore", over="ignore"):
        gap = surf.f(path[:, 0], path[:, 1]) - fmin
        return np.log10(np.maximum(gap, 10.0 ** FLOOR))


def _finite_loss(surf: S.Surface, point):
    """f at a point, to 6 digits, or None where the point or its loss left the float range
    (a point of 1e215 is finite but its loss overflows: never shown as nan)."""
    if not np.all(np.isfinite(point)):
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(surf.f(*point))
    return float(f"{value:.6g}") if np.isfinite(value) else None


def step_size(path: np.ndarray, k: int):
    """|θ_{k+1} − θ_k| (None past the end or after a divergence)."""
    if k + 1 >= len(path) or not np.all(np.isfinite(path[k:k + 2])):
        return None
    return float(f"{float(np.hypot(*(path[k + 1] - path[k]))):.6g}")


def rows_html(rows) -> str:
    """The line-by-line update as an HTML table: quantity | formula | numbers | value."""
    esc = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    body = "".join(f"<tr><td><b>{esc(a)}</b></td><td>{esc(b)}</td><td><code>{esc(c)}</code></td>"
                   f"<td><code>{esc(d)}</code></td></tr>" for a, b, c, d in rows)
    return ("<table style='font-size:90%'><thead><tr><th>quantity</th><th>formula</th>"
            f"<th>numbers</th><th>value</th></tr></thead><tbody>{body}</tbody></table>")


class OptimizerExplorer(Explorer):
    """Race the course's optimizers over a surface: paths, loss vs step, one update line by line."""

    def __init__(self, surface="bowl", optimizers=("gd", "momentum", "rmsprop", "adam"), lr=0.05,
                 steps=100, form="torch", condition=10.0, seed=0):
        self.seed = seed
        st = {"description_width": "initial"}
        self.controls = {
            "surface": W.Dropdown(options=list(S.SURFACES), value=surface, description="surface",
                                  style=st),
            "condition": slider("bowl condition κ", condition, 1, 50, 1, ".0f", width=WIDE),
            "optimizers": W.SelectMultiple(options=[(TITLES[n], n) for n in RACERS],
                                           value=tuple(optimizers), rows=8,
                                           description="optimizers", style=st),
            "form": W.ToggleButtons(options=[("torch.optim", "torch"), ("course notes", "notes"),
                                             ("both", "both")], value=form,
                                    description="form", style=st),
            "lr": W.FloatLogSlider(value=lr, base=10, min=-4, max=0, step=0.05,
                                   description="learning rate η", readout_format=".4f",
                                   continuous_update=False, style=st,
                                   layout=W.Layout(width="360px", min_width="300px")),
            # γ from 0.01: torch refuses Nesterov momentum with momentum = 0 (and momentum 0 is GD)
            "gamma": slider("momentum γ", 0.9, 0.01, 0.99, 0.01, width=WIDE),
            "beta1": slider("β1", 0.9, 0.0, 0.99, 0.01, width=WIDE),
            "beta2": slider("β2", 0.999, 0.5, 0.9999, 0.0001, ".4f", width=WIDE),
            "alpha": slider("RMSprop α", 0.99, 0.5, 0.9999, 0.0001, ".4f", width=WIDE),
            "eps": W.FloatLogSlider(value=1e-8, base=10, min=-10, max=-1, step=0.5,
                                    description="ε", readout_format=".0e",
                                    continuous_update=False, style=st,
                                    layout=W.Layout(width=WIDE, min_width="240px")),
            "steps": W.IntSlider(value=steps, min=1, max=500, description="steps",
                                 continuous_update=False, style=st,
                                 layout=W.Layout(width=WIDE, min_width="240px")),
            "k": W.IntSlider(value=0, min=0, max=steps, description="show step k",
                             continuous_update=False, style=st,
                             layout=W.Layout(width=WIDE, min_width="240px")),
            "explain": W.Dropdown(options=[(TITLES[n], n) for n in RACERS], value=optimizers[0],
                                  description="explain", style=st),
        }
        for c in self.controls.values():  # a narrow page wraps the rows; a slider never shrinks
            if isinstance(c, (W.FloatSlider, W.FloatLogSlider, W.IntSlider)) and not c.layout.min_width:
                c.layout.min_width = "260px"
        self.mark_main(self.controls["lr"])
        self.play = W.Play(value=0, min=0, max=steps, step=1, interval=80, description="play")
        W.jslink((self.play, "value"), (self.controls["k"], "value"))
        self._paths: dict = {}
        self._surf = None
        self._build_figure()
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        self.table = W.HTML()
        for name, c in self.controls.items():
            self.watch(c, self._on_k if name == "k" else self._on_change)
        c = self.controls
        wrap = W.Layout(flex_flow="row wrap", align_items="center")
        self.widget = W.VBox([
            W.HBox([c["surface"], c["condition"], c["form"]], layout=wrap),
            W.HBox([c["optimizers"], W.VBox([c["lr"], c["gamma"], c["beta1"], c["beta2"],
                                              c["alpha"], c["eps"]])], layout=wrap),
            W.HBox([c["steps"], self.play, c["k"], c["explain"]], layout=wrap),
            self.readout, self.view.image, self.table])
        self.update()

    # -- drawing ------------------------------------------------------------------------------
    def _build_figure(self):
        fig, (ax, lx) = new_figure(800, 330, ncols=2)
        self.ax, self.lx = ax, lx
        self._lines, self._dots, self._loss = {}, {}, {}
        animated = []
        for n in RACERS:
            for form, ls in (("torch", "-"), ("notes", "--")):
                (a,) = ax.plot([], [], ls, color=COLOURS[n], lw=1.6,
                               label=TITLES[n] if form == "torch" else None)
                (d,) = ax.plot([], [], "o", color=COLOURS[n], ms=6, mec="k", mew=0.6)
                (l,) = lx.plot([], [], ls, color=COLOURS[n], lw=1.4)
                self._lines[n, form], self._dots[n, form], self._loss[n, form] = a, d, l
                animated += [a, d, l]
        self._kline = lx.axvline(0, color="0.3", lw=0.8)
        animated.append(self._kline)
        lx.set_xlabel("step")
        lx.set_ylabel("log10(J − J*)")
        lx.set_title("loss gap vs step (dashed: the notes' form)", fontsize=9)
        lx.grid(alpha=0.3)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        fig.tight_layout(rect=(0, 0.1, 1, 1))  # the bottom strip holds the legend
        self.view = FigureView(fig, "optimizer paths and loss", animated=animated)
        self.views = [self.view]
        self._contour = None
        self._legend = None
        self._start = ax.plot([], [], "k*", ms=11)[0]
        self._mins = ax.plot([], [], "kx", ms=9, mew=2)[0]

    def _draw_surface(self, surf: S.Surface):
        ax = self.ax
        if self._contour is not None:
            self._contour.remove()
        X, Y, Z = surf.grid(90)
        fmin = min(surf.f(*m) for m in surf.minima)
        levels = fmin + np.geomspace(1e-3, max(float(Z.max() - fmin), 1e-2), 14)
        self._contour = ax.contour(X, Y, Z, levels=levels, cmap="Greys", linewidths=0.7)
        self._start.set_data([surf.start[0]], [surf.start[1]])
        mins = np.array(surf.minima)
        self._mins.set_data(mins[:, 0], mins[:, 1])
        ax.set_xlim(*surf.xlim)
        ax.set_ylim(*surf.ylim)
        ax.set_title(f"{surf.title}: {surf.formula}", fontsize=9)
        g0 = _loss_gap(surf, np.array([surf.start]))[0]
        self.lx.set_ylim(FLOOR - 0.5, max(g0, 0.0) + 1.5)

    # -- model --------------------------------------------------------------------------------
    def values(self) -> dict:
        c = self.controls
        return {"surface": c["surface"].value, "condition": float(c["condition"].value),
                "optimizers": tuple(c["optimizers"].value), "form": c["form"].value,
                "lr": float(c["lr"].value), "gamma": float(c["gamma"].value),
                "beta1": float(c["beta1"].value), "beta2": float(c["beta2"].value),
                "alpha": float(c["alpha"].value),
                "eps": float(c["eps"].value), "steps": int(c["steps"].value),
                "k": int(c["k"].value), "explain": c["explain"].value}

    def surface(self) -> S.Surface:
        v = self.values()
        if v["surface"] in ("bowl", "noisy_bowl"):
            return S.surface(v["surface"], condition=v["condition"])
        return S.surface(v["surface"])

    def forms(self) -> tuple:
        f = self.controls["form"].value
        return ("torch", "notes") if f == "both" else (f,)

    def optimizer(self, name, form) -> O.Optimizer:
        v = self.values()
        return build(name, v["lr"], v["gamma"], v["beta1"], v["beta2"], v["eps"], form,
                     alpha=v["alpha"])

    def compute(self) -> dict:
        v, surf = self.values(), self._surf
        out = {}
        for n in v["optimizers"]:
            for form in self.forms():
                path = O.run(self.optimizer(n, form), surf.gradient_fn(self.seed), surf.start,
                             v["steps"])
                out[n, form] = path
        return out

    def explain_rows(self, name=None, form=None, k=None):
        """The update from step k to k + 1 of one racer, line by line (formula → numbers → value)."""
        v, surf = self.values(), self._surf
        name = name or v["explain"]
        form = form or self.forms()[0]
        k = v["k"] if k is None else k
        opt = self.optimizer(name, form)
        gf = surf.gradient_fn(self.seed)
        path = O.run(opt, gf, surf.start, k)
        x = path[-1]
        if not np.all(np.isfinite(x)):
            return None
        g = gf(opt.lookahead([x])[0])
        if not np.all(np.isfinite(g)):
            return None
        return [("θ", f"θ after step {k}", "", O.fmt(x))] + opt.explain([x], [g])

    # -- callbacks ----------------------------------------------------------------------------
    def _on_change(self, _change=None):
        self.update()

    def _on_k(self, _change=None):
        self._show_k()
        self.view.refresh()

    def update(self) -> None:
        v = self.values()
        c = self.controls
        c["condition"].disabled = v["surface"] not in ("bowl", "noisy_bowl")
        for ctl, used in (("gamma", {"momentum", "nag"}), ("beta1", {"adam", "adamax", "nadam"}),
                          ("beta2", {"adam", "adamax", "nadam"}), ("alpha", {"rmsprop"}),
                          ("eps", {"adagrad", "rmsprop", "adam", "adamax", "nadam"})):
            c[ctl].disabled = not (used & set(v["optimizers"]))
        if c["k"].max != v["steps"]:
            if c["k"].value > v["steps"]:
                c["k"].value = v["steps"]  # triggers _on_k once
            c["k"].max = v["steps"]
            self.play.max = v["steps"]
        if v["optimizers"] and v["explain"] not in v["optimizers"]:
            c["explain"].value = v["optimizers"][0]  # re-enters update(); finish there
            return
        key = (v["surface"], v["condition"])
        full = key != getattr(self, "_surf_key", None)
        if full:
            self._surf, self._surf_key = self.surface(), key
            self._draw_surface(self._surf)
        self._paths = self.compute()
        if v["optimizers"] != getattr(self, "_legend_for", None):  # the legend is background
            self._legend_for = v["optimizers"]
            if self._legend is not None:
                self._legend.remove()
                self._legend = None
            # proxies, not the animated lines (a legend copies their "animated" flag and its
            # swatches would be left out of the background); under the axes, opaque
            handles = [Line2D([], [], color=COLOURS[n], lw=1.6, label=TITLES[n])
                       for n in RACERS if n in v["optimizers"]]
            if handles:
                self._legend = self.view.fig.legend(handles=handles, loc="lower center",
                                                    ncol=len(handles), fontsize=8,
                                                    frameon=False)
            full = True
        steps = np.arange(v["steps"] + 1)
        for (n, form), line in self._lines.items():
            p = self._paths.get((n, form))
            vis = p is not None
            for art in (line, self._dots[n, form], self._loss[n, form]):
                art.set_visible(vis)
            if vis:
                line.set_data(p[:, 0], p[:, 1])
                self._loss[n, form].set_data(steps, _loss_gap(self._surf, p))
        lim = max(v["steps"], 1)
        if self.lx.get_xlim() != (0.0, float(lim)):
            self.lx.set_xlim(0, lim)
            full = True
        self._show_k()
        self.view.refresh(full=full)

    def _show_k(self):
        v = self.values()
        k = min(v["k"], v["steps"])
        for key, p in self._paths.items():
            self._dots[key].set_data([p[k, 0]], [p[k, 1]])
        self._kline.set_xdata([k, k])
        s = self.state()
        parts = []
        for n in v["optimizers"]:
            for form in self.forms():
                r = s["racers"][f"{n}/{form}"]
                parts.append(f"<span style='color:{COLOURS[n]}'>■</span> {TITLES[n]}"
                             f"{' (notes)' if form == 'notes' else ''}: J = "
                             + (f"<b>diverged at step {r['diverged_at']}</b>" if r["diverged"]
                                else "beyond the float range" if r["loss_final"] is None
                                else f"{r['loss_final']:.4g}"))
        lim = s.get("stable_lr")
        lesson = ""
        if lim is not None:
            ok = v["lr"] < lim
            lesson = (f"<br>bowl: GD is stable for η &lt; 2/λ_max = {lim:.4g}; η = {v['lr']:.4g} is "
                      + ("inside" if ok else "<b>outside</b>") + " that range.")
        self.readout.value = f"after {v['steps']} steps: " + " · ".join(parts) + lesson
        rows = self.explain_rows(k=k) if v["optimizers"] else None
        head = (f"<p><b>{TITLES.get(v['explain'], '')}</b> ({self.forms()[0]} form), update from "
                f"step {k} to {k + 1}:</p>")
        if not v["optimizers"]:
            self.readout.value = "Select at least one optimizer (ctrl/shift + click for several)."
            self.table.value = ""
            return
        self.table.value = head + (rows_html(rows) if rows else "<p>(the path has diverged)</p>")

    def state(self) -> dict:
        v = self.values()
        k = min(v["k"], v["steps"])
        racers = {}
        for (n, form), p in self._paths.items():
            gap_final = p[-1]
            div = not np.all(np.isfinite(p[-1]))
            racers[f"{n}/{form}"] = {
                "diverged": bool(div), "diverged_at": O.diverged_at(p),
                "step_1": step_size(p, 0), "step_k": step_size(p, k),
                "loss_at_k": _finite_loss(self._surf, p[k]),
                "loss_final": None if div else _finite_loss(self._surf, gap_final),
                "xk": None if not np.all(np.isfinite(p[k])) else [round(float(a), 6) for a in p[k]],
            }
        out = {"surface": v["surface"], "lr": round(v["lr"], 6), "form": v["form"],
               "steps": v["steps"], "k": k, "optimizers": list(v["optimizers"]),
               "explain": v["explain"], "gamma": v["gamma"], "alpha": v["alpha"],
               "condition": v["condition"], "racers": racers}
        if self._surf is not None and self._surf.stable_lr() is not None:
            out["stable_lr"] = round(self._surf.stable_lr(), 6)
        return out


def optimizer_explorer(**kw) -> OptimizerExplorer:
    return OptimizerExplorer(**kw)
