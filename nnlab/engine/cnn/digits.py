"""The 8×8 UCI handwritten digits (`data/digits.npz`) and a stratified, seeded train/test split."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core import validate as V
from ...core.data import load_npz


def load_digits():
    """The 1,797 8×8 UCI handwritten digits: images N×8×8 scaled to [0, 1] (pixels 0..16 / 16), labels."""
    d = load_npz("digits.npz", expected_keys=("images", "labels"))
    images, labels = d["images"], d["labels"]
    if images.shape[1:] != (8, 8) or labels.shape != images.shape[:1] or images.max() > 16:
        raise ValueError("digits.npz: expected 8×8 images with pixels 0..16 and one label each; "
                         "restore the file with git")
    return images.astype(float) / 16.0, labels.astype(int)


@dataclass
class Split:
    train: np.ndarray
    test: np.ndarray


def train_test_split(labels, test_fraction=0.25, seed=0) -> Split:
    """Stratified, seeded split: the same fraction of every class held out for testing."""
    y = np.asarray(labels)
    frac = V.finite_number("test_fraction", test_fraction, minimum=0, maximum=1, strict_min=True,
                           strict_max=True)
    rng = np.random.default_rng(V.check_seed(seed))
    train, test = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = max(1, int(round(frac * len(idx))))
        test.append(idx[:k])
        train.append(idx[k:])
    return Split(np.sort(np.concatenate(train)), np.sort(np.concatenate(test)))
