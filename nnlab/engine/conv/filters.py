"""Classic 3×3 filters and the image helpers of notebook 06 (grayscale, block averaging).

Cross-correlation (no flip): a filter responds where the image looks like the filter.
"""
from __future__ import annotations

import numpy as np

from ...core import validate as V
from ...core.data import load_npz

FILTERS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "top edges": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],        # bright above, dark below
    "bottom edges": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],     # dark above, bright below
    "left edges": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],       # bright left, dark right
    "right edges": [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],      # dark left, bright right
    "horizontal edges (Sobel)": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "vertical edges (Sobel)": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "box blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "slides' 3×3 filter": [[0.1, -0.92, 0.5], [1.4, 0.39, -1.1], [-0.32, -1.2, 0.84]],
}


# the weight sliders' range: wide enough for every filter above (sharpen's centre is 5)
KERNEL_LIMIT = float(max(3, np.ceil(max(np.abs(np.asarray(k, dtype=float)).max() for k in FILTERS.values()))))

PHOTO = "grace_hopper.jpg"   # matplotlib's sample image; its decoded pixels: data/grace_hopper.npz


def filter_kernel(name) -> np.ndarray:
    """One of FILTERS as a 3×3 array."""
    return np.array(FILTERS[V.choice("name", name, FILTERS)], dtype=float)


def to_grayscale(rgb) -> np.ndarray:
    """H×W×3 (0..255 or 0..1) -> H×W in [0, 1] with the ITU-R BT.601 weights 0.299 R + 0.587 G + 0.114 B."""
    arr = V.finite_array("rgb", rgb)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        V.fail("rgb", "an H×W×3 (or ×4) colour image", f"shape {arr.shape}")
    if arr.max() > 1.0:
        arr = arr / 255.0
    return arr[:, :, :3] @ np.array([0.299, 0.587, 0.114])


def downsample(image, factor) -> np.ndarray:
    """Average of each factor×factor block (rows/columns that do not fill a block are dropped)."""
    img = V.finite_array("image", image, ndim=2)
    f = V.positive_int("factor", factor, maximum=min(img.shape))
    h, w = img.shape[0] // f * f, img.shape[1] // f * f
    return img[:h, :w].reshape(h // f, f, w // f, f).mean(axis=(1, 3))


def load_photo(factor=4) -> np.ndarray:
    """Grace Hopper's portrait (matplotlib's sample image), grayscale in [0, 1], downsampled.

    The pixels are read from data/grace_hopper.npz, the JPEG decoded once (matplotlib 3.11,
    Pillow 13): JPEG decoders differ in the last bits of a pixel, and the browser edition's
    Pillow printed other feature-map values than CPython's."""
    rgb = load_npz("grace_hopper.npz")["rgb"]
    return downsample(to_grayscale(rgb), factor)
