# %% [metadata]
# {"nnlab": {"main": "nnlab.views.optim_view:optimizer_explorer"}}
# %% [markdown]
# # 04 · Optimizers
#
# *Follows course notes 000, "Optimizer" (GD, SGD, mini-batch GD, Momentum, NAG, Adagrad,
# RMSprop, Adam, Adamax, Nadam) and notes 001, "Learning rate".*
#
# Training moves the weights θ against the gradient of the loss J(θ). The simplest rule is
# gradient descent, θ ← θ − η·∇J(θ). Every optimizer of the course is a refinement: where the
# gradient is computed (SGD, mini-batches, NAG's look-ahead), how past steps are remembered
# (momentum), and how the step is scaled for each weight (Adagrad, RMSprop, Adam and kin).
#
# `nnlab.engine.optim` implements each rule twice: by default exactly as `torch.optim` documents it
# (same names, defaults and arithmetic: the tests check agreement with PyTorch to float64
# rounding over hundreds of steps), and with `form="notes"` as the course notes write it.
# Section 5 shows where the two differ.
# %%
import numpy as np

from nnlab.core.environment import environment_report

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## 1. The learning rate: too low crawls, too high overshoots
# Notes 001: "Too high learning rate can lead to overshooting. Too low learning rate can lead to
# slow convergence." On the bowl J = ½(x² + κ·y²) this can be made exact. One GD step multiplies
# the x-coordinate by (1 − η) and the y-coordinate by (1 − ηκ). GD converges only if both
# factors are smaller than 1 in size: **η < 2/λ_max = 2/κ** (the green band in the right plot).
#
# Move **η** from 0.001 up: first a crawl (the factor ρ is close to 1), then a fast descent, then
# (η > 1/κ) a zig-zag across the narrow direction that still converges, then (η > 2/κ) the path
# flies off. Change **κ** and watch the band shrink: a badly conditioned problem forces a small η.
# Each step below is checked by the tests at its preset (paste it into the preset box):
# %%
from nnlab.course import optim as course

course.LEARNING_RATE_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints its numbers.
from nnlab.views.optim_lessons_view import learning_rate_explorer

lesson = learning_rate_explorer()
lesson
# %%
print(lesson.state())
# %%
from nnlab.engine import optim as O
from nnlab.engine import surfaces as S

bowl = S.surface("bowl", condition=10)
print("stable range: η <", bowl.stable_lr())
demo = learning_rate_explorer()  # its own instance: the explorer above keeps its settings
for lr in (0.002, 0.05, 0.15, 0.19, 0.21):
    demo.controls["lr"].value = lr
    s = demo.state()
    print(f"η = {lr:5.3f}: ρ = {s['rho']:.3f}, {s['verdict']}")
demo.close()
assert O.stable_lr_limit(10) == 0.2
# %% [markdown]
# ## 2. GD, SGD and mini-batch GD
# The notes' three "descents" use the *same* update, θ ← θ − η·∇J; they differ in how many
# examples the gradient is computed from: all of them (GD), one (SGD: "noisy update, may not
# reach global minima"), or a mini-batch ("reduce noise & variance of SGD, faster than GD").
#
# Here a line y = w·x + b is fitted to 200 points (`data/linreg.csv`, synthetic:
# y = 3x + 2 + noise). Each path shows (w, b) after every update. Move the **mini-batch size**:
# at 1 the green path *is* the SGD path, at 200 it *is* the GD path; in between, the jitter
# (standard deviation of the loss over the last 20 steps; the steps slider starts at 40, so the
# window never includes the first descent) shrinks as the batch grows.
# %%
course.BATCH_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints its numbers.
from nnlab.views.optim_lessons_view import JITTER_WINDOW, batch_explorer

batches = batch_explorer()
batches
# %%
print(batches.state())
# %%
x, y = S.load_linreg()
w_ls, b_ls = S.linreg_solution(x, y)
print(f"least squares: w = {w_ls:.4f}, b = {b_ls:.4f} (the data were made with w = 3, b = 2)")
for bs in (1, 8, 32, 200):
    p = S.linreg_path(x, y, batch_size=bs, lr=0.05, steps=400, seed=SEED)
    tail = S.linreg_loss(p[-JITTER_WINDOW:, 0], p[-JITTER_WINDOW:, 1], x, y)
    print(f"batch {bs:3d}: w = {p[-1, 0]:.4f}, b = {p[-1, 1]:.4f}, loss {tail[-1]:.4f} "
          f"± {tail.std():.4f} over the last {JITTER_WINDOW} steps")
p_gd = S.linreg_path(x, y, batch_size=200, lr=0.05, steps=400)
assert np.allclose(p_gd[-1], [w_ls, b_ls], atol=1e-3)  # full-batch GD reaches least squares
# %% [markdown]
# ## 3. The race
# Pick a surface and optimizers, then move the **learning rate** (the main slider), γ, β1, β2,
# RMSprop's α (its own slider, torch's default 0.99) and ε. Solid lines follow `torch.optim`
# with its defaults; choose **course notes** or **both** to see the notes' forms (dashed). A path
# that leaves the finite numbers is reported as "diverged at step k". Press ▶ (**play**) to animate the steps, or drag **show step k**; the table
# under the plot computes the selected optimizer's update from step k to k + 1 line by line:
# formula → numbers → value.
#
# Things to try (each checked by the tests at its preset):
# %%
course.RACE_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints its numbers.
from nnlab.views.optim_view import optimizer_explorer

