"""Two lessons of notebook 04 before the race: the learning rate of plain GD on a bowl (crawl,
overshoot, diverge past 2/λ_max) and GD vs SGD vs mini-batch GD on the linear-regression data.

Everything a slider changes is drawn as an "animated" artist over a background rendered once
(see nnlab.views.ui.FigureView).
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..core import validate as V
from ..engine import optim as O
from ..engine import surfaces as S
from .ui import Explorer, FigureView, new_figure, slider

MAX_STEPS = 1000    # the steps a lesson may be asked for (a path of 1000 points draws at once)
JITTER_WINDOW = 20  # the mini-batch lesson's jitter: std of the loss over the last 20 steps
WRAP = W.Layout(flex_flow="row wrap", align_items="center")  # narrow page: wrap, never shrink


def sized(width: str = "360px", min_width: str = "280px") -> W.Layout:
    """A slider layout with a minimum width (track ≥ 80 px and a full readout on a narrow page)."""
    return W.Layout(width=width, min_width=min_width)


class LearningRateExplorer(Explorer):
    """Plain GD on the bowl ½(x² + κy²): too low crawls, too high overshoots, past 2/λ_max diverges."""

    def __init__(self, lr=0.05, condition=10.0, steps=40):
        lr = V.finite_number("lr", lr, minimum=1e-3, maximum=1.0)
        condition = V.finite_number("condition", condition, minimum=1.0, maximum=20.0)
        steps = V.positive_int("steps", steps, minimum=1, maximum=MAX_STEPS)
        st = {"description_width": "initial"}
        self.controls = {
            "lr": W.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.02,
                                   description="learning rate η", readout_format=".4f",
                                   continuous_update=False, style=st, layout=sized()),
            "condition": slider("condition κ = λ_max", condition, 1, 20, 1, ".0f"),
        }
        self.steps = steps
        self.mark_main(self.controls["lr"])
        fig, (ax, rx) = new_figure(880, 330, ncols=2)
        self.ax, self.rx = ax, rx
        (self._path,) = ax.plot([], [], "o-", color="#1f77b4", ms=3, lw=1.2)
        ax.set_xlim(-2, 2)
        ax.set_ylim(-1.5, 1.5)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        self._cont = None
        (self._rho,) = rx.semilogx([], [], color="k", lw=1.5, label="ρ(η) = max |1 − ηλ|")
        (self._now,) = rx.semilogx([], [], "o", color="#d62728", ms=8, label="current η")
        self._limit = rx.axvline(1.0, color="#d62728", ls="--", lw=1, label="η = 2/λ_max")
        self._span = None
        rx.axhline(1.0, color="0.5", lw=0.8)
        rx.set_xlim(1e-3, 1.0)
        rx.set_ylim(0, 2.0)
        rx.set_xlabel("learning rate η (log scale)")
        rx.set_ylabel("factor per step")
        rx.set_title("GD shrinks the error by ρ(η) per step: stable iff ρ < 1", fontsize=9)
        rx.legend(loc="upper left", fontsize=7)
        fig.tight_layout()
        self.view = FigureView(fig, "learning-rate lesson", animated=[self._path, self._now])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        self.controls["condition"].layout.min_width = "280px"
        self.widget = W.VBox([W.HBox([self.controls["lr"], self.controls["condition"]], layout=WRAP),
                              self.readout, self.view.image])
        self._kappa = None
        self.update()

    def _on_change(self, _change=None):
        self.update()

    @staticmethod
    def rho(lr, lams):
        return np.max(np.abs(1.0 - np.outer(np.atleast_1d(lr), lams)), axis=1)

    def state(self) -> dict:
        """What the explorer shows now, read from the path `update` computed (never recomputed)."""
        lr, kappa = float(self.controls["lr"].value), float(self.controls["condition"].value)
        surf, path = self._surf, self._path_now
        rho = float(self.rho(lr, [1.0, kappa])[0])
        lim = surf.stable_lr()
        if lr >= lim:
            verdict = "diverges" if lr > lim else "oscillates forever (η = 2/λ_max)"
        elif lr > 1.0 / kappa:
            verdict = "overshoots: zig-zags across the valley but converges"
        elif rho > 0.99:
            verdict = "crawls: converges very slowly"
        else:
            verdict = "converges"
        fin = path[-1]
        with np.errstate(over="ignore", invalid="ignore"):
            loss = float(surf.f(*fin)) if np.all(np.isfinite(fin)) else None
        if loss is not None and not np.isfinite(loss):
            loss = None  # the point is finite but its loss is beyond float range: diverged too
        return {"lr": round(lr, 6), "condition": kappa, "stable_lr": round(lim, 6),
                "rho": round(rho, 6), "verdict": verdict,
                "loss_final": None if loss is None else float(f"{loss:.6g}")}

    def update(self) -> None:
        lr, kappa = float(self.controls["lr"].value), float(self.controls["condition"].value)
        surf = S.surface("bowl", condition=kappa)
        full = kappa != self._kappa
        if full:
            self._kappa = kappa
            if self._cont is not None:
                self._cont.remove()
            X, Y, Z = surf.grid(80)
            self._cont = self.ax.contour(X, Y, Z, levels=np.geomspace(1e-3, Z.max(), 12),
                                         cmap="Greys", linewidths=0.7)
            self.ax.set_title(f"GD on {surf.formula}, {self.steps} steps", fontsize=9)
            etas = np.geomspace(1e-3, 1.0, 300)
            self._rho.set_data(etas, self.rho(etas, [1.0, kappa]))
            lim = surf.stable_lr()
            self._limit.set_xdata([lim, lim])
            if self._span is not None:
                self._span.remove()
            self._span = self.rx.axvspan(1e-3, lim, color="#2ca02c", alpha=0.12)
        path = O.run(O.GD(lr=lr), surf.gradient_fn(), surf.start, self.steps)
        self._surf, self._path_now = surf, path
        ok = np.all(np.isfinite(path), axis=1)
        self._path.set_data(np.clip(path[ok, 0], -50, 50), np.clip(path[ok, 1], -50, 50))
        s = self.state()
        self._now.set_data([lr], [min(s["rho"], 1.98)])
        self.view.refresh(full=full)
        self.readout.value = (f"η = {lr:.4g}, λ = 1 and {kappa:g}: stable range η &lt; 2/λ_max = "
                              f"<b>{s['stable_lr']:.4g}</b>; ρ(η) = {s['rho']:.4f} → "
                              f"<b>{s['verdict']}</b>" + (
                                  "" if O.diverged_at(path) is None else
                                  f" (the numbers left the float range at step "
                                  f"{O.diverged_at(path)}; the path is drawn up to there)"))


def learning_rate_explorer(**kw) -> LearningRateExplorer:
    return LearningRateExplorer(**kw)


# ---------------------------------------------------------------------------------------------
class BatchExplorer(Explorer):
    """GD (all 200 examples), SGD (1) and mini-batch GD (batch-size slider) on the linreg data."""

    COLOURS = {"GD": "#1f77b4", "SGD": "#d62728", "mini-batch": "#2ca02c"}

    def __init__(self, batch_size=16, lr=0.05, steps=150, seed=0):
        self.x, self.y = S.load_linreg()
        batch_size = V.positive_int("batch_size", batch_size, maximum=self.x.size)
        lr = V.finite_number("lr", lr, minimum=0.005, maximum=0.3)
        steps = V.positive_int("steps", steps, minimum=2 * JITTER_WINDOW, maximum=400)
        self.seed = V.positive_int("seed", seed, minimum=0, maximum=2 ** 32 - 1)
        st = {"description_width": "initial"}
        self.controls = {
            "batch_size": W.IntSlider(value=batch_size, min=1, max=self.x.size,
                                      description="mini-batch size", continuous_update=False,
                                      style=st, layout=sized()),
            "lr": slider("learning rate η", lr, 0.005, 0.3, 0.005, ".3f"),
            # at least twice the jitter window, so the jitter never includes the first descent
            "steps": W.IntSlider(value=steps, min=2 * JITTER_WINDOW, max=400, description="steps",
                                 continuous_update=False, style=st, layout=sized()),
        }
        self.mark_main(self.controls["batch_size"])
        self.solution = S.linreg_solution(self.x, self.y)
        self.jmin = float(S.linreg_loss(*self.solution, self.x, self.y))
        fig, (ax, lx) = new_figure(880, 340, ncols=2)
        W_, B_ = np.meshgrid(np.linspace(-1.5, 5.0, 80), np.linspace(-1.5, 4.0, 80))
        Z = S.linreg_loss(W_, B_, self.x, self.y)
        ax.contour(W_, B_, Z, levels=self.jmin + np.geomspace(0.01, Z.max() - self.jmin, 12),
                   cmap="Greys", linewidths=0.7)
        ax.plot([self.solution[0]], [self.solution[1]], "kx", ms=9, mew=2)
        ax.set_xlabel("weight w")
        ax.set_ylabel("bias b")
        ax.set_title("paths in (w, b) over the MSE of all 200 examples", fontsize=9)
        self._lines, self._loss = {}, {}
        for n, col in self.COLOURS.items():
            (self._lines[n],) = ax.plot([], [], "-", color=col, lw=1.2, label=n)
            (self._loss[n],) = lx.plot([], [], "-", color=col, lw=1.2, label=n)
        ax.legend(loc="lower right", fontsize=8)
        lx.set_xlabel("step (one update per batch)")
        lx.set_ylabel("log10(J − J*)")
        lx.set_ylim(-4, 2)
        self.lx = lx
        lx.grid(alpha=0.3)
        lx.set_title("loss gap on all examples vs step", fontsize=9)
        fig.tight_layout()
        self.view = FigureView(fig, "GD vs SGD vs mini-batch",
                               animated=[*self._lines.values(), *self._loss.values()])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        self.controls["lr"].layout.min_width = "280px"
        self.widget = W.VBox([W.HBox([self.controls["batch_size"], self.controls["lr"]], layout=WRAP),
                              self.controls["steps"], self.readout, self.view.image])
        self.update()

    def _on_change(self, _change=None):
        self.update()

    def paths(self) -> dict:
        bs = int(self.controls["batch_size"].value)
        lr, steps = float(self.controls["lr"].value), int(self.controls["steps"].value)
        key = (lr, steps)
        if getattr(self, "_fixed_key", None) != key:  # GD and SGD do not depend on the batch size
            self._fixed = {n: S.linreg_path(self.x, self.y, b, lr=lr, steps=steps, seed=self.seed)
                           for n, b in (("GD", self.x.size), ("SGD", 1))}
            self._fixed_key = key
        mini = S.linreg_path(self.x, self.y, bs, lr=lr, steps=steps, seed=self.seed)
        return {"GD": self._fixed["GD"], "SGD": self._fixed["SGD"], "mini-batch": mini}

    def _gaps(self, path):
        j = S.linreg_loss(path[:, 0], path[:, 1], self.x, self.y) - self.jmin
        return np.log10(np.maximum(j, 1e-12))

    def state(self) -> dict:
        P = self._paths
        out = {"batch_size": int(self.controls["batch_size"].value),
               "lr": round(float(self.controls["lr"].value), 4),
               "steps": int(self.controls["steps"].value),
               "solution": [round(float(a), 4) for a in self.solution]}
        for n, p in P.items():
            tail = p[-JITTER_WINDOW:]
            j = S.linreg_loss(tail[:, 0], tail[:, 1], self.x, self.y)
            out[n] = {"w": round(float(p[-1, 0]), 4), "b": round(float(p[-1, 1]), 4),
                      "loss": round(float(j[-1]), 4),
                      "jitter": round(float(np.std(j)), 4)}  # noise of the last JITTER_WINDOW steps
        return out

    def update(self) -> None:
        self._paths = self.paths()
        steps = int(self.controls["steps"].value)
        full = self.lx.get_xlim() != (0.0, float(steps))
        if full:
            self.lx.set_xlim(0, steps)
        for n, p in self._paths.items():
            self._lines[n].set_data(p[:, 0], p[:, 1])
            self._loss[n].set_data(np.arange(len(p)), self._gaps(p))
        self.view.refresh(full=full)
        s = self.state()
        self.readout.value = (f"least squares: w = {s['solution'][0]:.4f}, b = {s['solution'][1]:.4f}"
                              " · " + " · ".join(
                                  f"{n}: w = {s[n]['w']:.3f}, b = {s[n]['b']:.3f}, J = {s[n]['loss']:.4f}"
                                  f" (jitter {s[n]['jitter']:.4f})" for n in self.COLOURS)
                              + f" · jitter: std of J over the last {JITTER_WINDOW} steps")


def batch_explorer(**kw) -> BatchExplorer:
    return BatchExplorer(**kw)
