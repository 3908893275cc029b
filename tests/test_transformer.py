"""The transformer engine against its independent routes: PyTorch float64 (nn.MultiheadAttention,
nn.TransformerEncoderLayer, F.layer_norm; weights copied, batch_first=True, dropout 0) for the
forward pass and every gradient, and central differences (core/gradcheck.py)."""
from __future__ import annotations

import numpy as np
import pytest

from nnlab.core.gradcheck import central_difference, max_relative_error
from nnlab.engine import transformer as TF
from nnlab.engine.transformer import train as TT
from tests.conftest import torch_or_skip

TOL = 1e-10


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def torch_mha(torch, layer, E, h):
    m = torch.nn.MultiheadAttention(E, h, dropout=0.0, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        m.in_proj_weight.copy_(torch.tensor(layer.params[0]))
        m.in_proj_bias.copy_(torch.tensor(layer.params[1]))
        m.out_proj.weight.copy_(torch.tensor(layer.params[2]))
        m.out_proj.bias.copy_(torch.tensor(layer.params[3]))
    return m


def random_params(layer, seed):
    rng = np.random.default_rng(seed)
    layer.params = [rng.standard_normal(p.shape) * 0.5 for p in layer.params]


# -- multi-head attention -------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("E, h, masks", [(6, 1, "none"), (6, 2, "none"), (8, 4, "causal"),
                                         (6, 3, "bool"), (6, 2, "float"), (6, 2, "padding")])
def test_multi_head_attention_matches_torch_forward_and_gradients(E, h, masks):
    torch = torch_or_skip()
    N, T = 3, 5
    layer = TF.MultiHeadAttention(E, h, rng=np.random.default_rng(1))
    random_params(layer, 2)
    x = rand(N, T, E, seed=3)
    g = rand(N, T, E, seed=4)
    kw, tkw = {}, {}
    if masks == "causal":
        kw = {"is_causal": True}
        tkw = {"attn_mask": torch.nn.Transformer.generate_square_subsequent_mask(T, dtype=torch.float64),
               "is_causal": True}
    elif masks == "bool":
        m = np.random.default_rng(5).random((T, T)) < 0.3
        np.fill_diagonal(m, False)                     # no query loses every key
        kw, tkw = {"attn_mask": m}, {"attn_mask": torch.tensor(m)}
    elif masks == "float":
        m = rand(T, T, seed=6)
        kw, tkw = {"attn_mask": m}, {"attn_mask": torch.tensor(m)}
    elif masks == "padding":
        k = np.zeros((N, T), dtype=bool)
        k[0, -2:] = True
        k[2, 0] = True
        kw, tkw = {"key_padding_mask": k}, {"key_padding_mask": torch.tensor(k)}
    layer.set_mask(**kw)
    y = layer.forward(x)
    gx = layer.backward(g)
    m = torch_mha(torch, layer, E, h)
    xt = torch.tensor(x, requires_grad=True)
    yt, _ = m(xt, xt, xt, need_weights=False, **tkw)
    (yt * torch.tensor(g)).sum().backward()
    assert np.max(np.abs(y - yt.detach().numpy())) < TOL
    assert np.max(np.abs(gx - xt.grad.numpy())) < TOL
    ref = [m.in_proj_weight.grad, m.in_proj_bias.grad, m.out_proj.weight.grad, m.out_proj.bias.grad]
    for ours, theirs in zip(layer.grads, ref):
        assert np.max(np.abs(ours - theirs.numpy())) < TOL


@pytest.mark.torch
def test_attention_weights_match_torchs_per_head_weights():
    torch = torch_or_skip()
    layer = TF.MultiHeadAttention(8, 2, rng=np.random.default_rng(7))
    x = rand(2, 6, 8, seed=8)
    layer.forward(x)
    m = torch_mha(torch, layer, 8, 2)
    xt = torch.tensor(x)
    _, w = m(xt, xt, xt, need_weights=True, average_attn_weights=False)
    assert np.max(np.abs(layer.trace.weights - w.detach().numpy())) < TOL
    assert np.allclose(layer.trace.weights.sum(-1), 1.0)


def test_multi_head_attention_gradients_by_central_differences():
    layer = TF.MultiHeadAttention(6, 2, rng=np.random.default_rng(9))
    random_params(layer, 10)
    layer.set_mask(is_causal=True)
    x = rand(2, 4, 6, seed=11)
    w = rand(2, 4, 6, seed=12)
    f = lambda: float(np.sum(layer.forward(x) * w))  # noqa: E731
    layer.forward(x)
    gx = layer.backward(w)
    grads = [gg.copy() for gg in layer.grads]
    assert np.max(np.abs(gx - central_difference(f, x))) < 1e-7
    for p, gg in zip(layer.params, grads):
        assert np.max(np.abs(gg - central_difference(f, p))) < 1e-7


def test_fully_masked_query_attends_to_nothing():
    layer = TF.MultiHeadAttention(4, 1, rng=np.random.default_rng(0))
    m = np.zeros((3, 3), dtype=bool)
    m[1] = True                                   # query 1 may attend to no key
    layer.set_mask(attn_mask=m)
    y = layer.forward(rand(1, 3, 4))
    assert np.all(layer.trace.weights[0, 0, 1] == 0)
    assert np.allclose(y[0, 1], layer.params[3])  # only b_out is left
    assert np.all(np.isfinite(layer.backward(np.ones_like(y))))


@pytest.mark.parametrize("kwargs, message", [
    ({"attn_mask": np.zeros((2, 2), dtype=bool)}, "attn_mask: expected shape (3, 3)"),
    ({"key_padding_mask": np.zeros((1, 3))}, "key_padding_mask: expected a boolean array"),
])
def test_bad_masks_are_refused_naming_the_argument(kwargs, message):
    layer = TF.MultiHeadAttention(4, 2)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        TF.multi_head_attention(rand(1, 3, 4), layer.params, 2, **kwargs)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="num_heads: expected a divisor of embed_dim = 6"):
        TF.MultiHeadAttention(6, 4)
    with pytest.raises(ValueError, match="x: expected only finite numbers"):
        TF.multi_head_attention([[np.nan, 0.0]], TF.MultiHeadAttention(2, 1).params, 1)
    with pytest.raises(ValueError, match="in_proj_weight: expected an array of shape 12×4"):
        TF.multi_head_attention(rand(3, 4), [np.zeros((3, 4)), np.zeros(12), np.zeros((4, 4)),
                                             np.zeros(4)], 2)


# -- layer norm -----------------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("shape", [(5,), (3, 7), (2, 4, 6)])
def test_layer_norm_matches_torch(shape):
    torch = torch_or_skip()
    x = rand(*shape, seed=13) * 3 + 1
    w, b = rand(shape[-1], seed=14), rand(shape[-1], seed=15)
    g = rand(*shape, seed=16)
    ln = TF.LayerNorm(shape[-1], weight=w, bias=b)
    y = ln.forward(x)
    gx = ln.backward(g)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = torch.nn.functional.layer_norm(xt, (shape[-1],), wt, bt, 1e-5)
    (yt * torch.tensor(g)).sum().backward()
    assert np.max(np.abs(y - yt.detach().numpy())) < TOL
    assert np.max(np.abs(TF.layer_norm(x, w, b).out - y)) == 0
    for ours, theirs in zip([gx, *ln.grads], [xt.grad, wt.grad, bt.grad]):
        assert np.max(np.abs(ours - theirs.numpy())) < TOL


def test_layer_norm_uses_the_biased_variance_and_eps():
    tr = TF.layer_norm([[1.0, 2.0, 3.0, 6.0]], eps=0.5)
    # by hand: mean 3, deviations (−2, −1, 0, 3), biased variance 14/4 = 3.5
    assert tr.mean[0, 0] == 3.0 and tr.var[0, 0] == 3.5
    assert np.allclose(tr.out, np.array([[-2, -1, 0, 3]]) / 2.0)   # √(3.5 + 0.5) = 2
    with pytest.raises(ValueError, match="weight: expected an array of shape 4"):
        TF.layer_norm([[1.0, 2.0, 3.0, 6.0]], weight=[1.0, 1.0])
    with pytest.raises(ValueError, match="eps: expected a number > 0"):
        TF.layer_norm([1.0, 2.0], eps=0)


# -- the encoder block ----------------------------------------------------------------------------
def torch_encoder_layer(torch, block, E, h, F, norm_first):
    layer = torch.nn.TransformerEncoderLayer(E, h, F, dropout=0.0, activation="relu",
                                             batch_first=True, norm_first=norm_first,
                                             dtype=torch.float64)
    sd = layer.state_dict()
    assert list(sd) == list(TF.PARAM_NAMES)        # the same twelve arrays, in the same order
    layer.load_state_dict({k: torch.tensor(v) for k, v in zip(TF.PARAM_NAMES, block.params)})
    return layer


@pytest.mark.torch
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("E, h, F", [(8, 2, 16), (6, 3, 10), (4, 1, 4)])
def test_encoder_block_matches_torch_forward_and_gradients(norm_first, E, h, F):
    torch = torch_or_skip()
    block = TF.EncoderBlock(E, h, F, norm_first=norm_first, rng=np.random.default_rng(17))
    rng = np.random.default_rng(18)
    block.params = [p + 0.3 * rng.standard_normal(p.shape) for p in block.params]  # γ ≠ 1, β ≠ 0
    x = rand(3, 5, E, seed=19)
    g = rand(3, 5, E, seed=20)
    y = block.forward(x)
    gx = block.backward(g)
    layer = torch_encoder_layer(torch, block, E, h, F, norm_first)
    layer.train()                                   # no fast path; dropout is 0 anyway
    xt = torch.tensor(x, requires_grad=True)
    yt = layer(xt)
    (yt * torch.tensor(g)).sum().backward()
    assert np.max(np.abs(y - yt.detach().numpy())) < TOL
    assert np.max(np.abs(gx - xt.grad.numpy())) < TOL
    named = dict(layer.named_parameters())
    for name, ours in zip(TF.PARAM_NAMES, block.grads):
        assert np.max(np.abs(ours - named[name].grad.numpy())) < TOL, name


