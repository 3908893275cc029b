"""nnlab.views.cnn_view: the pooling explorer (slides' 4×4 example) and the feature-map explorer."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.engine.cnn import CNN, load_digits
from nnlab.views.cnn_view import FeatureMapExplorer, PoolingExplorer, factory


@pytest.fixture
def pool():
    e = PoolingExplorer()
    yield e
    e.close()


def test_slides_example_max_and_average(pool):
    assert pool.state()["output"] == [[500, 100], [100, 250]]        # the slides' result
    before = pool.view.image.value
    pool.controls["mode"].value = "avg"
    assert pool.state()["output"] == [[152.5, 25], [25, 125]]        # (100+0+500+10)/4 ...
    assert pool.view.image.value != before


def test_kernel_stride_and_the_cell(pool):
    pool.controls["stride"].value = 1
    pool.controls["kernel_size"].value = 3
    s = pool.state()
    assert s["output"] == [[500, 250], [500, 250]]                   # 3×3 windows, stride 1
    pool.controls["cell"].value = 3
    assert pool.state()["cell"] == (1, 1) and pool.state()["cell_value"] == 250
    assert "<b>2</b>" in pool.readout.value


def test_impossible_padding_and_cell_are_refused(pool):
    pool.controls["kernel_size"].value = 4
    pool.controls["padding"].value = 2
    pool.controls["stride"].value = 1
    pool.controls["cell"].value = 24                                 # 5×5 output
    assert pool.state()["cell"] == (4, 4)
    pool.controls["kernel_size"].value = 2                           # padding ≤ k/2 = 1
    assert pool.controls["padding"].value == 1 and pool.controls["padding"].max == 1
    pool.controls["stride"].value = 4                                # output 2×2: cell clamped
    assert pool.controls["cell"].max == 3 and pool.state()["cell"] == (1, 1)


def test_padded_max_pool_ignores_the_padding(pool):
    pool.controls["kernel_size"].value = 2
    pool.controls["stride"].value = 2
    pool.controls["padding"].value = 1
    # windows of the padded image: rows {-1,0},{1,2},{3,4} × the same columns
    want = [[100, 0, 0], [500, 250, 0], [0, 0, 250]]
    assert pool.state()["output"] == want


def test_thousand_changes_leave_no_pyplot_figures():
    e = factory()
    try:
        for i in range(1000):
            e.main.value = 1 + i % 4
        assert plt.get_fignums() == []
        assert e.state()["kernel_size"] == 4
    finally:
        e.close()


def test_feature_map_explorer():
    x, y = load_digits()
    model = CNN(conv_channels=(4,), seed=0)
    e = FeatureMapExplorer(model, x[:5], y[:5])
    try:
        before = e.view.image.value
        e.controls["index"].value = 3
        s = e.state()
        assert s["index"] == 3 and s["label"] == int(y[3])
        assert s["prediction"] == int(model.predict(x[3:4])[0])
        assert e.view.image.value != before
    finally:
        e.close()
    with pytest.raises(ValueError, match="^images: expected"):
        FeatureMapExplorer(model, x[:3], y[:2])


def test_pooling_explorer_bad_image():
    with pytest.raises(ValueError, match="^image: expected"):
        PoolingExplorer(image=np.ones((3, 3)))
