"""Notebook 11's static drawings: training curves of the transformer and the GRU, the attention
of "bank" in two sentences with its static and contextual vectors, and forward-pass cost against
sequence length (each a Figure made by nnlab.views.ui.new_figure, outside pyplot, shown once)."""
from __future__ import annotations

import numpy as np

from .rnn_figures import show
from .ui import new_figure

COLORS = {"transformer": "#9467bd", "no positions": "#8c564b", "gru": "#2ca02c"}

__all__ = ["show", "draw_training", "draw_bank", "draw_costs", "draw_times"]


def draw_training(result: dict):
    """Training loss per step of each model of `compare_on_pointer`, chance level marked."""
    fig, ax = new_figure(640, 300)
    for name, loss in result["history"].items():
        ax.plot(np.arange(1, len(loss) + 1), loss, color=COLORS[name], lw=1.2,
                label=f"{name} ({result['params'][name]} parameters): test accuracy "
                      f"{result['accuracy'][name]:.2f}")
    ax.axhline(np.log(1 / result["chance"]), color="#888", ls="--", lw=1, label="guessing (ln k)")
    ax.set_xlabel("training step (batch of 64)")
    ax.set_ylabel("cross-entropy")
    ax.set_title("pointer task: name the symbol at the position the last token points to",
                 fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def draw_bank(readings: list[dict], axes_names=("money", "nature", "grammar")):
    """For each sentence: bank's attention weights over the words, then bank's static vector
    beside its contextual one (the block's output at bank)."""
    fig, axes = new_figure(900, 260 * len(readings), nrows=len(readings), ncols=2, squeeze=False)
    for (ax1, ax2), r in zip(axes, readings):
        k = r["words"].index("bank")
        w = r["weights"][k]
        ax1.bar(range(len(w)), w, color="#1f77b4")
        ax1.set_xticks(range(len(w)), r["words"], fontsize=8)
        ax1.set_ylim(0, 1)
        ax1.set_ylabel("weight")
        ax1.set_title(f"“{' '.join(r['words'])}”: where bank looks", fontsize=10)
        for j, v in enumerate(w):
            ax1.text(j, v + 0.02, f"{v:.2f}", ha="center", fontsize=7)
        xs = np.arange(len(axes_names))
        ax2.bar(xs - 0.2, r["static"][k], 0.4, color="#bbbbbb", label="static (the input)")
        ax2.bar(xs + 0.2, r["contextual"][k], 0.4, color="#1f77b4", label="contextual (block output)")
        ax2.set_xticks(xs, [f"{j + 1}" for j in xs])
        ax2.set_xlabel("component (of the input: " + ", ".join(axes_names) + ")", fontsize=8)
        ax2.axhline(0, color="#444", lw=0.8)
        ax2.set_title("bank's vector: static and contextual", fontsize=10)
        ax2.legend(fontsize=7)
        ax2.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig


def draw_costs(lengths, gru: list[dict], attention: list[dict]):
    """Sequential steps and multiply-adds against T (from nnlab.engine.transformer.parallel)."""
    fig, (ax1, ax2) = new_figure(820, 300, ncols=2)
    ax1.plot(lengths, [c["sequential_steps"] for c in gru], "o-", color=COLORS["gru"], label="GRU")
    ax1.plot(lengths, [c["sequential_steps"] for c in attention], "o-", color=COLORS["transformer"],
             label="self-attention")
    ax1.set_xscale("log", base=2)
    ax1.set_yscale("log", base=2)
    ax1.set_xlabel("sequence length T")
    ax1.set_ylabel("dependent steps")
    ax1.set_title("steps that must wait for the previous one", fontsize=10)
    ax1.legend(fontsize=8)
    ax2.plot(lengths, [c["multiply_adds"] for c in gru], "o-", color=COLORS["gru"], label="GRU")
    ax2.plot(lengths, [c["projections"] for c in attention], "s--", color="#c5b0d5",
             label="attention: projections (∝ T)")
    ax2.plot(lengths, [c["scores_and_sum"] for c in attention], "^-", color=COLORS["transformer"],
             label="attention: QKᵀ and AV (∝ T²)")
    ax2.set_xscale("log", base=2)
    ax2.set_yscale("log")
    ax2.set_xlabel("sequence length T")
    ax2.set_ylabel("multiply-adds (one sample)")
    ax2.set_title("total work", fontsize=10)
    ax2.legend(fontsize=7)
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig


def draw_times(times: dict):
    """Measured forward-pass times (nnlab.engine.transformer.parallel.time_forward) against T."""
    fig, ax = new_figure(520, 300)
    ax.plot(times["lengths"], np.array(times["gru"]) * 1e3, "o-", color=COLORS["gru"],
            label="GRU (T steps, one after the other)")
    ax.plot(times["lengths"], np.array(times["attention"]) * 1e3, "o-", color=COLORS["transformer"],
            label="self-attention (a few batched products)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("sequence length T")
    ax.set_ylabel("forward pass (ms, this machine)")
    ax.set_title("measured time of one forward pass", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig
