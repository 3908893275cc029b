"""The optimizers chapter's course content: the exercises of notebook 04, what the notes say
about each optimizer (quoted) and the slips in the notes' formulas."""
from __future__ import annotations

import numpy as np

from ..engine.optim import GD, Adam, Momentum, stable_lr_limit
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, grid, variant_rng, variant_seed


def variant_numbers(seed: int) -> dict:
    """The numbers of notebook 04's exercises in the variant `seed` (0: the committed ones)."""
    if seed == 0:
        return {"gd": (1.5, 2.0, 0.1), "mom": (2.0, 1.0, 0.9, 0.1), "adam": (0.5, -3.0, 0.01),
                "kappa": 25.0, "mhat": (0.9, 2.0, 4.0)}
    rng = variant_rng(seed)
    sign = float(rng.choice([-1.0, 1.0]))
    g1 = grid(rng, -4.0, 4.0, 0.5, avoid=(0.0,))
    return {"gd": (grid(rng, 0.5, 3.0, 0.5, avoid=(1.0,)), grid(rng, -3.0, 3.0, 0.5, avoid=(0.0,)),
                   float(rng.choice([0.05, 0.1, 0.2]))),
            "mom": (grid(rng, 0.5, 3.0, 0.5), grid(rng, -2.0, 2.0, 0.5, avoid=(0.0,)),
                    float(rng.choice([0.5, 0.8, 0.9])), float(rng.choice([0.05, 0.1, 0.2]))),
            "adam": (grid(rng, -2.0, 2.0, 0.25), sign * grid(rng, 0.5, 10.0, 0.5),
                     float(rng.choice([0.001, 0.01, 0.1]))),
            "kappa": grid(rng, 4.0, 50.0, 1.0, avoid=(10.0, 20.0)),
            "mhat": (float(rng.choice([0.8, 0.9])), g1, grid(rng, -4.0, 4.0, 0.5, avoid=(0.0, g1)))}


