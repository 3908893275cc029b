"""Notebook 07's exercises: parameter counts of a small CNN, and max pooling the slides' image.

Every answer is computed from the exercise's own data (`nnlab.engine.conv.max_pool2d` for the
pooling one).
"""
from __future__ import annotations

import numpy as np

from ..engine.conv import max_pool2d
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
