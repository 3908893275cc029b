# %% [metadata]
# {"nnlab": {"main": "nnlab.views.activations_view:activation_explorer"}}
# %% [markdown]
# # 03 · Activation functions
#
# *Follows course notes 000, "Activation function" (sigmoid, tanh, ReLU, Leaky ReLU, PReLU, ELU,
# softmax, hard sigmoid, softplus) and the activation table of notes 001.*
#
# After the weighted sum z = w·x + b, a neuron applies an **activation function** f(z). Without
# it, any stack of layers would be one linear map. Training needs the **derivative** f′ as well:
# backpropagation multiplies the gradient by f′(z) at every layer it passes through. This
# notebook puts each function, its derivative, and the notes' facts (range, use, pros, cons)
# side by side, and shows what f′ does to a gradient passed back through many layers.
# %%
import numpy as np
import sympy as sp

from nnlab.core.environment import environment_report

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## 1. Every function, its derivative and the notes' facts
# Pick an activation in the dropdown and move the input **x**: the dot on the solid curve is
# f(x), the square on the dashed curve is the slope f′(x). Below the plot: the notes' range next
# to the correct one, and the notes' lists of uses, pros and cons, with the slips of the notes
# marked in red. Things to try (each checked by the tests at its preset):
# %%
from nnlab.course import activations as course

course.ACTIVATION_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state, which nbval cannot compare
# meaningfully; the next cell prints the numbers it shows.
from nnlab.views.activations_view import activation_explorer

explorer = activation_explorer()
explorer
# %%
print(explorer.state())
# %% [markdown]
# Everything the explorer does can be done in code. The same numbers, for every activation at
# x = −1 and x = 2 (α = 0.01 for Leaky ReLU, 0.25 for PReLU, 1 for ELU):
# %%
from nnlab.course.activations import FACTS
from nnlab.engine import activations as A

for name, act in A.ACTIVATIONS.items():
    f = act.forward(np.array([-1.0, 2.0]))
    d = act.derivative(np.array([-1.0, 2.0]))
    print(f"{act.title:13s} f(-1) = {f[0]:8.4f}  f(2) = {f[1]:7.4f}   f'(-1) = {d[0]:.4f}  "
          f"f'(2) = {d[1]:.4f}   range {FACTS[name]['range']}")
# %% [markdown]
# ### The formulas, symbolically
# sympy differentiates each formula; the numbers above are checked against these derivatives
# (and against PyTorch's autograd) in the tests.
# %%
x = sp.Symbol("x", real=True)
for name in ("sigmoid", "tanh", "softplus", "elu"):
    expr = A.ACTIVATIONS[name].sympy_expr(x)
    print(f"{name:8s} f = {expr}    f' = {sp.simplify(sp.diff(expr, x))}")
sig = A.ACTIVATIONS["sigmoid"].sympy_expr(x)
assert sp.simplify(sp.diff(sig, x) - sig * (1 - sig)) == 0  # σ' = σ(1 − σ)
assert sp.simplify(sp.diff(A.ACTIVATIONS["softplus"].sympy_expr(x), x) - sig) == 0  # softplus' = σ
# %% [markdown]
# ### What the notes get wrong about ranges
# The notes give **Leaky ReLU's range as [0, ∞)**. That cannot be: for x < 0 the function is
# αx < 0. Likewise the sigmoid is boxed "= [0, 1]" but never reaches 0 or 1, tanh never reaches
# ±1, while the hard sigmoid, said to have range (0, 1), does reach 0 and 1 exactly.
# %%
leaky = A.get("leaky_relu", alpha=0.01)
print("Leaky ReLU(-5) =", float(leaky.forward(-5.0)))
print("hard sigmoid(-3), (3) =", float(A.ACTIVATIONS["hard_sigmoid"].forward(-3.0)),
      float(A.ACTIVATIONS["hard_sigmoid"].forward(3.0)))
for name in ("sigmoid", "tanh", "leaky_relu", "hard_sigmoid"):
    print(f"{name:12s} notes: {FACTS[name]['range_notes']:32s} correct: {FACTS[name]['range']}")
assert leaky.forward(-5.0) < 0
# %% [markdown]
# ## 2. The hard sigmoid's worked value at x = −10
# The hard sigmoid is min(1, max(0, 0.2x + 0.5)) in the notes: a cheap, piecewise-linear
# stand-in for the sigmoid. This is the notes' form (old Keras versions used it); PyTorch's
# `hardsigmoid` and current Keras use x/6 + 1/2 (clipped to [0, 1]) instead: at x = 1 the notes'
# form gives 0.7, theirs 0.667. nnlab follows the notes. The notes work out x = −10 but the transcription is garbled: it reads
# "2 × 10 + 0.5 … max(0, −1.5) … min(1, 0.5) … 0". The steps, done right:
# %%
a, b, c = A.hard_sigmoid_steps(-10)
print(f"0.2·(−10) + 0.5 = {a:g}")
print(f"max(0, {a:g})  = {b:g}")
print(f"min(1, {b:g})    = {c:g}")
exact = A.ACTIVATIONS["hard_sigmoid"].sympy_expr(x).subs(x, -10)
print("sympy, exact:", exact)
assert c == 0 and exact == 0
# %% [markdown]
# So the notes' "2 × 10" should be 0.2·(−10) = −2 (and −2 + 0.5 = −1.5, the value the notes then
# use), and "min(1, 0.5)" should be min(1, 0): the final 0 in the notes is right.
#
# ## 3. The vanishing gradient, layer by layer
# Backpropagation through a chain of layers multiplies the gradient by w·f′(z) at each layer.
# Sigmoid's slope is at most 1/4, so after n layers the gradient is at most (1/4)ⁿ of what it
# was. Move **layers** from 1 to 30 and compare sigmoid, tanh and ReLU (log10 scale: −10 means
# the gradient was multiplied by 10⁻¹⁰; the axis follows the lines). Then try:
# %%
course.DEPTH_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints its numbers.
from nnlab.views.activations_view import depth_explorer

