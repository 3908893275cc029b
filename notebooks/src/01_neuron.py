# %% [metadata]
# {"nnlab": {"main": "nnlab.views.neuron_view:main_explorer"}}
# %% [markdown]
# # 01 · The neuron
#
# *Follows course notes 000 (first pages: Gen AI, AI, ML, DL; y = mx + c, weights and bias,
# activation functions, the perceptron, the Outlook/Temp/Humidity/Wind table, "why we need deep
# learning instead of machine learning") and notes 001 ("Step 1: linear transformation,
# Step 2: non-linear function").*
#
# The notes open with a nesting: **AI** ⊃ **machine learning** ("understand data") ⊃
# **deep learning** ("processing power") ⊃ **generative AI** ("generate content"), and name
# the building block of deep learning: the artificial neuron, the **perceptron** (transcribed
# "Precptone").
#
# A neuron does two things: it takes a **weighted sum** of its inputs plus a bias,
# z = w1·x1 + w2·x2 + … + b, and passes z through an **activation function**, y = f(z).
# Everything in deep learning is built from this. This notebook builds it up: a line, many
# inputs, an activation, Rosenblatt's perceptron and its learning rule, where one neuron is not
# enough (XOR), and, at the end, the notes' question "why do we need deep learning instead of
# machine learning?" answered with numbers.
# %%
import numpy as np

from nnlab.core.environment import environment_report

SEED = 0
rng = np.random.default_rng(SEED)
print(environment_report(seed=SEED))
# %% [markdown]
# ## 1. A line: y = m·x + c
# With one input and no activation, a neuron *is* a line: the weight is the slope m and the
# bias is the intercept c. Fitting the line to data means choosing m and c that make the
# squared errors small. There is a closed formula (least squares); gradient descent, which
# neural networks use, finds the same line step by step.
# %%
from nnlab.engine.neuron import fit_line, gd_line

x = np.array([1, 2, 3, 4, 5.0])
y = np.array([2.9, 5.1, 7.0, 9.2, 10.8])
m, c = fit_line(x, y)
m_gd, c_gd, losses = gd_line(x, y, lr=0.05, steps=2000)
print(f"least squares:    m = {m:.4f}, c = {c:.4f}")
print(f"gradient descent: m = {m_gd:.4f}, c = {c_gd:.4f} (mean squared error {losses[0]:.2f} -> {losses[-1]:.4f})")
assert abs(m - m_gd) < 1e-3 and abs(c - c_gd) < 1e-3  # the two routes agree
# %%
from nnlab.views.neuron_view import plot_line_fit

plot_line_fit(x, y, m, c, losses)
# %% [markdown]
# **Fit it by hand.** Move the slope **m** and the intercept **c**: the red segments are the
# residuals y − (m·x + c), and the mean squared error of your line is shown live beside that of
# the least-squares line (dashed).
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the
# numbers it shows, which nbval compares.
from nnlab.views.perceptron_view import LineFitExplorer

line_by_hand = LineFitExplorer(m=1.0, c=0.0, x=x, y=y)
line_by_hand
# %%
print(line_by_hand.state())
# %%
from nnlab.course.perceptron import line_claims

line_claims
# %% [markdown]
# ## 2. Many inputs: multiple regression is a neuron with a linear activation
# The notes write y = m1·x1 + m2·x2 + … + mn·xn + c (one transcribed line reads "m2·z2": a
# slip for m2·x2). Rename the slopes *weights* w and the intercept the *bias* b, and it is the
# neuron's first step, z = Σ wi·xi + b.
# %%
from nnlab.engine.neuron import neuron, weighted_sum_text

w = np.array([0.5, -1.0, 2.0])
b = 0.2
X = rng.uniform(-1, 1, size=(4, 3)).round(2)
z, y_lin = neuron(X, w, b, activation="linear")
for row, zi in zip(X, z):
    print(f"x = {row}:  z = {weighted_sum_text(w, row, b)} = {zi:.4f}")
