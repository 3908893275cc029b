"""Notebook 01's perceptron and line-fit explorers, every control driven through `.value`.

What the explorers show is checked against the run recomputed here (`train_perceptron` called
directly, and a plain loop for the squared error), and the picture must change with the main
control.
"""
from __future__ import annotations

import numpy as np
import pytest

from nnlab.engine.perceptron import DATA, table, train_perceptron
from nnlab.views.perceptron_view import (
    NOTEBOOK_X,
    NOTEBOOK_Y,
    PASS_LIMIT,
    LineFitExplorer,
    PerceptronExplorer,
)


@pytest.fixture
def perceptron():
    ex = PerceptronExplorer()
    yield ex
    ex.close()


@pytest.fixture
def line():
    ex = LineFitExplorer()
    yield ex
    ex.close()


def expected_run(data, lr, max_passes):
    names, X, t = table(data)
    return train_perceptron(X, t, lr=lr, max_passes=max_passes, names=names)


def test_update_slider_steps_through_the_run(perceptron):
    run = expected_run("play tennis", 1.0, 20)
    assert perceptron.controls["update"].max == len(run.updates) - 1
    for k in range(len(run.updates)):
        perceptron.controls["update"].value = k
        s, u = perceptron.state(), run.updates[k]
        assert (s["pass_no"], s["row"], s["y_hat"], s["error"]) == (u.pass_no, u.row + 1, u.y_hat, u.error)
        assert s["dw"] == u.dw.tolist() and s["w_after"] == u.w_after.tolist()
        text = perceptron.readout.value
        assert f"Update {k + 1} of {len(run.updates)}" in text
        assert f"z = w·x = {u.z:g}, ŷ = step(z) = {u.y_hat:g}" in text
        assert "Δw = (" + ", ".join(f"{v:g}" for v in u.dw) + ")" in text
        assert "w after = (" + ", ".join(f"{v:g}" for v in u.w_after) + ")" in text
        assert not perceptron.problem


def test_main_control_changes_the_picture(perceptron):
    assert perceptron.main is perceptron.controls["update"]
    before = bytes(perceptron.view.image.value)
    perceptron.controls["update"].value = 7
    assert bytes(perceptron.view.image.value) != before


@pytest.mark.parametrize("data", DATA)
def test_data_control_reruns_and_clamps_the_update_slider(perceptron, data):
    perceptron.controls["update"].value = perceptron.controls["update"].max
    perceptron.controls["data"].value = data
    run = expected_run(data, 1.0, 20)
    s = perceptron.state()
    assert s["n_updates"] == len(run.updates) and s["passes"] == run.passes
    assert 0 <= s["update"] <= len(run.updates) - 1
    assert s["settled"] == run.settled and s["cycle"] == (list(run.cycle) if run.cycle else None)
    assert not perceptron.problem


def test_lr_control_scales_the_weights(perceptron):
    perceptron.controls["update"].value = 19
    w1 = perceptron.state()["w_after"]
    perceptron.controls["lr"].value = 0.5
    s = perceptron.state()
    assert s["lr"] == 0.5 and s["w_after"] == [v / 2 for v in w1]


def test_max_passes_control_bounds_the_run(perceptron):
    perceptron.controls["update"].value = 19
    perceptron.controls["max_passes"].value = 2
    s = perceptron.state()
    assert s["n_updates"] == 8 and s["update"] == 7 and not s["settled"]
    assert "stopped after 2 passes" in s["outcome"]
    perceptron.controls["max_passes"].value = PASS_LIMIT
    assert perceptron.state()["settled"]


def test_reset_restores_everything(perceptron):
    start = perceptron.state()
    perceptron.controls["data"].value = "XOR"
    perceptron.controls["lr"].value = 2.0
    perceptron.controls["update"].value = 5
    perceptron.reset_controls()
    assert perceptron.state() == start


