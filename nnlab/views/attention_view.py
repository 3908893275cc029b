"""The attention explorer of notebook 08: "the <w> bank", <w> slid from "river" to "money".

The heatmap, the bars, the readout and `state()` are read from the result of
`nnlab.engine.attention.bank_in_context` (its `Attention` keeps every intermediate).
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..engine import attention as A
from .rnn_view import fmt_vec
from .ui import Explorer, FigureView, new_figure, slider


class AttentionExplorer(Explorer):
    """"the <w> bank": slide <w> from "river" to "money" and watch bank's representation move."""

    AXES = ("money", "nature", "grammar")

    def __init__(self, context: float = 0.0, sharpness: float = 3.0):
        self.vectors = A.bank_vectors()
        self.controls = {"context": slider("context word: river → money", context, 0.0, 1.0, 0.05,
                                           width="420px"),
                         "sharpness": slider("sharpness of W_q", sharpness, 0.0, 10.0, 0.25,
                                             width="360px")}
        self.mark_main(self.controls["context"])
        fig, (ax1, ax2) = new_figure(760, 300, ncols=2)
        self.fig = fig
        r = A.bank_in_context(context, sharpness, self.vectors)
        self.im = ax1.imshow(r["attention"].weights, vmin=0, vmax=1, cmap="Blues")
        labels = ["the", "context", "bank"]
        ax1.set_xticks(range(3), labels)
        ax1.set_yticks(range(3), labels)
        ax1.set_xlabel("key (attended word)")
        ax1.set_ylabel("query (word being updated)")
        ax1.set_title("attention weights softmax(QKᵀ/√d_k)", fontsize=10)
        self.cell_text = [ax1.text(j, 2, "", ha="center", va="center", fontsize=9)
                          for j in range(3)]   # the row of "bank" (fewer texts: faster redraw)
        xs = np.arange(3)
        self.bars_static = ax2.bar(xs - 0.2, r["static"], 0.4, color="#bbbbbb",
                                   label="bank, static vector")
        self.bars_ctx = ax2.bar(xs + 0.2, r["contextual"], 0.4, color="#1f77b4",
                                label="bank after attention")
        ax2.set_xticks(xs, self.AXES)
        ax2.set_ylim(0, 1)
        ax2.set_ylabel("component")
        self.title2 = ax2.set_title("bank: cos to money 0.000, to river 0.000", fontsize=10)
        ax2.legend(fontsize=8, loc="upper right")
        ax2.grid(alpha=0.3, axis="y")
        fig.tight_layout()
        self.view = FigureView(fig, "attention weights and the vector of bank",
                               animated=[self.im, *self.cell_text,
                                         *self.bars_ctx, self.title2])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        self.widget = W.VBox([W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
                              self.view.image,
                              self.readout])
        self.update()

    def _on_change(self, _=None):
        self.update()

    def result(self):
        return A.bank_in_context(float(self.controls["context"].value),
                                 float(self.controls["sharpness"].value), self.vectors)

    def state(self) -> dict:
        r = self.result()
        return {"context": round(float(self.controls["context"].value), 4),
                "sharpness": round(float(self.controls["sharpness"].value), 4),
                "bank_weights": [round(float(v), 4) for v in r["attention"].weights[2]],
                "bank_vector": [round(float(v), 4) for v in r["contextual"]],
                "cos_money": round(r["cos_money"], 4), "cos_river": round(r["cos_river"], 4)}

    def update(self) -> None:
        r = self.result()
        w = r["attention"].weights
        self.im.set_array(w)
        for j, t in enumerate(self.cell_text):
            t.set_text(f"{w[2, j]:.2f}")
            t.set_color("white" if w[2, j] > 0.6 else "black")
        for b, v in zip(self.bars_ctx, r["contextual"]):
            b.set_height(float(v))
        self.title2.set_text(f"bank: cos to money {r['cos_money']:.3f}, to river {r['cos_river']:.3f}")
        self.view.refresh()
        self.readout.value = (
            f"bank attends to [the, context, bank] with weights {fmt_vec(w[2])}; its new vector "
            f"{fmt_vec(r['contextual'])} (static {fmt_vec(r['static'])}). cos(bank, money) = "
            f"<b>{r['cos_money']:.3f}</b> (static {r['static_cos_money']:.3f}), cos(bank, river) = "
            f"<b>{r['cos_river']:.3f}</b> (static {r['static_cos_river']:.3f}).")


def factory() -> AttentionExplorer:
    """The attention explorer as notebook 08 shows it."""
    return AttentionExplorer(context=0.0, sharpness=3.0)