@pytest.mark.torch
def test_encoder_block_with_causal_mask_matches_torch():
    torch = torch_or_skip()
    block = TF.EncoderBlock(8, 2, 16, rng=np.random.default_rng(21))
    block.attn.set_mask(is_causal=True)
    x = rand(2, 6, 8, seed=22)
    y = block.forward(x)
    layer = torch_encoder_layer(torch, block, 8, 2, 16, False)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(6, dtype=torch.float64)
    yt = layer(torch.tensor(x), src_mask=mask, is_causal=True)
    assert np.max(np.abs(y - yt.detach().numpy())) < TOL


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_block_gradients_by_central_differences(norm_first):
    block = TF.EncoderBlock(6, 2, 8, norm_first=norm_first, rng=np.random.default_rng(23))
    x = rand(2, 4, 6, seed=24)
    w = rand(2, 4, 6, seed=25)
    f = lambda: float(np.sum(block.forward(x) * w))  # noqa: E731
    block.forward(x)
    gx = block.backward(w)
    grads = [g.copy() for g in block.grads]
    assert max_relative_error(gx, central_difference(f, x)) < 1e-6
    for name, p, g in zip(TF.PARAM_NAMES, block.params, grads):
        assert np.max(np.abs(g - central_difference(f, p))) < 1e-7, name


@pytest.mark.torch
def test_param_count_matches_torch():
    torch = torch_or_skip()
    for E, h, F in ((8, 2, 16), (64, 4, 256), (512, 8, 2048)):
        layer = torch.nn.TransformerEncoderLayer(E, h, F, batch_first=True)
        assert TF.param_count(E, h, F) == sum(p.numel() for p in layer.parameters())


def test_model_gradients_by_central_differences():
    model = TF.TransformerModel(5, 4, 2, 6, 3, num_layers=2, read=-1, seed=26)
    xs = np.eye(5)[np.random.default_rng(27).integers(0, 5, (3, 4))]
    ys = np.array([0, 2, 1])
    _, grads = model.loss_and_grads(xs, ys)
    grads = [g.copy() for g in grads]
    for p, g in zip(model.params, grads):
        num = central_difference(lambda: model.loss_and_grads(xs, ys)[0], p)
        assert np.max(np.abs(g - num)) < 1e-8


# -- positional encoding --------------------------------------------------------------------------
def test_sinusoidal_encoding_is_the_papers_formula():
    pe = TF.sinusoidal_encoding(50, 10)
    for pos in (0, 7, 49):
        for i in range(5):
            angle = pos / 10000 ** (2 * i / 10)
            assert pe[pos, 2 * i] == pytest.approx(np.sin(angle), abs=1e-15)
            assert pe[pos, 2 * i + 1] == pytest.approx(np.cos(angle), abs=1e-15)
    odd = TF.sinusoidal_encoding(5, 5)
    assert np.allclose(odd[:, 4], np.sin(np.arange(5) / 10000 ** (4 / 5)))
    # PE[p]·PE[q] depends only on p − q
    g = pe @ pe.T
    assert np.allclose(np.diag(g), 5.0)
    assert np.allclose(g[3, 10], g[20, 27]) and np.allclose(g[10, 3], g[3, 10])


@pytest.mark.torch
def test_sinusoidal_encoding_matches_the_torch_tutorial_construction():
    """The table as the PyTorch tutorials build it (exp of −log(10000)·2i/d), in torch float64."""
    torch = torch_or_skip()
    T, d = 30, 12
    position = torch.arange(T, dtype=torch.float64).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * (-np.log(10000.0) / d))
    ref = torch.zeros(T, d, dtype=torch.float64)
    ref[:, 0::2] = torch.sin(position * div)
    ref[:, 1::2] = torch.cos(position * div)
    assert np.max(np.abs(TF.sinusoidal_encoding(T, d) - ref.numpy())) < 1e-12


def test_permutation_test_shows_equivariance_and_its_end():
    r = TT.permutation_test(T=6, d_model=8, nhead=2, seed=3)
    assert sorted(r["perm"]) == list(range(6)) and r["perm"] != list(range(6))
    assert r["without_pe"] < 1e-12
    assert r["with_pe"] > 1e-3
    a, b = r["without_pe_token0"]
    assert np.allclose(a, b)
    a, b = r["with_pe_token0"]
    assert not np.allclose(a, b)
