"""The playground: TensorFlow Playground's demo rebuilt on nnlab, inside JupyterLab.

One figure (`playground_figures.PlaygroundFigure`, drawn once): the network with its weights,
the decision boundary over the plane with the training and test points, and the loss curves.

What is shown is a function of the settings and the epoch only: the network after `epoch`
epochs of training, from the seed, with the settings shown. Move the epoch slider back and
the earlier network comes back (every epoch reached is kept); change a setting (the learning
rate, the activation, ...) and the network is retrained from its seed up to the same epoch,
so two settings can be compared at equal training time.

No change trains more than STEP_BUDGET optimizer steps (counted in steps, not seconds, so
the result is the same on every machine; about 0.2 s of compute): when the epoch asked for
lies further, training stops at the last whole epoch within the budget, the epoch slider
shows the epoch reached, and the readout says "trained to epoch N of M: press ▶ to
continue". The Play widget is a clock: each tick while it plays trains one more epoch
(its ■ pauses, as its ❚❚ does: the epoch stays); Step adds one epoch; "⏮ epoch 0" goes
back to epoch 0.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..core import validate as V
from ..engine import datasets2d as D
from ..engine import mlp as M
from .playground_figures import (
    DATASET_LABELS,
    Picture,
    PlaygroundFigure,
    network_layout,
    nice_ceiling,
    plot_datasets,
    weight_widths,
)
from .ui import Explorer

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
PLAYGROUND_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "elu", "softplus",
                          "hard_sigmoid", "linear", "step")
PLAYGROUND_OPTIMIZERS = ("sgd", "momentum", "nag", "adagrad", "rmsprop", "adam", "adamax",
                         "nadam")
LOSS_LABELS = {"bce": "binary cross-entropy", "mse": "mean squared error"}
STEP_BUDGET = 1000   # optimizer steps one change may train (> the longest epoch: 900 steps)


class Playground(Explorer):
    """Train an MLP on a 2-D data set and watch its boundary, its losses and its weights."""

    def __init__(self, dataset="circle", noise=0.0, train_fraction=0.5, layers=2, units=4,
                 activation="tanh", optimizer="sgd", lr=0.03, batch_size=10, loss="bce",
                 seed=0, epoch=0, n_points=200, max_epochs=300):
        dataset = V.choice("dataset", dataset, D.DATASETS)
        activation = V.choice("activation", activation, PLAYGROUND_ACTIVATIONS)
        optimizer = V.choice("optimizer", optimizer, PLAYGROUND_OPTIMIZERS)
        loss = V.choice("loss", loss, M.LOSSES)
        noise = V.finite_number("noise", noise, minimum=0.0, maximum=D.MAX_NOISE)
        train_fraction = V.finite_number("train_fraction", train_fraction, minimum=0.1,
                                         maximum=0.9)
        layers = V.positive_int("layers", layers, minimum=0, maximum=4)
        units = V.positive_int("units", units, minimum=1, maximum=8)
        batch_size = V.positive_int("batch_size", batch_size, minimum=1, maximum=30)
        seed = V.positive_int("seed", seed, minimum=0, maximum=2**31 - 1)
        self.n_points = V.positive_int("n_points", n_points, minimum=10, maximum=1000)
        self.max_epochs = V.positive_int("max_epochs", max_epochs, minimum=1, maximum=2000)
        epoch = V.positive_int("epoch", epoch, minimum=0, maximum=self.max_epochs)
        lr = V.finite_number("lr", lr, minimum=0.0, strict_min=True)
        if lr not in LEARNING_RATES:
            V.fail("lr", "one of " + ", ".join(f"{v:g}" for v in LEARNING_RATES), lr)
        style = {"description_width": "initial"}
        lay = lambda w="230px": W.Layout(width=w)  # noqa: E731
        c = self.controls = {
            "dataset": W.Dropdown(options=[(DATASET_LABELS[k], k) for k in D.DATASETS],
                                  value=dataset, description="data", style=style, layout=lay()),
            "noise": W.FloatSlider(value=noise, min=0.0, max=D.MAX_NOISE, step=0.05,
                                   description="noise", readout_format=".2f", style=style,
                                   continuous_update=False, layout=lay()),
            "train_fraction": W.FloatSlider(value=train_fraction, min=0.1, max=0.9, step=0.1,
                                            description="training share", readout_format=".1f",
                                            style=style, continuous_update=False, layout=lay()),
            "layers": W.IntSlider(value=layers, min=0, max=4, description="hidden layers",
                                  style=style, continuous_update=False, layout=lay()),
            "units": W.IntSlider(value=units, min=1, max=8, description="units per layer",
                                 style=style, continuous_update=False, layout=lay()),
            "activation": W.Dropdown(options=list(PLAYGROUND_ACTIVATIONS), value=activation,
                                     description="activation", style=style, layout=lay()),
            "optimizer": W.Dropdown(options=list(PLAYGROUND_OPTIMIZERS), value=optimizer,
                                    description="optimizer", style=style, layout=lay()),
            "lr": W.SelectionSlider(options=[(f"{v:g}", v) for v in LEARNING_RATES], value=lr,
                                    description="learning rate", style=style,
                                    continuous_update=False, layout=lay()),
            "batch_size": W.IntSlider(value=batch_size, min=1, max=30, description="batch size",
                                      style=style, continuous_update=False, layout=lay()),
            "loss": W.Dropdown(options=[(v, k) for k, v in LOSS_LABELS.items()], value=loss,
                               description="loss", style=style, layout=lay()),
            "seed": W.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed",
                                     style=style, layout=lay("150px")),
            "epoch": W.IntSlider(value=0, min=0, max=self.max_epochs, description="epoch",
                                 style=style, continuous_update=False, layout=lay("420px")),
            # a clock: every tick (value + 1) while playing trains one more epoch; its ■ sets
            # the value back to 0, which is no tick, so it pauses like ❚❚
            "play": W.Play(value=0, min=0, max=10**9, step=1, interval=200,
                           description="play", show_repeat=False),
            "step": W.Button(description="Step +1 epoch", layout=W.Layout(width="130px")),
            "rewind": W.Button(description="⏮ epoch 0", button_style="warning",
                               tooltip="back to epoch 0: the network as the seed draws it",
                               layout=W.Layout(width="90px")),
        }
        self.mark_main(c["epoch"])
        self.step_button, self.rewind_button = c["step"], c["rewind"]
        self.on_click(self.step_button, lambda _b: self.step())
        self.on_click(self.rewind_button, lambda _b: self.rewind())
        self.watch(c["play"], self._on_tick)
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")

        self.figure = PlaygroundFigure()
        self.view = self.figure.view
        self.views = [self.view]
        self._key = None
        self._data_key = None
        self._points_dirty = True
        self._busy = False
        self.last_steps = 0           # optimizer steps the last change trained (<= STEP_BUDGET)
        for name, ctl in self.settable().items():
            self.watch(ctl, self._on_change)
        self._message = ""
        self._busy = True
        c["epoch"].value = epoch
        self._busy = False
        self.update()
        box = lambda *ws: W.HBox(list(ws), layout=W.Layout(flex_flow="row wrap"))  # noqa: E731
        self.widget = W.VBox([
            box(c["dataset"], c["noise"], c["train_fraction"]),
            box(c["layers"], c["units"], c["activation"]),
            box(c["optimizer"], c["lr"], c["batch_size"]),
            box(c["loss"], c["seed"]),
            box(c["play"], self.step_button, self.rewind_button, c["epoch"]),
            self.readout, self.view.image])

    # -- settings -----------------------------------------------------------------------------
    def settings(self) -> dict:
        c = self.controls
        units = int(c["units"].value)
        return {"dataset": c["dataset"].value, "noise": round(float(c["noise"].value), 4),
                "train_fraction": round(float(c["train_fraction"].value), 4),
                "hidden": [units] * int(c["layers"].value),
                "activation": c["activation"].value, "optimizer": c["optimizer"].value,
                "lr": float(c["lr"].value), "batch_size": int(c["batch_size"].value),
                "loss": c["loss"].value, "seed": int(c["seed"].value)}

    def _rebuild(self, s: dict) -> None:
        data_key = (s["dataset"], s["noise"], s["train_fraction"], s["seed"])
        if data_key != self._data_key:
            self.split = D.make_split(s["dataset"], self.n_points, s["noise"],
                                      s["train_fraction"], s["seed"])
            self._data_key = data_key
            self._points_dirty = True
        # a batch cannot be larger than the training set: clamp the slider instead of failing
        bs = self.controls["batch_size"]
        top = min(30, self.split.n_train)
        if bs.max != top:
            self._busy = True
            try:
                bs.max = top
            finally:
                self._busy = False
            s["batch_size"] = int(bs.value)
        model = M.MLP(2, tuple(s["hidden"]), 1, activation=s["activation"], loss=s["loss"],
                      seed=s["seed"])
        self.trainer = M.Trainer(model, self.split.X_train, self.split.y_train,
                                 self.split.X_test, self.split.y_test, optimizer=s["optimizer"],
                                 lr=s["lr"], batch_size=s["batch_size"], seed=s["seed"])
        self._snaps = {0: self.trainer.snapshot()}
        self._layout = network_layout(model.sizes)
        self.figure.reset_scale()

    def _go_to(self, epoch: int) -> int:
        """Restore or train towards `epoch`, training at most STEP_BUDGET steps (whole epochs);
        returns the epoch reached."""
        tr = self.trainer
        self.last_steps = 0
        if epoch == tr.epoch:
            return epoch
        if epoch in self._snaps:
            tr.restore(self._snaps[epoch])
            return epoch
        start = max(e for e in self._snaps if e <= epoch)
        if start != tr.epoch:
            tr.restore(self._snaps[start])
        spent, per_epoch = 0, tr.steps_per_epoch
        while tr.epoch < epoch and spent + per_epoch <= STEP_BUDGET:
            before = tr.steps
            tr.train_epoch()
            spent += per_epoch
            self.last_steps += tr.steps - before
            self._snaps[tr.epoch] = tr.snapshot()
        return tr.epoch

    # -- callbacks ----------------------------------------------------------------------------
    def _on_change(self, _change=None):
        if not self._busy:
            self.update()

    def _on_tick(self, change) -> None:
        """The Play widget's clock: a tick (a larger value) trains one more epoch; its ■ (the
        value back to 0) and ❚❚ leave the epoch where it is."""
        play = self.controls["play"]
        if change["new"] <= change["old"]:
            return
        self.step()
        if self.controls["epoch"].value >= self.max_epochs:
            play.playing = False

    def step(self) -> None:
        """One more epoch (the Step button, a tick of ▶)."""
        e = self.controls["epoch"]
        e.value = min(e.value + 1, e.max)

    def rewind(self) -> None:
        """Back to epoch 0 (the "⏮ epoch 0" button): the network exactly as the seed draws it,
        the epochs trained so far forgotten; the settings stay."""
        self.controls["play"].playing = False
        self._key = None                      # rebuild: new trainer, axes back to their start
        if self.controls["epoch"].value == 0:
            self.update()
        else:
            self.controls["epoch"].value = 0

    def update(self) -> None:
        self.controls["units"].disabled = self.controls["layers"].value == 0
        try:
            s = self.settings()
            key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in s.items())
            self._message = ""
            if key != self._key:
                self._rebuild(s)
                self._key = tuple((k, tuple(v) if isinstance(v, list) else v)
                                  for k, v in self.settings().items())
            epoch = self.controls["epoch"]
            target = int(epoch.value)
            reached = self._go_to(target)
            if reached != target:
                # the budget of one change is spent: show the epoch reached, say so
                self._busy = True
                try:
                    epoch.value = reached
                finally:
                    self._busy = False
                self._message = (f"Trained to epoch {reached} of {target} (one change trains at "
                                 f"most {STEP_BUDGET} steps; {self.trainer.steps_per_epoch} per "
                                 "epoch here): press ▶ to continue.")
        except ValueError as err:       # a combination the controls could not refuse
            self._message = f"Cannot train with these settings: {err}"
        self._redraw()

    def _redraw(self) -> None:
        tr, model, fig = self.trainer, self.trainer.model, self.figure
        if self._points_dirty:
            fig.show_points(self.split)
            self._points_dirty = False
        with np.errstate(all="ignore"):
            boundary = model.predict_proba(fig.grid)
        titles = (f"network {'-'.join(map(str, model.sizes))}: {model.n_params} parameters",
                  f"{DATASET_LABELS[self.split.name]}: output ŷ over the plane",
                  f"loss ({LOSS_LABELS[model.loss_name]})")
        fig.show(self._layout, model.weights, model.biases, model.n_inputs, boundary,
                 tr.history, max(self._snaps), titles)
        st = self.state()
        fmt = lambda v, d=4: "—" if v is None else f"{v:.{d}f}"  # noqa: E731
        warn = ""
        if tr.diverged is not None:
            warn = (f"<br><b style='color:#b3261e'>training diverged in epoch {tr.diverged} "
                    "(a parameter became infinite): the learning rate is too high; the last "
                    "finite network is shown.</b>")
        if self.controls["activation"].value == "step":
            warn += ("<br><i>The step function's derivative is 0 wherever it exists: no gradient "
                     "flows back through it, so only the output layer learns.</i>")
        if self._message:
            warn += f"<br><b style='color:#8a5a00'>{self._message}</b>"
        self.readout.value = (
            f"epoch <b>{st['epoch']}</b> ({st['steps']} steps, {tr.steps_per_epoch} per epoch) "
            f"&nbsp; training loss <b>{fmt(st['train_loss'])}</b>, test loss "
            f"<b>{fmt(st['test_loss'])}</b> &nbsp; accuracy: training "
            f"<b>{fmt(st['train_acc'], 3)}</b>, test <b>{fmt(st['test_acc'], 3)}</b>{warn}")

    def picture(self) -> "Picture":
        """What the explorer shows now, as a plain PNG output (seen where widgets are not: a
        static HTML export, a notebook viewer)."""
        s = self.state()
        return Picture(self.view.image.value,
                       f"the playground at epoch {s['epoch']}: {s['dataset']}, network "
                       f"{'-'.join(map(str, self.trainer.model.sizes))}, {s['activation']}, "
                       f"{s['optimizer']} lr {s['lr']:g}, batch {s['batch_size']}, seed "
                       f"{s['seed']}")

    def state(self) -> dict:
        s = self.settings()
        s.update(self.trainer.summary())
        s["n_params"] = self.trainer.model.n_params
        s["lr"] = float(f"{s['lr']:g}")
        test = np.asarray(self.trainer.history["test_loss"], dtype=float)
        # the epoch of the lowest test loss so far (where overfitting starts), None without one
        s["best_test_epoch"] = int(np.nanargmin(test)) if np.isfinite(test).any() else None
        s["hidden_weight_change"] = self.hidden_weight_change()
        return s

    def hidden_weight_change(self) -> float:
        """The largest change of any hidden layer's weight or bias since epoch 0 (the output
        layer, the last weight and bias, left out); 0.0 without hidden layers."""
        start = self._snaps[0][3][:-2]
        now = self.trainer.model.params[:-2]
        return round(max((float(np.abs(a - b).max()) for a, b in zip(now, start)), default=0.0), 6)

    reset = rewind      # the name of the "⏮ epoch 0" button's method before issue 11


def factory() -> Playground:
    """The notebook's main explorer (named in the metadata of 05_playground)."""
    return Playground()


__all__ = ["Picture", "Playground", "factory", "network_layout", "nice_ceiling", "plot_datasets",
           "weight_widths"]
