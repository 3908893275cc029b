"""nnlab.views.cnn_view: the pooling explorer (slides' 4×4 example) and the feature-map explorer."""
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.engine import conv as C
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


def test_main_control_is_the_kernel_size():
    # (the 1,000-change storm of the main control is in tests/test_reliability.py)
    e = factory()
    try:
        e.main.value = 4
        assert e.state()["kernel_size"] == 4
    finally:
        e.close()
    assert plt.get_fignums() == []


def _marked(html):
    """The (row, column) of the highlighted cells of each table, and every table's numbers."""
    tables = []
    for table in re.findall(r"<table.*?</table>", html):
        marked, values = [], []
        for i, row in enumerate(re.findall(r"<tr>(.*?)</tr>", table)):
            for j, (style, v) in enumerate(re.findall(r"<td style='([^']*)'>([^<]*)</td>", row)):
                values.append(float(v))
                if "bold" in style:
                    marked.append((i, j))
        tables.append((marked, values))
    return tables


@pytest.mark.parametrize("setting", [
    {},
    {"mode": "avg"},
    {"kernel_size": 3, "stride": 1, "cell": 3},
    {"kernel_size": 3, "stride": 1, "padding": 1, "cell": 5, "mode": "avg"},
    {"kernel_size": 2, "stride": 2, "padding": 1, "cell": 4},
    {"kernel_size": 4, "stride": 1, "padding": 2, "cell": 24, "mode": "avg"},
    {"kernel_size": 1, "stride": 3, "cell": 3},
])
def test_every_number_shown_is_the_computations(pool, setting):
    for name, value in setting.items():
        if name == "cell":
            pool.controls[name].max = max(pool.controls[name].max, value)
        pool.controls[name].value = value
    expl = pool.explain()
    size, cell, out = expl["size"], expl["cell"], expl["output"]
    c = pool.controls
    k, s, p, mode = c["kernel_size"].value, c["stride"].value, c["padding"].value, c["mode"].value
    # the intermediates are the computation's: pool_cell with the controls' inputs, the pooled map
    r, cc = cell["cell"]
    direct = C.pool_cell(pool.image, k, r, cc, s, p, mode)
    np.testing.assert_array_equal(cell["window"], direct["window"])
    assert cell["value"] == direct["value"] == pytest.approx(out[r, cc], abs=1e-12)
    assert out.shape == (size.size, size.size) == cell["output"]
    # the readout: n, p, f, s, size, then the cell (r, c), the window k×k and the value
    formula = re.findall(r"⌊\((\d+) \+ 2·(\d+) − (\d+)\)/(\d+)⌋ \+ 1 = <b>(\d+)</b>", pool.readout.value)
    assert [tuple(map(int, m)) for m in formula] == [(size.n, size.padding, size.f, size.stride, size.size)]
    rest = re.sub(r"<[^>]+>", " ", pool.readout.value.split(";", 1)[1])
    shown = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", rest)]
    assert shown == [r, cc, k, k, float(f"{cell['value']:g}")]
    # the tables: the input with the window's cells marked, the output with the chosen cell marked
    (in_marked, in_values), (out_marked, out_values) = _marked(pool.tables.value)
    assert in_values == pool.image.ravel().tolist()
    np.testing.assert_allclose(out_values, out.ravel(), atol=0.05 + 1e-12)    # one decimal shown
    assert in_marked == [(i, j) for i in cell["rows"] for j in cell["cols"] if 0 <= i < 4 and 0 <= j < 4]
    assert out_marked == [cell["cell"]]
    st = pool.state()
    assert st["cell"] == cell["cell"] and st["cell_value"] == round(cell["value"], 4)


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


def test_pooling_pictures_carry_their_numbers(pool):
    """Issue 11: every output cell is labelled with its value (and the input's 16 with theirs)."""
    pool.controls["kernel_size"].value = 3
    pool.controls["stride"].value = 1
    shown = [t.get_text() for t in pool._labels if t.get_visible()]
    want = [f"{v:g}" for v in np.asarray(pool.state()["output"]).ravel()]
    assert shown == want and len(shown) == 4
    assert pool._im_out.colorbar is not None and pool.snapshot_png() == pool.view.image.value
