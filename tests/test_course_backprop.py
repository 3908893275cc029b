"""nnlab.course.backprop: the three routes to a gradient agree; the printed gap hides no disagreement."""
from nnlab.course.backprop import GAP_FLOOR, gap_text, gradient_check


def test_three_routes_agree_on_the_course_example():
    rows = gradient_check()
    assert [r.weight for r in rows] == ["w13", "w23", "w14", "w24", "w35", "w45"]
    assert max(r.max_gap for r in rows) < 1e-8
    # dE/dw35 = -(t - y5) y5 (1 - y5) O3, worked out by hand from the notes' forward pass
    import math
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731 - an independent route, written out here
    o3, o4 = s(0.35 * 0.1 + 0.9 * 0.8), s(0.35 * 0.4 + 0.9 * 0.6)
    y5 = s(0.3 * o3 + 0.9 * o4)
    by_hand = -(0.5 - y5) * y5 * (1 - y5) * o3
    assert abs(rows[4].backprop - by_hand) < 1e-12


def test_gap_text_shows_only_what_is_not_rounding():
    assert gap_text(0.0) == gap_text(9.9e-13) == gap_text(9.4e-12) == f"< {GAP_FLOOR:.0e}"
    assert gap_text(2.5e-6) == "2.5e-06"
    text = repr(gradient_check())
    rows = [line.split() for line in text.splitlines()[1:]]
    assert all(len(r) == 6 and r[4:] == ["<", "1e-09"] for r in rows)   # four columns, no noise digits
