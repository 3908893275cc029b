"""The playground: TensorFlow Playground's demo rebuilt on nnlab, inside JupyterLab.

One figure, drawn once, three panels:
- the network: one line per weight, its thickness |w| and its colour the sign (blue +,
  orange −), the neurons coloured by their bias;
- the decision boundary: the network's output over the plane as a heatmap (updated with
  `set_array`), the training points (white edge) and the test points (black edge);
- the loss curves: training and test loss after every epoch.

What is shown is a function of the settings and the epoch only: the network after `epoch`
epochs of training, from the seed, with the settings shown. Move the epoch slider back and
the earlier network comes back (every epoch reached is kept); change a setting (the learning
rate, the activation, ...) and the network is retrained from its seed up to the same epoch,
so two settings can be compared at equal training time (when that would take more than
RETRAIN_STEPS optimizer steps, the epoch goes back to 0 instead, with a message). The Play
widget moves the epoch (`controls["play"].value` is the epoch); Step adds one epoch; Reset
goes back to epoch 0.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize

from ..core import validate as V
from ..engine import datasets2d as D
from ..engine import mlp as M
from .ui import Explorer, FigureView, StaticFigure, new_figure

# TensorFlow Playground's colours: orange for negative / class 0, blue for positive / class 1
ORANGE, BLUE = "#f59322", "#0877bd"
CMAP = LinearSegmentedColormap.from_list("playground", [ORANGE, "#e8eaeb", BLUE])
# the heatmap in paler colours, so that the points (in full colour) stay visible on it
HEAT_CMAP = LinearSegmentedColormap.from_list("playground_heat", ["#f9c98f", "#f4f5f5", "#8dbfe0"])
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
PLAYGROUND_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "elu", "softplus",
                          "hard_sigmoid", "linear", "step")
PLAYGROUND_OPTIMIZERS = ("sgd", "momentum", "nag", "adagrad", "rmsprop", "adam", "adamax",
                         "nadam")
DATASET_LABELS = {"circle": "circle", "xor": "XOR", "gauss": "Gaussian clusters",
                  "spiral": "spiral"}
LOSS_LABELS = {"bce": "binary cross-entropy", "mse": "mean squared error"}
RETRAIN_STEPS = 3000           # a setting change retrains to the same epoch if it costs <= this
GRID = 60                      # heatmap resolution (GRID × GRID points of the plane)


def network_layout(sizes):
    """Neuron positions and weight segments in fixed axes coordinates (x in [0, 1], y in
    [-0.5, 0.5]): layer l of L at x = l/L, neurons evenly spaced and centred in their layer."""
    L = max(len(sizes) - 1, 1)
    top = max(sizes)
    gap = 1.0 / (top - 1) if top > 1 else 0.0
    per_layer = []
    for li, k in enumerate(sizes):
        ys = -(np.arange(k) - (k - 1) / 2.0) * gap
        per_layer.append(np.column_stack([np.full(k, li / L), ys]))
    segments = []
    for li in range(len(sizes) - 1):
        src, dst = per_layer[li], per_layer[li + 1]
        for j in range(len(dst)):          # W[j, i]: from neuron i to neuron j (torch layout)
            for i in range(len(src)):
                segments.append([src[i], dst[j]])
    return np.vstack(per_layer), segments


def nice_ceiling(v: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is >= v (axis limits that change rarely)."""
    if not np.isfinite(v) or v <= 0:
        return 1.0
    e = 10.0 ** np.floor(np.log10(v))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * e >= v * (1 - 1e-12):
            return float(m * e)
    return float(10 * e)


