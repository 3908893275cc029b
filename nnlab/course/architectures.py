"""Notebook 07's claims about its skip-connection explorer (`nnlab.views.residual_view`).

Each sentence the notebook shows under the explorer is a `Claim`, checked by
`tests/test_claims.py` at its preset against the explorer's `state()`; the bounds are computed
here from the chain's own rule (each layer multiplies by w·f′(z), or 1 + w·f′(z) with a skip).
"""
from __future__ import annotations

import math

from .claims import Claim, Claims

NAMES = ("sigmoid", "tanh", "relu")


def _near(value, want, rel=1e-3):
    return math.isclose(value, want, rel_tol=rel)


RESIDUAL_CLAIMS = Claims("nnlab.views.residual_view:factory", [
    Claim("**skip connections** = without: this is notebook 03's chain; after 30 sigmoid layers "
          "the gradient is multiplied by less than (1/4)³⁰ ≈ 8.7·10⁻¹⁹.",
          'depth=30; x=0.5; w=1.0; skip="without"',
          lambda s: s["sigmoid"] <= 0.25 ** 30,
          "the sigmoid factor at 30 layers is at most 0.25**30"),
    Claim("= with: every layer multiplies by 1 + w·f′(z), at least 1 when w > 0, so every factor "
          "in the readout is at least 1.",
          'depth=30; x=0.5; w=1.0; skip="with"',
          lambda s: min(s[n] for n in NAMES) >= 1,
          "sigmoid, tanh and ReLU factors all >= 1"),
    Claim("ReLU with skips and w = 1 doubles the gradient at every layer: 2³⁰ ≈ 1.07·10⁹ after 30 "
          "layers. That is why real residual branches are kept small.",
          'depth=30; x=0.5; w=1.0; skip="with"',
          lambda s: _near(s["relu"], 2.0 ** 30),
          "the ReLU factor is 2**30"),
    Claim("With **w** = 0.25 and skips, ReLU's factor grows only as 1.25ⁿ: about 808 after 30 "
          "layers ...",
          'depth=30; x=0.5; w=0.25; skip="with"',
          lambda s: _near(s["relu"], 1.25 ** 30) and round(s["relu"]) == 808,
          "the ReLU factor is 1.25**30 ≈ 807.8"),
    Claim("... and without skips the same 30 layers multiply it by 0.25³⁰ ≈ 8.7·10⁻¹⁹.",
          'depth=30; x=0.5; w=0.25; skip="without"',
          lambda s: _near(s["relu"], 0.25 ** 30),
          "the ReLU factor is 0.25**30"),
])
