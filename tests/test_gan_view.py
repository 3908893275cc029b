"""The GAN explorer of notebook 10, driven through its controls' `.value`, its button and its Play clock."""
import numpy as np
import pytest

from nnlab.engine import gan as G
from nnlab.views import gan_view as GV


@pytest.fixture(scope="module")
def explorer():
    ex = GV.main_explorer()
    yield ex
    ex.close()


def test_the_shown_step_is_the_engines_run(explorer):
    s = explorer.state()
    assert s["step"] == 800 and not s["message"]
    run = G.GAN(seed=0).run(800, every=400)       # an independent run of the same settings
    assert s["modes"] == run.frames[-1].modes
    assert s["near"] == round(run.frames[-1].near, 3)
    assert s["d_loss"] == round(run.steps[-1].d_loss, 3)
    assert s["g_loss_minimax"] == round(run.steps[-1].g_loss_minimax, 3)
    np.testing.assert_array_equal(explorer.fake.get_offsets(), run.frames[-1].samples)
    np.testing.assert_array_equal(explorer.heat.get_array(), run.frames[-1].d_grid)
    assert f"{s['modes']} of 8" in explorer.readout.value


def test_step_slider_button_and_play(explorer):
    c = explorer.controls
    c["step"].value = 0
    assert explorer.state()["modes"] == 0 and "d_loss" not in explorer.state()
    png = explorer.view.image.value
    c["more"].click()
    assert explorer.state()["step"] == GV.EVERY
    assert explorer.view.image.value != png
    c["play"].value = c["play"].value + 1          # one tick of ▶
    assert explorer.state()["step"] == 2 * GV.EVERY
    c["play"].value = 0                            # ■: no tick
    assert explorer.state()["step"] == 2 * GV.EVERY
    c["step"].value = GV.MAX_STEPS
    c["play"].playing = True
    c["play"].value = c["play"].value + 1          # a tick at the end stops the clock
    assert c["play"].playing is False and explorer.state()["step"] == GV.MAX_STEPS
    explorer.reset_controls()
    assert explorer.state()["step"] == 800


def test_settings_retrain_within_the_budget_and_say_so(explorer):
    c = explorer.controls
    c["g_steps"].value = 5                         # 800 steps would be 4000 generator updates
    s = explorer.state()
    assert s["g_steps"] == 5 and s["step"] == GV.BUDGET // (5 * GV.EVERY) * GV.EVERY
    assert c["step"].value == s["step"]
    assert "press ▶" in s["message"] and s["message"] in explorer.readout.value
    assert not explorer.problem
    c["play"].value = c["play"].value + 1           # ▶ continues from there
    assert explorer.state()["step"] == s["step"] + GV.EVERY
    explorer.reset_controls()
    assert explorer.state()["message"] == ""


@pytest.mark.parametrize("name, value", [("loss", "minimax"), ("lr", 1e-3), ("seed", 3)])
def test_each_setting_is_the_engines_run(explorer, name, value):
    explorer.controls["step"].value = 100
    explorer.controls[name].value = value
    s = explorer.state()
    assert s[name] == value and s["step"] == 100
    kw = {"loss": s["loss"], "lr": s["lr"], "g_steps": s["g_steps"]}
    run = G.GAN(seed=s["seed"], **kw).run(100, every=100)
    assert s["d_loss"] == round(run.steps[-1].d_loss, 3)
    assert s["modes"] == run.frames[-1].modes
    explorer.reset_controls()


def test_bad_settings_are_refused_by_the_controls(explorer):
    c = explorer.controls
    c["seed"].value = 10**6                        # BoundedIntText clamps
    assert explorer.state()["seed"] == 999
    c["step"].value = 10**6
    assert explorer.state()["step"] <= GV.MAX_STEPS and not explorer.problem
    explorer.reset_controls()
    with pytest.raises(ValueError, match="^preset: "):
        explorer.apply_preset('loss="wasserstein"')


def test_a_storm_on_the_step_slider_opens_no_figure_and_shows_no_problem(explorer):
    import matplotlib.pyplot as plt

    step = explorer.controls["step"]
    before = len(plt.get_fignums())
    for v in list(range(0, GV.MAX_STEPS + 1, GV.EVERY)) * 2 + list(range(GV.MAX_STEPS, -1, -GV.EVERY)):
        step.value = v
        assert not explorer.problem
        assert explorer.state()["step"] == v
    assert len(plt.get_fignums()) == before
    explorer.reset_controls()
