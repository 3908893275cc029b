"""Explanations read the computation: for changed inputs, every number in the text of NMS, the
box regression, anchor matching and RoI pooling (engine lines, explorer readouts, state()) equals
the intermediate the engine returned, and those intermediates agree with an independent route."""
import math
import re

import numpy as np
import pytest

from nnlab.engine import boxes as B
from nnlab.engine import detection as D

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def shown(text: str, value: float) -> bool:
    """`text` is `value` as printed: equal up to the rounding of the digits shown."""
    got = float(text)
    if "e" in text:
        return math.isclose(got, value, rel_tol=1e-5)
    digits = len(text.split(".")[1]) if "." in text else 0
    tol = 0.5 * 10.0 ** -digits
    if digits == 0 and "." not in text and abs(value) >= 1e5:
        tol = 0.5 * 10 ** (len(text.lstrip("-")) - 6)   # ':g' with 6 significant digits
    return abs(got - value) <= tol * (1 + 1e-9) + 1e-12


def numbers(line: str) -> list[str]:
    return NUMBER.findall(line)


def loop_iou(p, q):
    iw = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
    ih = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
    inter = iw * ih
    union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter
    return inter / union if union > 0 else 0.0


def random_detections(seed, n):
    rng = np.random.default_rng(seed)
    c = rng.uniform(0, 60, (n, 2))
    wh = rng.uniform(5, 30, (n, 2))
    return np.hstack([c, c + wh]), rng.uniform(0, 1, n)


# -- NMS ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed, n, t", [(0, 12, 0.5), (1, 20, 0.3), (2, 7, 0.0), (3, 15, 0.9),
                                        (4, 1, 0.5)])
def test_nms_steps_and_their_narration(seed, n, t):
    boxes, scores = random_detections(seed, n)
    r = B.nms(boxes, scores, t, return_steps=True)
    assert r.keep.tolist() == B.nms(boxes, scores, t).tolist()   # one sweep, with or without steps
    assert [st.kept for st in r.steps] == r.keep.tolist()
    seen = []
    for st in r.steps:
        seen += [st.kept] + st.suppressed.tolist()
        assert st.score == scores[st.kept]
        # the IoUs of a step, by an independent loop, and the suppression rule IoU > t
        for j, v in zip(st.compared.tolist(), st.ious.tolist()):
            assert v == pytest.approx(loop_iou(boxes[st.kept], boxes[j]), abs=1e-12)
        assert st.suppressed.tolist() == [j for j, v in zip(st.compared.tolist(), st.ious) if v > t]
        assert np.array_equal(st.suppressed_ious, st.ious[st.ious > t])
    assert sorted(seen) == list(range(n))          # every box kept or suppressed exactly once
    lines = r.lines()
    assert len(lines) == len(r.steps)
    for line, st in zip(lines, r.steps):
        m = re.fullmatch(r"keep box (\d+) \(score (\S+)\); IoU with the rest: (.*?)"
                         r"(?: → remove (.*))?", line)
        assert m, line
        assert int(m[1]) == st.kept and shown(m[2], st.score)
        pairs = re.findall(r"box (\d+) \(IoU (\S+)\)", m[3])
        assert [int(j) for j, _ in pairs] == st.compared.tolist()
        assert all(shown(v, iou) for (_, v), iou in zip(pairs, st.ious))
        if not pairs:
            assert m[3] == "none left"
        removed = [int(j) for j in re.findall(r"box (\d+)", m[4] or "")]
        assert removed == st.suppressed.tolist()
    by = r.suppressed_by()
    for st in r.steps:
        for j, v in zip(st.suppressed.tolist(), st.suppressed_ious.tolist()):
            assert by[j] == (st.kept, v)


def test_nms_explorer_readout_and_state_are_the_steps():
    from nnlab.views import detection_view as V

    e = V.nms_explorer()
    try:
        for t in (0.5, 0.2, 0.85):
            e.controls["iou_threshold"].value = t
            r = B.nms(e.boxes, e.scores, t, return_steps=True)
            s = e.state()
            assert s["kept_indices"] == r.keep.tolist() and s["kept"] == len(r.keep)
            assert s["iou_threshold"] == t
            head = re.match(r"threshold (\S+): <b>(\d+)</b> of (\d+) boxes kept", e.readout.value)
            assert shown(head[1], t) and int(head[2]) == len(r.keep) and int(head[3]) == len(e.boxes)
            rows = re.findall(r"<tr><td>(\d+)</td><td>(\S+?)</td><td>(.*?)</td></tr>", e.readout.value)
            assert len(rows) == len(r.steps)
            for (k, score, supp), st in zip(rows, r.steps):
                assert int(k) == st.kept and shown(score, st.score)
                pairs = re.findall(r"(\d+) \((\S+)\)", supp)
                assert [int(j) for j, _ in pairs] == st.suppressed.tolist()
                assert all(shown(v, iou) for (_, v), iou in zip(pairs, st.suppressed_ious))
    finally:
        e.close()


