"""The playground explorer, driven from pytest by setting widget values."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.engine.datasets2d import make_split
from nnlab.engine.mlp import train_mlp
from nnlab.views.playground_view import (
    STEP_BUDGET,
    Playground,
    factory,
    network_layout,
    nice_ceiling,
    weight_widths,
)


@pytest.fixture
def pg():
    p = Playground(units=4)
    yield p
    p.close()


def image(p):
    return p.views[0].image.value


def tick(p, n):
    """n ticks of the Play widget's clock, as a browser playing it sends them."""
    play = p.controls["play"]
    play.playing = True
    for _ in range(n):
        play.value += 1


def test_play_value_trains_and_changes_the_figure(pg):
    s0, img0 = pg.state(), image(pg)
    assert s0["epoch"] == 0 and s0["steps"] == 0
    tick(pg, 5)
    s = pg.state()
    assert pg.controls["epoch"].value == 5 and s["epoch"] == 5
    assert s["steps"] == 5 * 10                      # 100 training points, batches of 10
    assert s["train_loss"] != s0["train_loss"]
    assert image(pg) != img0
    assert pg.main is pg.controls["epoch"] and "nnlab-main" in pg.main._dom_classes


def test_state_matches_the_engine_trained_directly(pg):
    """The explorer's numbers are those of mlp.train_mlp with the same settings and seed."""
    pg.controls["epoch"].value = 7
    split = make_split("circle", 200, 0.0, 0.5, seed=0)
    tr = train_mlp(split, (4, 4), "tanh", "sgd", 0.03, 10, epochs=7, seed=0)
    s = pg.state()
    assert s["train_loss"] == round(tr.history["train_loss"][-1], 4)
    assert s["test_acc"] == round(tr.history["test_acc"][-1], 4)


def test_step_reset_and_coming_back_give_the_same_picture(pg):
    img0, s0 = image(pg), pg.state()
    pg.step_button.click()
    pg.step_button.click()
    assert pg.state()["epoch"] == 2 and pg.controls["epoch"].value == 2
    pg.controls["epoch"].value = 12
    img12, s12 = image(pg), pg.state()
    pg.controls["epoch"].value = 3
    assert pg.state()["epoch"] == 3
    pg.controls["epoch"].value = 12
    assert pg.state() == s12 and image(pg) == img12
    pg.rewind_button.click()
    assert pg.state() == s0 and image(pg) == img0
    assert pg.controls["play"].playing is False


def test_a_setting_change_retrains_to_the_same_epoch(pg):
    pg.controls["epoch"].value = 10
    slow = pg.state()
    pg.controls["lr"].value = 0.3
    fast = pg.state()
    assert fast["epoch"] == 10 and fast["lr"] == 0.3
    fresh = Playground(units=4, lr=0.3, epoch=10)
    try:
        assert fresh.state() == fast and image(fresh) == image(pg)
    finally:
        fresh.close()
    assert fast["train_loss"] < slow["train_loss"]    # the higher rate has gone further


def test_same_seed_same_curve_other_seed_other_curve():
    a, b = Playground(epoch=6, seed=3), Playground(epoch=6, seed=3)
    try:
        assert a.trainer.history == b.trainer.history and image(a) == image(b)
        a.controls["seed"].value = 4
        assert a.trainer.history["train_loss"] != b.trainer.history["train_loss"]
        assert a.state()["epoch"] == 6
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("name, value", [
    ("dataset", "spiral"), ("dataset", "xor"), ("dataset", "gauss"), ("noise", 0.3),
    ("train_fraction", 0.7), ("layers", 0), ("layers", 4), ("units", 8),
    ("activation", "relu"), ("activation", "sigmoid"), ("activation", "step"),
    ("optimizer", "adam"), ("optimizer", "nadam"), ("optimizer", "adagrad"), ("lr", 1.0),
    ("batch_size", 1), ("batch_size", 30), ("loss", "mse"), ("seed", 9),
])
def test_every_control_recomputes_and_redraws(pg, name, value):
    pg.controls["epoch"].value = 3
    before, img = pg.state(), image(pg)
    pg.controls[name].value = value
    after = pg.state()
    key = "hidden" if name in ("layers", "units") else name
    assert after != before and after["epoch"] == 3
    if key == "hidden":
        assert after["hidden"] == ([4] * value if name == "layers" else [8, 8])
    else:
        assert after[key] == value
    assert image(pg) != img
    assert "Cannot train" not in pg.readout.value


