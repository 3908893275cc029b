"""nnlab.engine.boxes: formats, IoU and NMS by independent routes, encode/decode.

The course's worked example (notes 000) is tested in test_detection_course.py."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.engine import boxes as B


# -- formats ------------------------------------------------------------------------------------
def test_format_round_trips_and_yolo():
    xyxy = np.array([[10.0, 20.0, 50.0, 80.0]])
    assert B.xyxy_to_cxcywh(xyxy).tolist() == [[30.0, 50.0, 40.0, 60.0]]
    assert B.cxcywh_to_xyxy([[30.0, 50.0, 40.0, 60.0]]).tolist() == xyxy.tolist()
    y = B.xyxy_to_yolo(xyxy, 100, 200)
    assert y.tolist() == [[0.3, 0.25, 0.4, 0.3]]
    assert np.allclose(B.yolo_to_xyxy(y, 100, 200), xyxy)


# -- IoU by explicit pixel counting -------------------------------------------------------------
def _iou_by_pixels(a, b):
    grid_a = np.zeros((40, 40), bool)
    grid_b = np.zeros((40, 40), bool)
    grid_a[a[1]:a[3], a[0]:a[2]] = True
    grid_b[b[1]:b[3], b[0]:b[2]] = True
    inter = np.sum(grid_a & grid_b)
    union = np.sum(grid_a | grid_b)
    return inter / union if union else 0.0


int_box = st.tuples(st.integers(0, 39), st.integers(0, 39), st.integers(0, 39),
                    st.integers(0, 39)).map(lambda t: (min(t[0], t[2]), min(t[1], t[3]),
                                                       max(t[0], t[2]), max(t[1], t[3])))


@settings(max_examples=150, deadline=None)
@given(st.lists(int_box, min_size=1, max_size=5), st.lists(int_box, min_size=1, max_size=4))
def test_box_iou_matches_pixel_counting(a, b):
    got = B.box_iou(a, b)
    assert got.shape == (len(a), len(b))
    for i, p in enumerate(a):
        for j, q in enumerate(b):
            assert got[i, j] == pytest.approx(_iou_by_pixels(p, q), abs=1e-12)


def test_box_area_and_known_iou():
    assert B.box_area([[0, 0, 4, 4], [1, 1, 2, 5]]).tolist() == [16.0, 4.0]
    assert B.iou([0, 0, 4, 4], [2, 2, 6, 6]) == pytest.approx(4 / 28)
    assert B.iou([0, 0, 1, 1], [2, 2, 3, 3]) == 0.0
    assert B.iou([0, 0, 0, 0], [0, 0, 0, 0]) == 0.0  # empty union: 0 here (torchvision: nan)


# -- NMS against a brute-force reference --------------------------------------------------------
def _loop_iou(p, q):
    iw = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
    ih = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
    inter = iw * ih
    union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter
    return inter / union if union > 0 else 0.0


def _nms_reference(boxes, scores, t):
    """Keep a box iff no *kept* higher-scoring box overlaps it by more than t."""
    order = sorted(range(len(boxes)), key=lambda i: (-scores[i], i))
    kept = []
    for i in order:
        if all(_loop_iou(boxes[i], boxes[k]) <= t for k in kept):
            kept.append(i)
    return kept


float_box = st.tuples(st.floats(0, 50), st.floats(0, 50), st.floats(1, 30),
                      st.floats(1, 30)).map(lambda t: (t[0], t[1], t[0] + t[2], t[1] + t[3]))


@settings(max_examples=150, deadline=None)
@given(st.lists(float_box, min_size=0, max_size=25), st.floats(0, 1), st.randoms(use_true_random=False))
def test_nms_matches_brute_force(boxes, t, rnd):
    scores = [rnd.random() for _ in boxes]
    got = B.nms(np.array(boxes).reshape(-1, 4), scores, t)
    assert got.dtype == np.int64
    assert got.tolist() == _nms_reference(boxes, scores, t)


def test_nms_threshold_edges():
    boxes = [[0, 0, 2, 1], [0, 0, 1, 1]]  # IoU exactly 0.5
    assert B.nms(boxes, [0.9, 0.8], 0.5).tolist() == [0, 1]     # discarded only when IoU > t
    assert B.nms(boxes, [0.9, 0.8], 0.49).tolist() == [0]
    assert B.nms(boxes, [0.1, 0.8], 1.0).tolist() == [1, 0]     # by decreasing score
    assert B.nms(np.zeros((0, 4)), [], 0.5).tolist() == []


def test_nms_large_input_matches_reference_on_clusters():
    rng = np.random.default_rng(1)
    c = rng.uniform(0, 200, (300, 2))
    wh = rng.uniform(5, 40, (300, 2))
    boxes = np.hstack([c, c + wh])
    scores = rng.uniform(0, 1, 300)
    assert B.nms(boxes, scores, 0.3).tolist() == _nms_reference(boxes.tolist(), scores.tolist(), 0.3)


# -- encode / decode ----------------------------------------------------------------------------
pos_box = st.tuples(st.floats(-100, 100), st.floats(-100, 100), st.floats(1, 100), st.floats(1, 100))


@settings(max_examples=200, deadline=None)
@given(pos_box, st.tuples(st.floats(-100, 100), st.floats(-100, 100), st.floats(0.2, 20),
                          st.floats(0.2, 20)),
       st.sampled_from([(1, 1, 1, 1), (10, 10, 5, 5)]))
def test_decode_inverts_encode(p, g_rel, weights):
    g = (g_rel[0], g_rel[1], p[2] * g_rel[2], p[3] * g_rel[3])
    for fmt in ("cxcywh", "xyxy"):
        pp = np.array([p]) if fmt == "cxcywh" else B.cxcywh_to_xyxy([p])
        gg = np.array([g]) if fmt == "cxcywh" else B.cxcywh_to_xyxy([g])
        d = B.encode(pp, gg, weights=weights, fmt=fmt)
        back = B.decode(pp, d, weights=weights, fmt=fmt)
        assert np.allclose(back, gg, rtol=1e-9, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(pos_box, st.tuples(*[st.floats(-3, 3)] * 4))
def test_encode_inverts_decode(p, d):
    back = B.encode([p], B.decode([p], [d], fmt="cxcywh"), fmt="cxcywh")
    assert np.allclose(back, [d], atol=1e-9)


def test_encode_by_hand_formula_and_weights():
    p = np.array([[0.0, 0.0, 10.0, 20.0]])      # centre (5, 10), 10×20
    g = np.array([[2.0, 4.0, 22.0, 24.0]])      # centre (12, 14), 20×20
    want = [(12 - 5) / 10, (14 - 10) / 20, math.log(20 / 10), math.log(20 / 20)]
    assert np.allclose(B.encode(p, g), [want])
    assert np.allclose(B.encode(p, g, weights=(10, 10, 5, 5)), [np.multiply(want, (10, 10, 5, 5))])


def test_decode_clamps_size_deltas():
    assert B.BBOX_XFORM_CLIP == pytest.approx(math.log(62.5))
    out = B.decode([[0, 0, 10, 10]], [[0, 0, 100.0, -100.0]], fmt="cxcywh")[0]
    assert out[2] == pytest.approx(10 * 62.5)            # clamped from above ...
    assert out[3] == pytest.approx(10 * math.exp(-100))  # ... not from below
    assert np.isfinite(B.decode([[0, 0, 10, 10]], [[0, 0, 1e6, 0]])).all()


def test_vectorised_over_many_boxes():
    rng = np.random.default_rng(0)
    p = B.cxcywh_to_xyxy(np.hstack([rng.uniform(0, 100, (500, 2)), rng.uniform(1, 50, (500, 2))]))
    g = B.cxcywh_to_xyxy(np.hstack([rng.uniform(0, 100, (500, 2)), rng.uniform(1, 50, (500, 2))]))
    d = B.encode(p, g)
    assert d.shape == (500, 4)
    one = [B.encode(p[i:i + 1], g[i:i + 1])[0] for i in (0, 123, 499)]
    assert np.allclose(d[[0, 123, 499]], one)


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("call, name", [
    (lambda: B.box_iou([[0, 0, -1, 1]], [[0, 0, 1, 1]]), "boxes1"),
    (lambda: B.box_iou([[0, 0, 1, 1]], [[0, 5, 1, 1]]), "boxes2"),
    (lambda: B.box_iou([[0, 0, np.nan, 1]], [[0, 0, 1, 1]]), "boxes1"),
    (lambda: B.box_iou([[0, 0, 1]], [[0, 0, 1, 1]]), "boxes1"),
    (lambda: B.nms([[0, 0, 1, 1]], [0.5], 1.5), "iou_threshold"),
    (lambda: B.nms([[0, 0, 1, 1]], [0.5], -0.1), "iou_threshold"),
    (lambda: B.nms([[0, 0, 1, 1]], [0.5, 0.2], 0.5), "scores"),
    (lambda: B.nms([[0, 0, 1, 1]], [np.inf], 0.5), "scores"),
    (lambda: B.encode([[0, 0, -5, 5]], [[0, 0, 5, 5]], fmt="cxcywh"), "proposals"),
    (lambda: B.encode([[0, 0, 5, 5]], [[0, 0, 5, -5]], fmt="cxcywh"), "ground_truth"),
    (lambda: B.encode([[0, 0, 0, 5]], [[0, 0, 5, 5]], fmt="cxcywh"), "proposals"),
    (lambda: B.encode([[0, 0, 5, 5]], [[0, 0, 5, 5]], fmt="xywh"), "fmt"),
    (lambda: B.encode([[0, 0, 5, 5]], [[0, 0, 5, 5]], weights=(1, 1, 0, 1)), "weights"),
    (lambda: B.decode([[0, 0, 5, 5]], [[0, 0, np.nan, 0]]), "deltas"),
    (lambda: B.decode([[0, 0, 5, 5]], [[0, 0, 0]]), "deltas"),
    (lambda: B.xyxy_to_yolo([[0, 0, 5, 5]], 0, 10), "image_width"),
    (lambda: B.yolo_to_xyxy([[0.5, 0.5, 1.5, 0.2]], 10, 10), "boxes"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name}: expected"):
        call()


# -- against plain torch (torchvision is not installable beside torch here) ---------------------
@pytest.mark.torch
def test_box_iou_and_nms_against_plain_torch(torch):
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 100, (200, 2))
    boxes = np.hstack([xy, xy + rng.uniform(1, 30, (200, 2))])
    scores = rng.uniform(0, 1, 200)
    tb = torch.tensor(boxes)
    area = (tb[:, 2] - tb[:, 0]) * (tb[:, 3] - tb[:, 1])
    lt = torch.max(tb[:, None, :2], tb[None, :, :2])
    rb = torch.min(tb[:, None, 2:], tb[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    ref_iou = inter / (area[:, None] + area[None, :] - inter)
    assert np.allclose(B.box_iou(boxes, boxes), ref_iou.numpy(), atol=1e-12)
    order = torch.argsort(torch.tensor(scores), descending=True, stable=True)
    removed = torch.zeros(200, dtype=torch.bool)
    keep = []
    for i in order.tolist():
        if removed[i]:
            continue
        keep.append(i)
        removed |= ref_iou[i] > 0.4
    assert B.nms(boxes, scores, 0.4).tolist() == keep