assert np.allclose(z, X @ w + b) and np.allclose(y_lin, z)  # linear activation: y = z
# %% [markdown]
# ## 3. The activation: step and sigmoid
# The **step** function answers yes (1) or no (0): 1 when z ≥ 0. The **sigmoid**
# σ(z) = 1/(1 + e^(−z)) is a smooth step: its output lies strictly between 0 and 1 (the notes
# write the range as [0, 1]; the ends are never reached), and it has a slope everywhere,
# which is what lets gradient descent learn (notebook 02).
# %%
from nnlab.engine.neuron import activate

for zi in (-4.0, -1.0, 0.0, 0.5, 1.0, 4.0):
    print(f"z = {zi:5.1f}   step(z) = {activate('step', zi):.0f}   sigmoid(z) = {activate('sigmoid', zi):.4f}")
# %% [markdown]
# ## 4. Where does a neuron change its mind? Its decision boundary
# With two inputs, the neuron says "yes" on one side of the line w1·x1 + w2·x2 + b = 0 and
# "no" on the other. Below, the four rows of a truth table are the dots (blue = 1, red = 0).
#
# **Try:** with the AND table, move **w1**, **w2** and **b** until all four rows are right.
# Switch to OR and find weights for it. Then try XOR: no line separates its rows, whatever you
# do — one neuron cannot learn XOR. A hidden layer can (notebooks 02 and 05). The list under
# the explorer gives settings to check your findings (it gives the answers away).
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the
# numbers it shows, which nbval compares.
from nnlab.views.neuron_view import BoundaryExplorer

boundary = BoundaryExplorer(gate="AND", activation="step", w1=1.0, w2=1.0, b=-0.5)
boundary
# %%
print(boundary.state())
# %% [markdown]
# The same in code, on an explorer of its own (the one above stays as you left it):
# %%
solved = BoundaryExplorer(gate="AND", activation="step", w1=1.0, w2=1.0, b=-1.5)
print(solved.state())
# %%
from nnlab.course.neuron import claims

claims
# %% [markdown]
# A brute-force search over a grid of weights confirms what the explorer suggests:
# %%
from nnlab.engine.neuron import separable_by_one_neuron

for gate in ("AND", "OR", "XOR"):
    print(f"{gate}: separable by one neuron: {separable_by_one_neuron(gate)}")
assert not separable_by_one_neuron("XOR")
# %% [markdown]
# ## 5. The course's table: should we play?
# The notes start with a small table of categorical features. A neuron needs numbers, so
# each feature becomes one 0/1 column per category (**one-hot encoding**). The file is
# `data/play_tennis.csv`, transcribed from the notes as written (the Temp value "G" is kept
# as its own category; it may be a garbled letter).
# %%
from nnlab.engine.neuron import play_tennis

names, X_play, t_play, table = play_tennis()
print(" | ".join(table.columns))
for row in table.rows:
    print(" | ".join(row))
print()
print("one-hot columns:", ", ".join(names))
print(X_play.astype(int))
# %% [markdown]
# Train one sigmoid neuron on the four rows with the delta rule of notebook 02,
# Δwi = η·δ·xi with δ = y(1 − y)(t − y):
# %%
from nnlab.engine.neuron import largest_weights, train_neuron

w_play, b_play, loss_play = train_neuron(X_play, t_play, lr=1.0, epochs=2000)
_, y_play = neuron(X_play, w_play, b_play, "sigmoid")
print(f"loss ½Σ(t − y)²: {loss_play[0]:.4f} at the start, {loss_play[-1]:.4f} after 2000 epochs")
for row, t_i, y_i in zip(table.rows, t_play, y_play):
    print(f"{', '.join(row[:-1])}: target {t_i:.0f}, neuron {y_i:.3f}")
