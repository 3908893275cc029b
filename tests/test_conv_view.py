"""nnlab.views.conv_view: the explorer of notebook 06, driven by setting control values."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.engine import conv as C
from nnlab.views.conv_view import ConvExplorer, factory, load_photo


@pytest.fixture(scope="module")
def photo():
    return load_photo()


@pytest.fixture
def ex(photo):
    e = ConvExplorer(image=photo)
    yield e
    e.close()


def test_photo_is_matplotlibs_sample_grayscale_and_small(photo):
    assert photo.shape == (150, 128)            # 600×512 averaged 4× 4
    assert 0 <= photo.min() and photo.max() <= 1
    assert photo.std() > 0.1                    # a real picture, not a blank


def test_initial_state_matches_a_direct_convolution(ex, photo):
    s = ex.state()
    assert s["filter"] == "top edges" and s["output"] == (150, 128) and s["padding_name"] == "same"
    direct = np.sum(np.pad(photo, 1)[0:3, 0:3] * np.array(C.FILTERS["top edges"]))
    assert s["cell_value"] == pytest.approx(direct, abs=1e-4)


def test_filter_menu_sets_the_nine_weights(ex):
    before = ex.view.image.value
    ex.controls["filter"].value = "vertical edges (Sobel)"
    assert ex.state()["kernel"] == [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
    assert ex.view.image.value != before


def test_moving_a_weight_makes_the_filter_custom(ex):
    ex.controls["w11"].value = 0.5
    assert ex.controls["filter"].value == "custom"
    assert ex.state()["kernel"][0][0] == 0.5


def test_stride_and_padding_change_the_output_size(ex):
    for s in (1, 2, 3, 4):
        for p in (0, 1, 2):
            ex.controls["stride"].value = s
            ex.controls["padding"].value = p
            want = ((150 + 2 * p - 3) // s + 1, (128 + 2 * p - 3) // s + 1)
            assert ex.state()["output"] == want
            assert f"<b>{want[0]}</b>" in ex.formula.value


def test_impossible_cell_is_refused(ex):
    ex.controls["row"].max = 149
    ex.controls["row"].value = 149
    ex.controls["stride"].value = 4                 # 38 rows now: the cell is clamped, not an error
    assert ex.controls["row"].max == 37 and ex.controls["row"].value == 37
    assert ex.state()["cell"][0] == 37
    assert "does not divide" in ex.message.value    # 150 + 2 − 3 = 149 is not a multiple of 4


def test_output_cell_is_the_sum_of_products(ex, photo):
    ex.controls["filter"].value = "left edges"
    ex.controls["padding"].value = 0
    ex.controls["stride"].value = 2
    ex.controls["row"].value = 10
    ex.controls["col"].value = 7
    patch = photo[20:23, 14:17]
    want = float(np.sum(patch * np.array(C.FILTERS["left edges"])))
    assert ex.state()["cell_value"] == pytest.approx(want, abs=1e-4)
    assert "products" in ex.cell.value


def test_thousand_changes_leave_no_pyplot_figures(photo):
    e = factory()
    try:
        for i in range(1000):
            e.main.value = round(-3 + 6 * (i % 61) / 60, 2)
        assert plt.get_fignums() == []
        assert e.state()["kernel"][1][1] == e.main.value
    finally:
        e.close()


def test_photo_helpers_reject_bad_input():
    with pytest.raises(ValueError, match="^rgb: expected"):
        C.to_grayscale(np.ones((4, 4)))
    with pytest.raises(ValueError, match="^factor: expected"):
        C.downsample(np.ones((4, 4)), 5)
    with pytest.raises(ValueError, match="^name: expected"):
        C.filter_kernel("emboss")


def test_grayscale_weights():
    rgb = np.zeros((1, 3, 3))
    rgb[0, 0, 0] = rgb[0, 1, 1] = rgb[0, 2, 2] = 255
    np.testing.assert_allclose(C.to_grayscale(rgb)[0], [0.299, 0.587, 0.114])
    np.testing.assert_allclose(C.downsample(np.arange(16.0).reshape(4, 4), 2), [[2.5, 4.5], [10.5, 12.5]])


def test_conv_exercises():
    ex = C.exercises
    assert ex.check(1, 24) and "add 1" in ex.check(1, 23).message
    assert ex.check(2, 14) and "round" in ex.check(2, 15).message
    assert ex.check(3, -5) and "flipped" in ex.check(3, 5).message


def test_moving_the_cell_redraws_the_photo_and_a_kernel_change_does_not(ex):
    photo_png = ex.input_view.image.value
    ex.main.value = 2.0
    assert ex.input_view.image.value == photo_png        # the photo did not change
    ex.controls["col"].value = 5
    assert ex.input_view.image.value != photo_png        # its red window moved
