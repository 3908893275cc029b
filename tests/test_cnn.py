"""nnlab.engine.cnn and nnlab.engine.transfer: each layer's gradient by finite differences, data, training."""
import numpy as np
import pytest

from nnlab.core.gradcheck import central_difference
from nnlab.engine import cnn as M


def _check_layer(layer, x, atol=1e-7):
    """Backward of a layer against central differences of L = Σ out·g, for input and parameters."""
    rng = np.random.default_rng(11)
    g = rng.normal(size=layer.forward(x).shape)
    def loss():
        return float(np.sum(layer.forward(x) * g))
    layer.forward(x)
    dx = layer.backward(g)
    np.testing.assert_allclose(dx, central_difference(loss, x), atol=atol)
    for p, gp in zip(layer.params, layer.grads):
        np.testing.assert_allclose(gp, central_difference(loss, p), atol=atol)


def test_conv_layer_gradients():
    rng = np.random.default_rng(0)
    _check_layer(M.Conv2d(2, 3, 3, padding=1, rng=rng), rng.normal(size=(2, 2, 5, 4)))


def test_relu_layer_gradients():
    x = np.random.default_rng(1).normal(size=(3, 2, 4, 4))
    x[np.abs(x) < 1e-3] = 0.5      # keep away from the kink
    _check_layer(M.ReLU(), x)


def test_maxpool_flatten_dense_gradients():
    rng = np.random.default_rng(2)
    _check_layer(M.MaxPool2d(2), rng.permutation(96).reshape(2, 3, 4, 4) / 7.0)
    _check_layer(M.Flatten(), rng.normal(size=(2, 3, 2, 2)))
    _check_layer(M.Dense(5, 4, rng=rng), rng.normal(size=(3, 5)))


def test_softmax_cross_entropy_gradient_and_value():
    rng = np.random.default_rng(3)
    z, y = rng.normal(size=(4, 5)), np.array([0, 3, 4, 1])
    loss, g = M.cross_entropy(z, y)
    # independent value: -mean log softmax, softmax written out
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(4), y])), rel=1e-12)
    np.testing.assert_allclose(g, central_difference(lambda: M.cross_entropy(z, y)[0], z), atol=1e-8)


@pytest.mark.torch
def test_cross_entropy_against_torch(torch):
    z = np.random.default_rng(4).normal(size=(6, 10)) * 3
    y = np.arange(6)
    zt = torch.tensor(z, requires_grad=True)
    lt = torch.nn.functional.cross_entropy(zt, torch.tensor(y))
    lt.backward()
    loss, g = M.cross_entropy(z, y)
    assert loss == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(g, zt.grad.numpy(), atol=1e-12)


def test_layers_are_the_shared_protocol_and_the_model_a_sequential():
    from nnlab.engine import layers as L

    model = M.CNN(conv_channels=(2, 3), seed=0)
    assert isinstance(model.net, L.Sequential) and model.layers is model.net.layers
    assert [type(layer) for layer in model.layers] == [M.Conv2d, L.ReLU, M.Conv2d, L.ReLU,
                                                       M.MaxPool2d, L.Flatten, L.Dense]
    assert all(isinstance(layer, L.Layer) for layer in model.layers)


def test_initial_draws():
    # the documented draws, made here from the seed: He normal for each conv layer in turn,
    # then U(±1/√in) for the dense weights; zero biases
    model = M.CNN(conv_channels=(4, 3), seed=7)
    rng = np.random.default_rng(7)
    w1 = rng.normal(0.0, np.sqrt(2.0 / 9), size=(4, 1, 3, 3))
    w2 = rng.normal(0.0, np.sqrt(2.0 / 36), size=(3, 4, 3, 3))
    bound = 1 / np.sqrt(3 * 4 * 4)
    w3 = rng.uniform(-bound, bound, size=(10, 48))
    p = model.params
    assert [a.shape for a in p] == [(4, 1, 3, 3), (4,), (3, 4, 3, 3), (3,), (10, 48), (10,)]
    for got, want in zip(p[0::2], (w1, w2, w3)):
        np.testing.assert_array_equal(got, want)
    assert not any(b.any() for b in p[1::2])


def test_whole_model_gradients():
    rng = np.random.default_rng(5)
    model = M.CNN(in_shape=(1, 4, 4), conv_channels=(2, 3), n_classes=3, seed=1)
    x, y = rng.normal(size=(3, 1, 4, 4)), np.array([0, 2, 1])
    _, grads = model.loss_and_grads(x, y)
    for p, g in zip(model.params, grads):
        num = central_difference(lambda: M.cross_entropy(model.forward(x), y)[0], p)
        np.testing.assert_allclose(g, num, atol=1e-7)