def weight_widths(w) -> np.ndarray:
    """Line thickness for weights w: 0.3 pt plus 1.5 pt per unit of |w|, at most 6 pt."""
    return np.minimum(0.3 + 1.5 * np.abs(np.asarray(w, dtype=float)), 6.0)


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
            "play": W.Play(value=0, min=0, max=self.max_epochs, step=1, interval=200,
                           description="play", show_repeat=False),
        }
        self.mark_main(c["epoch"])
        # the Play widget and the epoch slider move together (kernel-side link: a test setting
        # either one sees the other follow; jslink would only work in a browser)
        self._link = W.link((c["play"], "value"), (c["epoch"], "value"))
        self.step_button = W.Button(description="Step +1 epoch", layout=W.Layout(width="130px"))
        self.reset_button = W.Button(description="Reset", button_style="warning",
                                     tooltip="back to epoch 0: the network as the seed draws it",
                                     layout=W.Layout(width="80px"))
        self.step_button.on_click(lambda _b: self.step())
        self.reset_button.on_click(lambda _b: self.reset())
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")

        self._build_figure()
        self.views = [self.view]
        self._key = None
        self._data_key = None
        self._titles = None
        self._points_dirty = True
        self._busy = False
        for name, ctl in c.items():
            if name != "play":
                ctl.observe(self._on_change, names="value")
        self._message = ""
        self._busy = True
        c["epoch"].value = epoch
        self._busy = False
        self.update()
        box = lambda *ws: W.HBox(list(ws))  # noqa: E731
        self.widget = W.VBox([
            box(c["dataset"], c["noise"], c["train_fraction"]),
            box(c["layers"], c["units"], c["activation"]),
            box(c["optimizer"], c["lr"], c["batch_size"]),
            box(c["loss"], c["seed"], self.reset_button),
            box(c["play"], self.step_button, c["epoch"]),
            self.readout, self.view.image])

    # -- figure, drawn once ---------------------------------------------------------------------
    def _build_figure(self):
        fig, (axn, axb, axl) = new_figure(960, 330, ncols=3,
                                          gridspec_kw={"width_ratios": [1.15, 1.0, 1.15]})
        self.fig = fig
        # network (fixed limits: network_layout scales any architecture into them)
        axn.set_axis_off()
        axn.set_xlim(-0.32, 1.16)
        axn.set_ylim(-0.78, 0.58)
        self._edges = LineCollection([], cmap=CMAP, norm=Normalize(-1.5, 1.5), zorder=1)
        axn.add_collection(self._edges)
        self._nodes = axn.scatter([], [], s=80, c=[], cmap=CMAP, norm=Normalize(-1.5, 1.5),
                                  edgecolors="#333333", linewidths=0.8, zorder=2)
        axn.text(-0.05, 0.0, "x1, x2 →", ha="right", va="center", fontsize=8)
        axn.text(1.05, 0.0, "→ ŷ", ha="left", va="center", fontsize=8)
        axn.text(0.45, -0.77, "line: width |w|, colour sign (blue +, orange −)\n"
                             "neuron: colour its bias", ha="center", va="bottom", fontsize=7,
                 color="#444444")
        self._axn = axn
        # decision boundary
        lo, hi = D.DOMAIN
        g = np.linspace(lo, hi, GRID)
        gx, gy = np.meshgrid(g, g)
        self._grid = np.column_stack([gx.ravel(), gy.ravel()])
        self._heat = axb.imshow(np.full((GRID, GRID), 0.5), extent=(lo, hi, lo, hi),
                                origin="lower", cmap=HEAT_CMAP, vmin=0.0, vmax=1.0,
                                interpolation="bilinear", aspect="equal")
        self._train_pts = axb.scatter([], [], s=14, edgecolors="white", linewidths=0.6)
        self._test_pts = axb.scatter([], [], s=14, edgecolors="black", linewidths=0.6)
        axb.set_xlim(lo, hi)
        axb.set_ylim(lo, hi)
        axb.set_xticks([-6, 0, 6])
        axb.set_yticks([-6, 0, 6])
        axb.set_xlabel("x1", fontsize=8, labelpad=0)
        axb.set_ylabel("x2", fontsize=8, labelpad=0)
        axb.tick_params(labelsize=7)
        self._axb = axb
        # loss curves
        (self._train_line,) = axl.plot([], [], color="#222222", lw=1.5, label="training loss")
        (self._test_line,) = axl.plot([], [], color="#999999", lw=1.5, label="test loss")
        axl.set_xlabel("epoch", fontsize=8, labelpad=0)
        axl.tick_params(labelsize=7)
        axl.legend(loc="upper right", fontsize=7)
        axl.grid(alpha=0.3)
        self._axl = axl
        self._limits = None
        fig.subplots_adjust(left=0.01, right=0.985, bottom=0.13, top=0.9, wspace=0.22)
        # everything that moves with the epoch is blitted over a background drawn once
        moving = [self._edges, self._nodes, self._heat, self._train_pts, self._test_pts,
                  self._train_line, self._test_line]
        self.view = FigureView(fig, "network, decision boundary and loss curves",
                               animated=moving)

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
        self._ytop = 0.0

    def _go_to(self, epoch: int) -> None:
        tr = self.trainer
        if epoch == tr.epoch:
            return
        if epoch in self._snaps:
            tr.restore(self._snaps[epoch])
            return
        start = max(e for e in self._snaps if e <= epoch)
        if start != tr.epoch:
            tr.restore(self._snaps[start])
        while tr.epoch < epoch:
            tr.train_epoch()
            self._snaps[tr.epoch] = tr.snapshot()

    # -- callbacks ----------------------------------------------------------------------------
    def _on_change(self, _change=None):
        if not self._busy:
            self.update()

    def step(self) -> None:
        """One more epoch (the Step button)."""
        e = self.controls["epoch"]
        e.value = min(e.value + 1, e.max)

    def reset(self) -> None:
        """Back to epoch 0 (the Reset button): the network exactly as the seed draws it, the
        epochs trained so far forgotten."""
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
                steps = epoch.value * self.trainer.steps_per_epoch
                if steps > RETRAIN_STEPS:
                    # retraining that far would keep the learner waiting: start again instead
                    self._message = (f"Settings changed: retraining to epoch {epoch.value} would "
                                     f"take {steps} steps, so training starts again from "
                                     "epoch 0: press ▶.")
                    self._busy = True
                    try:
                        epoch.value = 0
                    finally:
                        self._busy = False
            self._go_to(int(self.controls["epoch"].value))
        except ValueError as err:       # a combination the controls could not refuse
            self._message = f"Cannot train with these settings: {err}"
        self._redraw()

    def _redraw(self) -> None:
        tr, model = self.trainer, self.trainer.model
        # network
        pts, segs = self._layout
        w = np.concatenate([W_.ravel() for W_ in model.weights])
        self._edges.set_segments(segs)
        self._edges.set_array(w)
        self._edges.set_linewidths(weight_widths(w))
        b = np.concatenate([np.zeros(model.n_inputs)] + [b_.ravel() for b_ in model.biases])
        self._nodes.set_offsets(pts)
        self._nodes.set_array(b)
        # boundary
        with np.errstate(all="ignore"):
            out = model.predict_proba(self._grid)
        self._heat.set_array(np.clip(out, 0.0, 1.0).reshape(GRID, GRID))
        # losses
        h = tr.history
        ep = np.asarray(h["epoch"], dtype=float)
        trl, tel = np.asarray(h["train_loss"]), np.asarray(h["test_loss"])
        self._train_line.set_data(ep, trl)
        self._test_line.set_data(ep, tel)
        # the static parts (titles, the loss axes' limits) change rarely: redraw them only then
        # (the limits never shrink while the settings stay: moving back and forth is cheap)
        top = np.nanmax(np.concatenate([trl, tel]))
        self._ytop = max(self._ytop, top) if np.isfinite(top) else self._ytop
        limits = (max(10.0, nice_ceiling(max(self._snaps))), nice_ceiling(1.05 * self._ytop))
        titles = (f"network {'-'.join(map(str, model.sizes))}: {model.n_params} parameters",
                  f"{DATASET_LABELS[self.split.name]}: output ŷ over the plane",
                  f"loss ({LOSS_LABELS[model.loss_name]})")
        if self._points_dirty:      # the points are animated too: no full redraw needed
            sp = self.split
            colour = lambda y: np.where(y[:, None] > 0.5,  # noqa: E731
                                        np.array([[0.03, 0.47, 0.74, 1.0]]),
                                        np.array([[0.96, 0.58, 0.13, 1.0]]))
            self._train_pts.set_offsets(sp.X_train)
            self._train_pts.set_facecolors(colour(sp.y_train))
            self._test_pts.set_offsets(sp.X_test)
            self._test_pts.set_facecolors(colour(sp.y_test))
            self._points_dirty = False
        full = limits != self._limits or titles != self._titles
        if full:
            self._axl.set_xlim(0, limits[0])
            self._axl.set_ylim(0, limits[1])
            for ax, t in zip((self._axn, self._axb, self._axl), titles):
                ax.set_title(t, fontsize=9)
            self._limits, self._titles = limits, titles
        self.view.refresh(full=full)
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
        return s

    def close(self) -> None:
        self._link.unlink()
        super().close()


