# %% [metadata]
# {"nnlab": {"main": "nnlab.views.playground_view:factory"}}
# %% [markdown]
# # 05 · Playground: train a network and watch it learn
#
# *Follows course notes 001: "Demo" (the notes point at TensorFlow Playground,
# playground.tensorflow.org, and at ml-playground.com), "Learning rate" (too high overshoots,
# too low converges slowly), "Sigmoid: typically used as activation function for output layer
# for binary classification"; and notes 000: activation functions and optimizers.*
#
# TensorFlow Playground trains a small network in the browser on 2-D points and paints what
# the network answers over the whole plane. This notebook rebuilds that demo on the `nnlab`
# engine, so that every number can also be followed in code:
#
# - `nnlab.engine.datasets2d`: the four data sets (circle, XOR, Gaussian clusters, spiral);
# - `nnlab.engine.mlp`: the network, a stack of the layers of `nnlab.engine.layers` (each with
#   its forward rule and its backward rule), and a trainer, written out in numpy;
# - `nnlab.engine.optim` and `nnlab.engine.activations`: the optimizers and activations of notebooks 03–04;
# - `nnlab.views.playground_view`: the explorer with its widgets (its figure is drawn by
#   `nnlab.views.playground_figures`);
# - `nnlab.course.mlp`: the exercises at the end.
# %% [markdown]
# ## Setup
# %%
import numpy as np

from nnlab.core.environment import environment_report

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## 1. The data: four problems in the plane
# Each point has two features (x1, x2) and a class: 1 (blue) or 0 (orange). The sets follow
# TensorFlow Playground's shapes and units (the square from −6 to 6). **Noise** moves each
# point away from where its class put it, so the classes start to overlap; the points are cut
# into a **training** part (the network learns from it) and a **test** part (it never sees
# it: the test loss tells whether what it learnt carries over).
# %%
from nnlab.views.playground_view import plot_datasets

plot_datasets(noise=0.1, seed=SEED)
# %%
from nnlab.engine.datasets2d import DATASETS, make_split

for name in DATASETS:
    s = make_split(name, n=200, noise=0.1, train_fraction=0.5, seed=SEED)
    print(f"{name:7s} training points {s.n_train}, test points {s.n_test}, "
          f"class 1 in training {int(s.y_train.sum())}, in test {int(s.y_test.sum())}")
# %% [markdown]
# The same seed gives the same points, on every machine:
# %%
a, b = make_split("spiral", seed=SEED), make_split("spiral", seed=SEED)
assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
print("same seed, same points:", np.array_equal(a.X_train, b.X_train))
# %% [markdown]
# ## 2. The network, one step at a time
# A 2-8-8-1 network: two inputs, two hidden layers of 8 units (tanh), one output unit with a
# sigmoid, whose output ŷ is read as the probability of class 1 (as notes 001 say: sigmoid on
# the output layer for binary classification). Each layer computes z = A·Wᵀ + b for a whole
# batch at once (the rows of A are the examples; W has one row per unit, as in
# `torch.nn.Linear`), then the activation.
#
# Notes 001 write one neuron as ŷ = σ(x1·w1 + x2·w2) with "x_0 = Bias": read it as a constant
# input x_0 = 1 whose weight w_0 is the bias b, so ŷ = σ(w0 + x1·w1 + x2·w2). (The next line
# of the notes, ŷ = log(x1·w1 + x2·w2), is not an activation anyone uses: log is undefined
# for a weighted sum ≤ 0, which half of all inputs give.)
#
# The loss is the **binary cross-entropy** L = −mean[y·ln ŷ + (1 − y)·ln(1 − ŷ)]; the
# squared error of notes 000 is there too (`loss="mse"`). Backpropagation gives dL/dW and
# dL/db for every layer.
# %%
from nnlab.engine.mlp import MLP

split = make_split("xor", n=200, noise=0.0, train_fraction=0.5, seed=SEED)
net = MLP(2, hidden=(8, 8), n_outputs=1, activation="tanh", loss="bce", seed=SEED)
loss, grads = net.gradients(split.X_train[:10], split.y_train[:10])
print(f"loss on a batch of 10 points: {loss:.4f}   parameters: {net.n_params}")
for k, (p, g) in enumerate(zip(net.params, grads)):
    kind = "W" if k % 2 == 0 else "b"
    print(f"  {kind}{k // 2 + 1}: shape {str(p.shape):7s}  gradient shape {str(g.shape):7s}")
# %% [markdown]
# Are the gradients right? Nudge one weight by ±h, recompute the loss, and divide
# (central differences, `nnlab.core.gradcheck.central_difference`, which does this for every
# entry of an array): the slope must match what backpropagation says.
# %%
from nnlab.core.gradcheck import central_difference

