"""Notebook 06's exercises in several variants, each answer by an independent route.

Output sizes: the shape of torch.nn.functional.conv2d's output (and a count of window positions
done by a loop); cells: a plain loop over the zero-padded image (and torch, float64).

(check, grade and the slips of every variant: tests/test_exercises_contract.py.)
"""
from __future__ import annotations

import numpy as np
import pytest

from nnlab.course.conv import exercise_set

SEEDS = [0, 1, 2, 12, 99, 2 ** 32 - 1]


def positions(n, f, s, p):
    """How many places a window of f fits along n + 2p cells, moving s at a time (a loop)."""
    return sum(1 for start in range(0, n + 2 * p) if start % s == 0 and start + f <= n + 2 * p)


def window_sum(image, kernel, padding, row=0, col=0):
    img = np.pad(np.asarray(image, float), padding)
    k = np.asarray(kernel, float)
    total = 0.0
    for i in range(k.shape[0]):
        for j in range(k.shape[1]):
            total += img[row + i, col + j] * k[i, j]
    return total


def numbers(ex):
    import re
    q1, q2 = ex.show(1), ex.show(2)
    n, f = map(int, re.search(r"A (\d+)×\d+ image is convolved with a (\d+)×", q1).groups())
    p, s = map(int, re.search(r"padding p = (\d+) and stride s = (\d+)", q2).groups())
    return n, f, p, s


@pytest.mark.parametrize("seed", SEEDS)
def test_answers_by_counting_and_loops(seed):
    ex = exercise_set(seed)
    n, f, p, s = numbers(ex)
    assert ex.expected(1) == positions(n, f, 1, 0)
    assert ex.expected(2) == positions(n, f, s, p)
    import ast
    import re
    q3 = ex.show(3)
    kernel = ast.literal_eval(re.search(r"filter (\[\[.*?\]\]) to", q3).group(1))
    patch = ast.literal_eval(re.search(r"patch (\[\[.*?\]\])", q3).group(1))
    assert ex.expected(3) == pytest.approx(window_sum(patch, kernel, 0))
    q4 = ex.show(4)
    image = ast.literal_eval(re.search(r"image (\[\[.*?\]\])", q4).group(1))
    kernel4 = ast.literal_eval(re.search(r"kernel (\[\[.*?\]\])", q4).group(1))
    assert ex.expected(4) == pytest.approx(window_sum(image, kernel4, 1))
    assert ex.expected(3) != 0 and ex.expected(4) != 0


@pytest.mark.torch
@pytest.mark.parametrize("seed", SEEDS)
def test_answers_agree_with_torch(seed):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    ex = exercise_set(seed)
    n, f, p, s = numbers(ex)
    x = torch.zeros(1, 1, n, n, dtype=torch.float64)
    w = torch.zeros(1, 1, f, f, dtype=torch.float64)
    assert F.conv2d(x, w).shape[-1] == ex.expected(1)
    assert F.conv2d(x, w, stride=s, padding=p).shape[-1] == ex.expected(2)
    import ast
    import re
    q4 = ex.show(4)
    image = torch.tensor(ast.literal_eval(re.search(r"image (\[\[.*?\]\])", q4).group(1)),
                         dtype=torch.float64)[None, None]
    kernel = torch.tensor(ast.literal_eval(re.search(r"kernel (\[\[.*?\]\])", q4).group(1)),
                          dtype=torch.float64)[None, None]
    assert F.conv2d(image, kernel, padding=1)[0, 0, 0, 0].item() == pytest.approx(ex.expected(4))


def test_same_seed_same_numbers_other_seed_other_numbers():
    assert [exercise_set(5).show(k) for k in (1, 2, 3, 4)] == \
        [exercise_set(5).show(k) for k in (1, 2, 3, 4)]
    assert exercise_set(5).show(3) != exercise_set(6).show(3)
    with pytest.raises(ValueError, match="seed: expected a whole number"):
        exercise_set(-1)
