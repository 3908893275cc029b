"""The batched MLP: gradients against finite differences, sympy and torch autograd; training."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.core.gradcheck import central_difference
from nnlab.course.mlp import best_line_accuracy_on_xor, exercises
from nnlab.engine import layers as Ly
from nnlab.engine.datasets2d import make_split
from nnlab.engine.mlp import MLP, Trainer, train_mlp

SMOOTH = ("tanh", "sigmoid", "softplus", "elu", "linear")


def numeric_grads(model, X, y, h=1e-6):
    """Central finite differences of the loss w.r.t. every parameter (independent of backprop):
    each array is perturbed where the layers hold it."""
    return [central_difference(lambda: model.loss(X, y), p, h) for p in model.params]


@pytest.mark.parametrize("activation", SMOOTH)
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_gradients_match_central_differences(activation, loss):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 2))
    y = (rng.random(7) < 0.5).astype(float)
    model = MLP(2, (4, 3), 1, activation=activation, loss=loss, init="torch", seed=3)
    _, grads = model.gradients(X, y)
    for g, n in zip(grads, numeric_grads(model, X, y)):
        assert np.allclose(g, n, rtol=1e-5, atol=1e-8)


@given(hidden=st.lists(st.integers(1, 4), min_size=0, max_size=3),
       activation=st.sampled_from(SMOOTH + ("relu", "leaky_relu")),
       loss=st.sampled_from(["bce", "mse"]), seed=st.integers(0, 10_000),
       n=st.integers(1, 6))
@settings(max_examples=40, deadline=None)
def test_property_gradients_any_architecture(hidden, activation, loss, seed, n):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = rng.random(n)          # targets in [0, 1] are fine for both losses
    # random biases ("torch" init): with zero biases a dead ReLU feeds an exact 0 into the
    # next layer, right on the kink, where finite differences and the derivative disagree
    model = MLP(2, hidden, 1, activation=activation, loss=loss, init="torch", seed=seed)
    _, grads = model.gradients(X, y)
    for g, num in zip(grads, numeric_grads(model, X, y)):
        assert np.allclose(g, num, rtol=1e-4, atol=1e-6)


def test_gradients_match_sympy_for_a_2_2_1_sigmoid_network():
    sp = pytest.importorskip("sympy")
    w = sp.symbols("w0:6")
    b = sp.symbols("b0:3")
    x1, x2, t = sp.Rational(35, 100), sp.Rational(9, 10), 1
    sig = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
    h1 = sig(w[0] * x1 + w[1] * x2 + b[0])
    h2 = sig(w[2] * x1 + w[3] * x2 + b[1])
    z = w[4] * h1 + w[5] * h2 + b[2]
    L = sp.log(1 + sp.exp(z)) - t * z          # binary cross-entropy of σ(z) for target t
    vals = {w[0]: 0.1, w[1]: 0.8, w[2]: 0.4, w[3]: 0.6, w[4]: 0.3, w[5]: 0.9,
            b[0]: 0.05, b[1]: -0.1, b[2]: 0.2}
    model = MLP(2, (2,), 1, activation="sigmoid", loss="bce")
    model.set_params([np.array([[0.1, 0.8], [0.4, 0.6]]), np.array([0.05, -0.1]),
                      np.array([[0.3, 0.9]]), np.array([0.2])])
    loss, grads = model.gradients([[0.35, 0.9]], [1.0])
    assert math.isclose(loss, float(L.subs(vals)), rel_tol=1e-12)
    expect = [[[w[0], w[1]], [w[2], w[3]]], [b[0], b[1]], [[w[4], w[5]]], [b[2]]]
    for g, syms in zip(grads, expect):
        want = np.array(sp.lambdify(list(vals), sp.Matrix(syms).applyfunc(
            lambda s: sp.diff(L, s)))(*vals.values()), dtype=float).reshape(g.shape)
        assert np.allclose(g, want, rtol=1e-12, atol=1e-15)


def torch_model(torch, model):
    layers = []
    acts = {"tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU,
            "elu": torch.nn.ELU, "softplus": torch.nn.Softplus, "linear": torch.nn.Identity,
            "leaky_relu": lambda: torch.nn.LeakyReLU(0.01)}
    for l, (n_in, n_out) in enumerate(zip(model.sizes, model.sizes[1:])):
        lin = torch.nn.Linear(n_in, n_out).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(model.params[2 * l]))
            lin.bias.copy_(torch.from_numpy(model.params[2 * l + 1]))
        layers.append(lin)
        if l < len(model.sizes) - 2:
            layers.append(acts[model.activation.name]())
    return torch.nn.Sequential(*layers)


@pytest.mark.torch
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "elu", "softplus",
                                        "leaky_relu", "linear"])
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_loss_and_gradients_match_torch_autograd(torch, activation, loss):
    split = make_split("spiral", 60, 0.2, 0.5, seed=2)
    model = MLP(2, (8, 8), 1, activation=activation, loss=loss, seed=5)
    ours, grads = model.gradients(split.X_train, split.y_train)
    net = torch_model(torch, model)
    X = torch.from_numpy(split.X_train)
    y = torch.from_numpy(split.y_train)[:, None]
    z = net(X)
    L = (torch.nn.BCEWithLogitsLoss()(z, y) if loss == "bce"
         else torch.nn.MSELoss()(torch.sigmoid(z), y))
    L.backward()
    assert math.isclose(ours, L.item(), rel_tol=1e-12)
    theirs = [p.grad.numpy() for p in net.parameters()]   # W1, b1, W2, b2, ... as ours
    for g, t in zip(grads, theirs):
        assert np.allclose(g, t, rtol=1e-10, atol=1e-14)
    assert np.allclose(model.predict_proba(split.X_train),
                       torch.sigmoid(z).detach().numpy()[:, 0], rtol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("name, ours, theirs", [
    ("sgd", {"lr": 0.1}, lambda t, p: t.optim.SGD(p, lr=0.1)),
    ("momentum", {"lr": 0.05, "momentum": 0.9}, lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.9)),
    ("adam", {"lr": 0.03}, lambda t, p: t.optim.Adam(p, lr=0.03)),
    ("rmsprop", {"lr": 0.01}, lambda t, p: t.optim.RMSprop(p, lr=0.01)),
])
def test_full_batch_training_matches_torch(torch, name, ours, theirs):
    split = make_split("xor", 80, 0.1, 0.5, seed=1)
    model = MLP(2, (8, 8), 1, activation="tanh", seed=0)
    net = torch_model(torch, model)
    lr = ours.pop("lr")
    tr = Trainer(model, split.X_train, split.y_train, optimizer=name, lr=lr,
                 batch_size=split.n_train, seed=0, **ours)
    tr.train(25)
    opt = theirs(torch, net.parameters())
    X, y = torch.from_numpy(split.X_train), torch.from_numpy(split.y_train)[:, None]
    for _ in range(25):
        opt.zero_grad()
        torch.nn.BCEWithLogitsLoss()(net(X), y).backward()
        opt.step()
    for p, t in zip(model.params, net.parameters()):
        assert np.allclose(p, t.detach().numpy(), rtol=1e-8, atol=1e-11)


def test_initialisation_bounds_and_seed():
    m = MLP(2, (8, 8), 1, seed=4)
    lim = [math.sqrt(6 / (2 + 8)), math.sqrt(6 / 16), math.sqrt(6 / 9)]
    for W, b, L in zip(m.weights, m.biases, lim):
        assert np.abs(W).max() <= L and np.all(b == 0)
    assert [W.shape for W in m.weights] == [(8, 2), (8, 8), (1, 8)]   # torch.nn.Linear layout
    t = MLP(2, (8,), 1, init="torch", seed=4)
    assert np.abs(t.params[0]).max() <= 1 / math.sqrt(2)
    assert np.abs(t.params[3]).max() <= 1 / math.sqrt(8)
    assert np.abs(t.params[1]).max() > 0
    assert all(np.array_equal(a, b) for a, b in zip(m.params, MLP(2, (8, 8), 1, seed=4).params))
    assert not np.array_equal(m.params[0], MLP(2, (8, 8), 1, seed=5).params[0])
    assert m.n_params == (2 * 8 + 8) + (8 * 8 + 8) + (8 + 1)


def test_initial_draws_are_layer_by_layer_weight_then_bias():
    """The draws written out with numpy: W then b of layer 1, then of layer 2, ..."""
    for init in ("xavier", "torch"):
        rng = np.random.default_rng(11)
        want = []
        for n_in, n_out in ((2, 5), (5, 3), (3, 1)):
            if init == "xavier":
                lim = math.sqrt(6 / (n_in + n_out))
                want += [rng.uniform(-lim, lim, (n_out, n_in)), np.zeros(n_out)]
            else:
                lim = 1 / math.sqrt(n_in)
                want += [rng.uniform(-lim, lim, (n_out, n_in)), rng.uniform(-lim, lim, n_out)]
        m = MLP(2, (5, 3), 1, init=init, seed=11)
        assert all(np.array_equal(p, w) for p, w in zip(m.params, want))
        assert all(np.array_equal(p, w) for p, w in zip(m.initial_params(11), want))


def test_the_network_is_a_sequential_of_dense_and_act_layers():
    m = MLP(2, (4, 3), 1, activation="relu", seed=2)
    kinds = [type(layer) for layer in m.network.layers]
    assert kinds == [Ly.Dense, Ly.Act, Ly.Dense, Ly.Act, Ly.Dense, Ly.Act]
    assert [layer.name for layer in m.network.layers[1::2]] == ["relu", "relu", "sigmoid"]
    assert m.head is m.network.layers[-1] and m.logit_network.layers == m.network.layers[:-1]
    layer_params = [p for layer in m.network.layers[0::2] for p in layer.params]
    assert all(p is q for p, q in zip(m.params, layer_params))     # [W1, b1, W2, b2, W3, b3]
    new = [p + 1.0 for p in m.params]
    m.params = new
    assert all(np.array_equal(p, q) for p, q in zip(m.network.layers[2].params, new[2:4]))
    X = np.array([[0.5, -1.0], [2.0, 0.3]])
    assert np.allclose(m.logits(X)[:, 0], m.network.forward(X, upto=-1)[:, 0], rtol=0)
    assert np.allclose(m.predict_proba(X), 1 / (1 + np.exp(-m.logits(X)[:, 0])), rtol=1e-15)


def test_same_seed_same_history_and_snapshot_restore():
    s = make_split("circle", 200, 0.1, 0.5, seed=3)
    a = train_mlp(s, (4, 4), "tanh", "adam", 0.01, 10, epochs=12, seed=7)
    b = train_mlp(s, (4, 4), "tanh", "adam", 0.01, 10, epochs=12, seed=7)
    assert a.history == b.history
    c = train_mlp(s, (4, 4), "tanh", "adam", 0.01, 10, epochs=12, seed=8)
    assert c.history["train_loss"] != a.history["train_loss"]
    # come back to epoch 5 and train again: the same numbers as the first time
    d = train_mlp(s, (4, 4), "tanh", "adam", 0.01, 10, epochs=5, seed=7)
    snap = d.snapshot()
    d.train(7)
    d.restore(snap)
    assert d.epoch == 5 and len(d.history["epoch"]) == 6
    d.train(7)
    snap12 = d.snapshot()
    assert d.history == a.history
    assert all(np.array_equal(p, q) for p, q in zip(d.model.params, a.model.params))
    d.restore(snap)          # back to 5, then forward to 12 by a snapshot: the whole history
    d.restore(snap12)
    assert d.history == a.history and d.epoch == 12
    assert a.steps == 12 * 10 and a.steps_per_epoch == 10


def test_network_learns_xor_where_no_hidden_layer_cannot():
    s = make_split("xor", 200, 0.0, 0.5, seed=0)
    deep = train_mlp(s, (8, 8), "tanh", "adam", 0.03, s.n_train, epochs=300, seed=0)
    flat = train_mlp(s, (), "tanh", "adam", 0.03, s.n_train, epochs=300, seed=0)
    assert deep.history["test_acc"][-1] >= 0.95
    assert flat.history["train_acc"][-1] <= 0.75 and flat.history["test_acc"][-1] <= 0.75


def test_divergence_is_caught_and_the_last_finite_network_kept():
    s = make_split("gauss", 100, 0.0, 0.5, seed=0)
    model = MLP(2, (8, 8), 1, activation="relu", output="linear", loss="mse", init="torch")
    tr = Trainer(model, s.X_train, s.y_train * 1e3, optimizer="sgd", lr=10.0, batch_size=5)
    tr.train(30)
    assert tr.diverged is not None and 1 <= tr.diverged <= 30
    assert all(np.all(np.isfinite(p)) for p in tr.model.params)
    assert tr.epoch == 30 and len(tr.history["epoch"]) == 31
    steps = tr.steps
    tr.train(2)                      # once diverged, nothing more happens
    assert tr.steps == steps


@pytest.mark.parametrize("activation, optimizer", [("elu", "sgd"), ("relu", "nag"),
                                                   ("linear", "momentum")])
def test_a_blow_up_inside_the_forward_pass_is_divergence_not_an_error(activation, optimizer):
    s = make_split("circle", 200, 0.0, 0.5, seed=0)
    tr = train_mlp(s, (8, 8, 8, 8), activation, optimizer, 10.0, 1, epochs=3, seed=0)
    assert tr.diverged == 1 and tr.epoch == 3
    assert max(float(np.abs(p).max()) for p in tr.model.params) <= 1e6


def test_step_activation_leaves_hidden_weights_unchanged():
    s = make_split("circle", 100, 0.0, 0.5, seed=0)
    tr = train_mlp(s, (4,), "step", "sgd", 0.1, 10, epochs=0, seed=1)
    before = [p.copy() for p in tr.model.params]
    tr.train(3)
    assert np.array_equal(before[0], tr.model.params[0])
    assert np.array_equal(before[1], tr.model.params[1])
    assert not np.array_equal(before[2], tr.model.params[2])     # the output layer learns


@pytest.mark.parametrize("call, arg", [
    (lambda: MLP(activation="swish"), "activation"),
    (lambda: MLP(hidden=(8, 0)), "hidden"),
    (lambda: MLP(hidden="8,x"), "hidden"),
    (lambda: MLP(hidden=[1] * 11), "hidden"),
    (lambda: MLP(loss="hinge"), "loss"),
    (lambda: MLP(loss="bce", output="tanh"), "output"),
    (lambda: MLP(init="he"), "init"),
    (lambda: MLP(seed=-1), "seed"),
    (lambda: MLP().forward(np.zeros((3, 3))), "X"),
    (lambda: MLP().forward([[np.nan, 0]]), "X"),
    (lambda: MLP().gradients(np.zeros((3, 2)), np.zeros(4)), "y"),
    (lambda: MLP().set_params([np.zeros(3)]), "params"),
    (lambda: MLP(hidden=(2,)).set_params([np.zeros((2, 2)), np.zeros(2), np.zeros((1, 3)),
                                          np.zeros(1)]), r"params\[2\]"),
])
def test_bad_input_names_the_argument(call, arg):
    with pytest.raises(ValueError, match=rf"^{arg}: expected"):
        call()


def test_bad_trainer_input():
    s = make_split("xor", 40, 0.0, 0.5, seed=0)
    m = MLP()
    with pytest.raises(ValueError, match="^batch_size: expected a whole number from 1 to 20"):
        Trainer(m, s.X_train, s.y_train, batch_size=21)
    with pytest.raises(ValueError, match="^lr: expected"):
        Trainer(m, s.X_train, s.y_train, lr=0)
    with pytest.raises(ValueError, match="^name: expected one of"):
        Trainer(m, s.X_train, s.y_train, optimizer="adamw")
    with pytest.raises(ValueError, match="^epochs: expected"):
        Trainer(m, s.X_train, s.y_train).train(-1)


def test_exercises_answers_from_independent_routes():
    assert exercises.check(1, (2 * 8 + 8) + (8 * 8 + 8) + (8 * 1 + 1))
    assert exercises.check(2, math.ceil(100 / 8) * 30)
    sigma = 1 / (1 + math.exp(-0.8))
    assert exercises.check(3, -math.log(1 - sigma))
    assert exercises.check(4, sigma - 0)
    assert exercises.check(5, 3 / 4)
    assert best_line_accuracy_on_xor() == 0.75
    assert not exercises.check(2, 375) and "round" in exercises.check(2, 375).message
    assert not exercises.check(3, -math.log(sigma))
    assert not exercises.check(5, 1.0)