def _run(opt, theta, grad_of, steps):
    th = [np.array(float(theta))]
    for _ in range(steps):
        th = opt.step(th, [np.array(grad_of(float(th[0])))])
    return float(th[0])


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 04's exercises in the variant `seed` (0: the numbers the notebook shows)."""
    v = variant_numbers(variant_seed(seed))
    a, th0, lr = v["gd"]
    gd_one = _run(GD(lr=lr), th0, lambda t: 2 * a * t, 1)
    ma, mth, gamma, mlr = v["mom"]
    mom_two = _run(Momentum(lr=mlr, momentum=gamma, form="notes"), mth, lambda t: ma * t, 2)
    gd_two = _run(GD(lr=mlr), mth, lambda t: ma * t, 2)
    g_a, v1 = ma * mth, mlr * ma * mth                       # the first gradient and velocity
    th1 = mth - v1
    v2 = gamma * v1 + mlr * ma * th1
    at, ag, alr = v["adam"]
    adam_one = _run(Adam(lr=alr), at, lambda t: ag, 1)
    kappa = v["kappa"]
    b1, g1, g2 = v["mhat"]
    m2 = b1 * (1 - b1) * g1 + (1 - b1) * g2
    mhat = m2 / (1 - b1 ** 2)
    return ExerciseSet("Optimizers", [
        Exercise(
            question=f"J(θ) = {a:g}·θ², θ = {th0:g}, learning rate η = {lr:g}. What is θ after one "
                     "step of gradient descent? (4 decimals)",
            answer=lambda: gd_one,
            solution=lambda: (f"∇J = 2·{a:g}·θ = {2 * a * th0:g};  θ − η∇J = {th0:g} − {lr:g}·"
                              f"{2 * a * th0:g} = {gd_one:.4f}"),
            mistakes=lambda: [(th0 + lr * 2 * a * th0, "you added the gradient: descent goes "
                                                       "against it."),
                              (th0 - lr * a * th0, f"the gradient of {a:g}θ² is {2 * a:g}θ, "
                                                   f"not {a:g}θ."),
                              (th0 - lr * 2 * th0, f"you left out the factor {a:g}: ∇J = "
                                                   f"2·{a:g}·θ.")]),
        Exercise(
            question=f"Momentum in the notes' form (v = γv + η∇J, θ = θ − v) with γ = {gamma:g}, "
                     f"η = {mlr:g} on J(θ) = ½·{ma:g}·θ² (∇J = {ma:g}θ), from θ = {mth:g}, v = 0. "
                     "What is θ after two steps? (4 decimals)",
            answer=lambda: mom_two,
            solution=lambda: (f"step 1: ∇J = {g_a:g}, v₁ = {v1:g}, θ₁ = {th1:g};  step 2: ∇J = "
                              f"{ma * th1:g}, v₂ = {gamma:g}·{v1:g} + {mlr:g}·{ma * th1:g} = "
                              f"{v2:.4f}, θ₂ = θ₁ − v₂ = {mom_two:.4f}"),
            mistakes=lambda: [(gd_two, "that is plain GD: the velocity keeps γ times the last "
                                       "step."),
                              (v2, f"{v2:.4f} is v₂; θ₂ = θ₁ − v₂."),
                              (th1 - (gamma * v1 + v1), "the gradient changes: compute ∇J again "
                                                        "at θ₁.")]),
        Exercise(
            question=f"Adam (torch defaults β1 = 0.9, β2 = 0.999, ε = 1e-8) with lr = {alr:g}, "
                     f"θ = {at:g}, first gradient {ag:g}. What is θ after the first step? "
                     "(6 decimals)",
            answer=lambda: adam_one,
            rel_tol=1e-7, abs_tol=5e-7,
            solution=lambda: (f"m = 0.1·({ag:g}) = {0.1 * ag:g}, v = 0.001·({ag:g})² = "
                              f"{0.001 * ag * ag:g}; m̂ = m/(1 − 0.9) = {ag:g}, v̂ = v/(1 − "
                              f"0.999) = {ag * ag:g};  θ = {at:g} − {alr:g}·({ag:g})/(√{ag * ag:g}"
                              f" + 1e-8) = {adam_one:.6f}: Adam's first step is ±lr whatever the "
                              "gradient's size."),
            mistakes=lambda: [(at - alr * ag, "that is a GD step: Adam divides m̂ by √v̂."),
                              (at - alr * 0.1 * ag / (0.001 * ag * ag) ** 0.5,
                               "you left out the bias correction (m and v start at 0).")]),
        Exercise(
            question=f"GD on the bowl ½(x² + {kappa:g}y²) (Hessian eigenvalues 1 and {kappa:g}): "
                     "below which learning rate does it converge? (4 decimals)",
            answer=lambda: stable_lr_limit(kappa),
            solution=lambda: ("Each step multiplies the error along eigenvector i by 1 − ηλᵢ; "
                              f"|1 − {kappa:g}η| < 1 needs η < 2/{kappa:g} = "
                              f"{stable_lr_limit(kappa):.4f}."),
            abs_tol=5e-5,
            mistakes=lambda: [(1 / kappa, "η = 1/λ_max is the fastest for that direction; "
                                          "divergence starts at 2/λ_max."),
                              (2.0, f"the limit is set by the largest eigenvalue, {kappa:g}.")]),
        Exercise(
            question=f"Adam with β1 = {b1:g}: the first two gradients are {g1:g} and {g2:g} (m "
                     "starts at 0). What is the bias-corrected m̂ at step t = 2 (the right one, as "
                     "torch computes it)? (4 decimals)",
            answer=lambda: mhat,
            solution=lambda: (f"m₁ = (1 − {b1:g})·{g1:g} = {(1 - b1) * g1:.4g}, m₂ = {b1:g}·m₁ + "
                              f"(1 − {b1:g})·{g2:g} = {m2:.4g};  m̂ = m₂/(1 − {b1:g}²) = "
                              f"{mhat:.4f}. The notes write 1 − β1 without the power t, which "
                              f"gives {m2 / (1 - b1):.4f}."),
            mistakes=lambda: [(m2 / (1 - b1), "that is the notes' slip m/(1 − β1): the power t "
                                              "is missing."),
                              (m2, f"{m2:.4f} is m₂ before the bias correction m/(1 − β1^t)."),
                              ((g1 + g2) / 2, "that is the plain mean of the gradients; Adam's "
                                              "m̂ weights the newer one more.")]),
    ], seed=seed)


exercises = exercise_set(0)


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