race = optimizer_explorer()
race
# %%
print(race.state())
# %% [markdown]
# The same race in code, on Rosenbrock, 500 steps with η = 0.001 for everyone, then η = 0.1 for
# the adaptive methods:
# %%
rosen = S.surface("rosenbrock")
for name in ("gd", "momentum", "nag", "adagrad", "rmsprop", "adam", "adamax", "nadam"):
    path = O.run(O.make_optimizer(name, lr=1e-3), rosen.gradient_fn(), rosen.start, 500)
    print(f"{name:9s} ends at ({path[-1, 0]: .4f}, {path[-1, 1]: .4f}), J = {rosen.value(path[-1]):.5f}")
for name in ("adagrad", "rmsprop", "adam", "adamax", "nadam"):
    path = O.run(O.make_optimizer(name, lr=0.1), rosen.gradient_fn(), rosen.start, 500)
    print(f"{name:9s} η = 0.1: J = {rosen.value(path[-1]):.5f}")
gd_fast = O.run(O.GD(lr=0.01), rosen.gradient_fn(), rosen.start, 500)
print("GD with η = 0.01 diverges:", bool(np.isnan(gd_fast[-1]).all()))
# %% [markdown]
# ### One update, line by line
# Adam at its first step from the start of the bowl, as the table in the explorer shows it:
# %%
one = optimizer_explorer(optimizers=("adam",))  # its own instance: the race above keeps its settings
rows = one.explain_rows()
one.close()
widths = [max(len(row[i]) for row in rows) for i in range(3)]
for quantity, formula, numbers, value in rows:
    print(f"{quantity:{widths[0]}s} = {formula:{widths[1]}s} = {numbers:{widths[2]}s} = {value}")
# %% [markdown]
# Adam's first step has size η in every coordinate whatever the gradient's size: m̂ = g and
# v̂ = g², so m̂/√v̂ = ±1. RMSprop has no bias correction: its first average is v = (1 − α)g², so
# its first step is η/√(1 − α) = 10η in every coordinate with torch's α = 0.99.
# %%
x1 = O.Adam(lr=0.05).step([np.array(bowl.start)], [bowl.grad(bowl.start)])[0]
print("Adam's first step:   ", np.round(x1 - np.array(bowl.start), 8))
assert np.allclose(np.abs(x1 - np.array(bowl.start)), 0.05, rtol=1e-6)
r1 = O.RMSprop(lr=0.05).step([np.array(bowl.start)], [bowl.grad(bowl.start)])[0]
print("RMSprop's first step:", np.round(r1 - np.array(bowl.start), 8))
assert np.allclose(np.abs(r1 - np.array(bowl.start)), 0.5, rtol=1e-6)
# %% [markdown]
# ## 4. What the notes say about each optimizer
# Quoted from the notes (use, pros, cons):
# %%
for name, facts in course.NOTES_FACTS.items():
    print(f"{name}:")
    for key in ("use", "pros", "cons"):
        print(f"   {key:4s}: " + ("; ".join(facts[key]) or "(none listed)"))
# %% [markdown]
# ## 5. torch.optim and the notes' forms
# The notes write several rules differently from PyTorch. Some differences are only a change of
# variables (the same path); others change the path; a few are slips.
#
# **Momentum.** Notes: v = γv + η∇J, θ = θ − v. torch: b = γb + ∇J, θ = θ − η·b. With a constant
# η, v = η·b at every step, so the paths coincide (they differ if η changes during training,
# e.g. with a schedule).
# %%
a = O.run(O.Momentum(lr=1e-3, momentum=0.9), rosen.gradient_fn(), rosen.start, 500)
b = O.run(O.Momentum(lr=1e-3, momentum=0.9, form="notes"), rosen.gradient_fn(), rosen.start, 500)
print("largest difference between the two momentum paths:", f"{np.max(np.abs(a - b)):.1e}")
assert np.allclose(a, b, atol=1e-12)
# %% [markdown]
# **NAG.** Notes: v = v + η∇J(θ − v), θ = θ − v — the γ is missing (a slip); the rule is
# v = γv + η∇J(θ − γv): the gradient is taken at the look-ahead point θ − γv. torch's
# `SGD(nesterov=True)` stores the look-ahead point itself as the parameter, so its path is the
# notes' path of look-ahead points: the same algorithm, shifted by γv along the way, with the
# same end.
# %%
gamma = 0.9
notes_nag = O.NAG(lr=0.05, momentum=gamma, form="notes")
torch_path = O.run(O.NAG(lr=0.05, momentum=gamma), bowl.gradient_fn(), bowl.start, 40)
theta, looks = np.array(bowl.start), []
notes_nag.reset()
for k in range(40):
    look = notes_nag.lookahead([theta])[0]
    looks.append(look)
    theta = notes_nag.step([theta], [bowl.grad(look)])[0]
