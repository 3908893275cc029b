# %% [metadata]
# {"nnlab": {"main": "nnlab.views.backprop_view:main_explorer"}}
# %% [markdown]
# # 02 · Backpropagation by hand
#
# *Follows course notes 000, "How to train a neural Network": the hand-worked 2-2-1 sigmoid
# example (feed forward, error, backpropagation, updating weights, 2nd and 3rd iteration).*
#
# We reproduce the example line by line — every net input, output, error, δ, Δw and new
# weight — each as its general formula, then with the numbers put in, then its value; then
# we check every number the notes write.
# %%
import numpy as np

from nnlab.core.environment import environment_report

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## The network and its numbering
# The notes number the neurons 1, 2, … across the layers, **inputs first**: inputs 1 and 2,
# hidden neurons 3 and 4, output neuron 5. **w_ij** is the weight from neuron i to neuron j,
# so w13 connects input 1 to hidden neuron 3, and w45 hidden neuron 4 to the output.
#
# **Which numbers does the example use?** The transcription garbles one input. The first line
# reads "a1 = (0.1 × 0.35) + (0.8 × 0.8) = 0.755", but 0.035 + 0.64 = 0.675. With x2 = 0.9 the
# sum is 0.035 + 0.72 = 0.755, and the next line, "a2 = (0.4 × 0.35) + (0.9 × 0.6) = 0.68",
# only works with x2 = 0.9 and w24 = 0.6. So: x = (0.35, 0.9), w13 = 0.1, w23 = 0.8, w14 = 0.4,
# w24 = 0.6, w35 = 0.3, w45 = 0.9, target t = 0.5, learning rate η = 1, no biases.
# %%
from nnlab.course.notes_check import LR, TARGET, X, example_network

net = example_network()
print("layers:", net.layers, " neurons per layer:", net.numbers)
print("weights:", net.weight_dict())
print("x =", X, " t =", TARGET, " η =", LR)
# %% [markdown]
# ## The rules
# **Feed forward.** z_j = Σ_i w_ij·O_i (O_i is x_i for an input, y_i for a neuron), and
# y_j = σ(z_j) = 1/(1 + e^(−z_j)).
#
# **Error and loss.** e = t − y: the notes write "Error = y − ŷ", with y the target and ŷ the
# output, and compute 0.5 − 0.69 = target minus output; here t is the target and y the
# output, so the same error reads t − y. Backprop minimises the loss E = ½(t − y)²; the ½ makes its
# derivative −(t − y).
#
# **Backpropagation.** For the output neuron δ_j = y_j(1 − y_j)(t_j − y_j); for a hidden neuron
# δ_j = y_j(1 − y_j)·Σ_k w_jk·δ_k, the sum running over the neurons k that j feeds. (The
# transcription shows "≥ δ_k ω_kj": the Σ became ≥, and in the notes' own naming the weight
# from j to k is w_jk.) y(1 − y) is the sigmoid's slope, σ'(z) = σ(z)(1 − σ(z)).
#
# **Update.** Δw_ij = η·δ_j·O_i and w_ij ← w_ij + Δw_ij: δ of the neuron the weight goes *into*,
# times the output of the neuron it comes *from*. Because Δw_ij = −η·∂E/∂w_ij, adding Δw moves
# downhill. All δ use the weights before the update; all weights change together.
#
# ## The whole step, line by line
# `net.step(x, t, η)` returns a **trace**: every quantity in the order the notes compute it.
# `attach_formulas` adds the general formula (built with sympy) and the formula with the
# numbers put in. The notebook shows the trace as formulas; its plain-text form (what
# `nnlab backprop --format text` prints, and what nbval compares) has the same lines.
# %%
from nnlab.engine.symbolic import attach_formulas

trace = attach_formulas(net.step(X, TARGET, LR))
trace
# %% [markdown]
# ### Exact arithmetic
# With `exact_trace`, sympy keeps every number exact: 0.35 becomes 7/20 and y3 stays
# 1/(1 + e^(−151/200)). The floats above agree with it to the last digit.
# %%
from nnlab.engine.symbolic import exact_trace

exact = exact_trace(net, X, TARGET, LR)
for key in ("z3", "y3", "z4", "e5"):
    print(f"{key} = {exact.record(key).exact}  ≈ {exact[key]:.12f}")
