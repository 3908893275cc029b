"""A generative adversarial network on 2-D points: a generator against a discriminator.

    generator G:      z ~ N(0, I) (2 numbers) → Dense → tanh → Dense → tanh → Dense → a point (x1, x2)
    discriminator D:  a point → Dense → tanh → Dense → tanh → Dense → logit l;  D(x) = σ(l)
    data:             a mixture of Gaussians (`modes` of them on a circle, `spread` their std)

Goodfellow et al. (2014, https://arxiv.org/abs/1406.2661) train them on one value function,
min_G max_D  E[log D(x)] + E[log(1 − D(G(z)))]:

    discriminator loss   L_D = −mean log D(x) − mean log(1 − D(G(z)))   (BCE: real → 1, fake → 0)
    minimax G loss       L_G = mean log(1 − D(G(z)))      ∂L_G/∂l = −σ(l)/N = −D(G(z))/N
    non-saturating       L_G = −mean log D(G(z))          ∂L_G/∂l = −(1 − σ(l))/N

Early in training D rejects the fakes, D(G(z)) ≈ 0: the minimax gradient −D(G(z))/N is then ≈ 0
(the loss saturates) while the non-saturating one is ≈ −1/N, so the paper trains G with the
second (section 3). Both are computed on every step's fake batch (`Step.g_loss_minimax`,
`Step.g_loss_nonsat`, and the size of G's gradient under each), whichever one G follows.

`GAN.step()` does d_steps discriminator updates then g_steps generator updates (Adam) and returns
a `Step` with every intermediate; `GAN.run(steps, every)` keeps a `Frame` every `every` steps:
D's output over the plane and the generated points of a fixed batch of z. Seeded: one seed, one
run. Mode collapse: `modes_covered` counts the mixture's components that get their share of the
generated points (see `COLLAPSE` for settings that cause it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core import functional as F
from ..core import validate as V
from ..core.blas import blas_threads
from .activations import get as activation
from .layers import Act, Dense, Sequential

LOSSES = ("non-saturating", "minimax")
EXTENT = 3.0      # the plane shown: [−3, 3]²
DEFAULTS = dict(modes=8, radius=2.0, spread=0.1, hidden=32, noise_dim=2, lr=2e-3, d_steps=1,
                g_steps=1, batch_size=128, loss="non-saturating")
# settings under which the generator covers few of the modes: it takes three Adam steps for each
# step of the discriminator, so it keeps chasing the one or two regions D currently likes, and
# hops from mode to mode instead of spreading over all of them
COLLAPSE = dict(g_steps=3)


def mixture_centres(modes=8, radius=2.0) -> np.ndarray:
    modes = V.positive_int("modes", modes, maximum=16)
    radius = V.finite_number("radius", radius, minimum=0, maximum=EXTENT)
    angle = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def sample_mixture(n, rng, modes=8, radius=2.0, spread=0.1) -> np.ndarray:
    """n points of the mixture: a uniformly chosen centre plus N(0, spread²) in each coordinate."""
    centres = mixture_centres(modes, radius)
    spread = V.finite_number("spread", spread, minimum=0, maximum=1, strict_min=True)
    k = rng.integers(0, len(centres), n)
    return centres[k] + rng.normal(0.0, spread, (n, 2))


def modes_covered(points, centres, spread, share=0.25):
    """(modes covered, fraction of points near some mode). A point is near a mode within 3·spread;
    a mode is covered when it holds at least `share` of its fair share (N/modes) of the points."""
    points = V.finite_array("points", points, ndim=2)
    d = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=2)
    near = d.min(axis=1) <= 3 * spread
    counts = np.bincount(d.argmin(axis=1)[near], minlength=len(centres))
    fair = len(points) / len(centres)
    return int(np.sum(counts >= share * fair)), float(near.mean())


def mlp(n_in, hidden, n_out, rng) -> Sequential:
    tanh = activation("tanh")
    return Sequential([Dense(n_in, hidden, rng, init="torch"), Act(tanh),
                       Dense(hidden, hidden, rng, init="torch"), Act(tanh),
                       Dense(hidden, n_out, rng, init="torch")])


def generator_logit_gradient(d_fake, loss="non-saturating"):
    """∂L_G/∂l for one fake point whose discriminator output is D(G(z)) = σ(l) (N = 1):
    minimax −D(G(z)), non-saturating −(1 − D(G(z)))."""
    p = V.finite_number("d_fake", d_fake, minimum=0, maximum=1)
    loss = V.choice("loss", loss, LOSSES)
    return -p if loss == "minimax" else -(1.0 - p)


def discriminator_loss_from_probs(d_real, d_fake) -> float:
    """L_D = −mean log D(x) − mean log(1 − D(G(z))) from the discriminator's outputs (natural log)."""
    r = V.finite_array("d_real", d_real).ravel()
    f = V.finite_array("d_fake", d_fake).ravel()
    if not (np.all((r > 0) & (r <= 1)) and np.all((f >= 0) & (f < 1))):
        V.fail("d_real", "probabilities: D(x) in (0, 1], D(G(z)) in [0, 1)")
    return float(-np.mean(np.log(r)) - np.mean(np.log1p(-f)))