print("torch's parameters vs the notes' look-ahead points, largest difference:",
      f"{np.max(np.abs(torch_path[:40] - np.array(looks))):.1e}")
notes_path = O.run(O.NAG(lr=0.05, momentum=gamma, form="notes"), bowl.gradient_fn(), bowl.start, 40)
print("step 10: notes' θ", np.round(notes_path[10], 4), " torch's parameter", np.round(torch_path[10], 4))
print("step 40: notes' θ", np.round(notes_path[40], 4), " torch's parameter", np.round(torch_path[40], 4))
assert np.allclose(torch_path[:40], np.array(looks), atol=1e-12)
# %% [markdown]
# **Adagrad and RMSprop.** The notes put ε inside the square root, η/√(G + ε); torch adds it
# outside, η/(√G + ε). Both only keep the division away from zero; they coincide for ε = 0 and
# differ while G is not much larger than ε (at the first steps, or for rarely updated weights).
# %%
for cls in (O.Adagrad, O.RMSprop):
    p_t = O.run(cls(lr=0.01, eps=0.0), bowl.gradient_fn(), bowl.start, 100)
    p_n = O.run(cls(lr=0.01, eps=0.0, form="notes"), bowl.gradient_fn(), bowl.start, 100)
    q_t = O.run(cls(lr=0.01, eps=1.0), bowl.gradient_fn(), bowl.start, 100)
    q_n = O.run(cls(lr=0.01, eps=1.0, form="notes"), bowl.gradient_fn(), bowl.start, 100)
    print(f"{cls.__name__:8s} ε = 0: difference {np.max(np.abs(p_t - p_n)):.1e};  "
          f"ε = 1: difference {np.max(np.abs(q_t - q_n)):.3f}")
    assert np.allclose(p_t, p_n, atol=1e-12)
# %% [markdown]
# **Adam.** The notes' bias correction m̂ = m/(1 − β1), v̂ = v/(1 − β2) is missing the power t
# (a slip). It is right at t = 1 only. Later, with a steady gradient g, m → g and v → g², so the
# notes' step tends to η·(g/(1 − β1))/(|g|/√(1 − β2)) = η·√(1 − β2)/(1 − β1) ≈ 0.32·η instead of η.
# In between it is too large (v̂ is under-corrected more than m̂): twice η around t = 10.
# %%
for t in (1, 2, 10, 1000):
    opt_t, opt_n = O.Adam(lr=0.1), O.Adam(lr=0.1, form="notes")
    xt = xn = [np.zeros(1)]
    for _ in range(t):
        xt_new = opt_t.step(xt, [np.ones(1)])
        xn_new = opt_n.step(xn, [np.ones(1)])
        st, sn = float(xt[0][0] - xt_new[0][0]), float(xn[0][0] - xn_new[0][0])
        xt, xn = xt_new, xn_new
    print(f"t = {t:4d}: torch step {st:.5f}, notes step {sn:.5f}")
print(f"limit of the notes' step: {0.1 * np.sqrt(1 - 0.999) / (1 - 0.9):.5f}")
# %% [markdown]
# **Nadam.** torch's NAdam multiplies β1 by a *momentum schedule* 1 − 0.5·0.96^(t·ψ) (ψ =
# `momentum_decay` = 0.004), which warms the momentum up over thousands of steps. The notes'
# form here is Dozat's Nadam with a constant μ = β1 (θ − η·(β1·m̂ + (1 − β1)·g/(1 − β1ᵗ))/(√v̂ + ε)).
# The formula printed in the notes has neither the look-ahead term nor bias correction — as
# written it is Adam without bias correction. **Adamax** in the notes has no bias correction for
# m and no ε; torch divides η by 1 − β1ᵗ.
# %%
for name in ("nadam", "adamax"):
    p_t = O.run(O.make_optimizer(name, lr=0.01), bowl.gradient_fn(), bowl.start, 300)
    p_n = O.run(O.make_optimizer(name, lr=0.01, form="notes"), bowl.gradient_fn(), bowl.start, 300)
    print(f"{name:6s}: torch J = {bowl.value(p_t[-1]):.3e}, notes J = {bowl.value(p_n[-1]):.3e}, "
          f"largest path difference {np.max(np.abs(p_t - p_n)):.3f}")
# %% [markdown]
# The slips found in the notes' optimizer formulas:
# %%
for slip in course.NOTES_SLIPS:
    print("-", slip)
# %% [markdown]
# ## Exercises
# Type your answer in place of `None` and run the cell: the check says whether it is right
# and, if it is not, which slip it looks like. `ex.solution(n)` shows the worked answer when
# you call it (no cell here prints it). The numbers come from `SEED` in the setup cell: your
# instructor may give you another seed, and then every number of the exercises changes.
# %%
from nnlab.course.optim import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # θ after one GD step
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # θ after two momentum steps
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # θ after Adam's first step
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # the largest stable learning rate
ex.check(4, answer)
# %%
print(ex.show(5))
# %%
answer = None  # the bias-corrected m̂ at t = 2
ex.check(5, answer)
