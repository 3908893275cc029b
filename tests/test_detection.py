"""nnlab.engine.detection: anchors, anchor matching, RoI pooling, over-segmentation, selective search."""
import math

import numpy as np
import pytest

from nnlab.engine import detection as D


# -- anchors ------------------------------------------------------------------------------------
def test_nine_base_anchors_have_the_scales_areas_and_ratios():
    a = D.base_anchors((128, 256, 512), (0.5, 1.0, 2.0))
    assert a.shape == (9, 4)
    w = a[:, 2] - a[:, 0]
    h = a[:, 3] - a[:, 1]
    # ratio-major order: (0.5, 128), (0.5, 256), (0.5, 512), (1, 128) ...
    want_area = [s * s for _ in range(3) for s in (128, 256, 512)]
    want_ratio = [r for r in (0.5, 1.0, 2.0) for _ in range(3)]
    assert np.allclose(w * h, want_area)
    assert np.allclose(h / w, want_ratio)
    assert np.allclose((a[:, 0] + a[:, 2]) / 2, 0) and np.allclose((a[:, 1] + a[:, 3]) / 2, 0)


def test_anchor_grid_centres_follow_the_stride():
    g = D.anchor_grid(3, 5, 16, scales=(32,), ratios=(1.0,))
    assert g.shape == (15, 4)
    cx = (g[:, 0] + g[:, 2]) / 2
    cy = (g[:, 1] + g[:, 3]) / 2
    assert cx.tolist() == [8 + 16 * j for _ in range(3) for j in range(5)]
    assert cy.tolist() == [8 + 16 * i for i in range(3) for _ in range(5)]
    g0 = D.anchor_grid(3, 5, 16, scales=(32,), ratios=(1.0,), offset=0.0)  # torchvision's
    assert ((g0[:, 0] + g0[:, 2]) / 2)[:2].tolist() == [0.0, 16.0]
    assert D.anchor_grid(38, 50, 16).shape == (38 * 50 * 9, 4)


def test_match_anchors_thresholds_and_targets():
    gt = np.array([[0.0, 0.0, 10.0, 10.0]])
    anchors = np.array([[0, 0, 10, 10],      # IoU 1 → positive
                        [5, 0, 15, 10],      # IoU 50/150 = 1/3 → ignored
                        [0, 0, 10, 4],       # IoU 0.4 → ignored
                        [20, 20, 30, 30],    # IoU 0 → negative
                        [8, 0, 18, 10]],     # IoU 20/180 → negative
                       float)
    m = D.match_anchors(anchors, gt)
    assert m.labels.tolist() == [1, -1, -1, 0, 0]
    assert np.allclose(m.max_iou, [1, 1 / 3, 0.4, 0, 20 / 180])
    assert np.allclose(m.targets, 0)
    assert m.counts() == {"positive": 1, "negative": 2, "ignored": 2}


def test_low_quality_match_makes_the_best_anchor_positive():
    gt = np.array([[0.0, 0.0, 10.0, 10.0]])
    anchors = np.array([[0, 0, 10, 5], [0, 0, 10, 3], [50, 50, 60, 60]], float)  # IoU .5, .3, 0
    m = D.match_anchors(anchors, gt)
    assert m.labels.tolist() == [1, -1, 0]
    # target of anchor 0 (centre (5, 2.5), 10×5) towards (5, 5), 10×10, by hand
    assert np.allclose(m.targets[0], [0, 2.5 / 5, 0, math.log(2)])
    m2 = D.match_anchors(anchors, gt, allow_low_quality=False)
    assert m2.labels.tolist() == [-1, -1, 0]  # IoU .5 and .3 (not < .3): both ignored


