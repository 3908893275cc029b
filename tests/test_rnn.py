"""nnlab.engine.rnn: cells against PyTorch (float64), BPTT against autograd and finite differences,
parameter counts, gradient clipping, the symbolic forms, the tasks and the bad-input errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.core.gradcheck import central_difference
from nnlab.engine import rnn as R
from nnlab.engine.rnn import symbolic as S
from tests.conftest import torch_or_skip

TORCH_CELLS = {"rnn": "RNNCell", "gru": "GRUCell", "lstm": "LSTMCell"}


def torch_cell(torch, cell, p, nonlinearity="tanh"):
    I, H = p["W_ih"].shape[1], p["W_hh"].shape[1]
    kw = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
    m = getattr(torch.nn, TORCH_CELLS[cell])(I, H, dtype=torch.float64, **kw)
    with torch.no_grad():
        m.weight_ih.copy_(torch.tensor(p["W_ih"]))
        m.weight_hh.copy_(torch.tensor(p["W_hh"]))
        m.bias_ih.copy_(torch.tensor(p["b_ih"]))
        m.bias_hh.copy_(torch.tensor(p["b_hh"]))
    return m


def step(cell, x, h, c, p, nonlinearity="tanh"):
    if cell == "rnn":
        return R.rnn_cell(x, h, **p, nonlinearity=nonlinearity)
    if cell == "gru":
        return R.gru_cell(x, h, **p)
    return R.lstm_cell(x, (h, c), **p)


# -- single steps against PyTorch ---------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("cell,nonlinearity", [("rnn", "tanh"), ("rnn", "relu"), ("gru", "tanh"),
                                               ("lstm", "tanh")])
@pytest.mark.parametrize("batched", [True, False])
def test_cell_step_matches_torch(cell, nonlinearity, batched):
    torch = torch_or_skip()
    rng = np.random.default_rng(1)
    I, H, N = 3, 5, 4
    p = R.init_params(cell, I, H, seed=2)
    p["W_hh"] *= 2.0  # leave the near-linear region
    m = torch_cell(torch, cell, p, nonlinearity)
    shape = (N,) if batched else ()
    x = rng.standard_normal(shape + (I,))
    h = rng.standard_normal(shape + (H,))
    c = rng.standard_normal(shape + (H,))
    out, gates = step(cell, x, h, c, p, nonlinearity)
    with torch.no_grad():
        if cell == "lstm":
            th, tc = m(torch.tensor(x), (torch.tensor(h), torch.tensor(c)))
            np.testing.assert_allclose(out[0], th.numpy(), atol=1e-13)
            np.testing.assert_allclose(out[1], tc.numpy(), atol=1e-13)
        else:
            np.testing.assert_allclose(out, m(torch.tensor(x), torch.tensor(h)).numpy(), atol=1e-13)
    assert set(gates) == set(R.GATES[cell])
    for v in gates.values():
        assert v.shape == shape + (H,)


@pytest.mark.torch
def test_gates_match_torch_gate_slices():
    """The gate values returned equal PyTorch's gates, computed from its weight slices."""
    torch = torch_or_skip()
    rng = np.random.default_rng(3)
    p = R.init_params("lstm", 2, 3, seed=4)
    x, h, c = rng.standard_normal(2), rng.standard_normal(3), rng.standard_normal(3)
    _, gates = R.lstm_cell(x, (h, c), **p)
    a = (torch.tensor(p["W_ih"]) @ torch.tensor(x) + torch.tensor(p["b_ih"])
         + torch.tensor(p["W_hh"]) @ torch.tensor(h) + torch.tensor(p["b_hh"]))
    i, f, g, o = a.chunk(4)
    for name, ref in zip("ifgo", (i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid())):
        np.testing.assert_allclose(gates[name], ref.numpy(), atol=1e-14)
    p = R.init_params("gru", 2, 3, seed=5)
    _, gates = R.gru_cell(x, h, **p)
    gi = torch.tensor(p["W_ih"]) @ torch.tensor(x) + torch.tensor(p["b_ih"])
    gh = torch.tensor(p["W_hh"]) @ torch.tensor(h) + torch.tensor(p["b_hh"])
    r = (gi[:3] + gh[:3]).sigmoid()
    z = (gi[3:6] + gh[3:6]).sigmoid()
    n = (gi[6:] + r * gh[6:]).tanh()
    for name, ref in zip("rzn", (r, z, n)):
        np.testing.assert_allclose(gates[name], ref.numpy(), atol=1e-14)


