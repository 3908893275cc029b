"""Timing of the box utilities and of the notebook-09 sliders (median of repeats, milliseconds).

    .venv/bin/python benchmarks/bench_boxes.py

- box_iou: the 1,000 × 1,000 IoU matrix; NMS over 5,000 boxes (clustered, as detections are),
  also with return_steps=True (the same sweep keeping every step for the explanation);
  encode + decode of 100,000 boxes. Beside each, the same computation in plain torch when
  torch is importable (torchvision cannot be installed beside torch here: the torch rows are
  plain-torch code written the way torchvision.ops computes them, not torchvision itself).
- One slider change (recompute + redraw + PNG) of each explorer of notebook 09.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("MPLBACKEND", "Agg")

from nnlab.engine import boxes as B  # noqa: E402


def median_ms(fn, repeats: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def random_boxes(n, rng, clustered=False):
    if clustered:  # detections: jittered copies around n // 25 objects
        centres = rng.uniform(0, 1000, (n // 25, 2))
        c = np.repeat(centres, 25, axis=0) + rng.normal(0, 8, (n, 2))
        wh = np.repeat(rng.uniform(20, 120, (n // 25, 2)), 25, axis=0) * rng.uniform(0.8, 1.2, (n, 2))
    else:
        c = rng.uniform(0, 1000, (n, 2))
        wh = rng.uniform(5, 150, (n, 2))
    return np.hstack([c - wh / 2, c + wh / 2])


def torch_rows(torch, a, b, boxes, scores, props, gts):
    torch.set_num_threads(1)
    ta, tb = torch.tensor(a), torch.tensor(b)

    def iou(p, q):
        ap = (p[:, 2] - p[:, 0]) * (p[:, 3] - p[:, 1])
        aq = (q[:, 2] - q[:, 0]) * (q[:, 3] - q[:, 1])
        lt = torch.max(p[:, None, :2], q[None, :, :2])
        rb = torch.min(p[:, None, 2:], q[None, :, 2:])
        wh = (rb - lt).clamp(min=0)
        inter = wh[..., 0] * wh[..., 1]
        return inter / (ap[:, None] + aq[None, :] - inter)

    tbx, tsc = torch.tensor(boxes), torch.tensor(scores)

    def nms():  # same greedy sweep as nnlab.engine.boxes.nms (detection/suppression.py), in torch
        order = torch.argsort(tsc, descending=True, stable=True)
        sb = tbx[order]
        area = (sb[:, 2] - sb[:, 0]) * (sb[:, 3] - sb[:, 1])
        alive = torch.ones(len(order), dtype=torch.bool)
        keep = []
        for i in range(len(order)):
            if not alive[i]:
                continue
            keep.append(i)
            rest = torch.nonzero(alive[i + 1:]).flatten() + i + 1
            lt = torch.max(sb[i, :2], sb[rest, :2])
            rb = torch.min(sb[i, 2:], sb[rest, 2:])
            wh = (rb - lt).clamp(min=0)
            inter = wh[:, 0] * wh[:, 1]
            alive[rest[inter / (area[i] + area[rest] - inter) > 0.5]] = False
        return order[keep]

    tp, tg = torch.tensor(props), torch.tensor(gts)

    def codec():
        pw, ph = tp[:, 2] - tp[:, 0], tp[:, 3] - tp[:, 1]
        px, py = tp[:, 0] + 0.5 * pw, tp[:, 1] + 0.5 * ph
        gw, gh = tg[:, 2] - tg[:, 0], tg[:, 3] - tg[:, 1]
        gx, gy = tg[:, 0] + 0.5 * gw, tg[:, 1] + 0.5 * gh
        d = torch.stack([(gx - px) / pw, (gy - py) / ph, torch.log(gw / pw), torch.log(gh / ph)], 1)
        w = pw * torch.exp(d[:, 2].clamp(max=B.BBOX_XFORM_CLIP))
        h = ph * torch.exp(d[:, 3].clamp(max=B.BBOX_XFORM_CLIP))
        cx, cy = px + d[:, 0] * pw, py + d[:, 1] * ph
        return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)

    kept = nms().tolist()
    assert kept == B.nms(boxes, scores, 0.5).tolist(), "torch reference NMS disagrees"
    return {"iou": median_ms(lambda: iou(ta, tb)), "nms": median_ms(nms, repeats=5),
            "codec": median_ms(codec)}


def slider_rows():
    from nnlab.views import detection_view as V

    out = {}
    cases = [("box regression (main): x", V.box_regression_explorer, "x",
              [100, 101, 150, 60, 200, 120]),
             ("NMS: iou_threshold", V.nms_explorer, "iou_threshold", [0.3, 0.5, 0.7, 0.9, 0.1, 0.6]),
             ("selective search: w colour", V.selective_search_explorer, "colour",
              [0.0, 0.5, 1.0, 0.2, 0.8, 0.3])]
    for name, make, control, values in cases:
        e = make()
        times = []
        for _ in range(5):
            for v in values:
                t = time.perf_counter()
                e.controls[control].value = v
                times.append(time.perf_counter() - t)
        out[name] = 1000 * statistics.median(times)
        e.close()
    return out


def main() -> None:
    rng = np.random.default_rng(0)
    a, b = random_boxes(1000, rng), random_boxes(1000, rng)
    boxes = random_boxes(5000, rng, clustered=True)
    scores = rng.uniform(0, 1, 5000)
    props = random_boxes(100_000, rng)
    gts = props + rng.normal(0, 5, props.shape)
    gts[:, 2:] = np.maximum(gts[:, 2:], gts[:, :2] + 1)

    ours = {"iou": median_ms(lambda: B.box_iou(a, b)),
            "nms": median_ms(lambda: B.nms(boxes, scores, 0.5), repeats=5),
            "nms_steps": median_ms(lambda: B.nms(boxes, scores, 0.5, return_steps=True), repeats=5),
            "codec": median_ms(lambda: B.decode(props, B.encode(props, gts)))}
    try:
        import torch
        theirs = torch_rows(torch, a, b, boxes, scores, props, gts)
        tv = f"torch {torch.__version__} (1 thread)"
    except ImportError:
        theirs, tv = {}, "torch not installed"
    kept = len(B.nms(boxes, scores, 0.5))
    rows = [("box_iou 1,000 × 1,000", "iou"), (f"nms 5,000 boxes (IoU 0.5, keeps {kept})", "nms"),
            ("  the same, return_steps=True", "nms_steps"),
            ("encode + decode 100,000 boxes", "codec")]
    print(f"numpy {np.__version__}; {tv}")
    print(f"{'operation':<40} {'nnlab (ms)':>11} {'plain torch (ms)':>17}")
    for label, key in rows:
        t = f"{theirs[key]:.1f}" if key in theirs else "—"
        print(f"{label:<40} {ours[key]:>11.1f} {t:>17}")
    print()
    print(f"{'slider change in notebook 09 (median of 30)':<48} {'ms':>6}")
    for name, ms in slider_rows().items():
        print(f"{name:<48} {ms:>6.1f}")


if __name__ == "__main__":
    main()
