"""Issue 11's findings in notebook 03's explorers and the hard sigmoid's documentation."""
import numpy as np
import pytest

from nnlab.engine import activations as A
from nnlab.views import activations_view as V


def test_depth_axis_follows_the_data():
    """w = 3, 30 layers: the exploding ReLU line and the collapsing tanh/sigmoid lines are inside
    the y-range (log10 of each factor computed here from the engine's products)."""
    e = V.depth_explorer()
    try:
        e.apply_preset("w=3.0; depth=30")
        lo, hi = e._ax.get_ylim()
        for n in V.DEPTH_NAMES:
            y = np.log10(np.abs(A.gradient_through_depth(n, 30, x=0.5, w=3.0)))
            assert lo < y.min() and y.max() < hi, n
        assert hi > np.log10(3.0 ** 30) - 1  # ReLU's 3^30 (all slopes 1 at x = 0.5 > 0)
        assert e.state()["ylim"] == [round(lo, 3), round(hi, 3)]
        e.apply_preset("w=1.0; depth=10; x=-1.0")  # a dead ReLU (exact 0) sits on the bottom edge
        assert e._lines["relu"].get_ydata()[0] == pytest.approx(e._ax.get_ylim()[0])
    finally:
        e.close()


def test_activation_title_and_markers_not_clipped():
    e = V.activation_explorer()
    try:
        for name in ("Leaky ReLU", "Hard sigmoid", "Softplus"):
            e.apply_preset(f'name="{name}"; x=6.0')
            fig = e.view.fig
            fig.canvas.draw()
            title = e._title.get_window_extent()
            assert e._title.get_text().endswith("and its derivative")
            assert title.y1 <= fig.bbox.y1 and title.x0 >= 0 and title.x1 <= fig.bbox.x1
        lo, hi = e._ax.get_xlim()
        assert lo < -6 and hi > 6  # a marker at x = ±6 is drawn whole
        assert not e._pf.get_clip_on() and not e._pd.get_clip_on()
    finally:
        e.close()


@pytest.mark.torch
def test_hard_sigmoid_is_the_notes_form_not_torchs():
    torch = pytest.importorskip("torch")
    theirs = float(torch.nn.functional.hardsigmoid(torch.tensor(1.0)))
    ours = float(A.ACTIVATIONS["hard_sigmoid"].forward(1.0))
    assert ours == pytest.approx(0.7) and theirs == pytest.approx(2 / 3)
    doc = A.__doc__
    assert "(Keras's) min(1, max(0, 0.2x + 0.5))" not in doc
    assert "x/6 + 1/2" in doc and "current Keras" in doc


@pytest.mark.parametrize("factory", [V.activation_explorer, V.depth_explorer, V.softmax_explorer])
def test_static_picture_shows_the_markers(factory):
    from nnlab.views.ui import png_bytes

    e = factory()
    try:
        assert e.snapshot_png() == bytes(e.view.image.value)
        assert e.snapshot_png() != png_bytes(e.view.fig)
    finally:
        e.close()
