"""nnlab.engine.gan: both networks' gradients (finite differences, PyTorch float64), the two generator
losses and the saturation, training, mode collapse, determinism, bad input."""
import math

import numpy as np
import pytest

from nnlab.core.gradcheck import central_difference, max_relative_error
from nnlab.engine import gan as G


def small(loss="non-saturating", seed=5):
    return G.GAN(seed=seed, hidden=4, batch_size=6, loss=loss)


def batches(gan, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 2, (6, 2)), rng.normal(0, 1, (6, 2))


def test_discriminator_gradients_agree_with_central_differences():
    gan = small()
    real, z = batches(gan)
    fake = gan.G.forward(z)
    loss, grads = gan.d_loss_and_grads(real, fake)
    p_r, p_f = gan.discriminate(real), gan.discriminate(fake)
    assert loss == pytest.approx(-np.mean(np.log(p_r)) - np.mean(np.log(1 - p_f)), rel=1e-12)
    for p, g in zip(gan.D.params, grads):
        num = central_difference(lambda: gan.d_loss_and_grads(real, fake)[0], p)
        assert max_relative_error(g, num) < 1e-6


@pytest.mark.parametrize("loss", G.LOSSES)
def test_generator_gradients_agree_with_central_differences(loss):
    gan = small(loss)
    _, z = batches(gan)
    value, grads, _ = gan.g_loss_and_grads(z, loss)
    p = gan.discriminate(gan.generate(z))
    want = np.mean(np.log(1 - p)) if loss == "minimax" else -np.mean(np.log(p))
    assert value == pytest.approx(want, rel=1e-12)
    for prm, g in zip(gan.G.params, grads):
        num = central_difference(lambda: gan.g_loss_and_grads(z, loss)[0], prm)
        np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-10)   # entries ~1e-4


def _torch_mlp(torch, params, x):
    h = x
    for i, (w, b) in enumerate(zip(params[::2], params[1::2])):
        h = torch.nn.functional.linear(h, w, b)
        if i < 2:
            h = torch.tanh(h)
    return h


@pytest.mark.torch
def test_both_networks_gradients_agree_with_torch(torch):
    gan = G.GAN(seed=2, hidden=6, batch_size=9)
    real, z = np.random.default_rng(3).normal(0, 2, (9, 2)), np.random.default_rng(4).normal(size=(9, 2))
    tg = [torch.tensor(p, requires_grad=True) for p in gan.G.params]
    td = [torch.tensor(p, requires_grad=True) for p in gan.D.params]
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    # discriminator: real → 1, fake → 0 (the fakes are inputs)
    fake = gan.generate(z)
    d_loss, d_grads = gan.d_loss_and_grads(real, fake)
    lr = _torch_mlp(torch, td, torch.tensor(real))
    lf = _torch_mlp(torch, td, torch.tensor(fake))
    t_d = bce(lr, torch.ones_like(lr)) + bce(lf, torch.zeros_like(lf))
    t_d.backward()
    assert abs(d_loss - t_d.item()) < 1e-12
    for g, t in zip(d_grads, td):
        assert np.max(np.abs(g - t.grad.numpy())) < 1e-10
    # generator, both losses, through the discriminator
    for loss in G.LOSSES:
        value, g_grads, _ = gan.g_loss_and_grads(z, loss)
        for t in tg:
            t.grad = None
        logits = _torch_mlp(torch, td, _torch_mlp(torch, tg, torch.tensor(z)))
        if loss == "minimax":
            t_g = torch.log1p(-torch.sigmoid(logits)).mean()
        else:
            t_g = bce(logits, torch.ones_like(logits))
        t_g.backward()
        assert abs(value - t_g.item()) < 1e-12
        for g, t in zip(g_grads, tg):
            assert np.max(np.abs(g - t.grad.numpy())) < 1e-10


def test_minimax_saturates_where_the_non_saturating_loss_does_not():
    gan = G.GAN(seed=0)
    gan.train_discriminator(200)
    g = gan.generator_gradients()
    assert g["d_fake"] < 0.05
    assert g["minimax"]["grad_norm"] < 0.05 * g["non-saturating"]["grad_norm"]
    # per fake point: |∂L/∂l| is D(G(z)) for minimax and 1 − D(G(z)) for the non-saturating loss
    assert g["minimax"]["logit_grad"] == pytest.approx(g["d_fake"], rel=1e-12)
    assert g["non-saturating"]["logit_grad"] == pytest.approx(1 - g["d_fake"], rel=1e-12)
    assert G.generator_logit_gradient(0.01, "minimax") == pytest.approx(-0.01)
    assert G.generator_logit_gradient(0.01) == pytest.approx(-0.99)


