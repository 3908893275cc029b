"""The explorers of notebook 11: the attention maps of the trained encoder, and the positional encoding.

`AttentionMapExplorer` shows, for one test sequence of the pointer task, the attention weights
of the chosen layer and head (read from the blocks' traces, `EncoderBlock.trace.attention`)
and the row of the chosen query position. `PositionalEncodingExplorer` shows the sinusoidal
table and how alike the encoding of one position is to every other's.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.patches import Rectangle

from ..engine.transformer import positional as P
from ..engine.transformer import train as TT
from .ui import Explorer, FigureView, new_figure

N_EXAMPLES = 20


def token_labels(x, k: int) -> list[str]:
    """The tokens of one pointer-task sequence as text: symbols A, B, ... then "→p"."""
    T = x.shape[0] - 1
    return [chr(65 + int(np.argmax(x[t, :k]))) for t in range(T)] + [f"→{int(np.argmax(x[T, k:]))}"]


class AttentionMapExplorer(Explorer):
    """Pick a test sequence, a layer, a head and a query position; see where that query looks."""

    def __init__(self, example: int = 0, layer: int = 2, head: int = 1, query: int | None = None,
                 seed: int = 0):
        self.model, _, self.test_accuracy = TT.pointer_transformer(seed, True)
        _, _, xt, yt = TT.pointer_data(seed)
        self.xs, self.ys = xt[:N_EXAMPLES], yt[:N_EXAMPLES]
        self.k, T1 = TT.POINTER["k"], self.xs.shape[1]
        L, H = len(self.model.blocks), self.model.nhead
        self.weights = self.model.attention_weights(self.xs)        # the blocks' traces
        self.logits = self.model.net.layers[-1].forward(self.model.net.layers[-2].forward(
            self.model.blocks[-1].trace.out))
        query = T1 - 1 if query is None else query
        self.controls = {
            "example": W.IntSlider(value=example, min=0, max=N_EXAMPLES - 1, description="test sequence",
                                   continuous_update=False, style={"description_width": "initial"}),
            "layer": W.Dropdown(options=[(f"layer {i + 1}", i + 1) for i in range(L)], value=layer,
                                description="layer", layout=W.Layout(width="160px")),
            "head": W.Dropdown(options=[(f"head {i + 1}", i + 1) for i in range(H)], value=head,
                               description="head", layout=W.Layout(width="160px")),
            "query": W.IntSlider(value=query, min=0, max=T1 - 1, description="query position",
                                 continuous_update=False, style={"description_width": "initial"}),
        }
        self.mark_main(self.controls["query"])
        fig, (ax1, ax2) = new_figure(780, 320, ncols=2)
        self.fig = fig
        self.im = ax1.imshow(np.zeros((T1, T1)), vmin=0, vmax=1, cmap="Blues")
        ax1.set_xlabel("key position (attended)")
        ax1.set_ylabel("query position")
        self.title1 = ax1.set_title("", fontsize=10)
        self.box = ax1.add_patch(Rectangle((-0.5, query - 0.5), T1, 1, fill=False, ec="#d62728", lw=2))
        self.bars = ax2.bar(range(T1), np.zeros(T1), color="#1f77b4")
        ax2.set_ylim(0, 1)
        ax2.set_xlabel("key position")
        ax2.set_ylabel("attention weight")
        ax2.grid(alpha=0.3, axis="y")
        self.title2 = ax2.set_title("", fontsize=10)
        self.ax1, self.ax2 = ax1, ax2
        fig.tight_layout()
        self.view = FigureView(fig, "attention weights of one layer and head",
                               animated=[self.im, self.box, *self.bars, self.title1, self.title2])
        self._labels = None
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            self.watch(c, self._on_change)
        c = self.controls
        self.widget = W.VBox([W.HBox([c["example"], c["layer"], c["head"]],
                                     layout=W.Layout(flex_flow="row wrap")),
                              c["query"], self.view.image, self.readout])
        self.update()

    def _on_change(self, _=None):
        self.update()

    def current(self):
        c = self.controls
        n, layer, head, q = (int(c[k].value) for k in ("example", "layer", "head", "query"))
        A = self.weights[layer - 1][n, head - 1]
        return n, layer, head, q, A

    def state(self) -> dict:
        n, layer, head, q, A = self.current()
        x = self.xs[n]
        T = x.shape[0] - 1
        return {"example": n, "layer": layer, "head": head, "query": q,
                "tokens": token_labels(x, self.k), "pointer": int(np.argmax(x[T, self.k:])),
                "row": [round(float(v), 3) for v in A[q]], "most_attended": int(np.argmax(A[q])),
                "max_weight": round(float(np.max(A[q])), 3),
                "prediction": chr(65 + int(np.argmax(self.logits[n]))), "target": chr(65 + int(self.ys[n])),
                "test_accuracy": round(self.test_accuracy, 4)}

    def update(self) -> None:
        s = self.state()
        _, layer, head, q, A = self.current()
        labels = s["tokens"]
        self.im.set_array(A)
        full = labels != self._labels          # another sequence: new tick labels, full redraw
        if full:
            for ax in (self.ax1, self.ax2):
                ax.set_xticks(range(len(labels)), [f"{i}\n{t}" for i, t in enumerate(labels)],
                              fontsize=8)
            self.ax1.set_yticks(range(len(labels)), [f"{i} {t}" for i, t in enumerate(labels)],
                                fontsize=8)
            self._labels = labels
        self.box.set_y(q - 0.5)
        for b, v in zip(self.bars, A[q]):
            b.set_height(float(v))
            b.set_color("#1f77b4")
        self.bars[s["pointer"]].set_color("#ff7f0e")
        self.title1.set_text(f"layer {layer}, head {head}: softmax(QKᵀ/√d_k)")
        self.title2.set_text(f"query {q} ({labels[q]}); orange: the pointed-to position {s['pointer']}")
        self.view.refresh(full=full)
        self.readout.value = (
            f"Sequence {' '.join(labels)}: the model answers <b>{s['prediction']}</b> (target "
            f"{s['target']}). Query {q} puts its largest weight, {s['max_weight']:.3f}, on position "
            f"{s['most_attended']} ({labels[s['most_attended']]}). Test accuracy of the model: "
            f"{s['test_accuracy']:.3f}.")


class PositionalEncodingExplorer(Explorer):
    """The table PE (positions × dimensions) and PE[pos]·PE[q] for every position q."""

    def __init__(self, d_model: int = 16, length: int = 32, pos: int = 8):
        self.controls = {
            "d_model": W.IntSlider(value=d_model, min=2, max=64, step=2, description="d_model",
                                   continuous_update=False),
            "length": W.IntSlider(value=length, min=4, max=64, description="positions",
                                  continuous_update=False),
            "pos": W.IntSlider(value=min(pos, length - 1), min=0, max=length - 1,
                               description="position pos", continuous_update=False,
                               style={"description_width": "initial"}),
        }
        self.mark_main(self.controls["pos"])
        fig, (ax1, ax2) = new_figure(780, 320, ncols=2)
        self.fig = fig
        self.im = ax1.imshow(np.zeros((length, d_model)), vmin=-1, vmax=1, cmap="RdBu_r",
                             aspect="auto", interpolation="nearest")
        ax1.set_xlabel("dimension (even: sin, odd: cos)")
        ax1.set_ylabel("position")
        ax1.set_title("PE[pos, dim]", fontsize=10)
        self.row_line = ax1.axhline(pos, color="black", lw=1.5)
        (self.sim_line,) = ax2.plot([], [], "o-", ms=3, color="#1f77b4")
        self.marker = ax2.axvline(pos, color="#d62728", lw=1)
        ax2.set_xlabel("position q")
        ax2.set_ylabel("PE[pos] · PE[q]")
        ax2.grid(alpha=0.3)
        self.title2 = ax2.set_title("", fontsize=10)
        self.ax1, self.ax2 = ax1, ax2
        fig.tight_layout()
        self.view = FigureView(fig, "sinusoidal positional encoding",
                               animated=[self.row_line, self.sim_line, self.marker, self.title2])
        self._shape = None
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        self.watch(self.controls["length"], self._on_length)
        for name in ("d_model", "pos"):
            self.watch(self.controls[name], self._on_change)
        self.widget = W.VBox([W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
                              self.view.image, self.readout])
        self.update()

    def _on_length(self, _=None):
        # a position past the end cannot be chosen: the slider's range follows the length
        self.controls["pos"].max = int(self.controls["length"].value) - 1
        self.update()

    def _on_change(self, _=None):
        self.update()

    def result(self):
        d, n, pos = (int(self.controls[k].value) for k in ("d_model", "length", "pos"))
        pe = P.sinusoidal_encoding(n, d)
        return d, n, pos, pe, P.similarity(pe, pos)

    def state(self) -> dict:
        d, n, pos, pe, sim = self.result()
        k = min(pos, n - 1 - pos)        # how far the similarity can be compared on both sides
        sym = bool(np.allclose(sim[pos - k:pos][::-1], sim[pos + 1:pos + 1 + k], atol=1e-9))
        far = np.where(np.abs(np.arange(n) - pos) >= 3, sim, -np.inf)   # 3 or more places away
        # positions at equal distances on both sides are alike up to the last bits, which differ
        # between numpy builds: compare at 9 decimals, so that a tie goes to the nearer-left one
        at = int(np.argmax(np.round(far, 9)))
        return {"d_model": d, "length": n, "pos": pos, "row": [round(float(v), 4) for v in pe[pos, :4]],
                "self_similarity": round(float(sim[pos]), 6), "peak_at": int(np.argmax(sim)),
                "symmetric": sym, "min_similarity": round(float(np.min(sim)), 4),
                "far_alike_at": at if np.isfinite(far[at]) else None,
                "far_alike": round(float(far[at] / sim[pos]), 4) if np.isfinite(far[at]) else None}

    def update(self) -> None:
        d, n, pos, pe, sim = self.result()
        s = self.state()
        full = (d, n) != self._shape          # a new table: new axes limits, full redraw
        if full:
            self.im.set_data(pe)
            self.im.set_extent((-0.5, d - 0.5, n - 0.5, -0.5))
            self.ax2.set_xlim(-0.5, n - 0.5)
            self.ax2.set_ylim(-d / 2 - 0.5, d / 2 + 0.5)
            self._shape = (d, n)
        self.row_line.set_ydata([pos, pos])
        self.sim_line.set_data(np.arange(n), sim)
        self.marker.set_xdata([pos, pos])
        self.title2.set_text(f"similarity of position {pos} to every position")
        self.view.refresh(full=full)
        self.readout.value = (
            f"PE[{pos}] starts {s['row']}. PE[{pos}]·PE[{pos}] = {s['self_similarity']:.4f} "
            f"(= d_model/2: each sin/cos pair gives sin² + cos² = 1); the largest similarity is at "
            f"q = {s['peak_at']}; the smallest is {s['min_similarity']:.4f}.")


def attention_factory() -> AttentionMapExplorer:
    """The attention-map explorer as notebook 11 shows it (its main explorer)."""
    return AttentionMapExplorer()


def positional_factory() -> PositionalEncodingExplorer:
    return PositionalEncodingExplorer()