# -- sequences and BPTT against autograd -----------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("cell", R.CELLS)
@pytest.mark.parametrize("batched", [True, False])
def test_sequence_and_bptt_match_autograd(cell, batched):
    torch = torch_or_skip()
    rng = np.random.default_rng(7)
    T, N, I, H = 6, 3, 4, 5
    p = R.init_params(cell, I, H, seed=8, scale=1.5)
    m = torch_cell(torch, cell, p)
    lead = (T, N) if batched else (T,)
    xs = rng.standard_normal(lead + (I,))
    h0 = rng.standard_normal(lead[1:] + (H,))
    c0 = rng.standard_normal(lead[1:] + (H,))
    dhs = rng.standard_normal(lead + (H,))
    dc_last = rng.standard_normal(lead[1:] + (H,)) if cell == "lstm" else None
    run = R.run_sequence(cell, xs, p, h0=h0, c0=c0 if cell == "lstm" else None)
    g = R.bptt(run, dhs=dhs, dc_last=dc_last)

    # torch runs batched (N = 1 for the unbatched case): the c of an unbatched LSTMCell is a
    # squeezed view whose .grad misses the path through h_t (autograd's views)
    b = (lambda a: a) if batched else (lambda a: a[..., None, :])
    u = (lambda a: a) if batched else (lambda a: a[..., 0, :])
    X = torch.tensor(b(xs), requires_grad=True)
    h = torch.tensor(b(h0), requires_grad=True)
    c = torch.tensor(b(c0), requires_grad=True)
    hs, cs = [h], [c]
    hh, cc = h, c
    for t in range(T):
        if cell == "lstm":
            hh, cc = m(X[t], (hh, cc))
            cc.retain_grad()
            cs.append(cc)
        else:
            hh = m(X[t], hh)
        hh.retain_grad()
        hs.append(hh)
    loss = sum((hs[t + 1] * torch.tensor(b(dhs[t]))).sum() for t in range(T))
    if cell == "lstm":
        loss = loss + (cs[-1] * torch.tensor(b(dc_last))).sum()
    loss.backward()
    np.testing.assert_allclose(run.outputs(), u(torch.stack(hs[1:]).detach().numpy()), atol=1e-13)
    np.testing.assert_allclose(g.W_ih, m.weight_ih.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(g.W_hh, m.weight_hh.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(g.b_ih, m.bias_ih.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(g.b_hh, m.bias_hh.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(g.xs, u(X.grad.numpy()), atol=1e-12)
    for t in range(T + 1):
        np.testing.assert_allclose(g.hs[t], u(hs[t].grad.numpy()), atol=1e-12)
        if cell == "lstm":
            np.testing.assert_allclose(g.cs[t], u(cs[t].grad.numpy()), atol=1e-12)


@pytest.mark.torch
def test_clip_grad_norm_matches_torch():
    torch = torch_or_skip()
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)) * 10, rng.standard_normal(5)]
    for max_norm, norm_type in [(1.0, 2.0), (100.0, 2.0), (0.5, 1.0), (2.0, math.inf)]:
        ps = [torch.zeros(g.shape, requires_grad=True) for g in grads]
        for p_, g in zip(ps, grads):
            p_.grad = torch.tensor(g)
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        clipped, ours = R.clip_grad_norm(grads, max_norm, norm_type)
        assert ours == pytest.approx(float(total), rel=1e-12)
        for c, p_ in zip(clipped, ps):
            np.testing.assert_allclose(c, p_.grad.numpy(), rtol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("cell", R.CELLS)
@pytest.mark.parametrize("I,H", [(10, 64), (3, 1), (300, 128)])
def test_param_count_matches_torch(cell, I, H):
    torch = torch_or_skip()
    m = getattr(torch.nn, TORCH_CELLS[cell])(I, H)
    assert R.param_count(cell, I, H) == sum(p.numel() for p in m.parameters())
    m = getattr(torch.nn, TORCH_CELLS[cell])(I, H, bias=False)
    assert R.param_count(cell, I, H, bias=False) == sum(p.numel() for p in m.parameters())
    lstm = getattr(torch.nn, cell.upper())(I, H)  # the layer has the same parameters as the cell
    assert R.param_count(cell, I, H) == sum(p.numel() for p in lstm.parameters())


@pytest.mark.torch
def test_sequence_model_loss_matches_torch_losses():
    torch = torch_or_skip()
    rng = np.random.default_rng(3)
    xs = rng.standard_normal((5, 4, 3))
    for mode, loss in [("many_to_one", "cross_entropy"), ("many_to_many", "cross_entropy"),
                       ("many_to_many", "mse")]:
        m = R.SequenceModel("gru", 3, 4, 2, mode=mode, loss=loss, seed=1)
        y = torch.tensor(m.forward(xs))
        if loss == "mse":
            t = rng.standard_normal(y.shape)
            ref = torch.nn.functional.mse_loss(y, torch.tensor(t))
        else:
            t = rng.integers(0, 2, y.shape[:-1])
            ref = torch.nn.functional.cross_entropy(y.reshape(-1, 2), torch.tensor(t).reshape(-1))
        assert m.loss_and_grads(xs, t)[0] == pytest.approx(float(ref), rel=1e-12)


# -- finite differences (always) --------------------------------------------------------------
@pytest.mark.parametrize("cell,nonlinearity", [("rnn", "tanh"), ("rnn", "sigmoid"), ("rnn", "relu"),
                                               ("gru", "tanh"), ("lstm", "tanh")])
def test_bptt_matches_finite_differences(cell, nonlinearity):
    rng = np.random.default_rng(11)
    T, N, I, H = 4, 2, 3, 3
    p = R.init_params(cell, I, H, seed=12, scale=1.3)
    xs = rng.standard_normal((T, N, I))
    h0 = rng.standard_normal((N, H)) * 0.5
    c0 = rng.standard_normal((N, H)) * 0.5 if cell == "lstm" else None
    w = rng.standard_normal((T, N, H))

    def loss():
        run = R.run_sequence(cell, xs, p, h0=h0, c0=c0, nonlinearity=nonlinearity)
        out = float(np.sum(run.outputs() * w))
        if cell == "lstm":
            out += float(np.sum(run.cs[-1] ** 2))
        return out

    run = R.run_sequence(cell, xs, p, h0=h0, c0=c0, nonlinearity=nonlinearity)
    g = R.bptt(run, dhs=w, dc_last=2 * run.cs[-1] if cell == "lstm" else None)
    for name in R.PARAM_NAMES:
        np.testing.assert_allclose(getattr(g, name), central_difference(loss, p[name]), atol=1e-6, rtol=1e-5)
    np.testing.assert_allclose(g.xs, central_difference(loss, xs), atol=1e-6, rtol=1e-5)
    np.testing.assert_allclose(g.hs[0], central_difference(loss, h0), atol=1e-6, rtol=1e-5)
    if cell == "lstm":
        np.testing.assert_allclose(g.cs[0], central_difference(loss, c0), atol=1e-6, rtol=1e-5)


def test_bptt_hidden_state_gradient_by_finite_differences_at_a_middle_step():
    """∂L/∂h_t at t = 2: perturb h_2 and rerun the rest of the sequence from it."""
    rng = np.random.default_rng(5)
    p = R.init_params("gru", 2, 3, seed=6)
    xs = rng.standard_normal((5, 2))
    v = rng.standard_normal(3)
    run = R.run_sequence("gru", xs, p)
    g = R.bptt(run, dh_last=v)
    h2 = run.hs[2, 0].copy()

    def loss():
        return float(R.run_sequence("gru", xs[2:], p, h0=h2).outputs()[-1] @ v)

    np.testing.assert_allclose(g.hs[2], central_difference(loss, h2), atol=1e-7)


@pytest.mark.parametrize("mode,loss", [("many_to_one", "cross_entropy"),
                                       ("many_to_many", "cross_entropy"), ("many_to_many", "mse")])
@pytest.mark.parametrize("cell", R.CELLS)
def test_sequence_model_gradients_by_finite_differences(cell, mode, loss):
    rng = np.random.default_rng(2)
    m = R.SequenceModel(cell, 3, 3, 2, mode=mode, loss=loss, seed=3, gate_bias=1.0)
    xs = rng.standard_normal((4, 3, 3))
    shape = (3,) if mode == "many_to_one" else (4, 3)
    t = rng.integers(0, 2, shape) if loss == "cross_entropy" else rng.standard_normal(shape + (2,))
    _, grads = m.loss_and_grads(xs, t)
    for k, param in enumerate(m.params):
        num = central_difference(lambda: m.loss_and_grads(xs, t)[0], param)
        np.testing.assert_allclose(grads[k], num, atol=1e-7, rtol=1e-5)


# -- properties -------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.1, 3.0))
def test_gru_new_state_lies_between_candidate_and_old_state(seed, scale):
    rng = np.random.default_rng(seed)
    p = R.init_params("gru", 2, 3, seed=seed % 97, scale=scale)
    x, h = rng.standard_normal((4, 2)) * 2, rng.uniform(-1, 1, (4, 3))
    h_new, g = R.gru_cell(x, h, **p)
    lo, hi = np.minimum(g["n"], h), np.maximum(g["n"], h)
    assert np.all(h_new >= lo - 1e-12) and np.all(h_new <= hi + 1e-12)
    assert np.all((g["z"] > 0) & (g["z"] < 1) & (g["r"] > 0) & (g["r"] < 1))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.01, 100.0))