class Picture:
    """PNG bytes shown as an image by the notebook, with a one-line text form."""

    def __init__(self, png: bytes, description: str):
        self.png = bytes(png)
        self.description = description

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"<figure: {self.description}>"


def plot_datasets(noise: float = 0.0, n: int = 200, seed: int = 0) -> StaticFigure:
    """The four data sets side by side (class 1 blue, class 0 orange)."""
    noise = V.finite_number("noise", noise, minimum=0.0, maximum=D.MAX_NOISE)
    fig, axes = new_figure(960, 260, ncols=4)
    lo, hi = D.DOMAIN
    for ax, name in zip(axes, D.DATASETS):
        X, y = D.make_dataset(name, n, noise, seed)
        ax.scatter(X[:, 0], X[:, 1], s=10, c=np.where(y > 0.5, BLUE, ORANGE),
                   edgecolors="white", linewidths=0.4)
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_aspect("equal")
        ax.set_xticks([-6, 0, 6])
        ax.set_yticks([-6, 0, 6])
        ax.tick_params(labelsize=7)
        ax.set_title(f"{DATASET_LABELS[name]} ({name!r})", fontsize=9)
    fig.suptitle(f"the four data sets: {n} points each, noise {noise:g}, seed {seed}",
                 fontsize=9)
    fig.tight_layout()
    return StaticFigure(fig, f"the four 2-D data sets, noise {noise:g}, seed {seed}")


def factory() -> Playground:
    """The notebook's main explorer (named in the metadata of 05_playground)."""
    return Playground()


__all__ = ["Playground", "factory", "network_layout", "plot_datasets", "weight_widths"]
