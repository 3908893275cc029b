"""nnlab.engine.autoencoder: gradients (finite differences, PyTorch float64), the written-out
backward pass, training, the sweep, the latent map, denoising, bad input."""
import numpy as np
import pytest

from nnlab.core.gradcheck import central_difference, max_relative_error
from nnlab.engine import autoencoder as A


def small_model(seed=3, k=2):
    return A.Autoencoder(bottleneck=k, hidden=5, n_in=6, seed=seed)


def data(seed=4, n=7, width=6):
    return np.random.default_rng(seed).uniform(0, 1, (n, width))


def test_gradients_agree_with_central_differences():
    model, x = small_model(), data()
    target = data(5)
    loss, grads = model.loss_and_grads(x, target)
    assert loss == pytest.approx(np.mean((model.reconstruct(x) - target) ** 2), rel=1e-12)
    for p, g in zip(model.params, grads):
        num = central_difference(lambda: model.loss(x, target), p)
        assert max_relative_error(g, num) < 1e-6


def test_a_wrong_gradient_is_caught():
    """The check can fail: a gradient with one entry off by 1 % does not pass."""
    model, x = small_model(), data()
    _, grads = model.loss_and_grads(x)
    bad = grads[0].copy()
    bad.flat[0] *= 1.01
    num = central_difference(lambda: model.loss(x), model.params[0])
    assert max_relative_error(bad, num) > 1e-3


def test_backprop_written_out_matches_the_layers_and_reads_back():
    model, x = small_model(), data()
    bp = model.backprop(x)
    loss, grads = model.loss_and_grads(x)
    assert bp.loss == pytest.approx(loss, rel=1e-14)
    for a, b in zip(bp.param_grads, grads):
        np.testing.assert_allclose(a, b, rtol=1e-13)
    # the gradient at the output is 2(x̂ − x)/N, N = every pixel of the batch
    np.testing.assert_allclose(bp.grads[-1], 2 * (bp.outputs[-1] - x) / x.size, rtol=1e-13)
    # the table shows each layer's gradient norm, read from the returned intermediates
    for line, g in zip(bp.table().splitlines()[1:], bp.grads):
        assert line.endswith(f"{np.linalg.norm(g):.3e}")
    assert len(bp.names) == len(bp.outputs) == 7 and bp.names[2] == "enc dense"


def test_input_gradient_by_finite_differences():
    model, x = small_model(), data()
    target = data(9)
    bp = model.backprop(x, target)
    num = central_difference(lambda: model.loss(x, target), x)
    np.testing.assert_allclose(bp.input_grad, num, rtol=1e-4, atol=1e-9)   # entries ~1e-5


@pytest.mark.torch
def test_gradients_agree_with_torch(torch):
    model, x = small_model(seed=8, k=3), data(2)
    target = data(3)
    loss, grads = model.loss_and_grads(x, target)
    tensors = [torch.tensor(p, requires_grad=True) for p in model.params]
    h = torch.tensor(x)
    acts = [torch.tanh, None, torch.tanh, torch.sigmoid]
    for (w, b), act in zip(zip(tensors[::2], tensors[1::2]), acts):
        h = torch.nn.functional.linear(h, w, b)
        if act is not None:
            h = act(h)
    t_loss = torch.nn.functional.mse_loss(h, torch.tensor(target))
    t_loss.backward()
    assert abs(loss - t_loss.item()) < 1e-12
    for g, t in zip(grads, tensors):
        assert np.max(np.abs(g - t.grad.numpy())) < 1e-10


def test_training_lowers_the_error_and_is_deterministic():
    x, y = A.digit_vectors()
    assert x.shape == (1797, 64) and 0 <= x.min() and x.max() <= 1
    split = A.digit_split(y)
    runs = []
    for _ in range(2):
        m = A.Autoencoder(bottleneck=2, seed=0)
        before = m.loss(x[split.test])
        m.fit(x[split.train], epochs=5)
        runs.append(m.loss(x[split.test]))
        assert runs[-1] < 0.8 * before
    assert runs[0] == runs[1]
    other = A.Autoencoder(bottleneck=2, seed=1)
    other.fit(x[split.train], epochs=5)
    assert other.loss(x[split.test]) != runs[0]


def test_more_bottleneck_rebuilds_better():
    rows = A.bottleneck_sweep(sizes=(1, 8), epochs=8)
    assert rows[0].test_mse > rows[1].test_mse
    assert rows[0].n_params == A.parameter_count(64, 32, 1)
    assert rows[1].n_params == 64 * 32 + 32 + 32 * 8 + 8 + 8 * 32 + 32 + 32 * 64 + 64


def test_encode_decode_shapes_and_the_latent_point():
    model = A.Autoencoder(bottleneck=2, seed=0)
    x, _ = A.digit_vectors()
    assert model.encode(x[:5]).shape == (5, 2)
    img = model.decode([0.3, -0.2])
    assert img.shape == (8, 8) and np.all((img > 0) & (img < 1))
    np.testing.assert_allclose(model.decode([[0.3, -0.2]])[0], img)
    # decoding the code of an image is the reconstruction of the image
    np.testing.assert_allclose(model.decode(model.encode(x[:3])).reshape(3, 64), model.reconstruct(x[:3]))


def test_denoising_autoencoder_cleans_better_than_a_plain_one():
    d = A.denoising_comparison(noise=0.3, epochs=10, shown=4)
    assert d.denoising_mse < d.plain_mse < d.noisy_mse
    assert d.clean.shape == d.noisy.shape == d.denoised_out.shape == (4, 8, 8)
    x, y = A.digit_vectors()
    test = x[A.digit_split(y).test]
    assert d.noisy_mse == pytest.approx(np.mean((d.noisy.reshape(4, 64) - test[:4]) ** 2), rel=0.5)


def test_corrupt_clips_to_pixels():
    rng = np.random.default_rng(0)
    x = np.full((3, 4), 0.5)
    out = A.corrupt(x, 2.0, rng)
    assert out.min() == 0.0 and out.max() == 1.0
    assert A.corrupt(x, 0, rng) is x


@pytest.mark.parametrize("call, start", [
    (lambda: A.Autoencoder(bottleneck=0), "bottleneck:"),
    (lambda: A.Autoencoder(bottleneck=65), "bottleneck:"),
    (lambda: A.Autoencoder(seed=-1), "seed:"),
    (lambda: A.Autoencoder().decode([1.0, 2.0, 3.0]), "z:"),
    (lambda: A.Autoencoder().encode(np.zeros((2, 5))), "x:"),
    (lambda: A.Autoencoder().decode([np.nan, 0.0]), "z:"),
    (lambda: A.Autoencoder().fit(np.zeros((4, 64)), lr=0), "lr:"),
    (lambda: A.Autoencoder().fit(np.zeros((4, 64)), noise=2), "noise:"),
    (lambda: A.bottleneck_sweep(sizes=()), "sizes:"),
    (lambda: A.parameter_count(64, 0, 2), "hidden:"),
])
def test_bad_input_names_the_argument(call, start):
    with pytest.raises(ValueError, match=f"^{start}"):
        call()