print("largest weights:", ", ".join(f"{n} {v:+.2f}" for n, v in largest_weights(names, w_play, 3)))
assert np.all((y_play >= 0.5) == (t_play == 1))  # all four rows right
# %% [markdown]
# Four rows are easy to fit; with so little data the neuron simply picks the columns that
# tell the rows apart (Temp and Wind here). Deciding whether that generalises needs more data
# — the course's point that deep learning needs lots of it.
#
# ## 6. The perceptron: Rosenblatt's rule
# The notes' building block has a name: the **perceptron** (Rosenblatt 1958, "The perceptron: a
# probabilistic model for information storage and organization in the brain", *Psychological
# Review* 65(6)). It is the neuron with the **step** activation, ŷ = step(w · x), and the bias
# written as one more weight w0 on an input x0 = 1 that is always there. Its learning rule
# takes the rows one at a time:
#
# ŷ = step(w · x),  error = t − ŷ,  **w ← w + η·(t − ŷ)·x**
#
# A row it gets right (error 0) changes nothing; a wrong row moves every weight whose input
# is 1 by ±η. One **pass** shows it every row once. It stops when a whole pass changes
# nothing: then every row is right. Here it is on the play-tennis table (zero weights, η = 1,
# the rows in the table's order), every update as the run returned it:
# %%
from nnlab.engine.perceptron import table as perceptron_table
from nnlab.engine.perceptron import train_perceptron

names_p, X_p, t_p = perceptron_table("play tennis")
run = train_perceptron(X_p, t_p, lr=1.0, names=names_p)
print("weights w0..w9 on", ", ".join(run.names))
for k, u in enumerate(run.updates, 1):
    dw = " ".join(f"{v:+g}" for v in u.dw)
    print(f"{k:2}. pass {u.pass_no} row {u.row + 1}: z = {u.z:+g}, ŷ = {u.y_hat:g}, t = {u.target:g}, "
          f"error {u.error:+g}, Δw = [{dw}]")
print(run.outcome())
print("final weights:", ", ".join(f"{n} {w:+g}" for n, w in zip(run.names, run.weights) if w))
print(f"rows right with them: {run.rows_right()} of {len(run.t)}")
# %% [markdown]
# So the table **is linearly separable** with its one-hot encoding: the weights above are a
# line (a hyperplane in the 9 one-hot columns) with every row on its own side. (The perceptron
# convergence theorem, Novikoff 1962, says the rule always settles on separable data.) Step
# through the same updates in the explorer with the **update** slider; switch **data** to a
# truth table to see its four rows in the plane, the row just seen ringed and the line
# w·x = 0 after each update. The list under it says what to look for.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the
# numbers it shows, which nbval compares.
from nnlab.views.perceptron_view import PerceptronExplorer

perceptron = PerceptronExplorer(data="play tennis", lr=1.0, max_passes=20, update=0)
perceptron
# %%
print(perceptron.state())
# %%
from nnlab.course.perceptron import perceptron_claims

perceptron_claims
# %% [markdown]
# ## 7. The same rule on XOR never settles
# On XOR the rule runs for ever. The rule is deterministic, so as soon as the weights at the
# start of a pass are the same as at the start of an earlier pass, it will repeat those passes
# for ever: the run below stops there (and in any case after 10 passes).
# %%
names_x, X_x, t_x = perceptron_table("XOR")
xor_run = train_perceptron(X_x, t_x, lr=1.0, max_passes=10, names=names_x)
for p, (w_start, wrong) in enumerate(zip(xor_run.pass_weights, xor_run.mistakes), 1):
    during = " → ".join(str(tuple(float(v) for v in u.w_after)) for u in xor_run.updates
                        if u.pass_no == p)
    print(f"pass {p}: starts at w = {tuple(float(v) for v in w_start)}, rows wrong {[i + 1 for i in wrong]}; "
          f"w goes {during}")
