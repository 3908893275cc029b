"""nnlab.engine.conv: the course's examples, brute-force references, finite differences, torch."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.core.gradcheck import central_difference
from nnlab.engine import conv as C


# -- independent references: plain loops over every output cell ------------------------------------
def ref_conv(x, w, b, s, p):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    ho, wo = (h + 2 * p - kh) // s + 1, (wd + 2 * p - kw) // s + 1
    out = np.zeros((n, o, ho, wo))
    for a in range(n):
        for q in range(o):
            for i in range(ho):
                for j in range(wo):
                    out[a, q, i, j] = np.sum(xp[a, :, i * s:i * s + kh, j * s:j * s + kw] * w[q]) + b[q]
    return out


def ref_pool(x, k, s, p, mode):
    n, c, h, w = x.shape
    fill = -np.inf if mode == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
    ho, wo = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            win = xp[:, :, i * s:i * s + k, j * s:j * s + k]
            out[:, :, i, j] = win.max(axis=(2, 3)) if mode == "max" else win.mean(axis=(2, 3))
    return out


# -- the course's examples ----------------------------------------------------------------------
NOTES_KERNEL = [[1, -1], [-1, 1]]


def test_notes_2x2_kernel_first_line():
    # notes 000: feature [[1,-1],[-1,1]] on the patch [[1,1],[1,1]]: "(-1+1-1+1)/4 = 0"
    patch = np.ones((2, 2))
    assert C.conv2d(patch, NOTES_KERNEL).shape == (1, 1)          # n = f = 2: (2 - 2)/1 + 1 = 1
    assert C.conv2d(patch, NOTES_KERNEL)[0, 0] == 0.0             # torch: the plain sum
    assert C.conv2d(patch, NOTES_KERNEL, form="notes")[0, 0] == 0.0


def test_notes_2x2_kernel_second_line_is_a_slip_in_the_patch():
    # The notes write the same patch [[1,1],[1,1]] again with "(-1+1-1-1)/4 = -0.5". The arithmetic
    # (-2/4 = -0.5) is right, but that patch gives 0 again: the products -1, +1, -1, -1 (reading
    # order) come from the patch [[-1,-1],[1,-1]].
    assert Fraction(-1 + 1 - 1 - 1, 4) == Fraction(-1, 2)
    assert C.conv2d(np.ones((2, 2)), NOTES_KERNEL, form="notes")[0, 0] != -0.5
    patch = np.array([[-1.0, -1.0], [1.0, -1.0]])
    cell = C.output_cell(patch, NOTES_KERNEL, 0, 0)
    assert cell["product"].ravel().tolist() == [-1, 1, -1, -1]
    assert C.conv2d(patch, NOTES_KERNEL)[0, 0] == -2.0            # what torch and the frameworks give
    assert C.conv2d(patch, NOTES_KERNEL, form="notes")[0, 0] == -0.5  # the notes' average


def test_notes_form_is_the_kernel_divided_by_its_size():
    rng = np.random.default_rng(1)
    img = rng.normal(size=(6, 5))
    ker = rng.normal(size=(2, 3))
    np.testing.assert_allclose(C.conv2d(img, ker, form="notes"), C.conv2d(img, ker / 6), atol=1e-15)


SLIDES_IMAGE = [[100, 0, 0, 0], [500, 10, 100, 0], [0, 100, 250, 0], [0, 0, 0, 250]]


def test_slides_max_pool_example():
    assert C.max_pool2d(SLIDES_IMAGE, 2).tolist() == [[500, 100], [100, 250]]
    assert C.max_pool2d(SLIDES_IMAGE, 2, stride=2).tolist() == [[500, 100], [100, 250]]


def test_slides_avg_pool_counterpart():
    # (100+0+500+10)/4, (0+0+100+0)/4, (0+100+0+0)/4, (250+0+0+250)/4
    assert C.avg_pool2d(SLIDES_IMAGE, 2).tolist() == [[152.5, 25.0], [25.0, 125.0]]


SLIDES_FILTER = [["0.1", "-0.92", "0.5"], ["1.4", "0.39", "-1.1"], ["-0.32", "-1.2", "0.84"]]


def test_slides_3x3_filter():
    f = np.array(SLIDES_FILTER, dtype=float)
    exact = [[Fraction(v) for v in row] for row in SLIDES_FILTER]
    # on an image of ones every cell is the sum of the filter: -31/100
    assert sum(sum(r) for r in exact) == Fraction(-31, 100)
    np.testing.assert_allclose(C.conv2d(np.ones((5, 5)), f), np.full((3, 3), -0.31), atol=1e-12)
    # on the 3×3 image 1..9 (one cell): Σ k_ij · (3i + j + 1)
    img = np.arange(1, 10, dtype=float).reshape(3, 3)
    want = sum(exact[i][j] * (3 * i + j + 1) for i in range(3) for j in range(3))
    assert C.conv2d(img, f)[0, 0] == pytest.approx(float(want), abs=1e-12)


def test_classic_edge_filter_finds_a_vertical_edge():
    img = np.zeros((6, 6))
    img[:, 3:] = 1.0
    vertical = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=float)
    out = C.conv2d(img, vertical)
    assert out.tolist() == [[0, -3, -3, 0]] * 4


# -- sizes and padding names -----------------------------------------------------------------------
@settings(deadline=None)
@given(n=st.integers(1, 40), f=st.integers(1, 9), s=st.integers(1, 5), p=st.integers(0, 4))
def test_output_size_formula(n, f, s, p):
    if f > n + 2 * p:
        with pytest.raises(ValueError, match="f"):
            C.output_size(n, f, s, p)
    else:
        assert C.output_size(n, f, s, p) == len(range(0, n + 2 * p - f + 1, s))


@pytest.mark.parametrize("mode,size", [("valid", 6), ("same", 8), ("full", 10)])
def test_padding_names(mode, size):
    x = np.random.default_rng(0).normal(size=(8, 8))
    assert C.conv2d(x, np.ones((3, 3)), padding=mode).shape == (size, size)


def test_full_padding_counts_every_partial_overlap():
    x = np.arange(6.0).reshape(2, 3)
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = C.conv2d(x, w, padding="full")
    ref = ref_conv(x[None, None], w[None, None], np.zeros(1), 1, 1)[0, 0]
    np.testing.assert_allclose(out, ref)
    assert out[0, 0] == 4 * x[0, 0]         # only the kernel's bottom-right entry overlaps


def test_even_same_padding_pads_more_at_the_bottom_right_like_torch():
    x = np.arange(16.0).reshape(4, 4)
    out = C.conv2d(x, np.ones((2, 2)), padding="same")
    assert out.shape == (4, 4)
    assert out[0, 0] == x[:2, :2].sum() and out[3, 3] == x[3, 3]


# -- brute force with hypothesis shapes ---------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 3), o=st.integers(1, 3), h=st.integers(3, 9),
       w=st.integers(3, 9), k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 2),
       seed=st.integers(0, 2**16))
def test_conv2d_matches_loops(n, c, o, h, w, k, s, p, seed):
    rng = np.random.default_rng(seed)
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(o, c, k, k)), rng.normal(size=o)
    out = C.conv2d(x, wt, b, s, p)
    assert out.shape == (n, o, C.output_size(h, k, s, p), C.output_size(w, k, s, p))
    np.testing.assert_allclose(out, ref_conv(x, wt, b, s, p), atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(h=st.integers(2, 9), w=st.integers(2, 9), k=st.integers(1, 3), s=st.integers(1, 3),
       p=st.integers(0, 1), seed=st.integers(0, 2**16))
def test_pooling_matches_loops(h, w, k, s, p, seed):
    p = min(p, k // 2)
    x = np.random.default_rng(seed).normal(size=(2, 2, h, w))
    if k > min(h, w) + 2 * p:
        return
    np.testing.assert_allclose(C.max_pool2d(x, k, s, p), ref_pool(x, k, s, p, "max"))
    np.testing.assert_allclose(C.avg_pool2d(x, k, s, p), ref_pool(x, k, s, p, "avg"), atol=1e-12)


def test_unbatched_3d_input():
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(2, 5, 5)), rng.normal(size=(3, 2, 3, 3))
    np.testing.assert_allclose(C.conv2d(x, w), C.conv2d(x[None], w)[0])
    assert C.max_pool2d(x, 2).shape == (2, 2, 2)


# -- gradients by finite differences -------------------------------------------------------------------
@pytest.mark.parametrize("s,p", [(1, 0), (1, 1), (2, 1), (2, 0)])
def test_conv2d_backward_finite_differences(s, p):
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(2, 2, 6, 5)), rng.normal(size=(3, 2, 3, 2)), rng.normal(size=3)
    g = rng.normal(size=C.conv2d(x, w, b, s, p).shape)
    def loss():
        return float(np.sum(C.conv2d(x, w, b, s, p) * g))
    dx, dw, db = C.conv2d_backward(x, w, g, b, s, p)
    np.testing.assert_allclose(dx, central_difference(loss, x), atol=1e-7)
    np.testing.assert_allclose(dw, central_difference(loss, w), atol=1e-7)
    np.testing.assert_allclose(db, central_difference(loss, b), atol=1e-7)


def test_conv2d_backward_2d_and_notes_form():
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(5, 5)), rng.normal(size=(2, 2))
    g = rng.normal(size=(4, 4))
    def loss():
        return float(np.sum(C.conv2d(x, w, form="notes") * g))
    dx, dw, db = C.conv2d_backward(x, w, g, form="notes")
    assert db is None and dx.shape == (5, 5) and dw.shape == (2, 2)
    np.testing.assert_allclose(dx, central_difference(loss, x), atol=1e-7)
    np.testing.assert_allclose(dw, central_difference(loss, w), atol=1e-7)


@pytest.mark.parametrize("k,s,p", [(2, None, 0), (3, 2, 1), (2, 1, 0), (3, 3, 0)])
def test_pool_backward_finite_differences(k, s, p):
    rng = np.random.default_rng(5)
    x = rng.permutation(2 * 2 * 7 * 6).reshape(2, 2, 7, 6) / 10.0  # distinct values: no ties
    for fwd, bwd in ((C.max_pool2d, C.max_pool2d_backward), (C.avg_pool2d, C.avg_pool2d_backward)):
        g = rng.normal(size=fwd(x, k, s, p).shape)
        num = central_difference(lambda: float(np.sum(fwd(x, k, s, p) * g)), x, h=1e-4)
        np.testing.assert_allclose(bwd(x, g, k, s, p), num, atol=1e-7)


def test_max_pool_backward_routes_to_the_maximum():
    g = C.max_pool2d_backward(SLIDES_IMAGE, np.ones((2, 2)), 2)
    want = np.zeros((4, 4))
    want[1, 0] = want[1, 2] = want[2, 1] = 1     # 500, 100, 100
    want[2, 2] = 1                               # 250: the first of the two maxima of its window
    np.testing.assert_array_equal(g, want)


# -- PyTorch as an oracle (float64) --------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("s,p", [(1, 0), (1, 1), (2, 1), (1, "same"), (1, "valid"), ((2, 1), (0, 1))])
def test_conv2d_against_torch(torch, s, p):
    F = torch.nn.functional
    rng = np.random.default_rng(6)
    x, w, b = rng.normal(size=(3, 2, 7, 8)), rng.normal(size=(4, 2, 3, 3)), rng.normal(size=4)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = F.conv2d(xt, wt, bt, stride=s, padding=p)
    g = rng.normal(size=tuple(out.shape))
    out.backward(torch.tensor(g))
    np.testing.assert_allclose(C.conv2d(x, w, b, s, p), out.detach().numpy(), atol=1e-12)
    dx, dw, db = C.conv2d_backward(x, w, g, b, s, p)
    np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(dw, wt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(db, bt.grad.numpy(), atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("k,s,p", [(2, None, 0), (3, 2, 1), (2, 1, 1), (3, 1, 0), ((2, 3), (1, 2), (1, 1))])
def test_pooling_against_torch(torch, k, s, p):
    F = torch.nn.functional
    x = np.random.default_rng(7).normal(size=(2, 3, 8, 7))
    for ours, back, theirs in ((C.max_pool2d, C.max_pool2d_backward, F.max_pool2d),
                               (C.avg_pool2d, C.avg_pool2d_backward, F.avg_pool2d)):
        xt = torch.tensor(x, requires_grad=True)
        out = theirs(xt, k, s, p)
        g = np.random.default_rng(8).normal(size=tuple(out.shape))
        out.backward(torch.tensor(g))
        np.testing.assert_allclose(ours(x, k, s, p), out.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(back(x, g, k, s, p), xt.grad.numpy(), atol=1e-12)


# -- one output cell -------------------------------------------------------------------------------
def test_output_cell_with_stride_and_padding():
    img = np.arange(25.0).reshape(5, 5)
    ker = np.arange(9.0).reshape(3, 3) - 4
    full = C.conv2d(img, ker, stride=2, padding=1)
    for r in range(full.shape[0]):
        for c in range(full.shape[1]):
            cell = C.output_cell(img, ker, r, c, stride=2, padding=1)
            assert cell["value"] == pytest.approx(full[r, c])
            np.testing.assert_array_equal(cell["product"], cell["patch"] * ker)
    assert C.output_cell(img, ker, 0, 0, 2, 1)["patch"][0].tolist() == [0, 0, 0]   # padding row


@settings(max_examples=40, deadline=None)
@given(h=st.integers(2, 7), w=st.integers(2, 7), k=st.integers(1, 3), s=st.integers(1, 3),
       p=st.integers(0, 1), r=st.integers(0, 6), c=st.integers(0, 6), seed=st.integers(0, 2**16))
def test_output_cell_steps_for_changed_inputs(h, w, k, s, p, r, c, seed):
    rng = np.random.default_rng(seed)
    img, ker = rng.normal(size=(h, w)), rng.normal(size=(k, k))
    if k > min(h, w) + 2 * p:
        return
    full = C.conv2d(img, ker, stride=s, padding=p)
    r, c = min(r, full.shape[0] - 1), min(c, full.shape[1] - 1)
    cell = C.output_cell(img, ker, r, c, s, p)
    padded = np.pad(img, p)
    np.testing.assert_array_equal(cell["patch"], padded[r * s:r * s + k, c * s:c * s + k])
    np.testing.assert_array_equal(cell["kernel"], ker)
    np.testing.assert_array_equal(cell["product"], cell["patch"] * ker)
    assert cell["value"] == pytest.approx(full[r, c], abs=1e-12)
    assert cell["top_left"] == (r * s - p, c * s - p) and cell["cell"] == (r, c)
    assert cell["output"] == full.shape


# -- sizes, explained ----------------------------------------------------------------------------
@settings(deadline=None)
@given(n=st.integers(1, 30), f=st.integers(1, 7), s=st.integers(1, 5), p=st.integers(0, 3))
def test_size_steps(n, f, s, p):
    if f > n + 2 * p:
        return
    starts = range(0, n + 2 * p - f + 1, s)        # every window's first padded cell, counted
    st_ = C.size_steps(n, f, s, p)
    assert st_.size == len(starts) == C.output_size(n, f, s, p)
    assert st_.padded == n + 2 * p and st_.span == n + 2 * p - f
    assert st_.left_over == n + 2 * p - (starts[-1] + f)     # padded cells after the last window
    assert st_.formula() == f"⌊({n} + 2·{p} − {f})/{s}⌋ + 1 = {len(starts)}"


# -- one pooling cell ------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(h=st.integers(2, 7), w=st.integers(2, 7), k=st.integers(1, 3), s=st.integers(1, 3),
       p=st.integers(0, 1), r=st.integers(0, 7), c=st.integers(0, 7), seed=st.integers(0, 2**16))
def test_pool_cell_steps_for_changed_inputs(h, w, k, s, p, r, c, seed):
    p = min(p, k // 2)
    img = np.random.default_rng(seed).integers(0, 4, size=(h, w)).astype(float)   # ties on purpose
    if k > min(h, w) + 2 * p:
        return
    for mode, fwd, fill in (("max", C.max_pool2d, -np.inf), ("avg", C.avg_pool2d, 0.0)):
        full = fwd(img, k, s, p)
        rr, cc = min(r, full.shape[0] - 1), min(c, full.shape[1] - 1)
        cell = C.pool_cell(img, k, rr, cc, s, p, mode)
        padded = np.pad(img, p, constant_values=fill)
        np.testing.assert_array_equal(cell["window"], padded[rr * s:rr * s + k, cc * s:cc * s + k])
        assert cell["value"] == pytest.approx(full[rr, cc], abs=1e-12)
        assert cell["top_left"] == (rr * s - p, cc * s - p) and cell["output"] == full.shape
        assert list(cell["rows"]) == list(range(rr * s - p, rr * s - p + k))
        assert list(cell["cols"]) == list(range(cc * s - p, cc * s - p + k))
        if mode == "max":
            # the winner is where the backward pass sends this cell's gradient
            g = np.zeros(full.shape)
            g[rr, cc] = 1.0
            d = C.max_pool2d_backward(img, g, k, s, p)
            assert np.argwhere(d == 1.0).tolist() == [list(cell["winner"])]
        else:
            assert cell["winner"] is None


def test_pool_cell_slides_example():
    cell = C.pool_cell(SLIDES_IMAGE, 2, 1, 1)
    assert cell["window"].tolist() == [[250, 0], [0, 250]] and cell["value"] == 250
    assert cell["winner"] == (2, 2)            # the first of the two maxima, as in torch


# -- fast paths equal the general route ---------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(k=st.integers(1, 3), th=st.integers(1, 4), tw=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_tile_fast_path_equals_the_windows_route(k, th, tw, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, size=(2, 2, k * th, k * tw)).astype(float)        # many ties
    g = rng.normal(size=(2, 2, th, tw))
    np.testing.assert_array_equal(C.max_pool2d(x, k), C.max_pool2d_windows(x, k))
    np.testing.assert_array_equal(C.max_pool2d_backward(x, g, k), C.max_pool2d_backward_windows(x, g, k))


def test_conv_layer_is_conv2d():
    rng = np.random.default_rng(9)
    layer = C.Conv2d(2, 3, 3, padding=1, rng=rng)
    x = rng.normal(size=(2, 2, 5, 4))
    np.testing.assert_array_equal(layer.forward(x), C.conv2d(x, *layer.params, 1, 1))
    g = rng.normal(size=(2, 3, 5, 4))
    dx = layer.backward(g)
    want = C.conv2d_backward(x, layer.params[0], g, layer.params[1], 1, 1)
    for a, b in zip((dx, *layer.grads), want):
        np.testing.assert_array_equal(a, b)
    pool = C.MaxPool2d(2)
    np.testing.assert_array_equal(pool.forward(x[:, :, :4]), C.max_pool2d(x[:, :, :4], 2))


# -- bad input: one ValueError naming the argument --------------------------------------------------
@pytest.mark.parametrize("call,name", [
    (lambda: C.conv2d(np.ones((3, 3)), np.ones((4, 4))), "weight"),
    (lambda: C.conv2d(np.ones((3, 3)), np.ones((2, 2)), stride=0), "stride"),
    (lambda: C.conv2d(np.ones((3, 3)), np.ones((2, 2)), padding=-1), "padding"),
    (lambda: C.conv2d(np.ones((3, 3)), np.ones((2, 2)), padding="half"), "padding"),
    (lambda: C.conv2d(np.ones((6, 6)), np.ones((3, 3)), stride=2, padding="same"), "padding"),
    (lambda: C.conv2d(np.ones((1, 2, 5, 5)), np.ones((3, 1, 2, 2))), "weight"),
    (lambda: C.conv2d(np.ones((1, 1, 5, 5)), np.ones((3, 1, 2, 2)), bias=np.ones(2)), "bias"),
    (lambda: C.conv2d([[1.0, np.nan], [0.0, 1.0]], np.ones((1, 1))), "x"),
    (lambda: C.conv2d(np.ones((3, 3)), [[np.inf]]), "weight"),
    (lambda: C.conv2d(np.ones(5), np.ones((1, 1))), "x"),
    (lambda: C.conv2d(np.ones((3, 3)), np.ones((1, 1, 2, 2))), "weight"),
    (lambda: C.conv2d_backward(np.ones((3, 3)), np.ones((2, 2)), np.ones((3, 3))), "grad_output"),
    (lambda: C.max_pool2d(np.ones((3, 3)), 4), "kernel_size"),
    (lambda: C.max_pool2d(np.ones((4, 4)), 2, padding=2), "padding"),
    (lambda: C.avg_pool2d(np.ones((4, 4)), 0), "kernel_size"),
    (lambda: C.max_pool2d_backward(np.ones((4, 4)), np.ones((3, 3)), 2), "grad_output"),
    (lambda: C.output_cell(np.ones((4, 4)), np.ones((2, 2)), 3, 0), "row"),
    (lambda: C.output_size(3, 2, stride=1.5), "stride"),
    (lambda: C.pool_cell(np.ones((4, 4)), 2, 0, 0, mode="min"), "mode"),
    (lambda: C.pool_cell(np.ones((4, 4)), 2, 0, 2), "col"),
    (lambda: C.size_steps(3, 6), "f"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name}: expected"):
        call()
