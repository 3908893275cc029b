"""Notebook 06's exercises: output sizes and one output cell of a convolution.

Every answer is computed by `nnlab.engine.conv` from the exercise's own data.
"""
from __future__ import annotations

from ..engine.conv import FILTERS, conv2d, output_size
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
