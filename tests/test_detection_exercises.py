"""Notebook 09's exercises in several variants, each answer by an independent route.

IoU in exact rational arithmetic (sympy), NMS as a plain greedy loop over those exact IoUs,
the responsible cell by integer division, Δw by sympy's natural log, anchors by counting.

(check, grade and the slips of every variant: tests/test_exercises_contract.py.)
"""
from __future__ import annotations

import ast
import re

import pytest
import sympy as sp

from nnlab.course.detection import exercise_set

SEEDS = [0, 1, 3, 12, 99, 2 ** 32 - 1]


def exact_iou(a, b):
    a, b = [sp.Rational(str(v)) for v in a], [sp.Rational(str(v)) for v in b]
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


def greedy_nms(boxes, scores, threshold):
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    kept = []
    for i in order:
        if all(exact_iou(boxes[i], boxes[k]) <= threshold for k in kept):
            kept.append(i)
    return kept


@pytest.mark.parametrize("seed", SEEDS)
def test_answers_by_an_independent_route(seed):
    ex = exercise_set(seed)
    w, w_gt = map(int, re.search(r"(\d+) px wide and its ground-truth box (\d+) px", ex.show(1)).groups())
    assert ex.expected(1) == pytest.approx(float(sp.log(sp.Rational(w_gt, w))), rel=1e-12)
    a, b = (ast.literal_eval(t) for t in re.findall(r"\([\d., ]+\)", ex.show(2))[:2])
    assert ex.expected(2) == pytest.approx(float(exact_iou(a, b)), rel=1e-12)
    S, image, cx, cy = map(int, re.search(r"(\d+)×\d+ grid on a (\d+)×\d+ image.*\((\d+), (\d+)\)",
                                          ex.show(3)).groups())
    assert ex.expected(3) == [cy * S // image, cx * S // image]
    q4 = ex.show(4)
    boxes = ast.literal_eval(re.search(r"Boxes (\[.*?\]) have", q4).group(1))
    scores = ast.literal_eval(re.search(r"scores (\[.*?\])\.", q4).group(1))
    assert ex.expected(4) == len(greedy_nms(boxes, scores, sp.Rational(1, 2)))
    gh, gw, sc, ra = map(int, re.search(r"(\d+)×(\d+) locations with (\d+) scales × (\d+)",
                                        ex.show(5)).groups())
    assert ex.expected(5) == sum(1 for _ in range(gh) for _ in range(gw) for _ in range(sc * ra))


def test_variants_differ_and_repeat():
    assert exercise_set(8).show(4) == exercise_set(8).show(4)
    assert exercise_set(8).show(4) != exercise_set(9).show(4)
