"""Notebook 07's skip-connection explorer: notebook 03's depth explorer with a "skip connections" control.

Without skip connections every curve is `activations.gradient_through_depth` (the product of
w·f′(z_k)), exactly as in notebook 03; with them it is `architectures.gradient_factors(...,
skip=True)`, the product of 1 + w·f′(z_k) along a_k = a_{k−1} + f(w·a_{k−1}). The curves,
the readout and `state()` are those results.
"""
from __future__ import annotations

import ipywidgets as W

from ..engine import architectures as R
from .activations_view import DEPTH_NAMES, DepthExplorer

SKIP_OPTIONS = ("without", "with")
TITLES = {"without": "no skip connections: gradient factor Π w·f'(z_k)",
          "with": "skip connections: gradient factor Π (1 + w·f'(z_k))"}


class SkipDepthExplorer(DepthExplorer):
    """The gradient that reaches the first layer through 1–30 layers, with or without a skip
    connection around every layer. Controls: layers (main), input x, weight w, skip connections."""

    def __init__(self, depth=10, x=0.5, w=1.0, skip="with"):
        super().__init__(depth=depth, x=x, w=w)       # drawn without skips: the control is not there yet
        self.controls["skip"] = W.ToggleButtons(options=list(SKIP_OPTIONS), value=skip,
                                                description="skip connections",
                                                style={"description_width": "initial"})
        self.watch(self.controls["skip"], self._on_skip)
        first, _w, *rest = self.widget.children
        self.widget.children = (first, W.HBox([self.controls["w"], self.controls["skip"]],
                                              layout=W.Layout(flex_flow="row wrap")), *rest)
        self._on_skip()

    def skip(self) -> bool:
        c = self.controls.get("skip")
        return c is not None and c.value == "with"

    def products(self) -> dict:
        x, w = float(self.controls["x"].value), float(self.controls["w"].value)
        return {n: R.gradient_factors(n, self.MAX, x=x, w=w, skip=self.skip()) for n in DEPTH_NAMES}

    def _on_skip(self, _change=None):
        self._ax.set_title(TITLES[self.controls["skip"].value], fontsize=10)
        self._ax.legend(loc="upper left" if self.skip() else "lower left", fontsize=8)
        self._key = None                              # the curves change: redraw them all
        self.update()

    def state(self) -> dict:
        return {**super().state(), "skip": self.controls["skip"].value if "skip" in self.controls
                else "without"}


def factory() -> SkipDepthExplorer:
    """The explorer as notebook 07 shows it: 30 layers, with skip connections."""
    return SkipDepthExplorer(depth=30, skip="with")
