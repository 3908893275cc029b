"""The explorers of notebook 03, driven by setting control values (no browser)."""
import math

import matplotlib.pyplot as plt
import pytest

from nnlab.views import activations_view as V


@pytest.fixture
def act():
    e = V.activation_explorer()
    yield e
    e.close()


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def test_activation_explorer_shows_value_and_slope(act):
    assert act.main is act.controls["x"]
    s = act.state()
    assert s["name"] == "sigmoid" and s["x"] == 1.0
    assert s["f"] == pytest.approx(sigmoid(1.0), abs=1e-6)
    assert s["df"] == pytest.approx(sigmoid(1.0) * (1 - sigmoid(1.0)), abs=1e-6)
    before = act.view.image.value
    act.controls["x"].value = -2.0
    assert act.view.image.value != before
    assert act.state()["f"] == pytest.approx(sigmoid(-2.0), abs=1e-6)
    assert "f(x) = <b>0.1192</b>" in act.readout.value


def test_activation_explorer_dropdown_alpha_and_facts(act):
    assert act.controls["alpha"].disabled
    act.controls["name"].value = "leaky_relu"
    assert not act.controls["alpha"].disabled
    act.controls["alpha"].value = 0.2
    act.controls["x"].value = -3.0
    s = act.state()
    assert s["f"] == pytest.approx(-0.6) and s["df"] == pytest.approx(0.2)
    assert s["range_notes"] == "[0, ∞)" and s["range"] == "(-∞, ∞)"
    assert "wrong" in act.facts.value
    act.controls["name"].value = "prelu"
    assert act.state()["df_dalpha"] == pytest.approx(-3.0)  # ∂(αx)/∂α = x for x ≤ 0
    act.controls["name"].value = "hard_sigmoid"
    act.controls["x"].value = -6.0
    assert act.state()["f"] == 0.0
    assert "min(1, 0) = 0" in act.facts.value
    assert r"\min(1, \max(0, 0.2x + 0.5))" in act.formula.value


def test_depth_explorer():
    e = V.depth_explorer()
    try:
        assert e.main is e.controls["depth"]
        before = e.view.image.value
        e.controls["depth"].value = 20
        s = e.state()
        assert e.view.image.value != before
        # independent: sigmoid'(z) ≤ 1/4 per layer; ReLU with x > 0 and w = 1 passes 1 unchanged
        assert 0 < s["sigmoid"] <= 0.25 ** 20
        assert s["relu"] == 1.0 and 0 < s["tanh"] < 1
        e.controls["w"].value = 1.5
        assert e.state()["relu"] == pytest.approx(1.5 ** 20, rel=1e-3)  # exploding
        e.controls["x"].value = -1.0
        assert e.state()["relu"] == 0.0  # dead from the first layer on
        for i in range(300):
            e.main.value = 1 + i % 30
        assert plt.get_fignums() == []
    finally:
        e.close()


def test_softmax_explorer():
    e = V.softmax_explorer()
    try:
        s = e.state()
        ex = [math.exp(v) for v in (2.0, 1.0, 0.5, 0.0)]
        assert s["p"] == pytest.approx([v / sum(ex) for v in ex], abs=1e-4)
        before = e.view.image.value
        e.controls["temperature"].value = 10.0
        assert e.view.image.value != before
        assert max(e.state()["p"]) - min(e.state()["p"]) < 0.06  # hot: nearly uniform
        e.controls["temperature"].value = 0.1
        assert e.state()["p"][0] > 0.99                          # cold: the arg max
        e.controls["temperature"].value = 1.0
        e.controls["outlier"].value = 12.0                      # outliers dominate
        assert e.state()["p"][-1] > 0.999 and e.state()["sum"] == pytest.approx(1.0)
        for i in range(200):
            e.main.value = 0.1 + i % 50 / 5
        assert plt.get_fignums() == []
    finally:
        e.close()