def test_clipped_norm_never_exceeds_max_and_keeps_direction(seed, max_norm):
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal((2, 3)) * rng.uniform(0.01, 100), rng.standard_normal(4)]
    clipped, total = R.clip_grad_norm(grads, max_norm)
    flat = np.concatenate([g.ravel() for g in grads])
    assert total == pytest.approx(float(np.linalg.norm(flat)))
    new = np.concatenate([c.ravel() for c in clipped])
    assert np.linalg.norm(new) <= max_norm * (1 + 1e-9) or np.allclose(new, flat)
    assert new @ flat == pytest.approx(np.linalg.norm(new) * np.linalg.norm(flat))


def test_lstm_hidden_state_bounded_by_one_and_cell_state_accumulates():
    p = R.init_params("lstm", 1, 2, seed=0)
    run = R.run_sequence("lstm", np.full((50, 1), 3.0), p)
    assert np.all(np.abs(run.hs) < 1)
    # c_t = f c_(t-1) + i g: |c_t| ≤ |c_(t-1)| + 1 (f, i in (0, 1), |g| < 1)
    assert np.all(np.abs(np.diff(np.abs(run.cs[:, 0]), axis=0)) <= 1)


def test_param_counts_from_the_arrays_and_by_hand():
    for cell, G in (("rnn", 1), ("gru", 3), ("lstm", 4)):
        p = R.init_params(cell, 7, 5)
        assert R.param_count(cell, 7, 5) == sum(a.size for a in p.values())
    assert R.param_count("lstm", 10, 64) == 19456      # 4·(640 + 4096 + 128), PyTorch's count
    assert R.param_count("gru", 10, 64) == 14592       # 3·(640 + 4096 + 128)
    assert R.param_count("rnn", 10, 64) == 4864        # 640 + 4096 + 128