def test_generator_logit_gradient_is_the_derivative_of_each_loss():
    for p in (0.02, 0.3, 0.9):
        logit = math.log(p / (1 - p))
        sig = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
        mm = (math.log(1 - sig(logit + 1e-6)) - math.log(1 - sig(logit - 1e-6))) / 2e-6
        ns = (-math.log(sig(logit + 1e-6)) + math.log(sig(logit - 1e-6))) / 2e-6
        assert G.generator_logit_gradient(p, "minimax") == pytest.approx(mm, rel=1e-6)
        assert G.generator_logit_gradient(p, "non-saturating") == pytest.approx(ns, rel=1e-6)


def test_discriminator_loss_and_optimum():
    assert G.discriminator_loss_from_probs([0.5], [0.5]) == pytest.approx(2 * math.log(2))
    assert G.discriminator_loss_from_probs([0.9, 0.8], [0.1]) == pytest.approx(
        -(math.log(0.9) + math.log(0.8)) / 2 - math.log(0.9))
    assert G.optimal_discriminator(3.0, 1.0) == pytest.approx(0.75)
    assert G.optimal_discriminator(2.0, 2.0) == 0.5


def test_training_covers_the_modes_and_is_deterministic():
    runs = [G.GAN(seed=0).run(800, every=400) for _ in range(2)]
    a, b = runs
    assert [s.d_loss for s in a.steps] == [s.d_loss for s in b.steps]
    np.testing.assert_array_equal(a.frames[-1].samples, b.frames[-1].samples)
    assert [f.step for f in a.frames] == [0, 400, 800]
    assert a.frames[0].modes == 0 and a.frames[-1].modes == 8
    assert a.frames[-1].near > 0.5
    d = a.frames[-1].d_grid
    assert d.shape == (41, 41) and np.all((d > 0) & (d < 1))
    # the frame's D grid is D itself at the grid's points (row = x2, column = x1)
    gan = G.GAN(seed=0)
    gan.run(800, every=400)
    assert gan.discriminate([[a.grid[3], a.grid[7]]])[0] == pytest.approx(d[7, 3], rel=1e-12)
    other = G.GAN(seed=1).run(50, every=50)
    assert other.steps[-1].d_loss != a.steps[49].d_loss


def test_collapse_settings_cover_few_modes():
    run = G.GAN(seed=0, **G.COLLAPSE).run(800, every=100)
    later = [f for f in run.frames if f.step >= 300]
    assert max(f.modes for f in later) <= 2             # the default run covers all 8 by step 800
    assert max(f.near for f in later) > 0.5             # most points on one or two modes at times


def test_steps_record_both_losses_on_the_same_batch():
    gan = G.GAN(seed=0, batch_size=32)
    st = gan.step()
    assert st.step == 1 and 0 < st.d_fake < 1 and 0 < st.d_real < 1
    # on one batch: minimax = mean log(1 − p) and non-saturating = −mean log p, with mean p = d_fake;
    # by Jensen's inequality minimax <= log(1 − d_fake) and non-saturating >= −log d_fake
    assert st.g_loss_minimax <= math.log(1 - st.d_fake) + 1e-12
    assert st.g_loss_nonsat >= -math.log(st.d_fake) - 1e-12


def test_modes_covered_counts_shares():
    c = G.mixture_centres(4, 2.0)
    pts = np.repeat(c[:2], 50, axis=0)
    assert G.modes_covered(pts, c, 0.1) == (2, 1.0)
    assert G.modes_covered(np.zeros((10, 2)), c, 0.1) == (0, 0.0)


@pytest.mark.parametrize("call, start", [
    (lambda: G.GAN(loss="wasserstein"), "loss:"),
    (lambda: G.GAN(lr=0), "lr:"),
    (lambda: G.GAN(g_steps=0), "g_steps:"),
    (lambda: G.GAN(colour=1), "settings:"),
    (lambda: G.GAN(seed=-2), "seed:"),
    (lambda: G.GAN().run(-1), "steps:"),
    (lambda: G.GAN().generate(np.zeros((2, 3))), "z:"),
    (lambda: G.generator_logit_gradient(1.5), "d_fake:"),
    (lambda: G.discriminator_loss_from_probs([0.0], [0.5]), "d_real:"),
    (lambda: G.optimal_discriminator(0, 0), "p_g:"),
    (lambda: G.mixture_centres(0), "modes:"),
])
def test_bad_input_names_the_argument(call, start):
    with pytest.raises(ValueError, match=f"^{start}"):
        call()


def test_against_a_confident_discriminator_the_minimax_generator_crawls():
    runs = {}
    for loss in G.LOSSES:
        gan = G.GAN(seed=0, loss=loss)
        gan.train_discriminator(300)
        runs[loss] = gan.run(200, every=100)
    assert runs["minimax"].frames[-1].modes < runs["non-saturating"].frames[-1].modes
    assert runs["minimax"].frames[-1].near < runs["non-saturating"].frames[-1].near
