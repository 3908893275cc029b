"""Notebook 10's course content: the notes' words on the network types, the exercises
(`exercise_set(seed)`) and the claims about its two explorers.

Every answer is computed by `nnlab.engine.autoencoder` / `nnlab.engine.gan` (or the loss
primitive of `nnlab.core.functional`) from the exercise's own seeded numbers.
"""
from __future__ import annotations

import math

import numpy as np

from ..core import functional as F
from ..engine import autoencoder as A
from ..engine import gan as G
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, variant_rng, variant_seed

# course notes 000, "Type of Neural Networks" (as transcribed; the list goes on to GAN and autoencoder)
NOTES_TYPES = ("Fully Connected Neural Network :- (FCNN)", "Convolutional Neural Network :- (CNN)",
               "Recurrent Neural Network (RNN)", "Long Short term memory : (LSTM)")
NOTES_STAR = "★ Interview question"
NOTES_GENERATIVE = ("GAN - Generative Adversarial Network", "Autoencoder")
NOTES_GEN_AI = "Gen AI - Generate Content"


def notes_quote() -> str:
    lines = [f"- {t}" for t in NOTES_TYPES] + [f"- {NOTES_STAR}"] + [f"  - {t}" for t in NOTES_GENERATIVE]
    return "\n".join(lines)


def _fmt(values) -> str:
    return ", ".join(f"{v:g}" for v in values)


def exercise_set(seed: int = 0) -> ExerciseSet:
    """The exercises of notebook 10; seed 0 gives the committed notebook's numbers."""
    seed = variant_seed(seed)
    rng = variant_rng(seed)
    hidden = int(rng.choice([16, 24, 48, 64]))
    k = int(rng.choice([3, 5, 6, 10, 12]))
    x = np.round(rng.uniform(0.25, 0.75, 4), 2)      # ± 0.2 stays a pixel value: no clipping
    xhat = np.round(x + rng.choice([-0.2, -0.1, 0.1, 0.2], 4), 2)
    d_real = np.round(rng.uniform(0.6, 0.95, 2), 2)
    d_fake = np.round(rng.uniform(0.05, 0.4, 2), 2)
    p = float(rng.choice([0.01, 0.02, 0.04, 0.05]))
    dens = np.round(rng.uniform(0.05, 0.6, 2), 2)

    n_params = lambda: A.parameter_count(64, hidden, k)  # noqa: E731
    mse = lambda: F.mse(xhat, x)[0]                     # noqa: E731
    l_d = lambda: G.discriminator_loss_from_probs(d_real, d_fake)  # noqa: E731
    ratio = lambda: G.generator_logit_gradient(p) / G.generator_logit_gradient(p, "minimax")  # noqa: E731
    d_star = lambda: G.optimal_discriminator(dens[0], dens[1])  # noqa: E731
    weights_only = 2 * (64 * hidden + hidden * k)
    return ExerciseSet("Autoencoders and GANs", [
        Exercise(
            question=f"An autoencoder for the 8×8 digits is 64 → {hidden} → {k} → {hidden} → 64 "
                     "(four Dense layers, each with weights and biases). How many parameters does "
                     "it have?",
            answer=n_params,
            solution=lambda: (f"Each Dense layer has in·out weights and out biases: 64·{hidden} + {hidden}"
                              f" + {hidden}·{k} + {k} + {k}·{hidden} + {hidden} + {hidden}·64 + 64 = "
                              f"{n_params()}"),
            rel_tol=0, abs_tol=0.5,
            mistakes=lambda: [(weights_only, "those are the weights only: add one bias per output "
                                             "of each layer."),
                              (64 * hidden + hidden + hidden * k + k, "that is the encoder alone: "
                               "the decoder has as many weights again (and its own biases).")],
        ),
        Exercise(
            question=f"An image of four pixels x = ({_fmt(x)}) comes back from an autoencoder as "
                     f"x̂ = ({_fmt(xhat)}). What is the reconstruction error, the mean squared "
                     "error per pixel? (4 decimals)",
            answer=mse,
            solution=lambda: ("mean of (x̂ − x)² over the 4 pixels: ("
                              + " + ".join(f"({d:+.2f})²" for d in xhat - x) + f") / 4 = {mse():.4f}"),
            rel_tol=1e-3, abs_tol=5e-5,
            mistakes=lambda: [(4 * mse(), "that is the sum of the squares: divide by the 4 pixels."),
                              (float(np.mean(np.abs(xhat - x))), "that is the mean absolute "
                               "difference: square each difference first."),
                              (math.sqrt(mse()), "that is the root of the mean square: the MSE has "
                                                 "no root.")],
        ),
        Exercise(
            question=f"A discriminator says D(x) = {_fmt(d_real)} for two real points and "
                     f"D(G(z)) = {_fmt(d_fake)} for two generated ones. What is its loss "
                     "L_D = −mean log D(x) − mean log(1 − D(G(z)))? (natural log, 4 decimals)",
            answer=l_d,
            solution=lambda: (f"−(ln {d_real[0]:g} + ln {d_real[1]:g})/2 − (ln(1 − {d_fake[0]:g}) + "
                              f"ln(1 − {d_fake[1]:g}))/2 = {l_d():.4f}"),
            mistakes=lambda: [(l_d() / math.log(10), "you used log base 10: the losses use the "
                                                     "natural log."),
                              (float(-np.mean(np.log(d_real)) - np.mean(np.log(d_fake))),
                               "the fakes' term is log(1 − D(G(z))): D should say 0 for them."),
                              (2 * l_d(), "each term is a mean over its two points, not a sum.")],
        ),
        Exercise(
            question=f"Early in training the discriminator says D(G(z)) = {p:g} for a generated point. "
                     "How many times larger is the generator's gradient with respect to D's logit "
                     "under the non-saturating loss −log D(G(z)) than under the minimax loss "
                     "log(1 − D(G(z)))?",
            answer=ratio,
            solution=lambda: (f"minimax: ∂/∂l log(1 − σ(l)) = −σ(l) = −{p:g}; non-saturating: "
                              f"∂/∂l (−log σ(l)) = −(1 − σ(l)) = −{1 - p:g}; ratio "
                              f"{1 - p:g}/{p:g} = {ratio():.4g}"),
            mistakes=lambda: [(1 / ratio(), "that is the minimax gradient over the non-saturating "
                                            "one: the question asks the other way round."),
                              (1 / p, "the non-saturating slope is 1 − D(G(z)), not 1.")],
        ),
        Exercise(
            question=f"At a point x the data density is p_data(x) = {dens[0]:g} and the generator's "
                     f"density is p_g(x) = {dens[1]:g}. What does the best possible discriminator "
                     "say there, D*(x)? (4 decimals)",
            answer=d_star,
            solution=lambda: (f"D*(x) = p_data / (p_data + p_g) = {dens[0]:g} / ({dens[0]:g} + "
                              f"{dens[1]:g}) = {d_star():.4f} (Goodfellow et al. 2014, Prop. 1)"),
            mistakes=lambda: [(1 - d_star(), "that is p_g / (p_data + p_g): D says how likely x is "
                                             "real."),
                              (dens[0] / dens[1], "divide by the sum of the densities, not by p_g.")],
        ),
    ], seed=seed)


