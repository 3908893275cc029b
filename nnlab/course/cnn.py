"""Notebook 07's exercises and claims: parameter counts of a small CNN, pooling the slides' image.

Every answer is computed from the exercise's own data (`nnlab.engine.conv.max_pool2d` for the
pooling one). `CLAIMS`: what the notebook tells the learner to try with its pooling explorer,
each checked by `tests/test_claims.py` against numbers computed here from the slides' image.
"""
from __future__ import annotations

import numpy as np

from ..engine.conv import max_pool2d
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet

SLIDES_IMAGE = [[100, 0, 0, 0], [500, 10, 100, 0], [0, 100, 250, 0], [0, 0, 0, 250]]


def _ex_params():
    return 8 * (1 * 3 * 3) + 8


def _ex_dense():
    return (8 * 4 * 4) * 10 + 10


exercises = ExerciseSet("A small CNN", [
    Exercise(
        question="A convolution layer has 8 filters of size 3×3 on a 1-channel 8×8 image. How many "
                 "parameters (weights and biases) does it have?",
        answer=_ex_params,
        solution=lambda: f"8 filters × (1 channel × 3 × 3 weights) + 8 biases = {_ex_params()}. The "
                         "count does not depend on the image size: the same filter slides everywhere.",
        abs_tol=0.5,
        mistakes=lambda: [(72, "you forgot the 8 biases (one per filter)."),
                          (8 * 8 * 8 * 9, "a filter's weights are shared across positions: the image "
                                          "size does not enter the count.")]),
    Exercise(
        question="After 'same' 3×3 convolution with 8 filters and 2×2 max pooling, an 8×8 digit is "
                 "flattened and fed to a dense layer with 10 outputs. How many parameters does that "
                 "dense layer have?",
        answer=_ex_dense,
        solution=lambda: f"pooling halves 8×8 to 4×4, so 8·4·4 = 128 features; 128 × 10 weights + 10 "
                         f"biases = {_ex_dense()}.",
        abs_tol=0.5,
        mistakes=lambda: [(8 * 8 * 8 * 10 + 10, "the 2×2 pooling halves each side before flattening."),
                          (1280, "you forgot the 10 biases.")]),
    Exercise(
        question="Max pool the 4×4 image of the slides [[100,0,0,0],[500,10,100,0],[0,100,250,0],"
                 "[0,0,0,250]] with 2×2 windows and stride 2, then average the four results. "
                 "What number do you get?",
        answer=lambda: float(max_pool2d(np.array(SLIDES_IMAGE), 2).mean()),
        solution=lambda: "max pooling gives [[500, 100], [100, 250]]; their mean is "
                         "(500 + 100 + 100 + 250)/4 = 237.5.",
        mistakes=lambda: [(float(np.mean(SLIDES_IMAGE)), "that is the mean of the whole image: "
                           "take the maximum of each 2×2 window first.")]),
])


# -- what notebook 07 tells the learner to try with its pooling explorer -------------------------
def _count(output, value):
    return int(np.sum(np.asarray(output) == value))


_IMAGE = np.array(SLIDES_IMAGE, dtype=float)

CLAIMS = Claims("nnlab.views.cnn_view:factory", [
    Claim("**max**: the 500 dominates its max-pooled cell ...",
          'mode="max"; kernel_size=2; stride=2; padding=0',
          lambda s: s["output"][0][0] == _IMAGE.max() == 500,
          "the top-left cell is the image's maximum, 500"),
    Claim("... **avg**: it is diluted to 152.5, the mean of 100, 0, 500 and 10.",
          'mode="avg"; kernel_size=2; stride=2; padding=0',
          lambda s: s["output"][0][0] == float(_IMAGE[:2, :2].mean()) == 152.5,
          "the top-left cell is the mean of the top-left 2×2 window"),
    Claim("**kernel k** = 3, **stride s** = 1: the windows overlap and the 500 appears in two "
          "output cells.",
          'mode="max"; kernel_size=3; stride=1; padding=0',
          lambda s: _count(s["output"], 500) == 2,
          "500 occurs twice in the output"),
    Claim("The output size follows the same ⌊(n + 2p − f)/s⌋ + 1 as a convolution: k = 3, s = 2, "
          "p = 1 gives ⌊(4 + 2 − 3)/2⌋ + 1 = 2.",
          "kernel_size=3; stride=2; padding=1",
          lambda s: len(s["output"]) == (4 + 2 * 1 - 3) // 2 + 1 == 2,
          "a 2×2 output"),
    Claim("**padding p**: like torch, the slider refuses p larger than k/2 (with k = 1, p stays 0).",
          "padding=1; kernel_size=1",
          lambda s: s["padding"] == 0 and s["kernel_size"] == 1,
          "padding 0 at k = 1"),
    Claim("Padded cells count as −∞ for max ...",
          'mode="max"; kernel_size=2; stride=2; padding=1',
          lambda s: s["output"][0][0] == _IMAGE[0, 0],
          "the corner window (one real pixel, 100) gives 100"),
    Claim("... and as zeros for average pooling (divided by the whole window, as torch).",
          'mode="avg"; kernel_size=2; stride=2; padding=1',
          lambda s: s["output"][0][0] == _IMAGE[0, 0] / 4,
          "the corner window gives 100 / 4 = 25"),
    Claim("**output cell** cannot go past the last cell when the output shrinks.",
          "cell=3; kernel_size=4; stride=1; padding=0",
          lambda s: tuple(s["cell"]) == (0, 0) and len(s["output"]) == 1,
          "a 1×1 output, cell (0, 0)"),
])