# -- box regression -----------------------------------------------------------------------------
REGRESSION_CASES = [((100, 120, 80, 60), (110, 130, 84.19, 62.39)),
                    ((57, 203, 31, 95), (49.5, 190.25, 44.0, 71.5)),
                    ((250, 40, 120, 22), (262.0, 41.0, 20.5, 30.0))]


@pytest.mark.parametrize("p, g", REGRESSION_CASES)
def test_regression_steps_lines_and_the_hand_formula(p, g):
    r = B.regression_steps(p, g, decimals=3)
    # the intermediates by the notes' formulas, written out here
    want = [(g[0] - p[0]) / p[2], (g[1] - p[1]) / p[3], math.log(g[2] / p[2]), math.log(g[3] / p[3])]
    assert np.allclose(r.deltas, want, rtol=1e-13, atol=1e-15)
    rd = [round(v, 3) for v in want]
    assert np.allclose(r.deltas_rounded, rd, atol=1e-15)
    dec = [p[0] + rd[0] * p[2], p[1] + rd[1] * p[3], p[2] * math.exp(rd[2]), p[3] * math.exp(rd[3])]
    assert np.allclose(r.decoded, dec, rtol=1e-13)
    xyxy = lambda b: [b[0] - b[2] / 2, b[1] - b[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2]  # noqa: E731
    assert r.iou_proposal == pytest.approx(loop_iou(xyxy(p), xyxy(g)), abs=1e-12)
    assert r.iou_decoded == pytest.approx(loop_iou(xyxy(dec), xyxy(g)), abs=1e-12)
    # every number of every line is an input or an intermediate
    lines = r.lines()
    expect = [[g[0], p[0], p[2], r.deltas[0]], [g[1], p[1], p[3], r.deltas[1]],
              [g[2], p[2], r.deltas[2]], [g[3], p[3], r.deltas[3]],
              [p[0], r.deltas_rounded[0], p[2], r.decoded[0]],
              [p[1], r.deltas_rounded[1], p[3], r.decoded[1]],
              [p[2], r.deltas_rounded[2], r.decoded[2]], [p[3], r.deltas_rounded[3], r.decoded[3]]]
    assert len(lines) == len(expect)
    for line, values in zip(lines, expect):
        got = numbers(line.split("=", 1)[1])        # after the symbol being defined
        assert len(got) == len(values), line
        assert all(shown(t, v) for t, v in zip(got, values)), line


def test_box_explorer_readout_and_state_are_the_regression():
    from nnlab.views import detection_view as V

    e = V.box_regression_explorer()
    try:
        for x, y, w, h in [(100, 120, 80, 60), (150, 90, 41, 133), (62, 200, 190, 25)]:
            for k, v in zip("xywh", (x, y, w, h)):
                e.controls[k].value = v
            r = e.regression()
            assert r.proposal == (x, y, w, h)
            assert r == B.regression_steps((x, y, w, h), e.gt, 3)
            s = e.state()
            assert [s["dx"], s["dy"], s["dw"], s["dh"]] == [round(v, 4) for v in r.deltas]
            assert s["decoded"] == [round(v, 3) for v in r.decoded]
            assert s["iou_proposal"] == round(r.iou_proposal, 4)
            assert s["iou_decoded"] == round(r.iou_decoded, 4)
            text = re.sub(r"<[^>]+>", "", e.readout.value.replace("<br>", "\n")).split("\n")
            g, p, d, rd, dec = r.ground_truth, r.proposal, r.deltas, r.deltas_rounded, r.decoded
            expect = {1: [g[0], p[0], p[2], d[0]], 2: [g[1], p[1], p[3], d[1]],
                      3: [g[2], p[2], d[2]], 4: [g[3], p[3], d[3]], 5: [3],
                      6: [p[0], rd[0], p[2], dec[0]], 7: [p[1], rd[1], p[3], dec[1]],
                      8: [p[2], rd[2], dec[2]], 9: [p[3], rd[3], dec[3]],
                      10: [r.iou_proposal], 11: [r.iou_decoded]}
            assert len(text) == 12
            for i, values in expect.items():
                body = text[i].split("=", 1)[1] if i not in (5,) else text[i]
                got = numbers(body)
                assert len(got) == len(values), text[i]
                assert all(shown(t, v) for t, v in zip(got, values)), text[i]
    finally:
        e.close()


# -- anchor matching ----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 5])
def test_anchor_match_lines_are_its_intermediates(seed):
    scene = D.synthetic_scene(seed, size=128, n_objects=3)
    grid = D.anchor_grid(8, 8, 16, scales=(16, 32, 64))
    m = D.match_anchors(grid, scene.boxes)
    # the IoU matrix by an independent loop (a sample of rows)
    for i in range(0, len(grid), 37):
        for j in range(len(scene.boxes)):
            assert m.iou[i, j] == pytest.approx(loop_iou(grid[i], scene.boxes[j]), abs=1e-12)
    pos = np.flatnonzero(m.labels == 1)
    assert np.allclose(B.decode(grid[pos], m.targets[pos]), scene.boxes[m.matched_gt[pos]])
    some = np.concatenate([pos, np.flatnonzero(m.labels == 0)[:5], np.flatnonzero(m.labels == -1)[:5]])
    names = {1: "positive", 0: "negative", -1: "ignored"}
    for i, line in zip(some, m.lines(some)):
        mm = re.fullmatch(r"anchor (\d+): best IoU (\S+) with (?:object (\d+)|no object) \((.*)\) → "
                          r"(\w+)(?:; targets \((.*)\))?", line)
        assert mm, line
        assert int(mm[1]) == i and shown(mm[2], m.max_iou[i])
        assert (int(mm[3]) if mm[3] else -1) == m.matched_gt[i]
        assert mm[5] == names[int(m.labels[i])]
        # the reason quotes the thresholds that decided it, and they hold for the IoU
        v = m.max_iou[i]
        if m.promoted[i]:
            j = int(m.best_for[i])  # the object it is the best anchor of; matched to its own best
            assert v < 0.7 and m.iou[i, j] == m.iou[:, j].max() and v == m.iou[i].max()
            assert mm[4] == f"< 0.7, but the best anchor of object {j}"
        elif m.labels[i] == 1:
            assert mm[4] == ">= 0.7" and v >= 0.7
        elif m.labels[i] == 0:
            assert mm[4] == "< 0.3" and v < 0.3
        else:
            assert mm[4] == "between 0.3 and 0.7" and 0.3 <= v < 0.7
        if m.labels[i] == 1:
            got = [t.strip() for t in mm[6].split(",")]
            assert all(shown(t, v) for t, v in zip(got, m.targets[i])) and len(got) == 4
        else:
            assert mm[6] is None


# -- RoI pooling --------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, box, out, scale", [((5, 5), [0, 0, 4, 4], (2, 2), 1.0),
                                                    ((3, 9, 11), [10, 5, 150, 120], (3, 4), 1 / 16),
                                                    ((8, 8), [6, 6, 9, 9], 2, 1.0)])