def optimal_discriminator(p_data, p_g) -> float:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)) for a fixed generator (Goodfellow et al., Prop. 1)."""
    a = V.finite_number("p_data", p_data, minimum=0)
    b = V.finite_number("p_g", p_g, minimum=0)
    if a + b == 0:
        V.fail("p_g", "densities not both 0", (a, b))
    return a / (a + b)


@dataclass
class Step:
    """One training step's intermediates (losses on the last discriminator/generator batch)."""

    step: int
    d_loss: float            # L_D
    g_loss_minimax: float    # mean log(1 − D(G(z)))
    g_loss_nonsat: float     # −mean log D(G(z))
    d_real: float            # mean D(x) on the real batch
    d_fake: float            # mean D(G(z)) on the fake batch
    g_grad_minimax: float    # |∂L_G/∂θ_G| under each generator loss, same batch
    g_grad_nonsat: float


@dataclass
class Frame:
    step: int
    samples: np.ndarray      # G(z) for the fixed z of the run
    d_grid: np.ndarray       # D over the plane (grid×grid, rows = x2, columns = x1)
    modes: int
    near: float


@dataclass
class Run:
    settings: dict
    centres: np.ndarray
    real: np.ndarray
    grid: np.ndarray
    z: np.ndarray            # the fixed noise batch whose points the frames follow
    steps: list = field(default_factory=list)
    frames: list = field(default_factory=list)


def _norm(grads) -> float:
    return float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))


