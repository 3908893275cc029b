"""The optimizers chapter's course content: the exercises of notebook 04, what the notes say
about each optimizer (quoted) and the slips in the notes' formulas."""
from __future__ import annotations

import numpy as np

from ..engine.optim import GD, Adam, Momentum, stable_lr_limit
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet


def _exercises():
    def gd_step():
        return float(GD(lr=0.1).step([np.array(2.0)], [np.array(2 * 2.0)])[0])

    def momentum_two():
        opt, th = Momentum(lr=0.1, momentum=0.9, form="notes"), [np.array(0.0)]
        for _ in range(2):
            th = opt.step(th, [np.array(1.0)])
        return float(th[0])

    def adam_first(form="torch"):
        return float(Adam(lr=1e-3, form=form).step([np.array(1.0)], [np.array(5.0)])[0])

    def adam_mhat(t=2):
        b1, m = 0.9, 0.0
        for _ in range(t):
            m = b1 * m + (1 - b1) * 1.0
        return m / (1 - b1 ** t), m / (1 - b1)

    return ExerciseSet("Optimizers", [
        Exercise(
            question="J(θ) = θ², θ = 2, learning rate η = 0.1. What is θ after one step of "
                     "gradient descent?",
            answer=gd_step,
            solution=lambda: f"∇J = 2θ = 4;  θ − η∇J = 2 − 0.1·4 = {gd_step():g}",
            mistakes=lambda: [(2.4, "you added the gradient: descent goes against it."),
                              (1.8, "the gradient of θ² is 2θ = 4, not θ = 2.")]),
        Exercise(
            question="Momentum in the notes' form (v = γv + η∇J, θ = θ − v) with γ = 0.9, η = 0.1, "
                     "from θ = 0, v = 0, and the gradient 1 at both steps. What is θ after two "
                     "steps?",
            answer=momentum_two,
            solution=lambda: ("v₁ = 0.1, θ₁ = −0.1;  v₂ = 0.9·0.1 + 0.1 = 0.19, θ₂ = −0.1 − 0.19 "
                              f"= {momentum_two():g}"),
            mistakes=lambda: [(-0.2, "that is plain GD: the velocity keeps 0.9 of the last step."),
                              (-0.19, "−0.19 is v₂; θ₂ = θ₁ − v₂.")]),
        Exercise(
            question="Adam (torch defaults: lr = 0.001, β1 = 0.9, β2 = 0.999, ε = 1e-8), θ = 1, "
                     "first gradient 5. What is θ after the first step? (6 decimals)",
            answer=adam_first,
            rel_tol=1e-7, abs_tol=5e-7,
            solution=lambda: ("m = 0.1·5 = 0.5, v = 0.001·25 = 0.025; m̂ = 0.5/(1 − 0.9) = 5, "
                              "v̂ = 0.025/(1 − 0.999) = 25;  θ = 1 − 0.001·5/(√25 + 1e-8) = "
                              f"{adam_first():.6f}: Adam's first step is ±lr whatever the "
                              "gradient's size."),
            mistakes=lambda: [(1 - 1e-3 * 0.5 / (0.025 ** 0.5 + 1e-8),
                               "you left out the bias correction (m and v start at 0).")]),
        Exercise(
            question="GD on the bowl ½(x² + 25y²) (Hessian eigenvalues 1 and 25): below which "
                     "learning rate does it converge?",
            answer=lambda: stable_lr_limit(25.0),
            solution=lambda: "Each step multiplies the error along eigenvector i by 1 − ηλᵢ; "
                             f"|1 − 25η| < 1 needs η < 2/25 = {stable_lr_limit(25.0):g}.",
            mistakes=lambda: [(1 / 25, "η = 1/λ_max is the fastest for that direction; divergence "
                                       "starts at 2/λ_max."),
                              (2.0, "the limit is set by the largest eigenvalue, 25.")]),
        Exercise(
            question="Adam with β1 = 0.9 and a constant gradient 1: at step t = 2, m = 0.19. What "
                     "is the bias-corrected m̂ (the right one, as torch computes it)?",
            answer=lambda: adam_mhat()[0],
            solution=lambda: ("m̂ = m/(1 − β1^t) = 0.19/(1 − 0.81) = "
                              f"{adam_mhat()[0]:g}: the correction undoes the start at 0 exactly. "
                              "The notes write 1 − β1 without the power t, which gives 1.9."),
            mistakes=lambda: [(adam_mhat()[1], "that is the notes' slip m/(1 − β1): the power t "
                                               "is missing.")]),
    ])


exercises = _exercises()