exercises = exercise_set(0)

# what notebook 10 tells the learner about the latent explorer (checked by tests/test_claims.py)
claims = Claims("nnlab.views.autoencoder_view:main_explorer", [
    Claim("It starts at the centre of the 0s' codes (on the right): the decoder draws a 0.",
          "z1=11.05; z2=-2.45", lambda s: s["looks_like"] == 0 and s["nearest"] == 0,
          "the decoded image is closest to the average 0, the nearest code is a 0"),
    Claim("Move down to the 4s (z1 = 2.75, z2 = −9.05): the image becomes a 4.",
          "z1=2.75; z2=-9.05", lambda s: s["looks_like"] == 4, "closest to the average 4"),
    Claim("On the left, among the 7s (z1 = −1.9, z2 = −4.4), it draws a 7.",
          "z1=-1.9; z2=-4.4", lambda s: s["looks_like"] == 7, "closest to the average 7"),
    Claim("In the empty top-right corner, more than 3 units from every code, the decoder still "
          "draws an image: nothing it was trained on lies there.",
          "z1=15.5; z2=5.25", lambda s: s["nearest_distance"] > 3, "nearest code more than 3 away"),
])

# what notebook 10 tells the learner about the GAN explorer
gan_claims = Claims("nnlab.views.gan_view:main_explorer", [
    Claim("At step 0 the generated points sit in a small cloud in the middle: no mode covered.",
          "step=0", lambda s: s["modes"] == 0 and s["near"] == 0, "0 modes, no point near one"),
    Claim("With the starting settings, by step 800 the points cover all 8 modes and D is unsure "
          "everywhere: mean D(x) and mean D(G(z)) both within 0.1 of ½, and D's loss within 0.1 "
          "of 2 log 2 ≈ 1.386.",
          "step=800", lambda s: (s["modes"] == 8 and abs(s["d_real"] - 0.5) < 0.1
                                 and abs(s["d_fake"] - 0.5) < 0.1
                                 and abs(s["d_loss"] - 2 * math.log(2)) < 0.1),
          "8 modes, D's outputs near ½, L_D near 2 log 2"),
    Claim("The minimax loss also covers all 8 modes by step 800 here: at the start D(G(z)) is near "
          "½, not 0, so its gradient has not vanished.",
          "loss=\"minimax\"; step=800", lambda s: s["modes"] == 8, "8 modes with the minimax loss"),
    Claim("Three generator updates per discriminator update: at step 600 most points crowd onto "
          "at most 2 of the 8 modes — mode collapse.",
          "g_steps=3; step=600", lambda s: s["modes"] <= 2 and s["near"] > 0.5,
          "at most 2 modes covered while more than half the points are near a mode"),
])
