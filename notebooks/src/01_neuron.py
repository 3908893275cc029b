# %% [metadata]
# {"nnlab": {"main": "nnlab.views.neuron_view:main_explorer"}}
# %% [markdown]
# # 01 · The neuron
#
# *Follows course notes 000 (first pages: y = mx + c, weights and bias, activation functions,
# the Outlook/Temp/Humidity/Wind table) and notes 001 ("Step 1: linear transformation,
# Step 2: non-linear function").*
#
# A neuron does two things: it takes a **weighted sum** of its inputs plus a bias,
# z = w1·x1 + w2·x2 + … + b, and passes z through an **activation function**, y = f(z).
# Everything in deep learning is built from this.
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
from nnlab.engine.neuron import train_neuron

w_play, b_play, loss_play = train_neuron(X_play, t_play, lr=1.0, epochs=2000)
_, y_play = neuron(X_play, w_play, b_play, "sigmoid")
print(f"loss ½Σ(t − y)²: {loss_play[0]:.4f} at the start, {loss_play[-1]:.4f} after 2000 epochs")
for row, t_i, y_i in zip(table.rows, t_play, y_play):
    print(f"{', '.join(row[:-1])}: target {t_i:.0f}, neuron {y_i:.3f}")
print("largest weights:", ", ".join(f"{n} {v:+.2f}" for n, v in sorted(zip(names, w_play), key=lambda p: -abs(p[1]))[:3]))
assert np.all((y_play >= 0.5) == (t_play == 1))  # all four rows right
# %% [markdown]
# Four rows are easy to fit; with so little data the neuron simply picks the columns that
# tell the rows apart (Temp and Wind here). Deciding whether that generalises needs more data
# — the course's point that deep learning needs lots of it.
#
# ## Exercises
# Type your answer in place of `None` and run the cell. `ex.solution(n)` shows the worked answer.
# %%
from nnlab.course.neuron import exercises as ex

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
# %% [markdown]
# ### Solutions
# %%
for n in (1, 2, 3):
    print(f"{n}. {ex.solution(n)}")
