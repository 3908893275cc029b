# %% [metadata]
# {"nnlab": {"main": "nnlab.views.autoencoder_view:main_explorer"}}
# %% [markdown]
# # 10 · Autoencoders and GANs
#
# The notes (notes 000) list the types of neural networks — FCNN, CNN, RNN, LSTM — and then, marked
# as an interview question, two more:
#
# > - ★ Interview question
# > - GAN - Generative Adversarial Network
# >   - Autoencoder
#
# They also open with "Gen AI - Generate Content". Both networks of this notebook learn what the
# data look like without labels, and both can make new data: an **autoencoder** squeezes each
# input through a narrow **bottleneck** and rebuilds it; a **GAN** trains a **generator** to make
# points that a **discriminator** cannot tell from real ones. Everything below is `nnlab`'s own
# layers (`nnlab.engine.layers`: the Dense layers and activations of notebooks 05 and 07) with the
# backward pass of the course, checked against finite differences and, in the tests, against
# PyTorch.
# %% [markdown]
# ## Setup
# %%
from nnlab.core.environment import environment_report

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## Part 1 · The autoencoder
# The 1,797 handwritten 8×8 digits of notebook 07, each as 64 pixels in [0, 1], with the same
# held-out quarter. The network is 64 → 32 → **k** → 32 → 64: the **encoder** (Dense, tanh, Dense)
# turns an image into a code of k numbers, the **decoder** (Dense, tanh, Dense, sigmoid) turns the
# code back into 64 pixels. The loss is the mean squared error between the rebuilt image x̂ and
# the image x itself: no labels are used anywhere.
# %%
from nnlab.engine import autoencoder as A

X, y = A.digit_vectors()
model = A.Autoencoder(bottleneck=2, seed=SEED)
print(f"{len(X)} digits of {X.shape[1]} pixels; autoencoder with {model.n_params} parameters")
print("layers:", " → ".join(model.layer_names()))
# %% [markdown]
# ### Backpropagation, written out
# `backprop` runs the forward pass keeping every layer's output, computes ∂L/∂x̂ = 2(x̂ − x)/N from
# the loss, then walks the layers from the last to the first: each layer's `backward` takes
# ∂L/∂(its output), stores its weight gradients and returns ∂L/∂(its input) for the layer below —
# the same rule as in notebook 02, seven times. The table shows the size of the gradient at each
# layer's output for a batch of 32 digits (read from what `backprop` returned).
# %%
import numpy as np

from nnlab.core.gradcheck import central_difference

batch = X[:32]
bp = model.backprop(batch)
print(f"loss {bp.loss:.4f}")
print(bp.table())
numeric = central_difference(lambda: model.loss(batch), model.params[4])   # decoder's first weights
print("decoder's first weights: analytic gradient agrees with central differences:",
      np.allclose(bp.param_grads[4], numeric, rtol=1e-5, atol=1e-10))
# %% [markdown]
# ### Training
# Adam (learning rate 0.01), mini-batches of 64, 60 passes over the training digits; a line every
# 10 epochs.
# %%
from nnlab.engine.cnn import progress_bar
from nnlab.views import autoencoder_view as AV


def show(epoch, epochs, rec):
    if epoch % 10 == 0:
        print(progress_bar(epoch, epochs, loss=rec["loss"], test_loss=rec["val_loss"]))


model, split, X, y = AV.trained(bottleneck=2, epochs=AV.EPOCHS, seed=SEED, callback=show)
print(f"reconstruction MSE per pixel: training {model.loss(X[split.train]):.4f}, "
      f"held out {model.loss(X[split.test]):.4f}")
# %%
from nnlab.views import generative_figures as GF

GF.reconstructions(model, X[split.test], n=10)
# %% [markdown]
# Two numbers per image cannot hold 64 pixels: the copies are blurred, and some come back as
# another, similar digit.
#
# ### The latent plane
# With k = 2 every digit becomes a point (z1, z2): the map below shows the codes of the held-out
# digits, coloured by their label (which the autoencoder never saw). Digits that look alike land
# together. The two sliders move the black cross; on the right is what the **decoder** makes of
# that point — also of points where no digit lies.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state, which nbval cannot compare;
# the next cell prints the numbers it shows.
latent = AV.LatentExplorer()
latent
# %%
print(latent.state())
# %%
from nnlab.course.generative import claims

