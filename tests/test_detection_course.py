"""nnlab.course.detection: the notes' worked box-regression example, the detector summary, the exercises."""
import math
from fractions import Fraction

import pytest

from nnlab.course import detection as C
from nnlab.engine import boxes as B


# -- the course's example (notes 000, "Step 4: Bounding Box Regression") ------------------------
def test_course_centre_deltas_exact():
    # Δx = (110 − 100)/80 and Δy = (130 − 120)/60, in exact arithmetic
    assert Fraction(110 - 100, 80) == Fraction(1, 8)
    assert round(float(Fraction(130 - 120, 60)), 3) == 0.167
    gt = (110, 130, 84.0, 62.0)  # any size: the centre targets do not depend on it
    d = B.encode([C.COURSE_PROPOSAL], [gt], fmt="cxcywh")[0]
    assert d[0] == pytest.approx(1 / 8, abs=1e-15)
    assert d[1] == pytest.approx(1 / 6, abs=1e-15)


def test_course_implied_ground_truth_size():
    # the notes' Δw = .051 and Δh = .039 imply w_gt = 80·e^.051 and h_gt = 60·e^.039
    ex = C.course_example()
    w_gt, h_gt = ex["implied_gt"][2:]
    assert w_gt == pytest.approx(84.19, abs=0.01)
    assert h_gt == pytest.approx(62.39, abs=0.01)
    # ... and those sizes give back the notes' rounded targets
    d = B.encode([C.COURSE_PROPOSAL], [ex["implied_gt"]], fmt="cxcywh")[0]
    assert [round(v, 3) for v in d] == [0.125, 0.167, 0.051, 0.039]
    # a whole-pixel ground truth of 84×62 would have given other third decimals
    assert round(math.log(84 / 80), 3) == 0.049 and round(math.log(62 / 60), 3) == 0.033


def test_course_decoding_rounded_deltas():
    # x_new = 100 + .125·80 = 110 exactly; y_new = 120 + .167·60 = 130.02 (rounding of 1/6)
    dec = B.decode([C.COURSE_PROPOSAL], [C.COURSE_DELTAS_AS_WRITTEN], fmt="cxcywh")[0]
    assert dec[0] == pytest.approx(110.0, abs=1e-12)
    assert dec[1] == pytest.approx(130.02, abs=1e-12)
    assert dec[2] == pytest.approx(80 * math.exp(0.051), abs=1e-12)
    assert dec[3] == pytest.approx(60 * math.exp(0.039), abs=1e-12)


def test_log10_reading_of_the_notes():
    # if Δw had been computed with log10 the ground truth would be a round 90 px
    assert round(math.log10(90 / 80), 3) == 0.051


def test_regression_lines_show_the_numbers():
    lines = B.regression_lines(C.COURSE_PROPOSAL, C.course_example()["implied_gt"])
    assert lines[0].endswith("= 0.125") and lines[1].endswith("= 0.167")
    assert lines[4].endswith("= 110.00")
    assert lines[5] == "y_new = y + Δy·h = 120 + 0.167·60 = 130.02"  # 0.167·60 = 10.02


def test_pipeline_table_covers_three_detectors():
    text = C.pipeline_table()
    for word in ("Faster R-CNN", "SSD", "YOLO", "RoI pooling", "anchor matching"):
        assert word in text


def test_exercises_answers_and_mistakes():
    ex = C.exercises          # worked by hand: ln(93/72); boxes sharing 3×3 of 25 + 24 − 9
    assert ex.check(1, 0.2559)
    assert "log base 10" in ex.check(1, 0.1112).message
    assert ex.check(2, 9 / 40)
    assert ex.check(3, [3, 6]) and not ex.check(3, [6, 3])
    assert ex.check(4, 3)
    assert ex.check(5, 25 * 40 * 9)


def test_nms_exercise_solution_tells_the_sweep():
    # IoU by hand: boxes 4 and 3 share 38×38 = 1444 of 1600 + 1520 − 1444 = 1676 → 0.86;
    # boxes 0 and 1: 1444 of 1756 → 0.82; boxes 0 and 2: 400 of 2800 → 0.14
    text = C.exercises.solution(4)
    assert text.startswith("keep box 4 (score 0.95); IoU with the rest: box 0 (IoU 0.00)")
    assert "box 3 (IoU 0.86) → remove box 3" in text
    assert ("keep box 0 (score 0.9); IoU with the rest: box 1 (IoU 0.82), box 2 (IoU 0.14) "
            "→ remove box 1") in text
    assert text.endswith("keep box 2 (score 0.7); IoU with the rest: none left. Kept [4, 0, 2]: 3 boxes.")