# -- what the notes say about each optimizer (quoted; slips listed separately) ----------------
NOTES_FACTS = {
    "gd": {"use": ["small datasets"], "pros": ["Simple & effective on convex problem"],
           "cons": ["slow convergences & computationally expensive on large dataset"]},
    "sgd": {"use": ["Suitable for large datasets"],
            "pros": ["Fast processing & efficient on large dataset"],
            "cons": ["Noisy update, may not reach global minima."]},
    "minibatch": {"use": ["hybrid SGD & GD for large dataset, more stable than SGD"],
                  "pros": ["Reduce Noise & variance SGD", "Faster than GD"], "cons": []},
    "momentum": {"use": ["useful in training deep network"],
                 "pros": ["Speeds the convergence", "Reducing the oscillation"],
                 "cons": ["Overshoot if momentum is high", "Requires tuning of γ"]},
    "nag": {"use": ["it looks ahead before computing the gradient"],
            "pros": ["better than momentum", "prevent overshooting"], "cons": ["more complex."]},
    "adagrad": {"use": ["Suitable for sparse data like NLP, image"],
                "pros": ["Adapting learning rate based on freq. of parameter"],
                "cons": ["Learning rate keeps decaying."]},
    "rmsprop": {"use": ["Good for non-stationary prob. like in RNN's"],
                "pros": ["Addressing the adagrad decay prob."], "cons": ["Sensitive to β value"]},
    "adam": {"use": ["widely used in almost scenario."],
             "pros": ["Combining adaptive learning & momentum learning",
                      "Efficiently works with large datasets & noisy data.", "Faster convergence"],
             "cons": ["Multiple tunable parameters", "it can overshoot sometimes"]},
    "adamax": {"use": ["very large dataset", "Better for model that sparse updates"],
               "pros": ["more stable updates", "more stable than Adam"],
               "cons": ["slightly slower than Adam."]},
    "nadam": {"use": ["adaptive learning of adam + fast convergence nature of NAG"],
              "pros": ["adaptive learning of adam + fast convergence nature of NAG"],
              "cons": ["More sensitive to tuning η parameters"]},
}

NOTES_SLIPS = [
    "NAG: the notes write v = v + η∇J(θ − v); the momentum factor γ is missing twice. The rule is "
    "v = γv + η∇J(θ − γv) (with γ = 1 the velocity would never decay).",
    "Adam: the bias correction is written m/(1 − β1), v/(1 − β2); it is m/(1 − β1^t), "
    "v/(1 − β2^t) — without the power t it is right only at the first step.",
    "Adam: m_t = β1·m_t + …, v_t = β2·v_t + … should use the previous moments m_{t−1}, v_{t−1}; "
    "and '∇²J(θ)' in v_t means the squared gradient (∇J)², not a second derivative.",
    "Adam: the update is written without ε: θ − η·m̂/√v̂ divides by zero while v̂ = 0.",
    "Nadam: the formula shown, θ − η·m_t/(√v_t + ε), has no Nesterov look-ahead and no bias "
    "correction: as written it is Adam without bias correction, not Nadam.",
    "Adamax: the update θ − η·m_t/v_t has no bias correction for m (torch divides η by 1 − β1^t) "
    "and no ε.",
    "RMSprop: G_t = βG_t + (1 − β)g² has t on both sides, the slip flagged for Adam: the new "
    "average uses the previous one, G_t = βG_{t−1} + (1 − β)g_t². (Its β = 0.9 is not a slip: it "
    "is a common default, Hinton's and Keras's; torch calls it alpha and defaults to 0.99.)",
]

# -- what the notebook tells the learner to try, each proven at its settings (tests/test_claims.py) --
ALL = '["GD", "Momentum", "NAG", "Adagrad", "RMSprop", "Adam", "Adamax", "NAdam"]'
RACE = "nnlab.views.optim_view:optimizer_explorer"


def final(state, name):
    return state["racers"][f"{name}/torch"]["loss_final"]


def at_k(state, name):
    return state["racers"][f"{name}/torch"]["loss_at_k"]


def diverged(state, *names):
    return all(state["racers"][f"{n}/torch"]["diverged"] for n in names)


ADAPTIVE = ("adagrad", "rmsprop", "adam", "adamax", "nadam")

LEARNING_RATE_CLAIMS = Claims("nnlab.views.optim_lessons_view:learning_rate_explorer", [
    Claim("At η = 0.002 GD crawls: ρ is close to 1.", "lr=0.002",
          lambda s: s["verdict"].startswith("crawls") and s["rho"] > 0.99, "verdict 'crawls', ρ > 0.99"),
    Claim("At η = 0.05 it descends steadily: J falls from 8.8 to about 0.03 in 40 steps.", "lr=0.05",
          lambda s: s["verdict"] == "converges" and s["loss_final"] < 0.05, "verdict, J after 40 steps"),
    Claim("Past η = 1/κ = 0.1 it zig-zags across the valley but still converges.", "lr=0.15",
          lambda s: s["verdict"].startswith("overshoots") and s["loss_final"] is not None,
          "verdict 'overshoots'"),
    Claim("Past η = 2/κ = 0.2 the path flies off.", "lr=0.21",
          lambda s: s["verdict"] == "diverges", "verdict 'diverges'"),
    Claim("Raise κ to 20: the stable band shrinks to η < 0.1.", "condition=20",
          lambda s: abs(s["stable_lr"] - 0.1) < 1e-9, "stable_lr = 2/κ"),
])

