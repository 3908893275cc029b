"""Notebook 10's latent-plane explorer: two sliders move a point in the 2-D bottleneck of an
autoencoder trained on the digits, and the decoder draws the image of that point.

Left: the codes of the held-out digits (the latent map, coloured by digit) and the point (z1, z2);
right: the decoded 8×8 image. The readout names the nearest held-out code and the digit whose
average training image the decoded image is closest to (mean squared difference). The sliders
span the codes' box (a point far outside it is refused by the sliders' range).
"""
from __future__ import annotations

import functools

import ipywidgets as W
import numpy as np

from ..engine import autoencoder as A
from .ui import Explorer, FigureView, new_figure, slider

EPOCHS = 60     # the notebook's 2-D autoencoder: 60 epochs of Adam (about a second)
DIGIT_COLOURS = "tab10"


_TRAINED: dict = {}


def trained(bottleneck=2, epochs=EPOCHS, seed=0, callback=None):
    """The notebook's autoencoder, trained once per process and setting: (model, split, X, y).
    `callback(epoch, epochs, record)` hears the epochs when it is trained here (not when cached)."""
    key = (bottleneck, epochs, seed)
    if key not in _TRAINED:
        if len(_TRAINED) >= 2:
            _TRAINED.pop(next(iter(_TRAINED)))
        _TRAINED[key] = A.train_digit_autoencoder(bottleneck=bottleneck, epochs=epochs, seed=seed,
                                                  callback=callback)
    return _TRAINED[key]


@functools.lru_cache(maxsize=2)
def latent_summary(epochs=EPOCHS, seed=0) -> dict:
    """What the explorer reads, computed once: the held-out codes and labels, the average
    training image of each digit, the slider box, each digit's centre in the plane."""
    model, split, x, y = trained(2, epochs, seed)
    codes = model.encode(x[split.test])
    means = np.stack([x[split.train][y[split.train] == d].mean(axis=0) for d in range(10)])
    lo = np.floor(codes.min(axis=0) * 4 - 1) / 4     # the codes' box with a margin, in quarters
    hi = np.ceil(codes.max(axis=0) * 4 + 1) / 4
    centres = np.stack([codes[y[split.test] == d].mean(axis=0) for d in range(10)])
    return {"model": model, "codes": codes, "labels": y[split.test], "means": means,
            "lo": lo, "hi": hi, "centres": centres}


def decode_point(summary, z1, z2) -> dict:
    """The decoded image of (z1, z2) and what it is nearest to."""
    img = summary["model"].decode(np.array([z1, z2]))
    d_code = np.linalg.norm(summary["codes"] - np.array([z1, z2]), axis=1)
    k = int(np.argmin(d_code))
    d_img = np.mean((summary["means"] - img.reshape(1, 64)) ** 2, axis=1)
    return {"image": img, "nearest": int(summary["labels"][k]), "nearest_distance": float(d_code[k]),
            "looks_like": int(np.argmin(d_img)), "distance_to_mean": float(d_img.min())}


class LatentExplorer(Explorer):
    def __init__(self, z1=None, z2=None, epochs=EPOCHS, seed=0):
        s = self.summary = latent_summary(epochs, seed)
        lo, hi = s["lo"], s["hi"]
        start = np.clip(s["centres"][0] if z1 is None else [z1, z2 if z2 is not None else 0.0], lo, hi)
        start = np.round(start * 20) / 20
        self.controls = {
            "z1": slider("latent z1", float(start[0]), float(lo[0]), float(hi[0]), 0.05),
            "z2": slider("latent z2", float(start[1]), float(lo[1]), float(hi[1]), 0.05),
        }
        self.mark_main(self.controls["z1"])
        fig, (ax, ax_img) = new_figure(760, 340, ncols=2, gridspec_kw={"width_ratios": [1.5, 1]})
        sc = ax.scatter(s["codes"][:, 0], s["codes"][:, 1], c=s["labels"], cmap=DIGIT_COLOURS,
                        vmin=-0.5, vmax=9.5, s=9, alpha=0.75)
        for d, (cx, cy) in enumerate(s["centres"]):
            ax.text(cx, cy, str(d), fontsize=11, weight="bold", ha="center", va="center",
                    color="black", alpha=0.8)
        fig.colorbar(sc, ax=ax, ticks=range(10), label="digit", fraction=0.05, pad=0.02)
        (self.marker,) = ax.plot([start[0]], [start[1]], marker="X", ms=14, color="black",
                                 markeredgecolor="white", ls="none")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_xlabel("latent z1")
        ax.set_ylabel("latent z2")
        ax.set_title("Codes of the held-out digits", fontsize=10)
        self.img = ax_img.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1)
        ax_img.set_xticks([])
        ax_img.set_yticks([])
        self.title = ax_img.set_title("decoded: looks like a 0", fontsize=10)
        fig.tight_layout()
        self.view = FigureView(fig, "the latent map and the image decoded from the chosen point",
                               animated=[self.marker, self.img, self.title])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, lambda _ch: self.update())
        self.widget = W.VBox([W.HBox([self.controls["z1"], self.controls["z2"]]), self.readout,
                              self.view.image])
        self.update()

    def point(self):
        return float(self.controls["z1"].value), float(self.controls["z2"].value)

    def update(self) -> None:
        z1, z2 = self.point()
        self.shown = r = decode_point(self.summary, z1, z2)   # computed once, read below
        self.marker.set_data([z1], [z2])
        self.img.set_data(r["image"])
        self.title.set_text(f"decoded: looks like a {r['looks_like']}")
        self.view.refresh()
        self.readout.value = (f"point ({z1:.2f}, {z2:.2f}): the nearest held-out code is a "
                              f"<b>{r['nearest']}</b> ({r['nearest_distance']:.2f} away); the decoded "
                              f"image is closest to the average <b>{r['looks_like']}</b> (mean squared "
                              f"difference {r['distance_to_mean']:.4f}); ink {r['image'].mean():.3f}")

    def state(self) -> dict:
        z1, z2 = self.point()
        r = self.shown
        return {"z1": round(z1, 3), "z2": round(z2, 3), "nearest": r["nearest"],
                "nearest_distance": round(r["nearest_distance"], 3), "looks_like": r["looks_like"],
                "distance_to_mean": round(r["distance_to_mean"], 4),
                "ink": round(float(r["image"].mean()), 4), "peak": round(float(r["image"].max()), 4)}


def main_explorer() -> LatentExplorer:
    return LatentExplorer()