def _loop_iou(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(w, 0.0) * max(h, 0.0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _matcher_rule(iou, high=0.7, low=0.3):
    """torchvision's Matcher(high, low, allow_low_quality_matches=True) as its documentation
    describes it, written as loops: each prediction's match is the ground truth of highest
    quality (the first of equals); below `low` → -1, in [low, high) → -2; then for every ground
    truth, each prediction of highest quality with it (ties included) gets back its OWN match
    from before the thresholds. (Objects whose best IoU is 0 are skipped: the documented
    difference of match_anchors.)"""
    n, m = len(iou), len(iou[0])
    own = []
    for i in range(n):
        j_best = 0
        for j in range(1, m):
            if iou[i][j] > iou[i][j_best]:
                j_best = j
        own.append(j_best)
    matches = []
    for i in range(n):
        v = iou[i][own[i]]
        matches.append(own[i] if v >= high else (-1 if v < low else -2))
    for j in range(m):
        top = max(iou[i][j] for i in range(n))
        if top > 0:
            for i in range(n):
                if iou[i][j] == top:
                    matches[i] = own[i]
    return matches, own


def _delta(anchor, box):
    aw, ah = anchor[2] - anchor[0], anchor[3] - anchor[1]
    bw, bh = box[2] - box[0], box[3] - box[1]
    return [((box[0] + box[2]) - (anchor[0] + anchor[2])) / 2 / aw,
            ((box[1] + box[3]) - (anchor[1] + anchor[3])) / 2 / ah,
            math.log(bw / aw), math.log(bh / ah)]


def test_low_quality_positives_keep_their_own_best_object_as_torchvision():
    """500 random scenes against the Matcher rule written out independently: labels, matched
    object and regression targets agree; the old rule (give a promoted anchor the object it is
    best for) would differ in many of these scenes, so the check can fail."""
    rng = np.random.default_rng(11)
    differ_from_old = 0
    for _ in range(500):
        k = int(rng.integers(2, 6))
        c = rng.uniform(20, 80, (k, 2))
        s = rng.uniform(10, 50, (k, 2))
        gt = np.hstack([c - s / 2, c + s / 2])
        ca = rng.uniform(0, 100, (40, 2))
        sa = rng.uniform(8, 60, (40, 2))
        anchors = np.hstack([ca - sa / 2, ca + sa / 2])
        iou = [[_loop_iou(a, g) for g in gt] for a in anchors]
        matches, own = _matcher_rule(iou)
        m = D.match_anchors(anchors, gt)
        want_labels = [1 if v >= 0 else (0 if v == -1 else -1) for v in matches]
        assert m.labels.tolist() == want_labels
        pos = [i for i, v in enumerate(matches) if v >= 0]
        assert [int(m.matched_gt[i]) for i in pos] == [matches[i] for i in pos]
        for i in pos:
            assert m.targets[i] == pytest.approx(_delta(anchors[i], gt[matches[i]]), abs=1e-9)
        # the old rule: a promoted anchor took the object it is the best anchor of
        for i in pos:
            if iou[i][own[i]] < 0.7:
                best_of = [j for j in range(k) if iou[i][j] == max(r[j] for r in iou)]
                if own[i] not in best_of:
                    differ_from_old += 1
                    break
        for i in np.flatnonzero(m.promoted):
            j = int(m.best_for[i])
            assert iou[i][j] == max(r[j] for r in iou) and iou[i][own[i]] < 0.7
    assert differ_from_old >= 20


def test_a_promoted_anchor_keeps_its_own_best_object():
    """By hand: anchor 0 overlaps object 1 most (IoU 0.6) but is object 0's best anchor (0.4)."""
    gt = np.array([[0.0, 0.0, 10.0, 10.0], [6.0, 0.0, 16.0, 10.0]])
    anchors = np.array([[4.0, 0.0, 14.0, 10.0],    # IoU 60/140 with 0, 80/120 with 1
                        [7.0, 0.0, 16.0, 10.0]],   # IoU 30/160 with 0, 90/100 with 1
                       float)
    m = D.match_anchors(anchors, gt)
    assert m.iou[0].tolist() == pytest.approx([60 / 140, 80 / 120])
    assert m.labels.tolist() == [1, 1]
    assert m.matched_gt.tolist() == [1, 1]          # torchvision: its own best, object 1
    assert bool(m.promoted[0]) and int(m.best_for[0]) == 0
    assert np.allclose(m.targets[0], [(11 - 9) / 10, 0, 0, 0])
    assert "best anchor of object 0" in m.lines([0])[0] and "with object 1" in m.lines([0])[0]


def test_match_anchors_bad_thresholds():
    with pytest.raises(ValueError, match="^neg_threshold: expected"):
        D.match_anchors([[0, 0, 1, 1]], [[0, 0, 1, 1]], pos_threshold=0.3, neg_threshold=0.7)
    with pytest.raises(ValueError, match="^pos_threshold: expected"):
        D.match_anchors([[0, 0, 1, 1]], [[0, 0, 1, 1]], pos_threshold=1.5)


# -- RoI pooling --------------------------------------------------------------------------------
def test_roi_pool_divisible_region_is_block_max():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(3, 16, 16))
    # box covering cells 2..15 (x) and 1..14 (y): 14×14 cells → 7×7 bins of 2×2
    out = D.roi_pool(f, [2, 1, 15, 14])
    want = f[:, 1:15, 2:16].reshape(3, 7, 2, 7, 2).max(axis=(2, 4))
    assert out.shape == (3, 7, 7)
    assert np.array_equal(out, want)


def test_roi_pool_worked_example_with_uneven_bins():
    f = np.arange(25.0).reshape(5, 5)
    # a 5×5 RoI in 2×2 bins: rows/cols floor(k·2.5) .. ceil((k+1)·2.5) = 0..3 and 2..5
    out = D.roi_pool(f, [0, 0, 4, 4], output_size=2)
    assert out.tolist() == [[12.0, 14.0], [22.0, 24.0]]
    rows, cols = D.roi_bins([0, 0, 4, 4], output_size=(2, 2))
    assert rows == [(0, 3), (2, 5)] and cols == [(0, 3), (2, 5)]


def test_roi_pool_spatial_scale_and_outside():
    f = np.arange(64.0).reshape(8, 8)
    # image box (0, 0)-(112, 112) at stride 16 → cells 0..7 → the whole map, 2×2 quadrants
    assert D.roi_pool(f, [0, 0, 112, 112], output_size=2, spatial_scale=1 / 16).tolist() == \
        [[27.0, 31.0], [59.0, 63.0]]
    # a box partly outside: empty bins give 0 (torchvision.ops.roi_pool)
    out = D.roi_pool(f, [6, 6, 9, 9], output_size=2)
    assert out.tolist() == [[63.0, 0.0], [0.0, 0.0]]


def test_roi_pool_bad_input():
    with pytest.raises(ValueError, match="^features: expected"):
        D.roi_pool(np.zeros((2, 2, 2, 2)), [0, 0, 1, 1])
    with pytest.raises(ValueError, match="^box: expected"):
        D.roi_pool(np.zeros((4, 4)), [3, 0, 1, 1])
    with pytest.raises(ValueError, match="^output_size: expected"):
        D.roi_pool(np.zeros((4, 4)), [0, 0, 1, 1], output_size=0)


# -- over-segmentation and selective search -----------------------------------------------------
def test_felzenszwalb_separates_flat_halves():
    img = np.zeros((20, 30, 3))
    img[:, 15:] = [1.0, 0.2, 0.2]
    labels = D.felzenszwalb(img, k=50, sigma=0.0, min_size=5)
    assert len(np.unique(labels)) == 2
    assert len(np.unique(labels[:, :15])) == 1 and len(np.unique(labels[:, 15:])) == 1


def test_similarity_terms_by_hand():
    a = {"size": 10.0, "box": np.array([0, 0, 5, 2]), "colour": np.array([1.0, 0, 0]),
         "texture": np.array([0.5, 0.5])}
    b = {"size": 6.0, "box": np.array([5, 0, 8, 2]), "colour": np.array([0.5, 0.5, 0]),
         "texture": np.array([0.0, 1.0])}
    n = 100.0
    s_col, s_tex = 0.5, 0.5
    s_size = 1 - 16 / n
    s_fill = 1 - (16 - 16) / n     # the union box 8×2 = 16 is filled exactly
    assert D.similarity(a, b, n, (1, 0, 0, 0)) == pytest.approx(s_col)
    assert D.similarity(a, b, n, (0, 1, 0, 0)) == pytest.approx(s_tex)
    assert D.similarity(a, b, n, (0, 0, 1, 0)) == pytest.approx(s_size)
    assert D.similarity(a, b, n, (0, 0, 0, 1)) == pytest.approx(s_fill)
    assert D.similarity(a, b, n, (1, 2, 3, 4)) == pytest.approx(s_col + 2 * s_tex + 3 * s_size + 4 * s_fill)


def test_selective_search_hierarchy_and_recall():
    scene = D.synthetic_scene(2, size=80, n_objects=4)
    ss = D.SelectiveSearch(scene.image, k=150, sigma=0.8, min_size=15)
    r = ss.run((1, 1, 1, 1))
    n = r.n_initial
    assert len(r.merges) == n - 1       # a connected image merges down to one region
    assert len(r.proposals) == 2 * n - 1
    assert r.proposals[-1].tolist() == [0, 0, 80, 80]
    best, recall = D.proposal_recall(r.proposals, scene.boxes)
    assert recall == 1.0
    # a single similarity measure does worse on this scene (the point of combining them)
    best_colour, _ = D.proposal_recall(ss.run((1, 0, 0, 0)).proposals, scene.boxes)
    assert best.min() > 0.95 and best_colour.min() < 0.7


def test_synthetic_scene_boxes_are_exact_and_apart():
    scene = D.synthetic_scene(0, size=64, n_objects=3)
    assert scene.image.shape == (64, 64, 3)
    assert 0 <= scene.image.min() and scene.image.max() <= 1
    assert len(scene.boxes) == 3
    from nnlab.engine.boxes import box_iou
    iou = box_iou(scene.boxes, scene.boxes)
    assert np.allclose(iou, np.eye(3))


def test_selective_search_bad_weights():
    ss = D.SelectiveSearch(D.synthetic_scene(0, 32, 1).image)
    with pytest.raises(ValueError, match="^weights: expected"):
        ss.run((0, 0, 0, 0))
    with pytest.raises(ValueError, match="^weights: expected"):
        ss.run((1, -1, 0, 0))
    with pytest.raises(ValueError, match="^image: expected"):
        D.SelectiveSearch(np.full((8, 8, 3), 2.0))