print(xor_run.outcome())
assert xor_run.cycle is not None and not xor_run.settled
# %% [markdown]
# A cycle with mistakes in it means infinitely many mistakes, which the convergence theorem
# rules out for separable data: so XOR is **not** linearly separable. Directly:
# %%
from nnlab.engine.perceptron import xor_contradiction

print("\n".join(xor_contradiction()))
# %% [markdown]
# No single neuron can compute XOR. Three can: two neurons compute x1 OR x2 and
# NOT (x1 AND x2), each one line, and a third takes the AND of their outputs, which is XOR.
# The first two form a **hidden layer**: neurons whose outputs are new features for the
# neurons after them (notebooks 02 and 05).
#
# ## 8. Why deep learning instead of machine learning?
# The notes answer: classical machine learning works on **structured data** with features a
# person designs (**feature engineering**) and struggles with high-dimensional data; deep
# learning takes **unstructured, high-dimensional data** (images, audio, text) and learns its
# features itself (the notes write "automatic feature selection"), at a higher computing cost.
#
# First on the playground's circle data (notebook 05): a disc of one class inside a ring of the
# other. Three models, each trained the same way (Adam, 100 epochs, seeded); the first two are
# **logistic regression** (a network with no hidden layer and a sigmoid output):
# %%
from nnlab.engine.why_deep import circle_comparison, digits_comparison
from nnlab.engine.why_deep import table as comparison_table

circle = circle_comparison(n=200, noise=0.0, hidden=4, epochs=100, seed=SEED)
print(comparison_table(circle))
assert circle[0].test_acc < 0.7 and circle[1].test_acc > 0.95 and circle[2].test_acc > 0.9
# %%
from nnlab.views.why_deep_figures import plot_circle_views

plot_circle_views(n=200, noise=0.0, seed=SEED)
# %% [markdown]
# The linear model on (x1, x2) draws one straight line, and no line separates a disc from a
# ring around it: it gets fewer than half of the points right, no better than a coin. Give the same model the hand-made feature
# x1² + x2² (the squared distance from the centre) and one threshold does it: that is feature
# engineering. The network with a hidden layer was given only (x1, x2). What did its four
# hidden units learn? Each is tanh of a weighted sum, a soft half-plane; the output neuron adds
# them up into a closed region around the disc, a feature it found itself:
# %%
from nnlab.engine.datasets2d import make_split
from nnlab.views.why_deep_figures import plot_hidden_features

circle_data = make_split("circle", n=200, noise=0.0, seed=SEED)
plot_hidden_features(circle[2].model, circle_data.X_train, circle_data.y_train)
# %% [markdown]
# Now unstructured, higher-dimensional data: the 1,797 handwritten digits of 8×8 pixels that
# notebook 07 uses (same split, a quarter of each class held out). A linear model on the 64 raw
# pixels, the same model on 16 hand-made features (the ink in each row and each column), and a
# network with one hidden layer of 32 units on the pixels:
# %%
digits = digits_comparison(hidden=32, epochs=20, seed=SEED)
print(comparison_table(digits))
assert digits[2].test_acc > digits[0].test_acc > digits[1].test_acc
# %% [markdown]
# Here the hand-made features lose: summing the ink per row and column throws away where the
# strokes cross, and a person would have to keep designing better features. The network with a
# hidden layer, given the raw pixels, learns its own features and does best; with more data and
# more layers (the CNN of notebook 07) the gap grows. That is the notes' case for deep
# learning — at the cost of more parameters and more computation (the parameter column).
#
# ## Exercises
# Type your answer in place of `None` and run the cell; `ex.check` says whether it is right or
# which slip it looks like. `ex.solution(n)` shows the worked answer when you call it.
# %%
from nnlab.course.neuron import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # y = ?
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # number of columns
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # [m, c]
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # [w0, w1, w2] after the update
ex.check(4, answer)
# %%
print(ex.show(5))
# %%
answer = None  # number of passes
ex.check(5, answer)
# %%
print(ex.show(6))
# %%
answer = None  # mean squared error
ex.check(6, answer)