X10, y10 = split.X_train[:10], split.y_train[:10]
# params[2] is W2, the 8×8 weights of layer 2: each entry nudged where the layer keeps it
numeric = central_difference(lambda: net.loss(X10, y10), net.params[2], h=1e-6)
for idx in [(0, 0), (3, 5), (7, 7)]:
    print(f"dL/dW2{idx}: backprop {grads[2][idx]: .6f}, finite differences {numeric[idx]: .6f}")
assert np.abs(numeric - grads[2]).max() < 1e-7  # backpropagation and finite differences agree
# %% [markdown]
# ## 3. The playground
# Choose a data set, its noise and the share of points used for training; the hidden layers
# and their units; the activation; the optimizer, its learning rate and the batch size. Then
# press **▶** (or **Step +1 epoch**, or drag the **epoch** slider). One epoch is one pass over
# the training points in shuffled mini-batches, one optimizer step per batch.
#
# - Left: the network. Each line is a weight: thick lines are large weights, blue positive,
#   orange negative. Watch them grow as the network learns.
# - Middle: the network's output ŷ over the whole plane (blue: class 1, orange: class 0),
#   with the training points (white edge) and the test points (black edge).
# - Right: the training and the test loss after every epoch.
#
# What you see is the network after *epoch* epochs from its seed: drag the epoch back and the
# earlier network comes back; change any setting and the network is retrained to the same
# epoch, so you can compare settings at equal training time.
#
# No change trains more than 1,000 optimizer steps (a fraction of a second), so the page
# never freezes: if the epoch you ask for lies further (say epoch 300 with batches of 2: 50
# steps per epoch), training stops at the last epoch within those steps, the slider shows the
# epoch actually reached and the explorer says "Trained to epoch 20 of 300 ... press ▶ to
# continue". **▶** then trains one epoch per tick; **■** (or ❚❚) pauses where it is;
# **⏮ epoch 0** goes back to the start. **Reset** under the explorer brings every setting back
# to what this notebook set, and the **preset** line beside it holds the whole state: copy it,
# or paste one of the lines below to get its settings.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: the widget's text form lists its model state, which nbval cannot compare
# meaningfully; the next cell prints the numbers it shows.
from nnlab.views.playground_view import Playground

pg = Playground(dataset="circle", layers=2, units=4, activation="tanh", optimizer="sgd",
                lr=0.03, batch_size=10, seed=SEED)
pg
# %%
print(pg.state())
# %% [markdown]
# Things to try (each sentence is checked by the course's tests at its preset: paste the
# preset into the box under the explorer):
# %%
from nnlab.course.mlp import CLAIMS

CLAIMS
# %% [markdown]
# Everything the widgets do can be done in code. A second playground (the one above stays as
# this notebook set it): each tick of the Play widget's clock while it plays trains one more
# epoch, as ▶ does, one epoch at a time.
# %%
demo = Playground(dataset="circle", layers=2, units=4, seed=SEED)
demo.controls["play"].playing = True
for _ in range(30):
    demo.controls["play"].value += 1           # what the browser sends at each tick of ▶
demo.controls["play"].playing = False          # ❚❚ (or ■): the epoch stays
print(demo.state())
assert demo.controls["epoch"].value == demo.state()["epoch"] == 30
# %% [markdown]
# Asking for far more than one change may train: the slider shows the epoch reached.
# %%
demo.controls["batch_size"].value = 2
demo.controls["epoch"].value = 300
print(f"asked for epoch 300, trained {demo.last_steps} steps, now at epoch "
      f"{demo.state()['epoch']} (the slider shows {demo.controls['epoch'].value})")
assert demo.controls["epoch"].value == demo.state()["epoch"] < 300
# %% [markdown]
# The same picture as a plain image (it stays visible where widgets are not, for example in a
# static copy of this notebook):
# %%
demo.picture()
# %% [markdown]
# ## 4. The learning rate: too high overshoots, too low crawls
# The same network, data and seed, trained for 30 epochs with four learning rates (plain SGD,
# batches of 10). The loss after 0, 10 and 30 epochs:
# %%
from nnlab.engine.mlp import train_mlp

circle = make_split("circle", n=200, noise=0.1, train_fraction=0.5, seed=SEED)
runs = {}
for lr in (0.001, 0.03, 0.3, 10.0):
    runs[lr] = train_mlp(circle, hidden=(4, 4), activation="tanh", optimizer="sgd", lr=lr,
                         batch_size=10, epochs=30, seed=SEED)
    hist = runs[lr].history["train_loss"]
    if lr < 10:
        print(f"lr = {lr:<6g} loss: epoch 0 {hist[0]:.4f}, epoch 10 {hist[10]:.4f}, "
              f"epoch 30 {hist[30]:.4f}")
    else:
        # with a far too high rate each step overshoots and the path is chaotic: its digits
        # change with the last bit of any sum, so only what it does is printed
        print(f"lr = {lr:<6g} loss: epoch 0 {hist[0]:.4f}; the mean loss of epochs 1–30 is "
              f"more than twice that: {np.mean(hist[1:]) > 2 * hist[0]}")
