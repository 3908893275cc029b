"""The explorers of notebook 04, driven by setting control values (no browser)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.engine import optim as O
from nnlab.engine import surfaces as S
from nnlab.views import optim_lessons_view as L
from nnlab.views import optim_view as V


@pytest.fixture
def race():
    e = V.optimizer_explorer(steps=40)
    yield e
    e.close()


def test_race_paths_are_the_optimizers_paths(race):
    assert race.main is race.controls["lr"]
    s = race.state()
    assert set(s["racers"]) == {"gd/torch", "momentum/torch", "rmsprop/torch", "adam/torch"}
    bowl = S.surface("bowl", condition=10)
    # GD on ½(x² + 10y²) by hand: each coordinate shrinks by (1 − ηλ) per step
    x = np.array(bowl.start) * (1 - 0.05 * np.array([1.0, 10.0])) ** 40
    assert s["racers"]["gd/torch"]["loss_final"] == pytest.approx(bowl.value(x), rel=1e-5)
    assert s["stable_lr"] == pytest.approx(0.2)


def test_lr_change_redraws_and_recomputes(race):
    before = race.view.image.value
    race.controls["lr"].value = 0.3  # above 2/λ_max = 0.2: GD diverges on the bowl
    assert race.view.image.value != before
    s = race.state()
    assert s["racers"]["gd/torch"]["diverged"] or s["racers"]["gd/torch"]["loss_final"] > 1e3
    assert "outside" in race.readout.value


def test_step_slider_and_line_by_line_update(race):
    race.controls["explain"].value = "adam"
    race.controls["k"].value = 7
    s = race.state()
    assert s["k"] == 7
    rows = race.explain_rows()
    # independent: the value on the last line is where Adam is after 8 steps
    opt = O.Adam(lr=0.05)
    bowl = S.surface("bowl", condition=10)
    x = [np.array(bowl.start)]
    for _ in range(8):
        x = opt.step(x, [bowl.grad(x[0])])
    assert rows[-1][0] == "θ" and rows[-1][3] == O.fmt(x[0])
    assert "update from step 7 to 8" in race.table.value
    assert s["racers"]["adam/torch"]["xk"] == pytest.approx(
        np.round(O.run(O.Adam(lr=0.05), bowl.gradient_fn(), bowl.start, 7)[-1], 6).tolist())
    race.controls["steps"].value = 5       # k is clamped, never past the end
    assert race.state()["k"] == 5 and race.play.max == 5


def test_both_forms_and_surfaces(race):
    race.controls["form"].value = "both"
    race.controls["optimizers"].value = ("nag", "adam")
    s = race.state()
    assert set(s["racers"]) == {"nag/torch", "nag/notes", "adam/torch", "adam/notes"}
    assert race.controls["explain"].value == "nag"
    assert race.controls["beta1"].disabled is False and race.controls["gamma"].disabled is False
    race.controls["optimizers"].value = ("gd",)
    assert race.controls["beta1"].disabled and race.controls["gamma"].disabled
    for name in S.SURFACES:
        race.controls["surface"].value = name
        assert race.state()["surface"] == name
    assert race.controls["condition"].value == 10 and not race.controls["condition"].disabled
    race.controls["surface"].value = "rosenbrock"
    assert race.controls["condition"].disabled and "stable_lr" not in race.state()


def test_empty_selection_and_divergence_are_messages_not_errors(race):
    race.controls["optimizers"].value = ()
    assert race.state()["racers"] == {}
    assert "Select at least one optimizer" in race.readout.value
    race.controls["optimizers"].value = ("gd",)
    race.controls["lr"].value = 1.0
    race.controls["k"].value = 40
    r = race.state()["racers"]["gd/torch"]
    assert r["loss_final"] > 1e60  # |1 − 1.0·10|^40 = 9^40 per coordinate: far outside, no error
    assert "θ − η·g" in race.table.value


def test_learning_rate_lesson():
    e = L.learning_rate_explorer()
    try:
        assert e.main is e.controls["lr"]
        verdicts = {}
        for lr in (0.002, 0.05, 0.15, 0.25):
            before = e.view.image.value
            e.controls["lr"].value = lr
            assert e.view.image.value != before
            s = e.state()
            assert s["stable_lr"] == pytest.approx(0.2)
            assert s["rho"] == pytest.approx(max(abs(1 - lr), abs(1 - 10 * lr)), rel=1e-3)
            verdicts[lr] = s["verdict"]
        assert verdicts[0.002].startswith("crawls")
        assert verdicts[0.05] == "converges"
        assert verdicts[0.15].startswith("overshoots")
        assert verdicts[0.25] == "diverges"
        e.controls["condition"].value = 4
        assert e.state()["stable_lr"] == pytest.approx(0.5)
        for i in range(300):
            e.main.value = 0.001 * (1 + i % 40)
        assert plt.get_fignums() == []
    finally:
        e.close()


def test_batch_explorer():
    e = L.batch_explorer()
    try:
        assert e.main is e.controls["batch_size"]
        s = e.state()
        x, y = S.load_linreg()
        w, b = np.polyfit(x, y, 1)
        assert s["solution"] == pytest.approx([w, b], abs=1e-4)
        assert s["GD"]["jitter"] < s["SGD"]["jitter"]          # SGD's path is the noisy one
        before = e.view.image.value
        e.controls["batch_size"].value = 200                   # mini-batch of all = GD
        assert e.view.image.value != before
        s = e.state()
        assert s["mini-batch"] == s["GD"]
        e.controls["batch_size"].value = 1                     # ... of one = SGD
        assert e.state()["mini-batch"] == e.state()["SGD"]
        for i in range(200):
            e.main.value = 1 + (i * 13) % 200
        assert plt.get_fignums() == []
    finally:
        e.close()
