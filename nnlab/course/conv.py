"""Notebook 06's exercises and claims: output sizes and one output cell of a convolution.

Every answer is computed by `nnlab.engine.conv` from the exercise's own data. `CLAIMS`: what
the notebook tells the learner to try with its explorer, each checked by `tests/test_claims.py`.
"""
from __future__ import annotations

from ..engine.conv import FILTERS, conv2d, filter_kernel, load_photo, output_size
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet

CELL_PATCH = [[3, 0, 1], [1, 5, 8], [2, 7, 2]]


def _ex_cell():
    return float(conv2d(CELL_PATCH, FILTERS["left edges"])[0, 0])


exercises = ExerciseSet("Convolution", [
    Exercise(
        question="A 28×28 image is convolved with a 5×5 filter, stride 1, no padding ('valid'). "
                 "How many rows does the feature map have?",
        answer=lambda: output_size(28, 5, 1, 0),
        solution=lambda: f"⌊(n + 2p − f)/s⌋ + 1 = ⌊(28 + 0 − 5)/1⌋ + 1 = {output_size(28, 5)}.",
        abs_tol=0.5,
        mistakes=lambda: [(23, "add 1: the first position counts too (n − f + 1)."),
                          (28, "that is 'same' padding (p = 2); here there is no padding.")]),
    Exercise(
        question="Same image and filter, now with padding p = 2 and stride s = 2: how many rows?",
        answer=lambda: output_size(28, 5, 2, 2),
        solution=lambda: f"⌊(28 + 4 − 5)/2⌋ + 1 = ⌊13.5⌋ + 1 = {output_size(28, 5, 2, 2)}.",
        abs_tol=0.5,
        mistakes=lambda: [(14.5, "round down: the filter must fit entirely, ⌊13.5⌋ = 13."),
                          (15, "round 13.5 down, not up: the last half step does not fit."),
                          (13, "you forgot the + 1.")]),
    Exercise(
        question="Apply the 'left edges' filter [[1,0,-1],[1,0,-1],[1,0,-1]] to the 3×3 patch "
                 "[[3,0,1],[1,5,8],[2,7,2]] (element-wise product, then sum). What is the output?",
        answer=_ex_cell,
        solution=lambda: "3·1 + 0·0 + 1·(−1) + 1·1 + 5·0 + 8·(−1) + 2·1 + 7·0 + 2·(−1) "
                         f"= 3 − 1 + 1 − 8 + 2 − 2 = {_ex_cell():g}.",
        mistakes=lambda: [(-_ex_cell(), "the sign is flipped: that is the 'right edges' filter "
                                        "(or a true, flipped convolution)."),
                          (_ex_cell() / 9, "that is the notes' average (divided by 9); frameworks "
                                           "use the plain sum.")]),
])


# -- what notebook 06 tells the learner to try with its explorer, each checked at its settings -----
def _photo_map(name, stride=1, padding=1):
    """The feature map of a named filter on the notebook's photograph, computed here directly."""
    return conv2d(load_photo(), filter_kernel(name), stride=stride, padding=padding)


def _shape(s):
    return tuple(s["output"])


CLAIMS = Claims("nnlab.views.conv_view:factory", [
    Claim("**top edges** is positive where the image is brighter above than below and negative "
          "where it is darker: the map has both signs, shown red and blue on a colour scale "
          "centred on zero.",
          'filter="top edges"',
          lambda s: s["map_min"] < 0 < s["map_max"]
          and s["colour_limits"][0] == -s["colour_limits"][1],
          "map_min < 0 < map_max, symmetric colour limits"),
    Claim("**bottom edges** is the same kernel upside down: the map turns negative where top "
          "edges was positive (its lowest value is minus top edges' highest).",
          'filter="bottom edges"',
          lambda s: abs(s["map_min"] + float(_photo_map("top edges").max())) < 1e-4
          and abs(s["map_max"] + float(_photo_map("top edges").min())) < 1e-4,
          "the map's range is top edges' range negated"),
    Claim("**right edges** does the same for columns: the map of left edges with its sign flipped.",
          'filter="right edges"',
          lambda s: abs(s["map_min"] + float(_photo_map("left edges").max())) < 1e-4,
          "the map's minimum is minus left edges' maximum"),
    Claim("The Sobel versions weigh the middle row (or column) twice.",
          'filter="vertical edges (Sobel)"',
          lambda s: [row[0] for row in s["kernel"]] == [1, 2, 1],
          "the kernel's first column is 1, 2, 1"),
    Claim("An edge filter on its own does not look like the photo (correlation with the pixels "
          "under the windows' centres near 0) ...",
          'filter="top edges"',
          lambda s: abs(s["photo_correlation"]) < 0.1,
          "|photo_correlation| < 0.1"),
    Claim("... but with top edges and the centre weight **w22** = 1 the photo shows through the "
          "edges (correlation above 0.5).",
          'filter="top edges"; w22=1.0',
          lambda s: s["filter"] == "custom" and s["photo_correlation"] > 0.5,
          "photo_correlation > 0.5"),
    Claim("**sharpen** is applied exactly, centre weight 5 included (the sliders reach ±5).",
          'filter="sharpen"',
          lambda s: s["kernel"] == filter_kernel("sharpen").tolist(),
          "the kernel equals FILTERS['sharpen']"),
    Claim("**stride s** = 2: the kernel jumps 2 pixels and the map shrinks about 2 times.",
          "stride=2",
          lambda s: all(abs(o - n / 2) <= 1 for o, n in zip(_shape(s), s["input"])),
          "each side of the map within 1 of half the photo's"),
    Claim("With stride 1, **padding p** = 0 is 'valid': the map shrinks by 2 ...",
          "stride=1; padding=0",
          lambda s: _shape(s) == tuple(n - 2 for n in s["input"]),
          "output = input − 2"),
    Claim("... p = 1 is 'same': the map keeps its size ...",
          "stride=1; padding=1",
          lambda s: _shape(s) == tuple(s["input"]),
          "output = input"),
    Claim("... and p = 2 is 'full' (every partial overlap): it grows by 2.",
          "stride=1; padding=2",
          lambda s: _shape(s) == tuple(n + 2 for n in s["input"]),
          "output = input + 2"),
    Claim("**cell row / col** cannot go past the last cell: at the last cell, a stride of 4 "
          "moves the cell back inside the smaller map.",
          "row=149; col=127; stride=4",
          lambda s: tuple(s["cell"]) == tuple(n - 1 for n in _shape(s)),
          "the cell is the map's last cell"),
])