# %%
low, good, high = runs[0.001].history, runs[0.3].history, runs[10.0].history
assert low["train_loss"][0] - low["train_loss"][30] < 0.01    # too low: it crawls
assert good["train_loss"][30] < 0.5 * good["train_loss"][0]   # a good rate: it learns
assert np.mean(high["train_loss"][1:]) > 2 * high["train_loss"][0]  # too high: overshoots
print("too low crawls, too high overshoots: confirmed")
# %% [markdown]
# ## 5. Same seed, same curve
# All randomness (the initial weights, the order of the mini-batches) comes from the seed. Two
# runs with the same seed give the same loss curve to the last bit; another seed gives
# another curve (and usually a similar final loss).
# %%
run1 = train_mlp(circle, hidden=(4, 4), optimizer="adam", lr=0.03, epochs=20, seed=SEED)
run2 = train_mlp(circle, hidden=(4, 4), optimizer="adam", lr=0.03, epochs=20, seed=SEED)
run3 = train_mlp(circle, hidden=(4, 4), optimizer="adam", lr=0.03, epochs=20, seed=SEED + 1)
for name, run in (("seed 0, run 1", run1), ("seed 0, run 2", run2), ("seed 1       ", run3)):
    curve = run.history["train_loss"]
    print(name, " ".join(f"{curve[e]:.4f}" for e in (0, 5, 10, 15, 20)))
assert run1.history == run2.history  # bit for bit
assert run1.history["train_loss"] != run3.history["train_loss"]
# %% [markdown]
# ## 6. XOR needs a hidden layer
# 300 steps of Adam (full batch: one step per epoch) on XOR, with two hidden layers of 8 units,
# and with no hidden layer at all (the output unit alone: its boundary is a straight line).
# %%
deep = train_mlp(split, hidden=(8, 8), activation="tanh", optimizer="adam", lr=0.03,
                 batch_size=split.n_train, epochs=300, seed=SEED)
flat = train_mlp(split, hidden=(), optimizer="adam", lr=0.03, batch_size=split.n_train,
                 epochs=300, seed=SEED)
for name, run in (("2-8-8-1", deep), ("2-1 (no hidden layer)", flat)):
    h_ = run.history
    print(f"{name:22s} steps {run.steps}: training accuracy {h_['train_acc'][-1]:.3f}, "
          f"test accuracy {h_['test_acc'][-1]:.3f}")
assert deep.history["test_acc"][-1] >= 0.95  # the network with hidden layers learns XOR
assert flat.history["test_acc"][-1] <= 0.75  # one straight line cannot (3 corners of 4 at best)
# %% [markdown]
# ## 7. Which activation?
# The same XOR problem, a 2-4-4-1 network, 150 steps of full-batch Adam, for each activation
# of notebook 03 (the output unit is always a sigmoid). A *linear* hidden layer adds nothing:
# linear layers stacked are one linear map, and the boundary stays a line. The *step* function
# has derivative 0, so no gradient flows back into the hidden layers.
# %%
from nnlab.views.playground_view import PLAYGROUND_ACTIVATIONS

final = {}
for act in PLAYGROUND_ACTIVATIONS:
    run = train_mlp(split, hidden=(4, 4), activation=act, optimizer="adam", lr=0.03,
                    batch_size=split.n_train, epochs=150, seed=SEED)
    final[act] = run.history
    print(f"{act:12s} training loss {run.history['train_loss'][-1]:.4f}, "
          f"test accuracy {run.history['test_acc'][-1]:.3f}")
assert final["tanh"]["test_acc"][-1] > 0.9 and final["relu"]["test_acc"][-1] > 0.9
assert final["linear"]["test_acc"][-1] < 0.75
# %% [markdown]
# ## How this differs from TensorFlow Playground
# - TensorFlow Playground labels the classes −1 and +1, uses tanh on the output and the
#   squared error; here the output is a sigmoid read as a probability and the default loss is
#   binary cross-entropy (choose *mean squared error* in the loss menu to compare).
# - Its noise relabels points near the boundary; here noise moves the points (both make the
#   classes overlap).
# - Here the picture is a function of the settings and the epoch: changing a setting retrains
#   from the seed, where TensorFlow Playground carries on from the current weights.
# %% [markdown]
# ## Exercises
# Type your answer in place of `None` and run the cell: the check says whether it is right and
# recognises the usual slips (weights without biases, the last smaller batch forgotten, the
# other class's loss, an extra σ'(z)). `ex.solution(n)` shows the worked answer when you want it.
# %%
from nnlab.course.mlp import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # number of parameters
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # number of optimizer steps
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # the loss
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # dL/dz
ex.check(4, answer)
# %%
print(ex.show(5))
# %%
answer = None  # the best accuracy of one straight line
ex.check(5, answer)