claims
# %% [markdown]
# ### Reconstruction error against bottleneck size
# One autoencoder per bottleneck size k (same data, seed and 30 epochs each): the held-out error
# falls as the code gets room, quickly at first, then slowly.
# %%
rows = A.bottleneck_sweep(sizes=(1, 2, 4, 8, 16), epochs=30, seed=SEED,
                          callback=lambda i, n, r: print(progress_bar(i, n, k=r.bottleneck)))
print(f"{'k':>3} {'parameters':>11} {'train MSE':>10} {'test MSE':>9}")
for r in rows:
    print(f"{r.bottleneck:>3} {r.n_params:>11} {r.train_mse:>10.4f} {r.test_mse:>9.4f}")
# %%
GF.sweep_figure(rows)
# %% [markdown]
# ### A denoising autoencoder
# Corrupt each input with Gaussian noise (std 0.3, clipped to [0, 1]) and still ask for the
# **clean** image (Vincent et al., ICML 2008). Two autoencoders of the same size (k = 8), one
# trained plainly, one on corrupted inputs, get the same corrupted held-out digits; the errors are
# against the clean digits.
# %%
den = A.denoising_comparison(noise=0.3, bottleneck=8, epochs=30, seed=SEED,
                             callback=lambda i, n, r: print(progress_bar(i, n, noise=r["noise"])))
print(f"corrupted input itself: MSE {den.noisy_mse:.4f}")
print(f"plain autoencoder:      MSE {den.plain_mse:.4f}")
print(f"denoising autoencoder:  MSE {den.denoising_mse:.4f}")
assert den.denoising_mse < den.plain_mse < den.noisy_mse
# %%
GF.denoising_figure(den)
# %% [markdown]
# ## Part 2 · The GAN
# The data: points in the plane from a mixture of 8 Gaussians on a circle of radius 2 (std 0.1).
# The **generator** G turns noise z ~ N(0, I) (2 numbers) into a point; the **discriminator** D
# gives the probability that a point is real. Both are MLPs 2 → 32 → 32 → 2 (or 1) with tanh,
# trained by Adam (lr 0.002, β = (0.5, 0.999)) on batches of 128, one D update then one G update
# per step.
#
# Goodfellow et al. (2014, https://arxiv.org/abs/1406.2661) write the game as one value function,
# min over G, max over D of E[log D(x)] + E[log(1 − D(G(z)))]:
#
# - D minimises L_D = −mean log D(x) − mean log(1 − D(G(z))): binary cross-entropy with real → 1
#   and fake → 0;
# - **minimax** G minimises mean log(1 − D(G(z)));
# - **non-saturating** G minimises −mean log D(G(z)) instead.
#
# Both push D(G(z)) up. The difference is their slope with respect to D's logit l (D = σ(l)):
# −D(G(z)) for the minimax loss and −(1 − D(G(z))) for the non-saturating one. When D easily
# rejects the fakes — as it soon does on images, where the first fakes are noise — D(G(z)) ≈ 0:
# there the minimax gradient vanishes and the non-saturating one is at its largest, which is why
# the paper trains G with the second (section 3).
# %%
GF.generator_losses_figure()
# %% [markdown]
# The same on the networks: D is trained alone (300 updates) against the untrained generator,
# then both generator gradients are computed on one batch.
# %%
from nnlab.engine import gan as G

probe = G.GAN(seed=SEED)
before = probe.generator_gradients()
probe.train_discriminator(300)
after = probe.generator_gradients()
for name, g in (("untrained D", before), ("after 300 D updates", after)):
    print(f"{name:>20}: mean D(G(z)) {g['d_fake']:.3f};  |∂L_G/∂θ_G| non-saturating "
          f"{g['non-saturating']['grad_norm']:.3f}, minimax {g['minimax']['grad_norm']:.4f}")
ratio = after["non-saturating"]["grad_norm"] / after["minimax"]["grad_norm"]
print(f"once D rejects the fakes, the non-saturating gradient is more than {int(ratio // 100) * 100}× "
      "the minimax one")
# %% [markdown]
# And in training: two GANs of the same seed, each starting against that confident D (300
# updates ahead), one generator following each loss.
# %%
head_start = {}
for loss in G.LOSSES:
    g = G.GAN(seed=SEED, loss=loss)
    g.train_discriminator(300)
    head_start[loss] = g.run(400, every=100)
