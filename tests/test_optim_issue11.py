"""Issue 11's findings in notebook 04's explorers, each caught here (no browser)."""
import inspect

import numpy as np
import pytest

from nnlab.engine import optim as O
from nnlab.engine import surfaces as S
from nnlab.views import optim_lessons_view as L
from nnlab.views import optim_view as V


@pytest.fixture
def race():
    e = V.optimizer_explorer()
    yield e
    e.close()


def test_nadam_explained_at_a_later_step(race):
    race.apply_preset('optimizers=["NAdam"]; explain="NAdam"; k=3')
    assert race.problem == ""
    assert "<b>NAdam</b>" in race.table.value and "step 3 to 4" in race.table.value
    rows = race.explain_rows()
    assert rows[0][3] == O.fmt(O.run(O.NAdam(lr=0.05), S.surface("bowl").gradient_fn(),
                                     S.surface("bowl").start, 3)[-1])


@pytest.mark.torch
def test_momentum_slider_refuses_what_torch_refuses(race):
    """torch refuses Nesterov momentum with momentum = 0, so γ starts at 0.01 (γ = 0 is plain GD)."""
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError):
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.0, nesterov=True)
    assert race.controls["gamma"].min == pytest.approx(0.01)
    race.apply_preset('optimizers=["NAG"]; gamma=0.01')
    assert race.problem == "" and race.state()["gamma"] == pytest.approx(0.01)
    race.controls["gamma"].value = 0.0  # clamped by the slider, never a ValueError
    assert race.problem == "" and race.state()["gamma"] == pytest.approx(0.01)


def test_legend_swatches_drawn_and_outside_the_paths(race):
    race.apply_preset(f'optimizers={str(list(V.TITLES.values())).replace(chr(39), chr(34))}')
    legend = race._legend
    assert legend is not None and race.ax.get_legend() is None
    for line, name in zip(legend.get_lines(), V.RACERS):
        assert not line.get_animated()   # an animated swatch is left out of the picture
        assert line.get_color() == V.COLOURS[name]
    assert [t.get_text() for t in legend.get_texts()] == [V.TITLES[n] for n in V.RACERS]
    fig = race.view.fig
    fig.canvas.draw()
    box = legend.get_window_extent()
    for ax in (race.ax, race.lx):
        assert not box.overlaps(ax.get_window_extent())
    # the swatch pixels carry the colours: sample the middle of each swatch in the picture
    rgba = np.asarray(fig.canvas.buffer_rgba())
    height = rgba.shape[0]
    for line, name in zip(legend.get_lines(), V.RACERS):
        (x0, y0), (x1, y1) = line.get_window_extent().get_points()
        row, col = height - int((y0 + y1) / 2), int((x0 + x1) / 2)
        patch = rgba[row - 2:row + 3, col - 2:col + 3, :3].reshape(-1, 3).astype(int)
        want = np.array([int(V.COLOURS[name][i:i + 2], 16) for i in (1, 3, 5)])
        assert np.abs(patch - want).max(axis=1).min() < 40, name


@pytest.mark.torch
def test_rmsprop_has_its_own_alpha_with_torchs_default(race):
    torch = pytest.importorskip("torch")
    default = inspect.signature(torch.optim.RMSprop).parameters["alpha"].default
    assert race.controls["alpha"].value == pytest.approx(default) == pytest.approx(0.99)
    race.apply_preset('optimizers=["RMSprop"]; alpha=0.9; beta2=0.5')
    want = O.run(O.RMSprop(lr=0.05, alpha=0.9), S.surface("bowl").gradient_fn(),
                 S.surface("bowl").start, 100)[-1]
    assert race.state()["racers"]["rmsprop/torch"]["loss_final"] == pytest.approx(
        float(S.surface("bowl").f(*want)), rel=1e-5)
    assert race.controls["beta2"].disabled and not race.controls["alpha"].disabled


def test_divergence_is_reported_with_its_step(race):
    race.apply_preset('surface="saddle"; lr=1.0; gamma=0.99; optimizers=["Momentum", "NAG"]')
    assert race.problem == ""
    for name in ("momentum", "nag"):
        r = race.state()["racers"][f"{name}/torch"]
        assert r["diverged"] and isinstance(r["diverged_at"], int)
        assert f"diverged at step {r['diverged_at']}" in race.readout.value
    # the path is the optimizer's: the fast route agrees with the reference route
    surf = S.surface("saddle")
    fast = O.run(O.Momentum(lr=1.0, momentum=0.99), surf.gradient_fn(), surf.start, 100)
    slow = O.run_arrays(O.Momentum(lr=1.0, momentum=0.99), surf.gradient_fn(), surf.start, 100)
    shown = race.state()["racers"]["momentum/torch"]["diverged_at"]
    assert O.diverged_at(fast) == O.diverged_at(slow) == shown


def test_diverged_at():
    p = np.array([[0.0, 0.0], [1.0, 1.0], [np.inf, 1.0], [np.nan, np.nan]])
    assert O.diverged_at(p) == 2 and O.diverged_at(p[:2]) is None


def test_jitter_is_over_the_window_and_steps_exceed_it():
    e = L.batch_explorer()
    try:
        assert e.controls["steps"].min > L.JITTER_WINDOW
        e.controls["steps"].value = 1  # clamped: never a window that includes the first descent
        assert e.controls["steps"].value == 2 * L.JITTER_WINDOW
        x, y = S.load_linreg()
        p = S.linreg_path(x, y, 1, lr=0.05, steps=2 * L.JITTER_WINDOW, seed=0)
        tail = p[-L.JITTER_WINDOW:]
        j = np.mean((tail[:, :1] * x[None, :] + tail[:, 1:] - y[None, :]) ** 2, axis=1)  # the MSE
        assert e.state()["SGD"]["jitter"] == pytest.approx(np.std(j), abs=1e-4)
    finally:
        e.close()


@pytest.mark.parametrize("factory", [V.optimizer_explorer, L.learning_rate_explorer, L.batch_explorer])
def test_sliders_keep_a_usable_width_and_rows_wrap(factory):
    e = factory()
    try:
        for name, c in e.settable().items():
            if "Slider" in type(c).__name__:
                assert c.layout.min_width and int(c.layout.min_width.rstrip("px")) >= 240, name
        assert any(getattr(b.layout, "flex_flow", None) == "row wrap"
                   for b in e.widget.children if hasattr(b, "children"))
    finally:
        e.close()


@pytest.mark.parametrize("factory", [V.optimizer_explorer, L.learning_rate_explorer, L.batch_explorer])
def test_static_picture_shows_the_paths(factory):
    """The PNG carried for static copies is the picture shown, paths included (a fresh draw of
    the figure would leave out its animated artists)."""
    from nnlab.views.ui import png_bytes

    e = factory()
    try:
        assert e.snapshot_png() == bytes(e.view.image.value)
        assert e.snapshot_png() != png_bytes(e.view.fig)
    finally:
        e.close()