def test_gradient_flow_vanishes_for_small_scale_and_gates_keep_it():
    small = R.gradient_flow("rnn", T=30, scale=0.25)
    assert small[-1] == pytest.approx(1.0) and small[0] < 1e-12
    # tanh' ≤ 1 and ‖W_hh‖ = 0.25: each step shrinks the gradient by at least 4
    assert np.all(small[:-1] <= 0.25 * small[1:] * (1 + 1e-9))
    open_lstm = R.gradient_flow("lstm", T=30, scale=0.25, gate_bias=5.0, wrt="c")
    open_gru = R.gradient_flow("gru", T=30, scale=0.25, gate_bias=5.0)
    assert open_lstm[0] > 0.5 and open_gru[0] > 0.5   # σ(5) ≈ 0.993 per step: 0.993^30 ≈ 0.82
    shut = R.gradient_flow("lstm", T=30, scale=0.25, gate_bias=-3.0, wrt="c")
    assert shut[0] < 1e-20


def test_first_symbol_task():
    xs, ys = R.first_symbol_task(n=50, T=7, k=3, noise=0.5, seed=1)
    assert xs.shape == (7, 50, 5) and ys.shape == (50,)
    assert np.array_equal(xs[0, :, :3].argmax(axis=1), ys)
    assert np.all(xs[1:, :, :3] == 0)
    again = R.first_symbol_task(n=50, T=7, k=3, noise=0.5, seed=1)
    assert np.array_equal(again[0], xs)


