"""Notebook 01's figures for "why deep learning": the circle data seen raw and through a
hand-made feature, and the features the hidden units of a small network learned.

Both read what `nnlab.engine.why_deep` computed (the trained models, `hidden_features`).
"""
from __future__ import annotations

import numpy as np

from ..engine.datasets2d import make_split
from ..engine.why_deep import hidden_features, radius_squared
from .ui import StaticFigure, new_figure


def plot_circle_views(n=200, noise=0.0, seed=0) -> StaticFigure:
    """The circle data in the plane (no line separates it) and along x1² + x2² (one cut does)."""
    s = make_split("circle", n=n, noise=noise, seed=seed)
    X, y = s.X_train, s.y_train
    fig, (a, b) = new_figure(720, 280, ncols=2)
    for cls, colour, label in ((1, "#1f77b4", "class 1 (inside)"), (0, "#d62728", "class 0 (ring)")):
        a.scatter(X[y == cls, 0], X[y == cls, 1], s=12, color=colour, label=label)
        r2 = radius_squared(X[y == cls])[:, 0]
        b.scatter(r2, np.full(len(r2), cls) + np.linspace(-0.15, 0.15, len(r2)), s=12,
                  color=colour, label=label)
    a.set_aspect("equal")
    a.set_xlabel("x1")
    a.set_ylabel("x2")
    a.set_title("raw inputs: no straight line separates the classes", fontsize=9)
    a.legend(fontsize=7, loc="upper right")
    b.set_xlabel("hand-made feature x1² + x2²")
    b.set_yticks([0, 1], ["class 0", "class 1"])
    b.set_title("one feature: a single threshold separates them", fontsize=9)
    fig.tight_layout()
    return StaticFigure(fig, "the circle data in the plane and along x1² + x2²")


def plot_hidden_features(model, X=None, y=None) -> StaticFigure:
    """One panel per hidden unit (its tanh activation over the plane: a soft half-plane), and
    the network's output, which combines them into a closed region around the disc."""
    g, units, out = hidden_features(model)
    k = len(units)
    fig, axes = new_figure(170 * (k + 1), 210, ncols=k + 1)
    extent = (g[0], g[-1], g[0], g[-1])
    w = model.weights[1][0]          # (outputs, inputs), as torch.nn.Linear stores it
    for j, (ax, u) in enumerate(zip(axes, units)):
        ax.imshow(u, origin="lower", extent=extent, cmap="PuOr", vmin=-1, vmax=1)
        ax.set_title(f"hidden unit {j + 1}\n(weight to output {w[j]:+.2f})", fontsize=8)
        ax.set_xlabel("orange −1 · purple +1", fontsize=7)
    im = axes[-1].imshow(out, origin="lower", extent=extent, cmap="RdBu", vmin=0, vmax=1)
    axes[-1].contour(g, g, out, levels=[0.5], colors="k", linewidths=1)
    if X is not None and y is not None:
        axes[-1].scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", vmin=0, vmax=1, s=5,
                         edgecolors="k", linewidths=0.2)
    axes[-1].set_title("output (black: 0.5)", fontsize=8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(im, ax=axes[-1], fraction=0.05)
    fig.tight_layout()
    return StaticFigure(fig, f"the {k} hidden units' activations over the plane and the output")
