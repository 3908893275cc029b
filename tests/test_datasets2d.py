"""The 2-D data sets: their geometry checked from the definitions, seeding, splits, bad input."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.engine.datasets2d import DATASETS, make_dataset, make_split, train_test_split


@pytest.mark.parametrize("name", DATASETS)
def test_shapes_labels_and_balance(name):
    X, y = make_dataset(name, n=201, noise=0.2, seed=4)
    assert X.shape == (201, 2) and y.shape == (201,)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert int(y.sum()) == 100          # n // 2 points in class 1, the rest in class 0
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", DATASETS)
def test_same_seed_same_points_other_seed_other_points(name):
    a = make_dataset(name, 100, 0.1, seed=7)
    b = make_dataset(name, 100, 0.1, seed=7)
    c = make_dataset(name, 100, 0.1, seed=8)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_circle_without_noise_inner_and_outer_rings():
    X, y = make_dataset("circle", 400, 0.0, seed=1)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 2.5 and r[y == 0].min() >= 3.5 and r[y == 0].max() <= 5.0


def test_xor_without_noise_labels_are_the_sign_of_the_product():
    X, y = make_dataset("xor", 400, 0.0, seed=2)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(float))
    assert np.abs(X).min() >= 0.3 and np.abs(X).max() <= 5.3


def test_gauss_cluster_centres_and_spread():
    X, y = make_dataset("gauss", 10_000, 0.0, seed=3)
    assert np.allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.05)
    assert np.allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.05)
    assert np.allclose(X[y == 1].var(axis=0), 0.5, rtol=0.06)
    Xn, yn = make_dataset("gauss", 10_000, 0.5, seed=3)
    assert np.allclose(Xn[yn == 1].var(axis=0), 4.0, rtol=0.06)   # TF Playground's 0.5 .. 4


def test_spiral_without_noise_follows_the_arms():
    m = 50
    X, y = make_dataset("spiral", 2 * m, 0.0, seed=0)
    for label, delta in ((1, 0.0), (0, np.pi)):
        P = X[y == label]
        r = np.hypot(P[:, 0], P[:, 1])
        order = np.argsort(r)
        i = np.arange(m)
        assert np.allclose(r[order], 5 * i / m)
        t = 3.5 * np.pi * i / m + delta
        assert np.allclose(P[order][1:], np.column_stack([5 * i / m * np.sin(t),
                                                          5 * i / m * np.cos(t)])[1:])


@pytest.mark.parametrize("name", ["circle", "xor", "spiral"])
def test_noise_moves_points_by_at_most_its_bound(name):
    X0, y0 = make_dataset(name, 300, 0.0, seed=5)
    Xn, _ = make_dataset(name, 300, 0.5, seed=5)
    spread0 = np.abs(X0).max()
    bound = 1.0 * 0.5 if name == "spiral" else 5.0 * 0.5
    assert np.abs(Xn).max() <= spread0 + bound + 1e-12
    assert np.abs(Xn).max() > spread0 * 0.9


def test_split_partitions_the_points():
    X, y = make_dataset("circle", 50, 0.1, seed=0)
    Xtr, ytr, Xte, yte = train_test_split(X, y, 0.3, seed=1)
    assert len(Xtr) == 15 and len(Xte) == 35
    both = np.vstack([Xtr, Xte])
    key = lambda A: A[np.lexsort(A.T)]  # noqa: E731
    assert np.array_equal(key(both), key(X))
    s = make_split("xor", 200, 0.0, 0.5, 0)
    assert s.n_train == 100 and s.n_test == 100
    s2 = make_split("xor", 200, 0.0, 0.5, 0)
    assert np.array_equal(s.X_train, s2.X_train)


@given(name=st.sampled_from(DATASETS), n=st.integers(2, 400), noise=st.floats(0, 0.5),
       frac=st.floats(0.01, 0.99), seed=st.integers(0, 2**31))
@settings(max_examples=60, deadline=None)
def test_property_any_valid_arguments(name, n, noise, frac, seed):
    s = make_split(name, n, noise, frac, seed)
    assert s.n_train + s.n_test == n and s.n_train >= 1 and s.n_test >= 1
    y = np.concatenate([s.y_train, s.y_test])
    assert int(y.sum()) == n // 2
    assert np.all(np.isfinite(s.X_train)) and np.all(np.isfinite(s.X_test))


@pytest.mark.parametrize("kwargs, arg", [
    (dict(name="moons"), "name"), (dict(n=1), "n"), (dict(n=2.5), "n"), (dict(noise=-0.1), "noise"),
    (dict(noise=0.6), "noise"), (dict(noise=float("nan")), "noise"), (dict(seed=-1), "seed"),
])
def test_bad_input_names_the_argument(kwargs, arg):
    with pytest.raises(ValueError, match=rf"^{arg}: expected"):
        make_dataset(**kwargs)


def test_bad_split_fraction():
    X, y = make_dataset("circle", 10)
    for bad in (0, 1, 1.5, "half"):
        with pytest.raises(ValueError, match="^train_fraction: expected"):
            train_test_split(X, y, bad)
    with pytest.raises(ValueError, match="^y: expected"):
        train_test_split(X, y[:5])
    with pytest.raises(ValueError, match="^X: expected"):
        train_test_split(np.zeros((10, 3)), y)
    with pytest.raises(ValueError, match="^name: expected one of circle, xor, gauss, spiral"):
        make_split("moon")