def test_sequence_model_learns_a_one_step_task():
    """Predict the current symbol (no memory needed): any cell learns it."""
    from nnlab.engine.optim import Adam

    rng = np.random.default_rng(0)
    sym = rng.integers(0, 3, (5, 64))
    xs = np.eye(3)[sym]
    m = R.SequenceModel("rnn", 3, 8, 3, mode="many_to_many", seed=0)
    m.fit(xs, sym, Adam(lr=0.05), steps=100, batch_size=32)
    assert m.accuracy(xs, sym) == 1.0


# -- symbolic forms ---------------------------------------------------------------------------
@pytest.mark.parametrize("cell,nonlinearity", [("rnn", "tanh"), ("rnn", "relu"), ("rnn", "sigmoid"),
                                               ("gru", "tanh"), ("lstm", "tanh")])
def test_symbolic_forms_agree_with_the_cells(cell, nonlinearity):
    rng = np.random.default_rng(4)
    for seed in range(3):
        p = R.init_params(cell, 1, 1, seed=seed, scale=2.0)
        x, h, c = rng.standard_normal(3)
        vals = S.evaluate(cell, S.scalar_values(cell, p, x, h, c), nonlinearity)
        out, gates = step(cell, np.array([x]), np.array([h]), np.array([c]), p, nonlinearity)
        if cell == "lstm":
            assert vals["h"] == pytest.approx(out[0][0], abs=1e-13)
            assert vals["c"] == pytest.approx(out[1][0], abs=1e-13)
        else:
            assert vals["h"] == pytest.approx(out[0], abs=1e-13)
        for g in R.GATES[cell]:
            if g != "a":
                assert vals[g] == pytest.approx(gates[g][0], abs=1e-13)


def test_symbolic_latex_names_pytorch_weights():
    tex = " ".join(S.gate_latex("gru"))
    for name in ("W_{ir}", "W_{hz}", "b_{hn}", r"\sigma", r"\tanh"):
        assert name in tex
    assert len(S.gate_latex("lstm")) == 6


# -- bad input --------------------------------------------------------------------------------
def _lstm_p():
    return R.init_params("lstm", 2, 3)


