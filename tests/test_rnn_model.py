"""nnlab.engine.rnn.model: the recurrent model on the shared layer protocol (Recurrent + Dense in a
Sequential), its gradients against PyTorch autograd and finite differences."""
from __future__ import annotations

import numpy as np
import pytest

from nnlab.core.gradcheck import central_difference
from nnlab.engine import rnn as R
from nnlab.engine.layers import Dense, Layer, Sequential
from tests.conftest import torch_or_skip

TORCH_LAYERS = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


def test_the_model_is_a_sequential_of_a_recurrent_layer_and_a_dense_head():
    m = R.SequenceModel("lstm", 3, 5, 2, mode="many_to_many", seed=4)
    assert isinstance(m.net, Sequential)
    rec, head = m.net.layers
    assert isinstance(rec, R.Recurrent) and isinstance(rec, Layer) and isinstance(head, Dense)
    assert [p.shape for p in m.params] == [(20, 3), (20, 5), (20,), (20,), (2, 5), (2,)]
    assert all(a is b for a, b in zip(m.params, m.net.params))
    assert m.net.n_params == R.param_count("lstm", 3, 5) + 2 * 5 + 2


@pytest.mark.parametrize("every_step", [False, True])
@pytest.mark.parametrize("cell", R.CELLS)
def test_recurrent_layer_backward_returns_the_input_gradient(cell, every_step):
    rng = np.random.default_rng(9)
    T, N, I, H = 4, 2, 3, 3
    layer = R.Recurrent(cell, R.init_params(cell, I, H, seed=1, scale=1.4), every_step=every_step)
    xs = rng.standard_normal((T, N, I))
    w = rng.standard_normal((T * N, H) if every_step else (N, H))

    def loss():
        return float(np.sum(layer.forward(xs) * w))

    loss()
    dxs = layer.backward(w)
    np.testing.assert_allclose(dxs, central_difference(loss, xs), atol=1e-7, rtol=1e-5)
    for k, p in enumerate(layer.params):
        layer.forward(xs)
        layer.backward(w)
        g = layer.grads[k]
        np.testing.assert_allclose(g, central_difference(loss, p), atol=1e-7, rtol=1e-5)


@pytest.mark.torch
@pytest.mark.parametrize("mode,loss", [("many_to_one", "cross_entropy"),
                                       ("many_to_many", "cross_entropy"), ("many_to_many", "mse")])
@pytest.mark.parametrize("cell", R.CELLS)
def test_sequence_model_gradients_match_autograd(cell, mode, loss):
    torch = torch_or_skip()
    rng = np.random.default_rng(5)
    T, N, I, H, O = 5, 4, 3, 4, 2
    m = R.SequenceModel(cell, I, H, O, mode=mode, loss=loss, seed=2, gate_bias=0.5)
    rnn = getattr(torch.nn, TORCH_LAYERS[cell])(I, H, dtype=torch.float64)
    lin = torch.nn.Linear(H, O, dtype=torch.float64)
    with torch.no_grad():
        for tp, p in zip([rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0,
                          lin.weight, lin.bias], m.params):
            tp.copy_(torch.tensor(p))
    xs = rng.standard_normal((T, N, I))
    out, _ = rnn(torch.tensor(xs))
    y = lin(out[-1] if mode == "many_to_one" else out)
    if loss == "mse":
        t = rng.standard_normal(tuple(y.shape))
        ref = torch.nn.functional.mse_loss(y, torch.tensor(t))
    else:
        t = rng.integers(0, O, tuple(y.shape[:-1]))
        ref = torch.nn.functional.cross_entropy(y.reshape(-1, O), torch.tensor(t).reshape(-1))
    ref.backward()
    ours, grads = m.loss_and_grads(xs, t)
    assert ours == pytest.approx(float(ref.detach()), rel=1e-12)
    np.testing.assert_allclose(m.forward(xs), y.detach().numpy(), atol=1e-13)
    for g, tp in zip(grads, [rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0,
                             lin.weight, lin.bias]):
        np.testing.assert_allclose(g, tp.grad.numpy(), atol=1e-12)


def test_params_may_be_replaced_or_changed_in_place():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((3, 2, 2))
    m = R.SequenceModel("gru", 2, 3, 2, seed=0)
    before = m.forward(xs).copy()
    m.params[1] = 2.0 * m.params[1]               # as notebook 08 scales W_hh
    assert not np.allclose(m.forward(xs), before)
    m.params[1] /= 2.0
    np.testing.assert_allclose(m.forward(xs), before, atol=1e-15)
    other = [p * 0.5 for p in m.params]
    assert not np.allclose(m.forward(xs, other), before)
    np.testing.assert_allclose(m.forward(xs), before, atol=1e-15)   # its own params again