depth = depth_explorer()
depth
# %%
print(depth.state())
# %%
for n in (1, 5, 10, 20, 30):
    row = {name: A.gradient_through_depth(name, n)[-1] for name in ("sigmoid", "tanh", "relu")}
    print(f"{n:2d} layers: " + "  ".join(f"{k} {v:.3e}" for k, v in row.items()))
assert A.gradient_through_depth("sigmoid", 30)[-1] <= 0.25 ** 30
# %% [markdown]
# ## 4. The dying ReLU
# ReLU's cons in the notes: "Dying ReLU Problem". A ReLU unit a = max(0, w·x + b) is fitted by
# gradient descent to y = 2x + 1 on inputs x in (−1, 1). With a too large learning rate the steps
# overshoot, and by step 2 the bias is thrown far below zero; then w·x + b ≤ 0 for *every* input,
# the unit outputs 0, its gradient is exactly 0 — and nothing can ever bring it back.
# %%
dead = A.dying_relu_run(lr=3.0, steps=6, b=-0.2)
for k in range(len(dead["w"])):
    print(f"step {k}: w = {dead['w'][k]:8.4f}  b = {dead['b'][k]:8.4f}  active inputs "
          f"{dead['active'][k]:4.0%}  gradient (dw, db) = ({dead['dw'][k]:.4f}, {dead['db'][k]:.4f})")
assert dead["active"][-1] == 0 and dead["dw"][-1] == 0 and dead["db"][-1] == 0
# %% [markdown]
# With a learning rate of 0.2 the same unit stays alive and fits the data as well as a ReLU can
# (for x < −0.5 the target is negative, which a ReLU cannot output, so the loss stays above 0):
# %%
alive = A.dying_relu_run(lr=0.2, steps=200, b=-0.2)
print(f"lr = 0.2: w = {alive['w'][-1]:.4f}, b = {alive['b'][-1]:.4f}, active {alive['active'][-1]:.0%}, "
      f"loss {alive['loss'][0]:.4f} -> {alive['loss'][-1]:.6f}")
assert alive["active"][-1] > 0.5 and alive["loss"][-1] < 0.1 * alive["loss"][0]
# %% [markdown]
# Leaky ReLU, PReLU and ELU keep a non-zero slope for x ≤ 0, so their units cannot die this
# way; softplus (the smooth ReLU, "no dead neurons") neither.
#
# ## 5. Softmax and its temperature
# Softmax turns scores into probabilities: pᵢ = exp(zᵢ/T) / Σⱼ exp(zⱼ/T). The notes list its
# cons (in the transcription they landed under ELU — the softmax heading is lost):
# **outliers dominate** and **classes are mutually exclusive**. Try:
# %%
course.SOFTMAX_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints its numbers.
from nnlab.views.activations_view import softmax_explorer

soft = softmax_explorer()
soft
# %%
print(soft.state())
# %%
z = np.array([2.0, 1.0, 0.5, 0.0])
for T in (0.1, 1.0, 10.0):
    print(f"T = {T:4}: p = {np.round(A.softmax(z, temperature=T), 4)}")
print("outlier 12:", np.round(A.softmax(np.array([2.0, 1.0, 0.5, 12.0])), 4))
p = A.softmax(z)
assert abs(p.sum() - 1) < 1e-12 and np.allclose(A.softmax(z + 100), p)  # shift-invariant
# %% [markdown]
# *Mutually exclusive*: the probabilities always sum to 1, so raising one class lowers all the
# others. An image that shows a cat *and* a dog cannot get a high probability for both; use one
# sigmoid per class for such multi-label problems.
#
# ## 6. Numerically stable
# A naive 1/(1 + e^(−x)) overflows at x = −1000 (e^1000 is not a float). The functions here
# give finite values without warnings for inputs up to ±10⁴:
# %%
import warnings

big = np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4])
with warnings.catch_warnings(), np.errstate(all="raise"):
    warnings.simplefilter("error")
    print("sigmoid :", A.ACTIVATIONS["sigmoid"].forward(big))
    print("softplus:", A.ACTIVATIONS["softplus"].forward(big))
    print("softmax :", A.softmax(np.array([1e4, 0.0, -1e4])))
# %% [markdown]
# ## Exercises
# Type your answer in place of `None` and run the cell: the check says whether it is right
# and, if it is not, which slip it looks like. `ex.solution(n)` shows the worked answer when
# you call it (no cell here prints it). The numbers come from `SEED` in the setup cell: your
# instructor may give you another seed, and then every number of the exercises changes.
# %%
from nnlab.course.activations import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # the hard sigmoid's value
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # σ'(x)
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # the largest total factor
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # the class's probability
ex.check(4, answer)
# %%
print(ex.show(5))
# %%
answer = None  # the ELU's derivative
ex.check(5, answer)
