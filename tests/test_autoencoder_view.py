"""The latent-plane explorer of notebook 10, driven through its controls' `.value`."""
import numpy as np
import pytest

from nnlab.engine import autoencoder as A
from nnlab.views import autoencoder_view as AV


@pytest.fixture(scope="module")
def explorer():
    ex = AV.main_explorer()
    yield ex
    ex.close()


def test_sliders_move_the_point_and_the_decoded_image(explorer):
    c = explorer.controls
    png0 = explorer.view.image.value
    c["z1"].value, c["z2"].value = 2.75, -9.05
    s = explorer.state()
    assert (s["z1"], s["z2"]) == (2.75, -9.05)
    assert explorer.view.image.value != png0
    # the decoded image is the engine's decoder at that point (a model trained independently here)
    model, split, x, y = A.train_digit_autoencoder(bottleneck=2, epochs=AV.EPOCHS, seed=0)
    img = model.decode([2.75, -9.05])
    assert s["ink"] == round(float(img.mean()), 4) and s["peak"] == round(float(img.max()), 4)
    means = np.stack([x[split.train][y[split.train] == d].mean(axis=0) for d in range(10)])
    assert s["looks_like"] == int(np.argmin(np.mean((means - img.reshape(1, 64)) ** 2, axis=1)))
    codes = model.encode(x[split.test])
    dist = np.linalg.norm(codes - [2.75, -9.05], axis=1)
    assert s["nearest"] == int(y[split.test][np.argmin(dist)])
    assert s["nearest_distance"] == round(float(dist.min()), 3)
    assert f"({s['z1']:.2f}, {s['z2']:.2f})" in explorer.readout.value
    explorer.reset_controls()


def test_every_value_of_the_main_slider_is_shown_without_a_problem(explorer):
    z1 = explorer.controls["z1"]
    seen = set()
    for v in np.linspace(z1.min, z1.max, 9):
        z1.value = float(v)
        assert not explorer.problem
        seen.add(explorer.state()["looks_like"])
    assert len(seen) >= 3          # crossing the plane passes several digits
    explorer.reset_controls()


def test_the_sliders_span_the_codes_and_refuse_points_outside(explorer):
    s = explorer.summary
    c = explorer.controls
    assert c["z1"].min <= s["codes"][:, 0].min() and c["z1"].max >= s["codes"][:, 0].max()
    assert c["z2"].min <= s["codes"][:, 1].min() and c["z2"].max >= s["codes"][:, 1].max()
    c["z1"].value = 1e6            # a slider clamps: the point stays in the box
    assert explorer.state()["z1"] == pytest.approx(c["z1"].max)
    assert not explorer.problem
    explorer.reset_controls()
    assert explorer.state()["looks_like"] == 0


def test_preset_round_trip_and_a_second_explorer_shares_the_training(explorer):
    explorer.apply_preset("z1=-1.9; z2=-4.4")
    assert explorer.state()["looks_like"] == 7
    line = explorer.preset()
    other = AV.LatentExplorer(z1=0.0, z2=0.0)
    try:
        assert other.summary is explorer.summary
        other.apply_preset(line)
        assert other.state() == explorer.state()
    finally:
        other.close()
    explorer.reset_controls()
