"""Notebook 10's GAN explorer: a generator and a discriminator trained step by step, with ▶ Play.

Left: the discriminator's output D(x) over the plane (red: "real", blue: "fake"), the real data
(grey) and the generated points of one fixed noise batch (black), which move as G learns; right:
the discriminator's loss and both generator losses (minimax and non-saturating, whichever G
follows) at every step up to the one shown. The readout gives the numbers of the shown step and
how many of the mixture's modes the generated points cover.

The `step` slider moves through training (a frame every 50 steps); ▶ trains 50 more steps per
tick and ■ / ❚❚ stop it. One change trains at most `BUDGET` generator updates
with a progress bar; beyond that the explorer says so and ▶ continues. Runs are kept per
setting, so going back, Reset and revisiting a setting cost nothing.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..engine import gan as G
from .ui import Explorer, FigureView, new_figure

EVERY = 50            # steps between frames (the slider's step and one tick of ▶)
MAX_STEPS = 1500
BUDGET = 1800         # generator updates one change may train (g_steps per step)
LEARNING_RATES = (1e-3, 2e-3, 5e-3)
LOSS_RANGE = (-3.0, 4.0)
_RUNS: dict = {}      # settings -> (GAN, Run): deterministic, so shared by every explorer


def run_for(loss, g_steps, lr, seed):
    key = (loss, int(g_steps), float(lr), int(seed))
    if key not in _RUNS:
        if len(_RUNS) >= 8:
            _RUNS.pop(next(iter(_RUNS)))
        gan = G.GAN(seed=int(seed), loss=loss, g_steps=int(g_steps), lr=float(lr))
        _RUNS[key] = (gan, gan.run(0, every=EVERY))
    return _RUNS[key]


class GanExplorer(Explorer):
    def __init__(self, loss="non-saturating", g_steps=1, lr=2e-3, seed=0, step=800):
        st = {"description_width": "initial"}
        c = self.controls = {
            "loss": W.Dropdown(options=list(G.LOSSES), value=loss, description="generator loss",
                               style=st, layout=W.Layout(width="260px")),
            "g_steps": W.IntSlider(value=g_steps, min=1, max=5, description="G updates per D update",
                                   style=st, continuous_update=False, layout=W.Layout(width="320px")),
            "lr": W.SelectionSlider(options=[(f"{v:g}", v) for v in LEARNING_RATES], value=lr,
                                    description="learning rate", style=st, continuous_update=False,
                                    layout=W.Layout(width="280px")),
            "seed": W.BoundedIntText(value=seed, min=0, max=999, description="seed", style=st,
                                     layout=W.Layout(width="150px")),
            "step": W.IntSlider(value=0, min=0, max=MAX_STEPS, step=EVERY, description="step",
                                style=st, continuous_update=False, layout=W.Layout(width="460px")),
            # a clock: each tick (a larger value) trains EVERY more steps; ■ sets it back to 0
            "play": W.Play(value=0, min=0, max=10**9, step=1, interval=300, description="play",
                           show_repeat=False),
            "more": W.Button(description=f"+{EVERY} steps", layout=W.Layout(width="100px")),
        }
        self.mark_main(c["step"])
        self.progress = W.IntProgress(value=0, min=0, max=1, description="training",
                                      style=st, layout=W.Layout(width="300px"))
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        self._build_figure()
        self._busy = False
        self.message = ""
        for name, ctl in self.settable().items():
            self.watch(ctl, self._on_change)
        self.watch(c["play"], self._on_tick)
        self.on_click(c["more"], lambda _b: self.advance())
        self._busy = True
        c["step"].value = int(step)
        self._busy = False
        self.update()
        row = lambda *ws: W.HBox(list(ws), layout=W.Layout(flex_flow="row wrap"))  # noqa: E731
        self.widget = W.VBox([row(c["loss"], c["g_steps"], c["lr"], c["seed"]),
                              row(c["play"], c["more"], c["step"], self.progress),
                              self.readout, self.view.image])

    def _build_figure(self):
        fig, (ax, ax_loss) = new_figure(800, 360, ncols=2)
        e = G.EXTENT
        self.heat = ax.imshow(np.full((41, 41), 0.5), origin="lower", extent=(-e, e, -e, e),
                              cmap="RdBu_r", vmin=0, vmax=1, alpha=0.55, aspect="equal")
        fig.colorbar(self.heat, ax=ax, label="D(x): probability 'real'", fraction=0.046, pad=0.03)
        self.real = ax.scatter([], [], s=4, color="#777", alpha=0.5, label="real data")
        self.fake = ax.scatter(np.zeros(1), np.zeros(1), s=5, color="black", label="generated G(z)")
        ax.set_xlim(-e, e)
        ax.set_ylim(-e, e)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        self.title = ax.set_title("step 0000: 0 of 8 modes covered", fontsize=10)
        ax.legend(loc="upper right", fontsize=7, markerscale=2)
        (self.l_d,) = ax_loss.plot([], [], color="#444", lw=0.8, label="discriminator L_D")
        (self.l_ns,) = ax_loss.plot([], [], color="#d62728", lw=0.8, label="G non-saturating −log D(G(z))")
        (self.l_mm,) = ax_loss.plot([], [], color="#1f77b4", lw=0.8, label="G minimax log(1 − D(G(z)))")
        self.now = ax_loss.axvline(0, color="k", ls=":", lw=1)
        ax_loss.axhline(2 * np.log(2), color="#444", ls="--", lw=0.6)
        ax_loss.set_xlim(0, MAX_STEPS)
        ax_loss.set_ylim(*LOSS_RANGE)
        ax_loss.set_xlabel("training step")
        ax_loss.set_ylabel("loss")
        ax_loss.set_title("Losses (dashed: 2 log 2, D's loss at D = ½)", fontsize=10)
        ax_loss.legend(loc="upper right", fontsize=7)
        fig.tight_layout()
        self.view = FigureView(fig, "the discriminator over the plane, the generated points and the losses",
                               animated=[self.heat, self.fake, self.title, self.l_d, self.l_ns,
                                         self.l_mm, self.now])
        self.views = [self.view]
        self._real_key = None

    # -- settings and training ------------------------------------------------------------------
    def settings(self):
        c = self.controls
        return c["loss"].value, int(c["g_steps"].value), float(c["lr"].value), int(c["seed"].value)

    def _train_to(self, target: int) -> int:
        """Train (this setting's shared run) towards `target`, at most BUDGET generator updates,
        whole frames; returns the step of the last frame at or below target."""
        loss, g_steps, lr, seed = self.settings()
        gan, run = self.gan, self.run = run_for(loss, g_steps, lr, seed)
        todo = max(0, target - gan.t)
        todo = min(todo, (BUDGET // (g_steps * EVERY)) * EVERY)
        if todo:
            self.progress.max, self.progress.value = todo, 0
            start = gan.t
            gan.extend(run, todo, EVERY,
                       callback=lambda t, _end, _s: setattr(self.progress, "value", t - start))
        return min(target, gan.t)

    def _on_change(self, _change=None):
        if not self._busy:
            self.update()

    def _on_tick(self, change) -> None:
        if change["new"] > change["old"]:
            self.advance()
            if self.controls["step"].value >= MAX_STEPS:
                self.controls["play"].playing = False

    def advance(self) -> None:
        """EVERY more steps (the + button, a tick of ▶)."""
        s = self.controls["step"]
        s.value = min(s.value + EVERY, s.max)

    def update(self) -> None:
        step = self.controls["step"]
        target = int(step.value)
        reached = self._train_to(target)
        self.message = ""
        if reached != target:
            self._busy = True
            try:
                step.value = reached
            finally:
                self._busy = False
            self.message = (f"Trained to step {reached} of {target} (one change trains at most "
                            f"{BUDGET} generator updates): press ▶ or + to continue.")
        self._redraw(reached)

    def _redraw(self, k: int) -> None:
        run = self.run
        frame = run.frames[k // EVERY]
        self.shown_frame = frame
        key = id(run)
        full = key != self._real_key
        if full:
            self.real.set_offsets(run.real)
            self._real_key = key
        self.heat.set_data(frame.d_grid)
        self.fake.set_offsets(frame.samples)
        n = len(run.centres)
        self.title.set_text(f"step {k:04d}: {frame.modes} of {n} modes covered")
        steps = run.steps[:k]
        xs = np.arange(1, k + 1)
        self.l_d.set_data(xs, [s.d_loss for s in steps])
        self.l_ns.set_data(xs, [s.g_loss_nonsat for s in steps])
        self.l_mm.set_data(xs, [s.g_loss_minimax for s in steps])
        self.now.set_xdata([k, k])
        self.view.refresh(full=full)
        rec = run.steps[k - 1] if k else None
        nums = ("before the first step" if rec is None else
                f"L_D {rec.d_loss:.3f}, G loss: non-saturating {rec.g_loss_nonsat:.3f}, minimax "
                f"{rec.g_loss_minimax:.3f}; mean D(x) {rec.d_real:.3f}, mean D(G(z)) {rec.d_fake:.3f}; "
                f"|∂L_G/∂θ_G|: non-saturating {rec.g_grad_nonsat:.3f}, minimax {rec.g_grad_minimax:.3f}")
        warn = f"<br><i>{self.message}</i>" if self.message else ""
        self.readout.value = (f"step {k} (G follows the <b>{self.controls['loss'].value}</b> loss): "
                              f"{nums}. Generated points: <b>{frame.modes} of {n}</b> modes covered, "
                              f"{frame.near:.0%} near a mode.{warn}")

    def state(self) -> dict:
        loss, g_steps, lr, seed = self.settings()
        k = int(self.controls["step"].value)
        f = self.shown_frame
        out = {"loss": loss, "g_steps": g_steps, "lr": lr, "seed": seed, "step": k,
               "modes": f.modes, "near": round(f.near, 3), "message": self.message}
        if k:
            r = self.run.steps[k - 1]
            out.update(d_loss=round(r.d_loss, 3), g_loss_nonsat=round(r.g_loss_nonsat, 3),
                       g_loss_minimax=round(r.g_loss_minimax, 3), d_real=round(r.d_real, 3),
                       d_fake=round(r.d_fake, 3))
        return out


def main_explorer() -> GanExplorer:
    return GanExplorer()