def test_no_hidden_layer_disables_units_and_draws_a_2_1_network(pg):
    pg.controls["layers"].value = 0
    assert pg.controls["units"].disabled and pg.state()["n_params"] == 3
    assert "network 2-1" in pg.figure.network_axes.get_title()
    pg.controls["layers"].value = 1
    assert not pg.controls["units"].disabled and pg.state()["n_params"] == 2 * 4 + 4 + 4 + 1


def test_batch_size_is_clamped_to_the_training_set(pg):
    pg.controls["batch_size"].value = 30
    pg.controls["train_fraction"].value = 0.1     # 20 training points
    assert pg.controls["batch_size"].max == 20 and pg.state()["batch_size"] == 20
    pg.controls["epoch"].value = 2
    assert pg.state()["steps"] == 2
    pg.controls["train_fraction"].value = 0.5
    assert pg.controls["batch_size"].max == 30


def test_divergence_is_shown_not_raised(pg):
    for name, value in (("activation", "relu"), ("optimizer", "momentum"), ("lr", 10.0),
                        ("batch_size", 1), ("layers", 4), ("units", 8), ("epoch", 3)):
        pg.controls[name].value = value
    s = pg.state()
    assert s["diverged"] == 1 and s["epoch"] == 3
    assert "training diverged in epoch 1" in pg.readout.value
    assert "Cannot train" not in pg.readout.value
    assert all(np.all(np.abs(p) <= 1e6) for p in pg.trainer.model.params)


def test_step_activation_explains_itself(pg):
    pg.controls["activation"].value = "step"
    assert "derivative is 0" in pg.readout.value


def test_layout_and_widths_helpers():
    pts, segs = network_layout((2, 3, 1))
    assert pts.shape == (6, 2) and len(segs) == 2 * 3 + 3 * 1
    assert pts[:, 0].min() == 0 and pts[:, 0].max() == 1
    assert np.all(np.abs(pts[:, 1]) <= 0.5)
    assert np.allclose(weight_widths([0, -1, 1, 100]), [0.3, 1.8, 1.8, 6.0])
    assert [nice_ceiling(v) for v in (0.7, 1.0, 13, 210, 0)] == [1.0, 1.0, 20.0, 250.0, 1.0]


@pytest.mark.parametrize("kwargs, arg", [
    (dict(dataset="moons"), "dataset"), (dict(activation="swish"), "activation"),
    (dict(optimizer="adamw"), "optimizer"), (dict(lr=0.05), "lr"), (dict(lr=-1), "lr"),
    (dict(noise=0.9), "noise"), (dict(layers=5), "layers"), (dict(units=0), "units"),
    (dict(batch_size=0), "batch_size"), (dict(epoch=-1), "epoch"), (dict(loss="hinge"), "loss"),
    (dict(train_fraction=0.95), "train_fraction"), (dict(seed=-3), "seed"),
])
def test_bad_constructor_input(kwargs, arg):
    with pytest.raises(ValueError, match=rf"^{arg}: expected"):
        Playground(**kwargs)


def test_close_closes_widgets():
    p = Playground()
    p.close()
    assert p.controls["epoch"].comm is None and p.widget.comm is None


def test_plot_datasets_is_a_static_figure_outside_pyplot():
    from nnlab.views.playground_view import plot_datasets

    plt.close("all")
    f = plot_datasets(noise=0.2, seed=1)
    assert repr(f) == "<figure: the four 2-D data sets, noise 0.2, seed 1>"
    assert f._repr_png_().startswith(b"\x89PNG") and plt.get_fignums() == []
    with pytest.raises(ValueError, match="^noise: expected"):
        plot_datasets(noise=2)


def test_a_setting_change_retrains_within_the_step_budget(pg):
    assert STEP_BUDGET == 1000
    pg.controls["epoch"].value = 15                 # 150 steps of 10 points
    pg.controls["batch_size"].value = 2             # 15 epochs × 50 steps = 750: retrained
    assert pg.state()["epoch"] == 15 and pg.state()["steps"] == 750 and pg.last_steps == 750
    pg.controls["batch_size"].value = 1             # 15 × 100 = 1500 > 1000: 10 epochs
    s = pg.state()
    assert s["epoch"] == 10 and pg.controls["epoch"].value == 10 and s["batch_size"] == 1
    assert s["steps"] == 1000 and pg.last_steps == 1000
    assert "Trained to epoch 10 of 15" in pg.readout.value and "press ▶" in pg.readout.value
    pg.step_button.click()
    assert pg.state()["steps"] == 1100 and "Trained to" not in pg.readout.value