assert all(abs(a.value - b.value) < 1e-12 for a, b in zip(exact.records, trace.records))
# %% [markdown]
# ## Explore: move any input, weight or η
# Every line is recomputed as a slider moves. The weight sliders are the **starting weights**
# (iteration 1). **Next iteration** applies the update and shows the next forward pass with the
# new weights (the drawing and the line under the buttons show the weights in use); the error
# curve grows one point per iteration. **Back to iteration 1** starts again from the slider
# values; **Reset** brings back the notes' example.
#
# **Try:** press *Next iteration* a few times and watch E fall slowly with η = 1. Then set
# η to 5 and step again: the same descent in fewer steps. Set the target to 0.69 and see δ5
# (and with it every Δw) nearly vanish: the output is already right. The list under the
# explorer says what you should see, each with a preset to paste.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the numbers it shows are
# printed in the next cells, which nbval compares.
from nnlab.views.backprop_view import BackpropExplorer

explorer = BackpropExplorer()
explorer
# %%
print({k: v for k, v in explorer.state().items() if k != "weights_in_use"})
# %%
from nnlab.course.backprop import claims

claims
# %% [markdown]
# In code, on an explorer of its own (the one above stays as you left it):
# %%
stepped = BackpropExplorer()
stepped.next_iteration()
stepped.next_iteration()
print({k: v for k, v in stepped.state().items() if k != "weights_in_use"})
# %% [markdown]
# ## Iterations: the notes' "2nd" and "3rd" iteration
# The same step repeated. `train` runs many iterations fast (numpy only, no sympy, no trace);
# row k is the forward pass *before* the k-th update.
# %%
after, outputs, losses = net.train(X, TARGET, LR, 20)
for k in range(5):
    print(f"iteration {k + 1}: y5 = {outputs[k, 0]:.4f}, error t − y5 = {TARGET[0] - outputs[k, 0]:+.4f}, E = {losses[k]:.6f}")
print(f"iteration 20: y5 = {outputs[19, 0]:.4f}, error t − y5 = {TARGET[0] - outputs[19, 0]:+.4f}, E = {losses[19]:.6f}")
assert np.all(np.diff(losses) < 0)  # with η = 1 the loss falls at every iteration
# %% [markdown]
# ## The notes check
# Every number the notes write for this example, compared with the engine at the notes' own
# number of decimals. **correct**: the exact value rounds to it. **rounding**: it does not,
# but carrying the notes' own rounded numbers forward (or truncating instead of rounding)
# gives it. **erratum**: neither; the likely cause is named only where the slip, worked out,
# reproduces the notes' number.
# %%
from nnlab.course.notes_check import NotesCheck

check = NotesCheck()
print(check.counts())
check
# %% [markdown]
# The real slips, then: **Δw14** is written −0.0287 but 1 × −0.0082 × 0.35 = −0.00287 (the
# new w14 = 0.3971 two lines later uses the right value); the summary's **Δw35 = −0.0026** is
# δ3, not η·δ5·y3 = −0.0277; the summary's **Δw24 = −0.000034** matches nothing (η·δ4·x2 =
# −0.0074); and the errors quoted for the 2nd and 3rd iterations (−0.15; 0.09 or 0.1495) do
# not follow from the example: the engine gives −0.1820 and −0.1739.
#
# ## Three ways to the same gradient
# Backprop is only a fast way to compute ∂E/∂w. Here it is against a finite difference of
# the loss (no calculus) and against sympy differentiating E written out in the weights.
# %%
from nnlab.course.backprop import gradient_check

grads = gradient_check()
print(grads)
assert max(r.max_gap for r in grads) < 1e-8
# %% [markdown]
# ## Any network
# The engine is not limited to 2-2-1: any layer sizes, an activation per layer and
# optional biases (trainable or frozen). An instructor can make an exam variant with a full
# answer key from the command line, e.g.
# `nnlab backprop --layers 2,2,2 --x 0.1,0.5 --target 0.9,0.1 --seed 7 --format markdown`
# (weights not given are drawn from the seeded generator); `nnlab exercises 02 --seed 7` writes
# this notebook with seed 7's exercise numbers, and its answer key.
# %%
from nnlab.engine.network import Network

big = Network.build([3, 4, 4, 2], activation="tanh,tanh,sigmoid", biases=True, seed=7)
big_trace = big.step([0.5, -0.2, 0.1], [1.0, 0.0], 0.5)
print(f"{big.shape_text()}: {len(big.weight_index())} weights, {len(big.bias_names())} biases, "
      f"{len(big_trace)} lines in the trace")
print(f"E = {big_trace.loss:.6f} -> after one step {big_trace.loss_after:.6f}")
# %% [markdown]
# ## Exercises
# Type your answer in place of `None` and run the cell: the check says whether it is right
# and, if it is not, which slip it looks like. `ex.solution(n)` shows the worked answer when
# you call it (no cell here prints it). The numbers come from `SEED` in the setup cell: your
# instructor may give you another seed, and then every number of the exercises changes.
# %%
from nnlab.course.backprop import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # δ5
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # Δw35
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # the new w24
ex.check(3, answer)