print("step   modes covered: non-saturating   minimax")
for a, b in zip(head_start["non-saturating"].frames, head_start["minimax"].frames):
    print(f"{a.step:>4}   {a.modes:>22} of 8   {b.modes:>3} of 8")
ns, mm = head_start["non-saturating"].frames[2], head_start["minimax"].frames[2]
assert ns.step == 200 and mm.modes < ns.modes   # the text below
# %% [markdown]
# The non-saturating generator gets going at once; the minimax one crawls until D's confidence has
# worn off. (Without the head start both learn here: in this small game D(G(z)) starts near ½.)
# %% [markdown]
# ### Training, step by step
# Each step returns its intermediates (both losses, D's mean outputs, the size of G's gradient
# under each loss); every 50 steps a frame keeps D's output over the plane and the generated
# points of one fixed noise batch. The run is the one the explorer below shows.
# %%
from nnlab.views import gan_view as GV

gan, run = GV.run_for("non-saturating", 1, 2e-3, SEED)


def report(t, end, s):
    if t % 200 == 0:
        f = run.frames[-1]
        print(progress_bar(t, end, L_D=s.d_loss, D_real=s.d_real, D_fake=s.d_fake,
                           modes=f"{f.modes}/8"))


run = gan.extend(run, max(0, 800 - gan.t), every=GV.EVERY, callback=report)
# %%
GF.gan_frames(run, [0, 200, 400, 800])
# %% [markdown]
# At first the generated points (black) are a small cloud in the middle; they spread out over the
# plane, gather onto the circle and then onto its eight modes. D's output (red: "real", blue:
# "fake") stays near ½: with equal learning rates neither network runs far ahead of the other, and
# at the end D cannot tell real from generated anywhere — the equilibrium of the game, where D's
# loss is 2 log 2 ≈ 1.386.
#
# ### The GAN explorer
# **step** (the main slider) moves through training; ▶ trains 50 more steps per tick (■ or ❚❚
# stop it), and **+50 steps** takes one tick by hand. Change the **generator loss**, the
# number of **G updates per D update**, the **learning rate** or the **seed** and it trains that
# setting again up to the step shown (a progress bar fills; one change trains at most 1,800
# generator updates, then it says so and ▶ continues).
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state, which nbval cannot compare;
# the next cell prints the numbers it shows.
gan_explorer = GV.GanExplorer()
gan_explorer
# %%
print(gan_explorer.state())
# %%
from nnlab.course.generative import gan_claims

gan_claims
# %% [markdown]
# ### Mode collapse
# The generator may find that a few places fool D well enough and put all its points there.
# Here it takes **three** Adam steps for each step of D, so it keeps chasing whichever region D
# currently likes: the points crowd into one or two tight clumps — on modes at times (at step 600
# most of them sit on 2 modes), between modes at others — and hop whenever D catches up. They
# never spread over the eight.
# %%
collapsed, crun = GV.run_for("non-saturating", G.COLLAPSE["g_steps"], 2e-3, SEED)
crun = collapsed.extend(crun, max(0, 800 - collapsed.t), every=GV.EVERY,
                        callback=lambda t, end, s: print(progress_bar(t, end)) if t % 200 == 0 else None)
print("step  modes covered  points near a mode   (default settings)")
for f, d in zip(crun.frames[::4], run.frames[::4]):
    print(f"{f.step:>4}  {f.modes:>6} of 8     {f.near:>8.0%}          ({d.modes} of 8, {d.near:.0%})")
at600 = crun.frames[600 // GV.EVERY]
assert at600.step == 600 and at600.modes <= 2 and at600.near > 0.5   # the text above
# %%
GF.gan_frames(crun, [200, 400, 600, 800])
# %% [markdown]
# ## Exercises
# Each exercise shows its numbers; replace `None` by your answer and run the cell. `ex.solution(n)`
# shows the worked answer when you call it.
# %%
from nnlab.course.generative import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # the number of parameters
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # the mean squared error per pixel
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # the discriminator's loss L_D
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # how many times larger
ex.check(4, answer)
# %%
print(ex.show(5))
# %%
answer = None  # D*(x)
ex.check(5, answer)
