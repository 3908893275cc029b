"""Explorers of notebooks 00–02 driven from pytest, the way a learner's slider would."""
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.views.backprop_view import BackpropExplorer, nice_top
from nnlab.engine.network import Network
from nnlab.views.neuron_view import BoundaryExplorer, boundary_points
from nnlab.views.start_view import NeuronDemo


def sig(z):
    return 1 / (1 + math.exp(-z))


@pytest.fixture
def bp():
    e = BackpropExplorer()
    yield e
    e.close()


def test_backprop_explorer_starts_on_the_course_example(bp):
    y5 = sig(0.3 * sig(0.755) + 0.9 * sig(0.68))
    s = bp.state()
    assert s["iteration"] == 1 and s["y5"] == round(y5, 4) and s["error"] == round(0.5 - y5, 4)
    assert "\\delta_{5}" in bp.derivation.value and "0.755" in bp.derivation.value


def test_moving_x1_recomputes_every_line(bp):
    before_img, before_html = bp.view.image.value, bp.derivation.value
    bp.controls["x1"].value = 0.8
    z3 = 0.1 * 0.8 + 0.8 * 0.9
    z4 = 0.4 * 0.8 + 0.6 * 0.9
    y5 = sig(0.3 * sig(z3) + 0.9 * sig(z4))
    assert bp.trace["z3"] == pytest.approx(z3) and bp.state()["y5"] == round(y5, 4)
    assert bp.view.image.value != before_img and bp.derivation.value != before_html
    assert "0.8·0.9" in bp.trace.record("z3").substituted_text


def test_next_iteration_applies_the_update_and_grows_the_curve(bp):
    first = bp.trace
    bp.next_iteration()
    assert bp.k == 2 and len(bp.losses) == 2
    assert bp.state()["loss"] == round(first.loss_after, 6)   # the new forward pass
    net2 = Network.build("2,2,1", weights={k: v for k, v in first.of_kind("w_new").items()})
    assert bp.trace["y5"] == pytest.approx(net2.forward([0.35, 0.9])[1][-1][0], rel=1e-12)
    xdata, ydata = bp.err_line.get_data()
    assert list(xdata) == [1, 2] and ydata[1] < ydata[0]
    bp.reset()
    assert bp.k == 1 and len(bp.losses) == 1


def test_a_slider_move_keeps_the_iteration(bp):
    bp.next_iteration()
    bp.controls["lr"].value = 5.0
    assert bp.k == 2
    # iteration 2 with η = 5: one update of size 5 from the start
    start = Network.build("2,2,1", weights={k: bp.controls[k].value for k in
                                            ("w13", "w23", "w14", "w24", "w35", "w45")})
    tr1 = start.step([0.35, 0.9], [0.5], 5.0)
    assert bp.trace.loss == pytest.approx(tr1.loss_after, rel=1e-12)


def test_target_equal_to_the_output_makes_every_update_vanish(bp):
    bp.controls["t"].value = 0.5
    y5 = bp.trace["y5"]
    bp.controls["t"].value = y5
    assert abs(bp.trace["d5"]) < 1e-12 and all(abs(v) < 1e-12 for v in bp.trace.of_kind("dw").values())


def test_many_slider_moves_open_no_figure(bp):
    # (the 1,000-move storm over every notebook's main explorer is in test_reliability.py)
    values = np.linspace(-1, 1, 60)
    for v in values:
        bp.main.value = float(v)
    assert plt.get_fignums() == []
    assert bp.state()["y5"] == round(bp.trace["y5"], 4)


def test_nice_top():
    assert nice_top(0.0181) == 0.02 and nice_top(0.013) == 0.02 and nice_top(0.3) == 0.5
    assert nice_top(0) == 1.0 and nice_top(float("nan")) == 1.0


def test_boundary_explorer_counts_rows_and_redraws():
    e = BoundaryExplorer(gate="AND", activation="step", w1=1.0, w2=1.0, b=-0.5)
    assert e.state()["rows_right"] == 2  # this is OR's boundary
    img = e.view.image.value
    e.controls["b"].value = -1.5
    assert e.state()["rows_right"] == 4 and e.state()["y"] == [0, 0, 0, 1]
    assert e.view.image.value != img
    e.controls["gate"].value = "XOR"
    assert e.state()["rows_right"] < 4
    e.close()


def test_boundary_points_lie_on_the_line():
    xs, ys = boundary_points(1.5, -2.0, 0.25)
    assert np.allclose(1.5 * xs - 2.0 * ys + 0.25, 0)
    xs, ys = boundary_points(2.0, 0.0, -1.0)  # vertical line x1 = 0.5
    assert np.allclose(xs, 0.5)
    assert boundary_points(0.0, 0.0, 1.0)[0].size == 0


def test_neuron_demo():
    d = NeuronDemo()
    assert d.state()["y"] == round(sig(1.0), 4)
    d.controls["w"].value = -2.0
    assert d.state()["y"] == round(sig(-2.0), 4)
    d.close()