def consistent(p):
    """The slider, the picture, the readout and state() name the same epoch."""
    e = p.controls["epoch"].value
    assert p.state()["epoch"] == e == p.trainer.epoch == p.figure.shown_epoch
    assert len(p.figure.train_line.get_xdata()) == e + 1
    assert f"epoch <b>{e}</b>" in p.readout.value
    return e


def test_end_of_the_epoch_slider_with_batch_size_2_is_bounded_and_consistent(pg):
    """The finding of issue 11: End on the slider with batches of 2 asked for 15,000 steps."""
    pg.controls["batch_size"].value = 2                 # 50 steps per epoch
    pg.controls["epoch"].value = pg.controls["epoch"].max
    assert pg.last_steps <= STEP_BUDGET and pg.state()["steps"] == 1000
    assert consistent(pg) == 20
    assert "Trained to epoch 20 of 300" in pg.readout.value
    for value in (0.3, 1.0):                             # a setting changed there: bounded too
        pg.controls["lr"].value = value
        assert pg.last_steps <= STEP_BUDGET and consistent(pg) == 20
    pg.controls["epoch"].value = 300                     # asked again: 20 more epochs
    assert pg.last_steps == 1000 and consistent(pg) == 40
    pg.controls["epoch"].value = 5                       # back: restored, nothing trained
    assert pg.last_steps == 0 and consistent(pg) == 5


def test_every_change_trains_at_most_the_budget():
    """Counted in optimizer steps: the largest epoch (900 points, batches of 1) fits."""
    p = Playground(n_points=1000, train_fraction=0.9, batch_size=1, layers=0)
    try:
        p.controls["epoch"].value = 300
        assert p.last_steps == 900 and consistent(p) == 1
        for name, value in (("seed", 1), ("layers", 1), ("optimizer", "adam"), ("epoch", 300)):
            p.controls[name].value = value
            assert p.last_steps <= STEP_BUDGET
            consistent(p)
    finally:
        p.close()


def test_stop_and_pause_keep_the_epoch_and_rewind_is_a_separate_button(pg):
    tick(pg, 3)
    assert consistent(pg) == 3
    play = pg.controls["play"]
    play.playing = False                        # ❚❚
    assert consistent(pg) == 3
    play.playing, play.value = False, play.min  # ■: what the browser's Play widget sends
    assert consistent(pg) == 3
    tick(pg, 2)                                 # ▶ again carries on
    assert consistent(pg) == 5
    pg.rewind_button.click()
    assert consistent(pg) == 0 and play.playing is False


def test_play_stops_at_the_last_epoch():
    p = Playground(max_epochs=4)
    try:
        tick(p, 6)
        assert consistent(p) == 4 and p.controls["play"].playing is False
    finally:
        p.close()


def test_picture_is_the_explorers_current_image(pg):
    tick(pg, 4)
    pic = pg.picture()
    assert pic._repr_png_() == image(pg) and pic._repr_png_().startswith(b"\x89PNG")
    assert repr(pic) == ("<figure: the playground at epoch 4: circle, network 2-4-4-1, tanh, "
                         "sgd lr 0.03, batch 10, seed 0>")


def test_factory_is_the_default_playground_with_the_epoch_as_main_control():
    a, b = factory(), Playground()
    try:
        assert a.main is a.controls["epoch"] and a.state() == b.state()
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("changes", [{"epoch": 6}, {"dataset": "xor", "epoch": 4, "lr": 0.3},
                                     {"loss": "mse", "batch_size": 7, "epoch": 3}])
def test_readout_and_titles_are_read_from_the_trainer(pg, changes):
    """Every number the readout and the titles show is the trainer's, after any change."""
    for name, value in changes.items():
        pg.controls[name].value = value
    tr, h = pg.trainer, pg.trainer.history
    text = pg.readout.value
    assert f"epoch <b>{tr.epoch}</b> ({tr.steps} steps, {tr.steps_per_epoch} per epoch)" in text
    assert f"training loss <b>{h['train_loss'][-1]:.4f}</b>" in text
    assert f"test loss <b>{h['test_loss'][-1]:.4f}</b>" in text
    assert f"training <b>{h['train_acc'][-1]:.3f}</b>, test <b>{h['test_acc'][-1]:.3f}</b>" in text
    sizes = "-".join(map(str, tr.model.sizes))
    assert pg.figure.network_axes.get_title() == f"network {sizes}: {tr.model.n_params} parameters"
    line = pg.figure.train_line.get_ydata()
    assert np.array_equal(line, h["train_loss"]) and len(line) == tr.epoch + 1
