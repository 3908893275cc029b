"""Notebook 08's static drawings: the three architectures unrolled, training curves, generated
sequences (each a Figure made by nnlab.views.ui.new_figure, outside pyplot, shown once as PNG).
"""
from __future__ import annotations

import numpy as np

from ..core import validate as V
from .ui import new_figure, png_bytes

COLORS = {"rnn": "#1f77b4", "gru": "#2ca02c", "lstm": "#d62728"}

def show(fig):
    """A static figure as an IPython Image (PNG), the figure then cleared."""
    from IPython.display import Image

    data = png_bytes(fig)
    fig.clear()
    return Image(data=data, format="png")


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