class GAN:
    def __init__(self, seed=0, **settings):
        unknown = sorted(set(settings) - set(DEFAULTS))
        if unknown:
            V.fail("settings", f"names among {', '.join(DEFAULTS)}", ", ".join(unknown))
        s = {**DEFAULTS, **settings}
        self.seed = V.positive_int("seed", seed, minimum=0, maximum=2**32 - 1)
        s["modes"] = V.positive_int("modes", s["modes"], maximum=16)
        s["hidden"] = V.positive_int("hidden", s["hidden"], maximum=256)
        s["noise_dim"] = V.positive_int("noise_dim", s["noise_dim"], maximum=16)
        s["lr"] = V.finite_number("lr", s["lr"], minimum=0, maximum=1, strict_min=True)
        s["d_steps"] = V.positive_int("d_steps", s["d_steps"], maximum=20)
        s["g_steps"] = V.positive_int("g_steps", s["g_steps"], maximum=20)
        s["batch_size"] = V.positive_int("batch_size", s["batch_size"], maximum=4096)
        s["loss"] = V.choice("loss", s["loss"], LOSSES)
        self.centres = mixture_centres(s["modes"], s["radius"])
        s["spread"] = V.finite_number("spread", s["spread"], minimum=0, maximum=1, strict_min=True)
        self.settings = s
        rng = np.random.default_rng(self.seed)
        self.G = mlp(s["noise_dim"], s["hidden"], 2, rng)
        self.D = mlp(2, s["hidden"], 1, rng)
        self.rng = np.random.default_rng([self.seed, 1])
        from .optim import make_optimizer

        # betas (0.5, 0.999): the DCGAN paper's Adam (Radford et al. 2015), usual for GANs
        self.opt_d = make_optimizer("adam", lr=s["lr"], betas=(0.5, 0.999))
        self.opt_g = make_optimizer("adam", lr=s["lr"], betas=(0.5, 0.999))
        self.t = 0

    # -- the pieces ------------------------------------------------------------------------------
    def real_batch(self, n=None):
        s = self.settings
        return sample_mixture(n or s["batch_size"], self.rng, s["modes"], s["radius"], s["spread"])

    def noise(self, n=None):
        return self.rng.normal(0.0, 1.0, (n or self.settings["batch_size"], self.settings["noise_dim"]))

    def generate(self, z) -> np.ndarray:
        return self.G.forward(V.finite_array("z", z, shape=(None, self.settings["noise_dim"])))

    def discriminate(self, x) -> np.ndarray:
        """D(x) = σ(logit) for points N×2."""
        return F.sigmoid(self.D.forward(V.finite_array("x", x, shape=(None, 2)))[:, 0])

    def d_loss_and_grads(self, real, fake):
        """L_D on a real and a fake batch and ∂L_D/∂θ_D (fake points are inputs: G is not touched)."""
        lr_, g_r = F.bce_with_logits(self.D.forward(real), np.ones((len(real), 1)))
        self.D.backward(g_r)
        grads = [g.copy() for g in self.D.grads]
        lf, g_f = F.bce_with_logits(self.D.forward(fake), np.zeros((len(fake), 1)))
        self.D.backward(g_f)
        return lr_ + lf, [a + b for a, b in zip(grads, self.D.grads)]

    def g_losses_and_grads(self, z) -> tuple[dict, np.ndarray]:
        """Both generator losses on the noise batch z and ∂L_G/∂θ_G under each, backpropagated
        through D into G (one forward pass, one backward pass per loss), and the logits.
        Returns ({loss name: (value, grads)}, logits)."""
        logits = self.D.forward(self.G.forward(z))
        out = {}
        for loss in LOSSES:
            if loss == "minimax":    # mean log(1 − σ(l)) = −mean softplus(l)
                value, g = F.bce_with_logits(logits, np.zeros_like(logits))
                value, g = -value, -g
            else:                    # −mean log σ(l) = BCE with the target 1
                value, g = F.bce_with_logits(logits, np.ones_like(logits))
            self.G.backward(self.D.backward(g))     # the forward pass's inputs are still kept
            out[loss] = (value, [x.copy() for x in self.G.grads])
        return out, logits

    def g_loss_and_grads(self, z, loss="non-saturating"):
        """One generator loss on z, ∂L_G/∂θ_G and the logits."""
        loss = V.choice("loss", loss, LOSSES)
        both, logits = self.g_losses_and_grads(z)
        return both[loss][0], both[loss][1], logits

    # -- training --------------------------------------------------------------------------------
    def step(self) -> Step:
        s = self.settings
        with blas_threads(1):
            for _ in range(s["d_steps"]):
                real, fake = self.real_batch(), self.G.forward(self.noise())
                d_loss, grads = self.d_loss_and_grads(real, fake)
                self.D.set_params(self.opt_d.step(self.D.params, grads))
            for _ in range(s["g_steps"]):
                losses, logits = self.g_losses_and_grads(self.noise())
                self.G.set_params(self.opt_g.step(self.G.params, losses[s["loss"]][1]))
        self.t += 1
        d_real = float(np.mean(F.sigmoid(self.D.forward(real))))
        return Step(self.t, float(d_loss), float(losses["minimax"][0]),
                    float(losses["non-saturating"][0]), d_real, float(np.mean(F.sigmoid(logits))),
                    _norm(losses["minimax"][1]), _norm(losses["non-saturating"][1]))

    def train_discriminator(self, n) -> float:
        """n updates of D alone against the current G (G is not changed); returns the last L_D."""
        n = V.positive_int("n", n, maximum=100_000)
        with blas_threads(1):
            for _ in range(n):
                d_loss, grads = self.d_loss_and_grads(self.real_batch(), self.G.forward(self.noise()))
                self.D.set_params(self.opt_d.step(self.D.params, grads))
        return float(d_loss)

    def generator_gradients(self, z=None) -> dict:
        """Both generator losses on one noise batch, the mean D(G(z)), the size of ∂L_G/∂θ_G and
        the mean |∂L_G/∂l| per fake point under each (nothing is updated)."""
        z = self.noise() if z is None else V.finite_array("z", z, shape=(None, self.settings["noise_dim"]))
        out = {}
        with blas_threads(1):
            both, logits = self.g_losses_and_grads(z)
            p = F.sigmoid(logits)
            for loss, (value, grads) in both.items():
                per_point = p if loss == "minimax" else 1.0 - p    # |∂L_G/∂l|·N
                out[loss] = {"loss": float(value), "grad_norm": _norm(grads),
                             "logit_grad": float(np.mean(per_point))}
        out["d_fake"] = float(np.mean(p))
        return out

    def frame(self, z, grid) -> Frame:
        with blas_threads(1):
            samples = self.G.forward(z)
            X1, X2 = np.meshgrid(grid, grid)
            d = F.sigmoid(self.D.forward(np.stack([X1.ravel(), X2.ravel()], axis=1))[:, 0])
        modes, near = modes_covered(samples, self.centres, self.settings["spread"])
        return Frame(self.t, samples, d.reshape(X1.shape), modes, near)

    def fixed_inputs(self, n_samples=512, grid_n=41):
        """The run's fixed noise batch z (the points followed from frame to frame), the grid of
        the plane and as many real points, from their own seeded generator (not the training one)."""
        grid = np.linspace(-EXTENT, EXTENT, V.positive_int("grid_n", grid_n, minimum=2, maximum=201))
        n = V.positive_int("n_samples", n_samples, maximum=10_000)
        zrng = np.random.default_rng([self.seed, 2])
        z = zrng.normal(0.0, 1.0, (n, self.settings["noise_dim"]))
        s = self.settings
        return z, grid, sample_mixture(n, zrng, s["modes"], s["radius"], s["spread"])

    def run(self, steps, every=50, n_samples=512, grid_n=41, callback=None) -> Run:
        """`steps` training steps; a Frame at step 0 and every `every` steps; every Step kept.
        `callback(done, total, step)` after each frame (for a progress bar)."""
        z, grid, real = self.fixed_inputs(n_samples, grid_n)
        out = Run(dict(self.settings, seed=self.seed), self.centres, real, grid, z,
                  frames=[self.frame(z, grid)])
        return self.extend(out, steps, every, callback)

    def extend(self, run: Run, steps, every=50, callback=None) -> Run:
        """`steps` more steps of this GAN appended to `run` (made by `run`), a Frame every `every`."""
        steps = V.positive_int("steps", steps, minimum=0, maximum=100_000)
        every = V.positive_int("every", every, maximum=100_000)
        end = self.t + steps
        for _ in range(steps):
            run.steps.append(self.step())
            if self.t % every == 0 or self.t == end:
                run.frames.append(self.frame(run.z, run.grid))
                if callback is not None:
                    callback(self.t, end, run.steps[-1])
        return run
