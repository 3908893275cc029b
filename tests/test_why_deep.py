"""The comparisons of nnlab.engine.why_deep, checked by routes of their own.

- the linear model on the raw circle inputs cannot beat the best straight line, found here by
  brute force over directions and thresholds, and that best line is poor;
- the hand-made feature separates the classes by construction (the radii of datasets2d);
- every reported accuracy is recomputed from the model's own weights with plain numpy;
- the hidden units drawn are tanh(W1 x + b1) and the output σ(W2 h + b2), computed here.
"""
from __future__ import annotations

import numpy as np
import pytest

from nnlab.engine import why_deep as D
from nnlab.engine.cnn import load_digits, train_test_split
from nnlab.engine.datasets2d import make_split


def forward_by_hand(model, X):
    """σ(W_L ... tanh(W1 x + b1) ... + b_L), from the parameters alone."""
    a = np.asarray(X, dtype=float)
    Ws, bs = model.weights, model.biases
    for k, (W, b) in enumerate(zip(Ws, bs)):
        z = a @ W.T + b
        a = 1 / (1 + np.exp(-z)) if k == len(Ws) - 1 else np.tanh(z)
    return a


def best_line_accuracy(X, y, n_angles=720):
    best = 0.0
    for theta in np.linspace(0, np.pi, n_angles, endpoint=False):
        s = X @ np.array([np.cos(theta), np.sin(theta)])
        order = np.argsort(s)
        ys = y[order]
        # class 1 above the cut (or below): accuracy of every cut position at once
        ones_below = np.concatenate([[0], np.cumsum(ys)])
        zeros_below = np.arange(len(ys) + 1) - ones_below
        above1 = zeros_below + (ys.sum() - ones_below)
        best = max(best, above1.max() / len(y), (len(y) - above1).max() / len(y))
    return best


@pytest.fixture(scope="module")
def circle():
    return D.circle_comparison(seed=0), make_split("circle", n=200, noise=0.0, seed=0)


def test_circle_accuracies_recomputed_and_in_the_expected_order(circle):
    results, s = circle
    feats = [(s.X_train, s.X_test), (D.radius_squared(s.X_train), D.radius_squared(s.X_test)),
             (s.X_train, s.X_test)]
    for r, (a, b) in zip(results, feats):
        p_tr = forward_by_hand(r.model, a)[:, 0] >= 0.5
        p_te = forward_by_hand(r.model, b)[:, 0] >= 0.5
        assert r.train_acc == pytest.approx(np.mean(p_tr == s.y_train))
        assert r.test_acc == pytest.approx(np.mean(p_te == s.y_test))
        assert r.n_params == sum(p.size for p in r.model.params)
    raw, feature, net = results
    assert raw.test_acc < 0.7 and feature.test_acc == 1.0 and net.test_acc >= 0.9
    assert [r.n_features for r in results] == [2, 1, 2]


def test_no_straight_line_does_well_on_the_raw_circle(circle):
    results, s = circle
    best = best_line_accuracy(s.X_train, s.y_train)
    assert best < 0.75                                  # the data defeat every line
    assert results[0].train_acc <= best + 1e-12         # training found no better line


def test_the_hand_made_feature_separates_the_classes_by_a_gap(circle):
    _, s = circle
    r2 = D.radius_squared(s.X_train)[:, 0]
    assert np.allclose(r2, s.X_train[:, 0] ** 2 + s.X_train[:, 1] ** 2)
    assert r2[s.y_train == 1].max() <= 2.5**2 < 3.5**2 <= r2[s.y_train == 0].min()


def test_hidden_features_are_the_units_activations(circle):
    results, _ = circle
    model = results[2].model
    g, units, out = D.hidden_features(model, n=11)
    assert len(units) == 4 and units[0].shape == (11, 11)
    W1, b1 = model.weights[0], model.biases[0]
    for i, j in [(0, 0), (3, 7), (10, 10)]:
        x = np.array([g[j], g[i]])          # meshgrid: rows follow x2, columns x1
        h = np.tanh(W1 @ x + b1)
        assert np.allclose([u[i, j] for u in units], h)
        assert out[i, j] == pytest.approx(forward_by_hand(model, x[None])[0, 0])
    with pytest.raises(ValueError, match="^model: "):
        D.hidden_features(results[0].model)


def test_same_seed_same_numbers():
    a = D.circle_comparison(n=60, epochs=5, seed=3)
    b = D.circle_comparison(n=60, epochs=5, seed=3)
    assert [(r.train_acc, r.test_acc) for r in a] == [(r.train_acc, r.test_acc) for r in b]
    assert all(np.array_equal(p, q) for ra, rb in zip(a, b)
               for p, q in zip(ra.model.params, rb.model.params))


def test_ink_features_by_loops():
    rng = np.random.default_rng(0)
    imgs = rng.uniform(0, 1, size=(3, 8, 8))
    f = D.ink_features(imgs)
    for n in range(3):
        rows = [sum(imgs[n, i, j] for j in range(8)) for i in range(8)]
        cols = [sum(imgs[n, i, j] for i in range(8)) for j in range(8)]
        assert np.allclose(f[n], rows + cols)
    with pytest.raises(ValueError, match="^images: "):
        D.ink_features(np.zeros((2, 7, 8)))


def test_digits_accuracies_recomputed_and_ordered():
    results = D.digits_comparison(hidden=16, epochs=5, seed=0)
    images, labels = load_digits()
    split = train_test_split(labels, test_fraction=0.25, seed=0)
    inputs = [images.reshape(len(images), -1), D.ink_features(images), images.reshape(len(images), -1)]
    for r, F in zip(results, inputs):
        for idx, acc in ((split.train, r.train_acc), (split.test, r.test_acc)):
            pred = forward_by_hand(r.model, F[idx]).argmax(axis=1)
            assert acc == pytest.approx(np.mean(pred == labels[idx]))
    assert results[0].test_acc > results[1].test_acc      # the 16 ink sums lose information
    assert [r.n_features for r in results] == [64, 16, 64]
    text = D.table(results)
    assert text.count("\n") == 3 and f"{results[2].test_acc:.3f}" in text


@pytest.mark.parametrize("call, start", [
    (lambda: D.circle_comparison(hidden=0), "hidden: "),
    (lambda: D.circle_comparison(epochs=0), "epochs: "),
    (lambda: D.digits_comparison(hidden=1000), "hidden: "),
    (lambda: D.radius_squared([[1, 2, 3]]), "X: "),
])
def test_bad_input_names_the_argument(call, start):
    with pytest.raises(ValueError, match=f"^{start}"):
        call()