def squared_error(m, c, x=NOTEBOOK_X, y=NOTEBOOK_Y):
    return sum((b - (m * a + c)) ** 2 for a, b in zip(x, y)) / len(x)


def test_line_sliders_show_the_error_live(line):
    for m, c in [(1.0, 0.0), (2.0, 1.0), (-2.0, 5.0), (5.0, -5.0), (1.95, 1.05)]:
        line.controls["m"].value = m
        line.controls["c"].value = c
        s = line.state()
        assert s["m"] == m and s["c"] == c
        assert s["mse"] == pytest.approx(squared_error(m, c), abs=1e-4)
        assert f"{squared_error(m, c):.4f}" in line.readout.value
    lm, lc = np.polyfit(NOTEBOOK_X, NOTEBOOK_Y, 1)
    assert s["m_ls"] == pytest.approx(lm, abs=1e-4) and s["c_ls"] == pytest.approx(lc, abs=1e-4)
    assert s["mse_ls"] == pytest.approx(squared_error(lm, lc), abs=1e-4)


def test_no_slider_setting_beats_least_squares(line):
    best = line.state()["mse_ls"]
    for m in np.arange(1.5, 2.5, 0.05):
        for c in np.arange(0.0, 2.0, 0.05):
            assert squared_error(m, c) >= best - 1e-12
    line.controls["m"].value, line.controls["c"].value = 2.0, 1.0
    assert line.state()["excess"] >= 0


def test_line_main_control_changes_the_picture(line):
    assert line.main is line.controls["m"]
    before = bytes(line.view.image.value)
    line.controls["m"].value = 2.0
    assert bytes(line.view.image.value) != before
    line.reset_controls()
    assert line.state()["m"] == 1.0


def test_the_claims_explorer_has_the_notebooks_points():
    """The line claims are checked on line_fit_explorer(): its points must be notebook 01's."""
    from pathlib import Path

    src = (Path(__file__).resolve().parent.parent / "notebooks" / "src" / "01_neuron.py").read_text()
    assert "x = np.array([1, 2, 3, 4, 5.0])" in src and "y = np.array([2.9, 5.1, 7.0, 9.2, 10.8])" in src
    assert np.array_equal(NOTEBOOK_X, [1, 2, 3, 4, 5.0])
    assert np.array_equal(NOTEBOOK_Y, [2.9, 5.1, 7.0, 9.2, 10.8])


def test_truth_table_panel_draws_the_line_of_the_weights_after_each_update(perceptron):
    perceptron.controls["data"].value = "XOR"
    run = expected_run("XOR", 1.0, 20)
    for k, u in enumerate(run.updates):
        perceptron.controls["update"].value = k
        xs, ys = perceptron.line.get_data()
        w0, w1, w2 = u.w_after
        if w1 == 0 and w2 == 0:
            assert len(xs) == 0                      # no line: every point on one side
        else:
            assert np.allclose(w0 + w1 * np.asarray(xs) + w2 * np.asarray(ys), 0)
        rx, ry = perceptron.ring.get_data()
        assert (rx[0], ry[0]) == tuple(u.x[1:])      # the row just seen is ringed


@pytest.mark.slow
@pytest.mark.parametrize("factory", ["perceptron_explorer", "line_fit_explorer"])
def test_storm_on_the_main_control(factory):
    """400 changes of the main control in a row: no problem shown, no pyplot figure, state kept."""
    import matplotlib.pyplot as plt

    from nnlab.views import perceptron_view

    ex = getattr(perceptron_view, factory)()
    try:
        control = ex.main
        lo, hi = control.min, control.max
        ramp = np.linspace(lo, hi, 21)
        values = np.concatenate([ramp, ramp[::-1]])
        for k in range(400):
            v = values[k % len(values)]
            control.value = int(round(v)) if isinstance(control.value, int) else float(v)
        assert not ex.problem and plt.get_fignums() == []
        key = "m" if factory == "line_fit_explorer" else "update"
        assert ex.state()[key] == control.value
    finally:
        ex.close()
