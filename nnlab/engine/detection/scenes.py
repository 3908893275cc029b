"""Synthetic scenes: coloured shapes on a textured background, with their boxes known exactly.

A proposal method can then be scored (recall: the fraction of objects some proposal covers with
IoU >= 0.5), and the NMS and anchor figures have objects to work on. Each object is two-coloured
(its top 40 % another colour), so that an over-segmentation splits it and only merging regions
finds its whole box.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.validate import check_seed, positive_int
from .boxes import cxcywh_to_xyxy, iou_matrix, xyxy_to_cxcywh

SCENE_CLASSES = ("rectangle", "ellipse", "triangle")


@dataclass
class Scene:
    image: np.ndarray     # H×W×3 in [0, 1]
    boxes: np.ndarray     # K×4 (x1, y1, x2, y2) in pixels, the exact extent of each shape
    classes: np.ndarray   # K class ids into SCENE_CLASSES


def synthetic_scene(seed: int = 0, size: int = 64, n_objects: int = 3) -> Scene:
    """Coloured shapes on a noisy, smoothly shaded background; the boxes are known exactly."""
    sd = check_seed(seed)
    n = positive_int("size", size, minimum=16, maximum=1024)
    k = positive_int("n_objects", n_objects, minimum=1, maximum=8)
    rng = np.random.default_rng(sd)
    yy, xx = np.mgrid[0:n, 0:n] + 0.5
    base = rng.uniform(0.35, 0.6, 3)
    img = base[None, None, :] + 0.08 * (xx / n)[..., None] - 0.05 * (yy / n)[..., None]
    img = img + rng.normal(0, 0.02, (n, n, 3))
    boxes, classes = [], []
    tries = 0
    while len(boxes) < k and tries < 200:
        tries += 1
        w, h = rng.integers(n // 6, n // 2, size=2)
        x1, y1 = rng.integers(1, n - w - 1), rng.integers(1, n - h - 1)
        cand = np.array([[x1, y1, x1 + w, y1 + h]], float)
        grown = cand + np.array([[-2, -2, 2, 2]])  # shapes never touch: every box stays exact
        if boxes and iou_matrix(grown, np.array(boxes)).max() > 0:
            continue
        cls = int(rng.integers(0, len(SCENE_CLASSES)))
        u = (xx - x1) / w
        v = (yy - y1) / h
        if cls == 0:
            mask = (u >= 0) & (u < 1) & (v >= 0) & (v < 1)
        elif cls == 1:
            mask = (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25
        else:
            mask = (v >= 0) & (v < 1) & (np.abs(u - 0.5) <= 0.5 * v)
        ys, xs = np.nonzero(mask)
        if ys.size == 0:
            continue
        colour = rng.uniform(0, 1, 3)
        colour[rng.integers(0, 3)] = rng.choice([0.05, 0.95])
        stripes = 0.08 * np.sign(np.sin(2 * np.pi * (xx + yy) / rng.integers(3, 7)))
        img[mask] = colour[None, :] + stripes[mask][:, None] * (cls == 0)
        # a second part of another colour (the top 40 %), so that an object is several regions
        # of the over-segmentation and only merging finds its whole box
        part = mask & (v < 0.4)
        img[part] = rng.uniform(0, 1, 3)[None, :]
        boxes.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
        classes.append(cls)
    return Scene(np.clip(img, 0, 1), np.array(boxes, float), np.array(classes, int))



def scored_detections(seed: int = 0, per_object: int = 6, n_false: int = 4, size: int = 128):
    """A scene and scored detections on it, as a detector fires them before NMS: `per_object`
    jittered boxes around each object (scores falling by about 0.1 each) and `n_false` weak
    false alarms. Returns (scene, K×4 xyxy boxes clipped to the image, K scores in (0, 1))."""
    sd = check_seed(seed)
    k = positive_int("per_object", per_object, maximum=10)
    nf = positive_int("n_false", n_false, minimum=0, maximum=100)
    scene = synthetic_scene(sd, size=size, n_objects=3)
    n = scene.image.shape[0]
    rng = np.random.default_rng(sd + 1)
    dets, scores = [], []
    for c in xyxy_to_cxcywh(scene.boxes):
        spread = np.array([0.07 * c[2], 0.07 * c[3], 0.08 * c[2], 0.08 * c[3]])
        for i in range(k):
            j = c + rng.normal(0, 1, 4) * spread
            j[2:] = np.maximum(j[2:], 4)
            dets.append(j)
            scores.append(0.95 - 0.1 * i + rng.uniform(-0.03, 0.03))
    for _ in range(nf):
        w, h = rng.uniform(10, 30, 2)
        dets.append([rng.uniform(15, n - 15), rng.uniform(15, n - 15), w, h])
        scores.append(rng.uniform(0.1, 0.4))
    boxes = np.clip(cxcywh_to_xyxy(np.array(dets).reshape(-1, 4)), 0, n)
    return scene, boxes, np.clip(np.array(scores), 0.01, 0.99)
