"""nnlab.views.conv_view: the explorer of notebook 06, driven by setting control values."""
import re

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


def test_main_control_moves_the_centre_weight(photo):
    # (the 1,000-change storm of the main control is in tests/test_reliability.py)
    e = factory()
    try:
        e.main.value = 1.5
        assert e.state()["kernel"][1][1] == e.main.value == 1.5
    finally:
        e.close()
    assert plt.get_fignums() == []


NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


FORMULA = re.compile(r"⌊\((\d+) \+ 2·(\d+) − (\d+)\)/(\d+)⌋ \+ 1 = <b>(\d+)</b>")


def _numbers(html):
    return [float(v) for v in NUMBER.findall(re.sub(r"<[^>]+>", " ", html))]


@pytest.mark.parametrize("setting", [
    {},
    {"filter": "left edges", "stride": 2, "padding": 0, "row": 10, "col": 7},
    {"filter": "sharpen", "stride": 3, "padding": 2, "row": 0, "col": 42},
    {"filter": "slides' 3×3 filter", "stride": 4, "padding": 1, "row": 37, "col": 31},
    {"w23": -2.5, "w31": 1.25, "stride": 1, "padding": 2, "row": 151, "col": 0},
])
def test_every_number_shown_is_the_computations(ex, photo, setting):
    for name, value in setting.items():
        if name in ("row", "col"):
            ex.controls[name].max = max(ex.controls[name].max, value)
        ex.controls[name].value = value
    expl = ex.explain()
    rows, cols, cell = expl["rows"], expl["cols"], expl["cell"]
    # the intermediates are the computation's: output_cell with the controls' inputs, the map's size
    s, p = ex.controls["stride"].value, ex.controls["padding"].value
    r, c = cell["cell"]
    direct = C.output_cell(photo, ex.kernel(), r, c, s, p)
    for key in ("patch", "kernel", "product"):
        np.testing.assert_array_equal(cell[key], direct[key])
    assert cell["value"] == direct["value"]
    assert cell["output"] == C.conv2d(photo, ex.kernel(), stride=s, padding=p).shape
    # the cell text: (r, c), value, where the patch starts, then patch, kernel, products (2 decimals)
    shown = _numbers(ex.cell.value)
    want = [r, c, cell["value"], *cell["top_left"], *cell["patch"].ravel(), *cell["kernel"].ravel(),
            *cell["product"].ravel()]
    tol = [0] * 2 + [5e-5] + [0] * 2 + [5e-3 + 1e-12] * 27
    assert len(shown) == len(want)
    for got, w, t in zip(shown, want, tol):
        assert abs(got - w) <= t
    # the size line: n, p, f, s and the size, for rows then columns
    formula = [tuple(map(int, m)) for m in FORMULA.findall(ex.formula.value)]
    assert formula == [(st.n, st.padding, st.f, st.stride, st.size) for st in (rows, cols)]
    assert (rows.size, cols.size) == cell["output"] == ex.state()["output"]
    # the message: the stride, then the cells no window reaches, for each side where there are some
    want_msg = [v for steps in (rows, cols) if steps.left_over for v in (steps.stride, steps.left_over)]
    shown_msg = re.findall(r"s = (\d+) does not divide n \+ 2p − f for the \w+: the last (\d+) padded",
                           ex.message.value)
    assert [int(v) for m in shown_msg for v in m] == want_msg
    assert len(_numbers(ex.message.value)) == 3 * len(shown_msg)     # and no other number (2p aside)
    st = ex.state()
    assert st["cell"] == cell["cell"] and st["cell_value"] == round(cell["value"], 4)
    assert st["kernel"] == np.round(cell["kernel"], 2).tolist()


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
    from nnlab.course.conv import exercises as ex

    assert ex.check(1, 24) and "add 1" in ex.check(1, 23).message
    assert ex.check(2, 14) and "round" in ex.check(2, 15).message
    assert ex.check(3, -5) and "flipped" in ex.check(3, 5).message


def test_moving_the_cell_redraws_the_photo_and_a_kernel_change_does_not(ex):
    photo_png = ex.input_view.image.value
    ex.main.value = 2.0
    assert ex.input_view.image.value == photo_png        # the photo did not change
    ex.controls["col"].value = 5
    assert ex.input_view.image.value != photo_png        # its red window moved


@pytest.mark.parametrize("name", list(C.FILTERS))
def test_selecting_each_named_filter_gives_exactly_its_kernel(ex, name):
    """Issue 11: sharpen's centre 5 was clipped to ±3. Every filter of the menu now fits the sliders."""
    if name == ex.controls["filter"].value:
        ex.controls["filter"].value = "identity" if name != "identity" else "sharpen"
    ex.controls["filter"].value = name
    assert np.array_equal(ex.kernel(), np.array(C.FILTERS[name], dtype=float))
    assert ex.controls["filter"].value == name          # not switched to "custom"
    assert ex.state()["cell_value"] == pytest.approx(
        float(np.sum(np.pad(ex.image, 1)[0:3, 0:3] * np.array(C.FILTERS[name]))), abs=1e-4)


def test_feature_map_colours_are_centred_on_zero_with_a_colour_bar(ex, photo):
    ex.controls["filter"].value = "bottom edges"
    s = ex.state()
    direct = C.conv2d(photo, np.array(C.FILTERS["bottom edges"]), padding=1)
    limit = round(float(np.abs(direct).max()), 4)
    assert s["colour_limits"] == (-limit, limit)
    assert s["map_min"] == round(float(direct.min()), 4) and s["map_max"] == round(float(direct.max()), 4)
    assert ex._im_out.get_clim() == pytest.approx((-limit, limit), abs=1e-4)
    assert ex._im_out.get_cmap().name == "RdBu_r"
    # the colour bar's three labels give the symmetric limits, written from the direct map
    assert [t.get_text() for t in ex._bar_labels] == [f"−{limit:.2f}", "0", f"{limit:.2f}"]
    before = ex.view.image.value
    ex.controls["w22"].value = 2.0              # a kernel change: the labels follow
    new = ex.state()["colour_limits"][1]
    assert ex._bar_labels[2].get_text() == f"{new:.2f}" and ex.view.image.value != before
    assert ex.snapshot_png() == ex.view.image.value


def test_photo_correlation_is_the_pixels_under_the_window_centres(ex, photo):
    ex.controls["filter"].value = "identity"
    assert ex.state()["photo_correlation"] == pytest.approx(1.0)
    ex.controls["filter"].value = "top edges"
    ex.controls["w22"].value = 1.0
    fmap = C.conv2d(photo, np.array(C.FILTERS["top edges"]) + np.array(C.FILTERS["identity"]), padding=1)
    assert ex.state()["photo_correlation"] == pytest.approx(np.corrcoef(fmap.ravel(), photo.ravel())[0, 1],
                                                            abs=1e-4)