def test_roi_pooling_lines_are_its_bins(shape, box, out, scale):
    rng = np.random.default_rng(len(shape) + shape[0])
    f = rng.permutation(int(np.prod(shape))).reshape(shape).astype(float)   # distinct values
    r = D.roi_pool(f, box, out, scale, return_steps=True)
    assert np.array_equal(r.pooled, D.roi_pool(f, box, out, scale))
    assert (r.rows, r.cols) == D.roi_bins(box, scale, out, feature_shape=f.shape[-2:])
    fm = f if f.ndim == 2 else f[0]
    lines = r.lines()
    x1, x2, y1, y2 = (int(v) for v in numbers(lines[0])[:4])
    assert (x1, y1, x2, y2) == r.cells
    # the cells by hand: the box times the scale, rounded half away from zero
    assert r.cells == tuple(int(math.floor(v * scale + 0.5)) for v in box)
    rest = numbers(lines[0].split(":", 1)[1])
    ph, pw = len(r.rows), len(r.cols)
    assert [float(t) for t in rest[:4]] == [y2 - y1 + 1, x2 - x1 + 1, ph, pw]
    assert shown(rest[4], r.bin_size[0]) and shown(rest[5], r.bin_size[1])
    assert len(lines) == 1 + ph * pw
    pooled = r.pooled if r.pooled.ndim == 2 else r.pooled[0]
    for line in lines[1:]:
        i, j = (int(v) for v in re.match(r"bin \((\d+), (\d+)\)", line).groups())
        (r0, r1), (c0, c1) = r.rows[i], r.cols[j]
        if line.endswith("empty → 0"):
            assert (r1 <= r0 or c1 <= c0) and pooled[i, j] == 0
            continue
        a, b, c, d, v, rr, cc = numbers(line.split(":", 1)[1])
        assert (int(a), int(b) + 1, int(c), int(d) + 1) == (r0, r1, c0, c1)
        assert float(v) == pooled[i, j] == fm[r0:r1, c0:c1].max() == fm[int(rr), int(cc)]
        assert r0 <= int(rr) < r1 and c0 <= int(cc) < c1
