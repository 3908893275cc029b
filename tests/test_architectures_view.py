"""Notebook 07's skip-connection explorer: driven through its controls' .value, its numbers against the
chain computed independently here (a loop with the chain rule and finite differences)."""
import math

import numpy as np
import pytest

from nnlab.core.gradcheck import derivative
from nnlab.views.residual_view import SkipDepthExplorer, factory


def _chain_end(f, depth, x, w, skip):
    a = x
    for _ in range(depth):
        a = (a if skip else 0.0) + f(w * a)
    return a


FUNCS = {"sigmoid": lambda z: 1 / (1 + math.exp(-z)), "tanh": math.tanh, "relu": lambda z: max(z, 0.0)}


@pytest.fixture
def ex():
    e = factory()
    yield e
    e.close()


def test_toggle_changes_the_numbers_and_the_picture(ex):
    s_with = ex.state()
    png_with = ex.snapshot_png()
    assert s_with["skip"] == "with" and s_with["depth"] == 30
    ex.controls["skip"].value = "without"
    s_without = ex.state()
    assert not ex.problem
    assert s_without["sigmoid"] < 1e-18 < 1 <= s_with["sigmoid"]
    assert ex.snapshot_png() != png_with
    assert "no skip" in ex._ax.get_title()
    ex.reset_controls()
    assert ex.state() == s_with


@pytest.mark.parametrize("skip", ["without", "with"])
@pytest.mark.parametrize("depth,x,w", [(1, 0.5, 1.0), (7, -0.3, 0.75), (15, 1.2, 1.5)])
def test_readout_against_finite_differences(ex, skip, depth, x, w):
    ex.controls["skip"].value = skip
    ex.controls["x"].value = x
    ex.controls["w"].value = w
    ex.controls["depth"].value = depth
    s = ex.state()
    for name, f in FUNCS.items():
        fd = derivative(lambda v: _chain_end(f, depth, v, w, skip == "with"), x, h=1e-4)
        assert s[name] == pytest.approx(fd, rel=2e-3, abs=1e-12), name


def test_drawn_curves_are_the_computed_factors(ex):
    ex.controls["w"].value = 0.5
    for name in ("sigmoid", "tanh", "relu"):
        y = ex._lines[name].get_ydata()
        want = np.log10(ex.products()[name])
        assert np.allclose(y, want)


def test_starts_without_when_asked():
    e = SkipDepthExplorer(skip="without")
    try:
        assert e.state()["skip"] == "without" and e.state()["depth"] == 10
    finally:
        e.close()