def test_digits_data():
    x, y = M.load_digits()
    assert x.shape == (1797, 8, 8) and x.min() == 0 and x.max() == 1
    # class counts of the UCI optdigits test set as the repository describes it
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_split_is_stratified_disjoint_and_seeded():
    _, y = M.load_digits()
    s = M.train_test_split(y, 0.25, seed=0)
    assert len(np.intersect1d(s.train, s.test)) == 0 and len(s.train) + len(s.test) == len(y)
    assert all(abs(np.mean(y[s.test] == c) - 0.1) < 0.01 for c in range(10))
    np.testing.assert_array_equal(s.test, M.train_test_split(y, 0.25, seed=0).test)
    assert not np.array_equal(s.test, M.train_test_split(y, 0.25, seed=1).test)


def test_training_is_deterministic_and_reaches_95_percent():
    seen = []
    model, split, x, y = M.train_digit_cnn(callback=lambda e, n, loss, acc: seen.append((e, n)))
    assert seen[-1] == (20, 20) and len(seen) == 20
    acc = model.accuracy(x[split.test], y[split.test])
    assert acc >= 0.95
    again, *_ = M.train_digit_cnn(epochs=2)
    other, *_ = M.train_digit_cnn(epochs=2)
    for a, b in zip(again.params, other.params):
        np.testing.assert_array_equal(a, b)


def test_frozen_parameters_do_not_move():
    x, y = M.load_digits()
    model = M.CNN(seed=0)
    before = [p.copy() for p in model.params]
    model.fit(x[:64], y[:64], epochs=1, trainable=[2, 3])
    after = model.params
    np.testing.assert_array_equal(before[0], after[0])
    np.testing.assert_array_equal(before[1], after[1])
    assert not np.array_equal(before[2], after[2])


def test_feature_maps_and_summary_shapes():
    model = M.CNN(conv_channels=(4,), seed=0)
    x, _ = M.load_digits()
    maps = model.feature_maps(x[0])
    assert maps["conv1"].shape == (4, 8, 8) and maps["maxpool1"].shape == (4, 4, 4)
    assert np.all(maps["relu1"] >= 0)
    assert model.summary()[-1] == ("dense", (10,), 4 * 16 * 10 + 10)
    assert model.n_params() == 4 * 9 + 4 + 4 * 16 * 10 + 10


def test_progress_bar():
    assert M.progress_bar(3, 12, width=12, loss=0.5) == "[###.........]  3/12  loss 0.5000"
    assert M.progress_bar(0, 4, width=4) == "[....] 0/4"


def test_exercises():
    # notebook 07's seeded exercises are tested in tests/test_cnn_exercises.py
    from nnlab.course.cnn import exercise_set
    from nnlab.course.cnn import exercises as ex

    assert ex.check(1, ex.exercises[0].expected()) and ex.seed == exercise_set(0).seed == 0


@pytest.mark.parametrize("call,name", [
    (lambda: M.CNN(in_shape=(8, 8)), "in_shape"),
    (lambda: M.CNN(kernel_size=4), "kernel_size"),
    (lambda: M.CNN(pool=3), "pool"),
    (lambda: M.CNN(conv_channels=()), "conv_channels"),
    (lambda: M.CNN().forward(np.ones((2, 7, 7))), "x"),
    (lambda: M.CNN().fit(np.ones((2, 8, 8)), [0, 1], lr=0), "lr"),
    (lambda: M.CNN().fit(np.ones((2, 8, 8)), [0]), "y"),
    (lambda: M.cross_entropy(np.ones((2, 3)), [0, 3]), "labels"),
    (lambda: M.train_test_split([0, 1], test_fraction=1.5), "test_fraction"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name}: expected"):
        call()


# -- transfer learning -------------------------------------------------------------------------------
def test_transfer_experiment():
    from nnlab.engine.transfer import STRATEGIES, transfer_experiment

    r = transfer_experiment(per_class=3, pretrain_epochs=3, epochs=5)
    assert [run.strategy for run in r.runs] == list(STRATEGIES)
    assert r.n_train == 15 and r.n_test == 225
    assert r.source_accuracy > 0.8
    by = {run.strategy: run for run in r.runs}
    assert by["feature extractor"].trainable == 16 * 16 * 5 + 5     # only the new head
    assert by["fine-tune partial"].trainable == by["fine-tune full"].trainable - (8 * 9 + 8)
    assert all(0.2 < run.accuracy <= 1 for run in r.runs)            # better than chance (0.2)
    assert r.accuracies() == transfer_experiment(per_class=3, pretrain_epochs=3, epochs=5).accuracies()


def test_transfer_bad_input():
    from nnlab.engine.transfer import transfer_experiment

    with pytest.raises(ValueError, match="^target_classes: expected"):
        transfer_experiment(source_classes=(0, 1), target_classes=(1, 2))
    with pytest.raises(ValueError, match="^conv_channels: expected"):
        transfer_experiment(conv_channels=(8,))
