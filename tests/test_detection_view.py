"""The explorers of notebook 09, driven by setting control values (no browser)."""
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.views import detection_view as V


@pytest.fixture
def box():
    e = V.box_regression_explorer()
    yield e
    e.close()


def test_box_explorer_starts_at_the_course_example(box):
    s = box.state()
    assert s["proposal"] == [100.0, 120.0, 80.0, 60.0]
    assert (s["dx"], round(s["dy"], 3), round(s["dw"], 3), round(s["dh"], 3)) == (0.125, 0.167, 0.051, 0.039)
    assert s["decoded"][:2] == [110.0, 130.02]        # from the deltas rounded to 3 decimals
    assert "Δx = (x_gt − x)/w = (110.0 − 100)/80 = <b>0.1250</b>" in box.readout.value


def test_box_explorer_recomputes_on_slider_change(box):
    before = box.view.image.value
    box.controls["x"].value = 110
    box.controls["w"].value = 40
    s = box.state()
    assert s["dx"] == 0.0
    assert s["dw"] == pytest.approx(round(math.log(80 * math.exp(0.051) / 40), 4))
    assert box.view.image.value != before
    box.controls["x"].value = 120
    assert "x_new = x + Δx·w = 120 + (-0.250)·40" in box.readout.value   # (110 − 120)/40
    box.controls["x"].value = 110
    # IoU by hand: proposal (110, 120, 40, 60) → x 90..130, y 90..150; gt x 67.9..152.1, y 98.8..161.2
    gw, gh = 80 * math.exp(0.051), 60 * math.exp(0.039)
    inter = 40 * (150 - (130 - gh / 2))
    union = 40 * 60 + gw * gh - inter
    assert s["iou_proposal"] == pytest.approx(inter / union, abs=1e-4)


def test_box_explorer_on_target_gives_zero_deltas(box):
    gt = box.gt
    box.controls["y"].value = 130
    box.controls["x"].value = 110
    s = box.state()
    assert s["dx"] == 0 and s["dy"] == 0
    assert s["dw"] == pytest.approx(math.log(gt[2] / 80), abs=1e-4)


def test_main_control_is_the_proposal_x(box):
    # the 1,000-change storm of this control is tests/test_reliability.py's (one per notebook)
    assert box.main is box.controls["x"]
    box.main.value = 40 + (999 * 7) % 240
    assert plt.get_fignums() == []
    assert box.state()["proposal"][0] == 40 + (999 * 7) % 240


def test_nms_explorer():
    e = V.nms_explorer()
    try:
        before = e.view.image.value
        e.controls["iou_threshold"].value = 1.0
        s = e.state()
        assert s["kept"] == s["boxes"]                         # nothing has IoU > 1
        assert s["kept_indices"] == np.argsort(-e.scores, kind="stable").tolist()
        assert e.view.image.value != before
        e.controls["iou_threshold"].value = 0.0
        kept = e.state()["kept_indices"]
        from nnlab.engine.boxes import box_iou
        iou = box_iou(e.boxes[kept], e.boxes[kept])
        assert np.all(iou[~np.eye(len(kept), dtype=bool)] == 0)  # at 0: no two kept boxes overlap
        for _ in range(200):
            e.main.value = 0.35
            e.main.value = 0.65
        assert plt.get_fignums() == []
    finally:
        e.close()


def test_selective_search_explorer_weights_and_all_zero():
    e = V.selective_search_explorer()
    try:
        s = e.state()
        assert s["recall@0.5"] == 1.0 and s["message"] == ""
        before = e.view.image.value
        for name in ("texture", "size", "fill"):
            e.controls[name].value = 0.0
        s2 = e.state()
        assert s2["weights"] == [1.0, 0.0, 0.0, 0.0]
        assert min(s2["best_iou"]) < min(s["best_iou"])
        assert e.view.image.value != before
        e.controls["colour"].value = 0.0                      # all zero: refused, with a message
        s3 = e.state()
        assert "all weights are 0" in s3["message"] and "all weights are 0" in e.readout.value
        assert s3["best_iou"] == s2["best_iou"]
        e.controls["size"].value = 1.0
        assert e.state()["message"] == ""
        assert plt.get_fignums() == []
    finally:
        e.close()


def test_static_figures_describe_themselves():
    from pathlib import Path

    from nnlab.engine.yolo import read_labels
    a = V.anchors_figure()
    assert repr(a).startswith("[figure: 576 anchors (9 per location)")
    assert a._repr_png_()[:4] == b"\x89PNG"
    labs = read_labels(Path(__file__).resolve().parents[1] / "data" / "yolo_example.txt", num_classes=3)
    g = V.yolo_grid_figure(labs, S=13)
    assert "(6, 6)" in repr(g) and "(2, 2)" in repr(g) and "(9, 9)" in repr(g)
    r = V.roi_pool_figure(np.arange(25.0).reshape(5, 5), [0, 0, 4, 4], (2, 2))
    assert "[[12.0, 14.0], [22.0, 24.0]]" in repr(r)
    assert plt.get_fignums() == []
