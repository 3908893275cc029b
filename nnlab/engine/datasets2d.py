"""The four 2-D data sets of the playground: circle, XOR, Gaussian clusters and a spiral.

They follow the shapes of TensorFlow Playground (the demo the course notes point at), in its
units: the points lie in the square [-6, 6] × [-6, 6]. Every set has two classes, labelled
1 (the "positive" class: inside the circle, the quadrants where x1·x2 > 0, the cluster at
(2, 2), the first arm of the spiral) and 0, with as many points in each class as possible
(n // 2 and n - n // 2).

`noise` (0 to 0.5, TensorFlow Playground's 0–50 %) moves every point away from where its
class put it, so that the classes overlap; the label stays the class that generated the
point (TensorFlow Playground instead keeps the point and relabels it; both make a noisy set):

    circle   class 1: radius uniform in [0, 2.5];  class 0: radius uniform in [3.5, 5];
             then each coordinate + uniform(-5, 5) · noise
    xor      x1, x2 uniform in [-5, 5], pushed 0.3 away from the axes; label 1 where
             x1·x2 > 0; then each coordinate + uniform(-5, 5) · noise
    gauss    class 1 around (2, 2), class 0 around (-2, -2), normal with variance
             0.5 + 7 · noise (0.5 without noise, 4 at noise 0.5)
    spiral   two arms, r = 5 i/m, angle 3.5 π i/m (+ π for class 0), i = 0 .. m-1;
             then each coordinate + uniform(-1, 1) · noise

Everything is drawn from one `numpy.random.default_rng(seed)`: the same arguments give the
same points on every machine.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import validate as V

DATASETS = ("circle", "xor", "gauss", "spiral")
DOMAIN = (-6.0, 6.0)          # both axes
RADIUS = 5.0
MAX_NOISE = 0.5
MAX_POINTS = 10_000


def _circle(rng, n0, n1, noise):
    def ring(m, lo, hi):
        r = rng.uniform(lo, hi, m)
        angle = rng.uniform(0.0, 2 * np.pi, m)
        return np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    X = np.vstack([ring(n1, 0.0, 0.5 * RADIUS), ring(n0, 0.7 * RADIUS, RADIUS)])
    X = X + rng.uniform(-RADIUS, RADIUS, X.shape) * noise
    return X, np.concatenate([np.ones(n1), np.zeros(n0)])


def _xor(rng, n0, n1, noise):
    # draw points until each class has its share (x1·x2 > 0 is class 1), so the classes balance
    parts = {0: [], 1: []}
    need = {0: n0, 1: n1}
    while any(sum(len(p) for p in parts[k]) < need[k] for k in (0, 1)):
        P = rng.uniform(-RADIUS, RADIUS, (max(n0 + n1, 8), 2))
        P = P + np.where(P > 0, 0.3, -0.3)
        lab = (P[:, 0] * P[:, 1] > 0).astype(int)
        for k in (0, 1):
            have = sum(len(p) for p in parts[k])
            parts[k].append(P[lab == k][: max(need[k] - have, 0)])
    X = np.vstack([np.vstack(parts[1]), np.vstack(parts[0])])
    X = X + rng.uniform(-RADIUS, RADIUS, X.shape) * noise
    return X, np.concatenate([np.ones(n1), np.zeros(n0)])


def _gauss(rng, n0, n1, noise):
    sd = np.sqrt(0.5 + 7.0 * noise)
    X = np.vstack([rng.normal(2.0, sd, (n1, 2)), rng.normal(-2.0, sd, (n0, 2))])
    return X, np.concatenate([np.ones(n1), np.zeros(n0)])


def _spiral(rng, n0, n1, noise):
    def arm(m, delta):
        i = np.arange(m)
        r = i / m * RADIUS
        t = 1.75 * i / m * 2 * np.pi + delta
        return np.column_stack([r * np.sin(t), r * np.cos(t)])
    X = np.vstack([arm(n1, 0.0), arm(n0, np.pi)])
    X = X + rng.uniform(-1.0, 1.0, X.shape) * noise
    return X, np.concatenate([np.ones(n1), np.zeros(n0)])


_MAKERS = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral}


def make_dataset(name: str = "circle", n: int = 200, noise: float = 0.0, seed: int = 0):
    """(X, y): X of shape (n, 2), y of shape (n,) with 0 and 1, shuffled; see the module doc."""
    name = V.choice("name", name, DATASETS)
    n = V.positive_int("n", n, minimum=2, maximum=MAX_POINTS)
    noise = V.finite_number("noise", noise, minimum=0.0, maximum=MAX_NOISE)
    seed = V.positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    n1 = n // 2
    X, y = _MAKERS[name](rng, n - n1, n1, noise)
    order = rng.permutation(n)
    return X[order], y[order]


def train_test_split(X, y, train_fraction: float = 0.5, seed: int = 0):
    """Shuffle and cut: (X_train, y_train, X_test, y_test), at least one point on each side."""
    X = V.finite_array("X", X, shape=(None, 2))
    y = V.finite_array("y", y, ndim=1)
    if len(y) != len(X):
        V.fail("y", f"one label per point ({len(X)} labels)", f"{len(y)} labels")
    if len(X) < 2:
        V.fail("X", "at least 2 points to split", f"{len(X)} point(s)")
    frac = V.finite_number("train_fraction", train_fraction, minimum=0.0, maximum=1.0,
                           strict_min=True, strict_max=True)
    seed = V.positive_int("seed", seed, minimum=0)
    n_train = int(min(max(round(frac * len(X)), 1), len(X) - 1))
    order = np.random.default_rng(seed).permutation(len(X))
    tr, te = order[:n_train], order[n_train:]
    return X[tr], y[tr], X[te], y[te]


@dataclass(frozen=True)
class Split:
    """A data set cut into a training and a test part."""

    name: str
    noise: float
    train_fraction: float
    seed: int
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_train(self) -> int:
        return len(self.y_train)

    @property
    def n_test(self) -> int:
        return len(self.y_test)


def make_split(name: str = "circle", n: int = 200, noise: float = 0.0,
               train_fraction: float = 0.5, seed: int = 0) -> Split:
    """make_dataset, then train_test_split with the same seed (the split has its own stream)."""
    X, y = make_dataset(name, n, noise, seed)
    frac = V.finite_number("train_fraction", train_fraction, minimum=0.0, maximum=1.0,
                           strict_min=True, strict_max=True)
    parts = train_test_split(X, y, frac, seed=seed + 1)
    return Split(V.choice("name", name, DATASETS), float(noise), frac, int(seed), *parts)