@pytest.mark.parametrize("call,name", [
    (lambda: R.rnn_cell(np.zeros(3), np.zeros(3), **R.init_params("rnn", 2, 3)), "x"),
    (lambda: R.rnn_cell(np.zeros(2), np.zeros(4), **R.init_params("rnn", 2, 3)), "h"),
    (lambda: R.rnn_cell(np.zeros((5, 2)), np.zeros((4, 3)), **R.init_params("rnn", 2, 3)), "h"),
    (lambda: R.gru_cell(np.zeros(2), np.zeros(3), np.zeros((9, 2)), np.zeros((6, 3))), "W_hh"),
    (lambda: R.gru_cell(np.zeros(2), np.zeros(3), np.zeros((6, 2)), np.zeros((9, 3))), "W_ih"),
    (lambda: R.gru_cell(np.zeros(2), np.zeros(3), np.zeros((9, 2)), np.zeros((9, 3)),
                        np.zeros(8)), "b_ih"),
    (lambda: R.lstm_cell(np.zeros(2), np.zeros(3), **_lstm_p()), "state"),
    (lambda: R.lstm_cell(np.zeros(2), (np.zeros(3), np.zeros(2)), **_lstm_p()), "c"),
    (lambda: R.lstm_cell(np.array([np.nan, 0]), (np.zeros(3), np.zeros(3)), **_lstm_p()), "x"),
    (lambda: R.lstm_cell(np.zeros(2), (np.array([0, np.inf, 0]), np.zeros(3)), **_lstm_p()), "h"),
    (lambda: R.rnn_cell(np.zeros(2), np.zeros(3), **R.init_params("rnn", 2, 3), nonlinearity="gelu"),
     "nonlinearity"),
    (lambda: R.run_sequence("lstm", np.zeros((4, 3)), _lstm_p()), "xs"),
    (lambda: R.run_sequence("lstm", np.zeros((4, 2)), _lstm_p(), h0=np.zeros(2)), "h0"),
    (lambda: R.run_sequence("gru", np.zeros((4, 2)), _lstm_p()), "W_hh"),
    (lambda: R.run_sequence("cnn", np.zeros((4, 2)), _lstm_p()), "cell"),
    (lambda: R.bptt(R.run_sequence("lstm", np.zeros((4, 2)), _lstm_p()), dhs=np.zeros((3, 3))), "dhs"),
    (lambda: R.bptt(R.run_sequence("rnn", np.zeros((4, 2)), R.init_params("rnn", 2, 3)),
                    dc_last=np.zeros(3)), "dc_last"),
    (lambda: R.clip_grad_norm([np.ones(3)], 0.0), "max_norm"),
    (lambda: R.param_count("lstm", 0, 3), "input_size"),
    (lambda: R.gradient_flow("gru", wrt="c"), "wrt"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError) as err:
        call()
    msg = str(err.value)
    assert msg.startswith(f"{name}:") and "\n" not in msg


# -- the step record (what the explanations read) ---------------------------------------------
@pytest.mark.parametrize("cell", R.CELLS)
def test_step_record_agrees_with_the_run_and_with_the_weights(cell):
    rng = np.random.default_rng(21)
    T, N, I, H = 4, 3, 2, 3
    p = R.init_params(cell, I, H, seed=22, scale=1.7)
    run = R.run_sequence(cell, rng.standard_normal((T, N, I)), p, h0=rng.standard_normal((N, H)),
                         c0=rng.standard_normal((N, H)) if cell == "lstm" else None)
    for t in range(1, T + 1):
        for n in range(N):
            st = run.step(t, n)
            np.testing.assert_array_equal(st.x, run.xs[t - 1, n])
            np.testing.assert_array_equal(st.h_prev, run.hs[t - 1, n])
            np.testing.assert_array_equal(st.h, run.hs[t, n])
            for k, v in st.gates.items():
                np.testing.assert_allclose(v, run.gates[t - 1][k][n], rtol=0, atol=1e-15)
            # pre-activations written out here from the weights
            gi = p["W_ih"] @ st.x + p["b_ih"]
            gh = p["W_hh"] @ st.h_prev + p["b_hh"]
            if cell == "rnn":
                np.testing.assert_allclose(st.pre["h"], gi + gh, atol=1e-14)
            elif cell == "gru":
                np.testing.assert_allclose(st.pre["r"], gi[:H] + gh[:H], atol=1e-14)
                np.testing.assert_allclose(st.pre["z"], gi[H:2 * H] + gh[H:2 * H], atol=1e-14)
                np.testing.assert_allclose(st.x_n, gi[2 * H:], atol=1e-14)
                np.testing.assert_allclose(st.hn, gh[2 * H:], atol=1e-14)
                np.testing.assert_allclose(st.pre["n"], gi[2 * H:] + st.gates["r"] * gh[2 * H:],
                                           atol=1e-14)
            else:
                for j, k in enumerate("ifgo"):
                    np.testing.assert_allclose(st.pre[k], (gi + gh)[j * H:(j + 1) * H], atol=1e-14)
                np.testing.assert_array_equal(st.c_prev, run.cs[t - 1, n])
                np.testing.assert_array_equal(st.c, run.cs[t, n])