BATCH_CLAIMS = Claims("nnlab.views.optim_lessons_view:batch_explorer", [
    Claim("At mini-batch size 1 the green path is the SGD path.", "batch_size=1",
          lambda s: s["mini-batch"] == s["SGD"], "mini-batch and SGD end equal"),
    Claim("At 200 (all examples) it is the GD path.", "batch_size=200",
          lambda s: s["mini-batch"] == s["GD"], "mini-batch and GD end equal"),
    Claim("In between the jitter lies between SGD's and GD's (here at batch size 32).",
          "batch_size=32",
          lambda s: s["GD"]["jitter"] < s["mini-batch"]["jitter"] < s["SGD"]["jitter"],
          "GD jitter < mini-batch jitter < SGD jitter"),
])

RACE_CLAIMS = Claims(RACE, [
    Claim("**bowl**, κ = 10, η = 0.05: 1 − ηκ = 0.5 > 0, so GD does not zig-zag; after 100 steps "
          "it is ahead of momentum (J ≈ 6e-5 against 1e-4), which overshoots with γ = 0.9.",
          "surface=\"bowl\"; condition=10; lr=0.05",
          lambda s: final(s, "gd") < final(s, "momentum"), "GD's final J below momentum's"),
    Claim("**bowl** with η = 0.005: GD crawls (J ≈ 0.6 after 100 steps) and momentum gets there "
          "first (J ≈ 2e-4).", "surface=\"bowl\"; condition=10; lr=0.005",
          lambda s: final(s, "gd") > 0.1 and final(s, "momentum") < 1e-3,
          "GD's J > 0.1, momentum's < 1e-3"),
    Claim("**rosenbrock**, η = 0.001, 500 steps: GD crawls along the curved valley, momentum and "
          "NAG nearly reach the minimum at (1, 1) (J < 0.01); Adam and kin hardly move: Adam's step "
          "is about η per coordinate whatever the gradient (RMSprop's first step is η/√(1 − α) = "
          "10η), so they end above J = 4.",
          f"surface=\"rosenbrock\"; lr=0.001; steps=500; optimizers={ALL}",
          lambda s: final(s, "gd") > 1 and final(s, "momentum") < 0.01 and final(s, "nag") < 0.01
          and all(final(s, n) > 4 for n in ("rmsprop", "adam", "adamax", "nadam")),
          "GD J > 1, momentum and NAG J < 0.01, the Adam family and RMSprop J > 4"),
    Claim("Raise η to 0.01: GD, momentum and NAG diverge on the steep walls; the adaptive methods, "
          "whose step does not grow with the gradient, stay finite.",
          f"surface=\"rosenbrock\"; lr=0.01; steps=500; optimizers={ALL}",
          lambda s: diverged(s, "gd", "momentum", "nag")
          and not any(s["racers"][f"{n}/torch"]["diverged"] for n in ADAPTIVE),
          "GD, momentum, NAG diverged; the adaptive ones not"),
    Claim("At η = 0.1 Adam gets closest.", f"surface=\"rosenbrock\"; lr=0.1; steps=500; optimizers={ALL}",
          lambda s: final(s, "adam") == min(final(s, n) for n in ADAPTIVE), "Adam's J lowest"),
    Claim("**saddle**, show step k = 30: GD still lingers near the saddle point (|J| < 0.1) while "
          "momentum and Adam have left it (J < −0.1); after 100 steps they are at a minimum "
          "(J = −0.25).", "surface=\"saddle\"; k=30",
          lambda s: abs(at_k(s, "gd")) < 0.1 and at_k(s, "momentum") < -0.1 and at_k(s, "adam") < -0.1
          and abs(final(s, "momentum") + 0.25) < 1e-3 and abs(final(s, "adam") + 0.25) < 1e-3,
          "GD's J at k = 30 within 0.1 of 0; momentum's and Adam's below −0.1, at −0.25 by step 100"),
    Claim("**noisy_bowl** (the gradient carries noise, like SGD's) at η = 0.05: momentum's "
          "effective step η/(1 − γ) = 0.5 amplifies the noise: it ends worst (J ≈ 0.24, GD 0.02), "
          "while Adam does best.", "surface=\"noisy_bowl\"; lr=0.05",
          lambda s: final(s, "momentum") > 5 * final(s, "gd")
          and final(s, "adam") == min(final(s, n) for n in ("gd", "momentum", "rmsprop", "adam")),
          "momentum's J > 5 × GD's; Adam's the lowest"),
    Claim("**noisy_bowl** at η = 0.01: now momentum averages the noise out (J ≈ 0.01 against GD's "
          "0.18).", "surface=\"noisy_bowl\"; lr=0.01",
          lambda s: final(s, "momentum") < final(s, "gd") / 5, "momentum's J < GD's / 5"),
    Claim("**Adagrad** (bowl, η = 0.5): its step shrinks for good as the squared gradients add up "
          "(\"learning rate keeps decaying\"): at step 50 it is under a tenth of the first.",
          "surface=\"bowl\"; lr=0.5; optimizers=[\"Adagrad\"]; k=50",
          lambda s: s["racers"]["adagrad/torch"]["step_k"] < 0.1 * s["racers"]["adagrad/torch"]["step_1"],
          "Adagrad's step at k = 50 < 0.1 × its first step"),
])

