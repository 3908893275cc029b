"""The numeric engine against independent routes: plain arithmetic, finite differences, PyTorch."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.engine.network import Network, weight_name

EXAMPLE_W = {"w13": 0.1, "w23": 0.8, "w14": 0.4, "w24": 0.6, "w35": 0.3, "w45": 0.9}


def sig(z):
    return 1 / (1 + math.exp(-z))


def test_course_example_by_plain_arithmetic():
    """Every line of the notes' 2-2-1 example, recomputed here with the math module."""
    x1, x2, t = 0.35, 0.9, 0.5
    w = EXAMPLE_W
    z3 = w["w13"] * x1 + w["w23"] * x2
    z4 = w["w14"] * x1 + w["w24"] * x2
    y3, y4 = sig(z3), sig(z4)
    z5 = w["w35"] * y3 + w["w45"] * y4
    y5 = sig(z5)
    d5 = y5 * (1 - y5) * (t - y5)
    d3 = y3 * (1 - y3) * w["w35"] * d5
    d4 = y4 * (1 - y4) * w["w45"] * d5
    want = {"z3": z3, "y3": y3, "z4": z4, "y4": y4, "z5": z5, "y5": y5, "e5": t - y5,
            "E": 0.5 * (t - y5) ** 2, "d5": d5, "d3": d3, "d4": d4,
            "dw13": d3 * x1, "dw23": d3 * x2, "dw14": d4 * x1, "dw24": d4 * x2,
            "dw35": d5 * y3, "dw45": d5 * y4, "w45'": 0.9 + d5 * y4, "w14'": 0.4 + d4 * x1}
    tr = Network.build("2,2,1", weights=w).step([x1, x2], [t], 1.0)
    for key, value in want.items():
        assert tr[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key
    # the numbers the notes get right, at the notes' rounding
    assert round(tr["z3"], 3) == 0.755 and round(tr["y4"], 4) == 0.6637
    assert round(tr["d3"], 5) == -0.00265 and round(tr["w14'"], 4) == 0.3971


def test_record_order_and_names_follow_the_notes():
    tr = Network.build("2,2,1", weights=EXAMPLE_W).step([0.35, 0.9], [0.5], 1)
    keys = [r.key for r in tr.records]
    assert keys[:6] == ["z3", "y3", "z4", "y4", "z5", "y5"]
    assert keys.index("d5") < keys.index("d3") < keys.index("d4")
    assert [r.ref for r in tr.records if r.kind == "dw"] == ["w13", "w23", "w14", "w24", "w35", "w45"]


def test_numbering_of_a_3_4_4_2_network():
    net = Network.build([3, 4, 4, 2])
    assert net.numbers == [[1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13]]
    names = net.weight_index()
    assert len(names) == 3 * 4 + 4 * 4 + 4 * 2
    assert "w14" in names and "w48" in names and "w11_13" in names and "w7_11" in names
    assert net.resolve_weight("w4_8") == net.resolve_weight("w48") == (1, 0, 0)
    assert net.resolve_weight("w1_4") == net.resolve_weight("w14") == (0, 0, 0)
    assert net.resolve_weight("w11_13") == (2, 3, 1)
    assert net.resolve_weight("w1_8") is None  # 1 -> 8 skips a layer: no such weight


def test_w15_exists_in_3_4_4_2():
    net = Network.build([3, 4, 4, 2])
    assert net.resolve_weight("w15") == (0, 0, 1)


def loss_at(net, x, t):
    return net.loss(x, t)


def finite_difference_grads(net, x, t, h=1e-6):
    grads = {}
    for name in net.weight_index():
        li, a, b = net.resolve_weight(name)
        plus, minus = net.copy(), net.copy()
        plus.weights[li][a, b] += h
        minus.weights[li][a, b] -= h
        grads[name] = (loss_at(plus, x, t) - loss_at(minus, x, t)) / (2 * h)
    if net.biases is not None:
        for name in net.bias_names():
            li, b = net.resolve_bias(name)
            plus, minus = net.copy(), net.copy()
            plus.biases[li][b] += h
            minus.biases[li][b] -= h
            grads[name] = (loss_at(plus, x, t) - loss_at(minus, x, t)) / (2 * h)
    return grads


shapes = st.lists(st.integers(1, 4), min_size=2, max_size=4)
smooth = st.sampled_from(["sigmoid", "tanh", "linear"])


@settings(max_examples=40, deadline=None)
@given(layers=shapes, act=smooth, seed=st.integers(0, 10_000), bias=st.booleans(),
       lr=st.floats(0.01, 2.0))
def test_backprop_equals_central_finite_differences(layers, act, seed, bias, lr):
    rng = np.random.default_rng(seed)
    net = Network.build(layers, act, biases=True if bias else None, seed=seed)
    x = rng.uniform(-1, 1, layers[0])
    t = rng.uniform(0, 1, layers[-1])
    tr = net.step(x, t, lr)
    fd = finite_difference_grads(net, x, t)
    for name, g in fd.items():
        key = "d" + name
        assert tr[key] == pytest.approx(-lr * g, rel=1e-5, abs=1e-8), name


def test_relu_backprop_matches_finite_differences_away_from_kinks():
    net = Network.build([3, 5, 2], "relu", biases=True, seed=3)
    x, t = np.array([0.3, -0.7, 0.9]), np.array([0.2, -0.1])
    zs, _ = net.forward(x)
    assert all(np.min(np.abs(z)) > 1e-3 for z in zs)  # no unit sits on its kink
    tr = net.step(x, t, 0.5)
    for name, g in finite_difference_grads(net, x, t).items():
        assert tr["d" + name] == pytest.approx(-0.5 * g, rel=1e-5, abs=1e-9)


def test_frozen_biases_do_not_move_and_trainable_ones_do():
    kw = dict(layers="2,2,1", weights=EXAMPLE_W, biases={"b3": 0.35, "b4": 0.35, "b5": 0.6})
    free = Network.build(**kw).step([0.35, 0.9], [0.5], 1)
    frozen = Network.build(**kw, freeze_biases=True).step([0.35, 0.9], [0.5], 1)
    assert free["db5"] == pytest.approx(free["d5"]) and free["b5'"] == pytest.approx(0.6 + free["d5"])
    assert frozen["db5"] == 0 and frozen["b5'"] == 0.6
    assert frozen["dw45"] == pytest.approx(free["dw45"])  # the weights' update does not change


def test_train_equals_repeated_steps():
    net = Network.build("2,3,2", "tanh", biases=True, seed=7)
    x, t = [0.2, -0.4], [0.5, -0.3]
    after, outputs, losses = net.train(x, t, 0.3, 5)
    cur = net
    for k in range(5):
        tr = cur.step(x, t, 0.3)
        assert outputs[k] == pytest.approx([tr[f"y{j}"] for j in cur.output_numbers], rel=1e-12)
        assert losses[k] == pytest.approx(tr.loss, rel=1e-12)
        cur = cur.apply(tr)
    for a, b in zip(after.weights, cur.weights):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_loss_after_is_a_new_forward_pass():
    net = Network.build("2,2,1", weights=EXAMPLE_W)
    tr = net.step([0.35, 0.9], [0.5], 1)
    assert tr.loss_after == pytest.approx(net.apply(tr).loss([0.35, 0.9], [0.5]), rel=1e-14)
    assert tr.loss_after < tr.loss


def test_sigmoid_is_stable_for_huge_inputs():
    import warnings

    net = Network.build("1,1", "sigmoid", weights={"w12": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in (1e4, -1e4, 800.0, -800.0):
            _, ys = net.forward([x])
            assert np.isfinite(ys[-1]).all()


def test_missing_weights_are_drawn_reproducibly_and_given_ones_kept():
    a = Network.build("2,2,1", weights={"w13": 0.1}, seed=5)
    b = Network.build("2,2,1", weights={"w13": 0.1}, seed=5)
    c = Network.build("2,2,1", weights={"w13": 0.1}, seed=6)
    assert a.weight_dict() == b.weight_dict() and a.weight("w13") == 0.1
    assert a.weight_dict() != c.weight_dict()
    for v in a.weight_dict().values():
        assert v != 0 and -0.9 <= v <= 0.9 and round(v, 1) == v


@pytest.mark.parametrize("kwargs, argument", [
    (dict(layers="2,,1"), "layers"),
    (dict(layers=[2]), "layers"),
    (dict(layers=[2, 0, 1]), "layers"),
    (dict(layers="2,2,1", activation="swish"), "activation"),
    (dict(layers="2,2,1", activation="tanh,relu,linear"), "activation"),
    (dict(layers="2,2,1", weights={"w99": 1.0}), "weights"),
    (dict(layers="2,2,1", weights={"w13": float("nan")}), "weights[w13]"),
    (dict(layers="2,2,1", biases={"b1": 1.0}), "biases"),
    (dict(layers="2,2,1", seed=-1), "seed"),
])
def test_bad_construction_names_the_argument(kwargs, argument):
    with pytest.raises(ValueError) as err:
        Network.build(**kwargs)
    assert str(err.value).startswith(argument + ":")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("x, t, lr, argument", [
    ([0.35], [0.5], 1, "x"),
    ([0.35, float("inf")], [0.5], 1, "x"),
    ([0.35, 0.9], [0.5, 0.1], 1, "target"),
    ([0.35, 0.9], [0.5], -0.1, "lr"),
    ([0.35, 0.9], [0.5], float("nan"), "lr"),
])
def test_bad_step_input_names_the_argument(x, t, lr, argument):
    net = Network.build("2,2,1")
    with pytest.raises(ValueError, match=rf"^{argument}: expected"):
        net.step(x, t, lr)


@pytest.mark.torch
def test_gradients_agree_with_pytorch(torch):
    for layers, act, bias in [((2, 2, 1), "sigmoid", False), ((3, 4, 4, 2), "tanh", True),
                              ((2, 3, 2), "linear", True)]:
        net = Network.build(layers, act, biases=bias or None, seed=11)
        rng = np.random.default_rng(0)
        x = rng.uniform(-1, 1, layers[0])
        t = rng.uniform(0, 1, layers[-1])
        Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
        Bs = [torch.tensor(b, requires_grad=True) for b in net.biases] if bias else None
        f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "linear": lambda z: z}[act]
        a = torch.tensor(x)
        for li, W in enumerate(Ws):
            a = f(a @ W + (Bs[li] if Bs else 0))
        loss = 0.5 * ((torch.tensor(t) - a) ** 2).sum()
        loss.backward()
        tr = net.step(x, t, 0.7)
        assert tr.loss == pytest.approx(loss.item(), rel=1e-13)
        for name in net.weight_index():
            li, i, j = net.resolve_weight(name)
            assert tr["d" + name] == pytest.approx(-0.7 * Ws[li].grad[i, j].item(), rel=1e-10, abs=1e-15)
        if bias:
            for name in net.bias_names():
                li, j = net.resolve_bias(name)
                assert tr["d" + name] == pytest.approx(-0.7 * Bs[li].grad[j].item(), rel=1e-10, abs=1e-15)


def test_weight_name_format():
    assert weight_name(1, 3) == "w13" and weight_name(3, 10) == "w3_10" and weight_name(10, 12) == "w10_12"


def test_train_equals_repeated_steps_with_frozen_biases_and_relu():
    net = Network.build("3,4,2", "relu,sigmoid", biases=True, freeze_biases=True, seed=2)
    x, t = [0.6, -0.2, 0.9], [0.1, 0.8]
    after, outputs, _ = net.train(x, t, 0.5, 4)
    cur = net
    for k in range(4):
        tr = cur.step(x, t, 0.5)
        assert outputs[k] == pytest.approx([tr[f"y{j}"] for j in cur.output_numbers], rel=1e-12)
        cur = cur.apply(tr)
    for a, b in zip(after.weights, cur.weights):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    for a, b in zip(after.biases, net.biases):
        np.testing.assert_array_equal(a, b)  # frozen


def test_the_notes_engine_and_the_layer_protocol_train_alike():
    """The per-neuron engine (kept apart for its trace and speed) against engine.layers' Dense/Act:
    δ_j = −∂E/∂z_j, so Δw_ij = η δ_j O_i is −η times the Dense layer's weight gradient."""
    from nnlab.engine import activations as A
    from nnlab.engine.layers import Act, Dense, Sequential

    net = Network.build("2,3,2", "tanh,sigmoid", biases=True, seed=4)
    x, t, lr = np.array([0.35, -0.9]), np.array([0.5, 0.1]), 0.7
    model = Sequential([Dense(2, 3, weight=net.weights[0].T.copy(), bias=net.biases[0].copy()),
                        Act(A.get("tanh")),
                        Dense(3, 2, weight=net.weights[1].T.copy(), bias=net.biases[1].copy()),
                        Act(A.get("sigmoid"))])
    after, outputs, losses = net.train(x, t, lr, 50)
    for k in range(50):
        y = model.forward(x[None, :])
        assert y[0] == pytest.approx(outputs[k], rel=1e-12)
        model.backward(-(t - y))               # ∂E/∂y for E = ½ Σ (t − y)²
        for p, g in zip(model.params, model.grads):
            p -= lr * g
    for li in range(2):
        np.testing.assert_allclose(model.params[2 * li].T, after.weights[li], rtol=1e-12)
        np.testing.assert_allclose(model.params[2 * li + 1], after.biases[li], rtol=1e-12)


def test_weight_and_bias_names_live_below_the_network():
    import nnlab.engine.network as network
    import nnlab.engine.trace as trace

    assert network.weight_name is trace.weight_name and network.bias_name is trace.bias_name
    assert trace.bias_name(12) == "b12"


def test_activate_and_derivative_against_math():
    from nnlab.engine.network import activate, derivative

    z = np.array([-2.0, 0.0, 0.7])
    for name, f, fp in [("sigmoid", sig, lambda v: sig(v) * (1 - sig(v))),
                        ("tanh", math.tanh, lambda v: 1 - math.tanh(v) ** 2),
                        ("relu", lambda v: max(v, 0.0), lambda v: 1.0 if v > 0 else 0.0),
                        ("linear", lambda v: v, lambda v: 1.0)]:
        y = activate(name, z)
        assert y == pytest.approx([f(v) for v in z], rel=1e-14, abs=1e-15), name
        assert derivative(name, z, y) == pytest.approx([fp(v) for v in z], rel=1e-14, abs=1e-15), name
