"""Notebook 05's topic module: the exercises of the playground and their answer helpers.

The answers are computed with the engine (`nnlab.engine.mlp.MLP` counts the parameters) and
the primitives of `nnlab.core.functional` (the binary cross-entropy and its gradient);
`exercise_set(seed)` draws another variant's network, batches and point (seed 0: the notebook's).
`CLAIMS`: what the notebook tells the learner to try with the playground, each checked at its
preset by tests/test_claims.py.
"""
from __future__ import annotations

import numpy as np

from ..core import functional as F
from ..engine.mlp import MLP
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, grid, variant_rng, variant_seed


def _numbers(seed: int) -> dict:
    if seed == 0:
        return {"sizes": (2, 8, 8, 1), "n_train": 100, "batch": 8, "epochs": 30, "z": 0.8, "y": 0.0}
    rng = variant_rng(seed)
    while True:
        n_train, batch = int(rng.integers(50, 301)), int(rng.choice([8, 16, 32, 64]))
        if n_train % batch:          # a smaller last batch, the slip the exercise is about
            break
    return {"sizes": (int(rng.integers(2, 6)), int(rng.integers(3, 17)), int(rng.integers(3, 17)),
                      int(rng.integers(1, 4))),
            "n_train": n_train, "batch": batch, "epochs": int(rng.integers(5, 51)),
            "z": grid(rng, -2.0, 2.0, 0.1, avoid=(0.0,)), "y": float(rng.integers(0, 2))}


def best_line_accuracy_on_xor(steps: int = 41) -> float:
    """The best accuracy any straight line w1·x1 + w2·x2 + b >= 0 reaches on XOR's four corners,
    searched over a grid of lines (it is 3/4: no line separates the two classes)."""
    P = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], dtype=float)
    y = np.array([0, 0, 1, 1])
    g = np.linspace(-2, 2, steps)
    w1, w2, b = np.meshgrid(g, g, g, indexing="ij")
    pred = (w1[..., None] * P[:, 0] + w2[..., None] * P[:, 1] + b[..., None]) >= 0
    return float((pred == y).mean(axis=-1).max())


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 05's exercises in the variant `seed` (0: the notebook's own numbers)."""
    v = _numbers(variant_seed(seed))
    n_in, h1, h2, n_out = v["sizes"]
    net = "-".join(str(k) for k in v["sizes"])
    params = MLP(n_in, (h1, h2), n_out).n_params
    weights = n_in * h1 + h1 * h2 + h2 * n_out
    n_train, batch, epochs = v["n_train"], v["batch"], v["epochs"]
    per_epoch = -(-n_train // batch)
    z, y = v["z"], v["y"]
    loss = float(F.softplus(z) - y * z)      # −[y ln σ(z) + (1 − y) ln(1 − σ(z))]
    yhat = float(F.sigmoid(z))
    dz = yhat - y
    other = float(F.softplus(z) - (1 - y) * z)
    kept = "−ln ŷ" if y else "−ln(1 − ŷ)"
    return ExerciseSet("Playground", [
        Exercise(
            question=f"How many parameters (weights and biases) does a {net} network have?",
            answer=lambda: params,
            solution=lambda: ("Each layer has (inputs × units) weights and one bias per unit: "
                              f"({n_in}·{h1} + {h1}) + ({h1}·{h2} + {h2}) + ({h2}·{n_out} + "
                              f"{n_out}) = {params}."),
            rel_tol=0, abs_tol=0.2,
            mistakes=lambda: [(weights, "those are the weights only: add one bias per hidden and "
                                        "output unit."),
                              (params - n_out, "the output units have biases too."),
                              (n_in + h1 + h2 + n_out, "that counts the neurons, not the "
                                                       "parameters.")]),
        Exercise(
            question=f"{n_train} training points, batch size {batch}, {epochs} epochs: how many "
                     "optimizer steps? (The last batch of an epoch may be smaller; it is still "
                     "one step.)",
            answer=lambda: per_epoch * epochs,
            solution=lambda: (f"An epoch needs ceil({n_train} / {batch}) = {per_epoch} batches "
                              f"({per_epoch - 1} of {batch} and one of {n_train % batch}), so "
                              f"{epochs} epochs take {per_epoch * epochs} steps."),
            rel_tol=0, abs_tol=0.2,
            mistakes=lambda: [(n_train / batch * epochs, f"a step is a whole batch: round "
                               f"{n_train}/{batch} up to {per_epoch} batches per epoch."),
                              (n_train // batch * epochs, f"the last {n_train % batch} points "
                               f"form a batch of their own: {per_epoch} batches per epoch."),
                              (epochs, f"that is the number of epochs; each epoch has "
                                       f"{per_epoch} steps."),
                              (n_train * epochs, f"one step per batch of {batch}, not one per "
                                                 "point.")]),
        Exercise(
            question=f"The network gives the logit z = {z:g} (so ŷ = σ({z:g})) for a point of "
                     f"class y = {y:g}. What is its binary cross-entropy loss "
                     "−[y·ln ŷ + (1 − y)·ln(1 − ŷ)]? (4 decimals)",
            answer=lambda: loss,
            solution=lambda: (f"With y = {y:g} only {kept} is left; ŷ = σ({z:g}) = {yhat:.4f}, "
                              f"so the loss is {loss:.4f}."),
            mistakes=lambda: [(other, f"that is the loss if the point were of class {1 - y:g}; "
                                      f"here y = {y:g}."),
                              (yhat, f"that is the output ŷ = σ({z:g}), not the loss."),
                              (loss / float(np.log(10.0)), "the loss uses the natural logarithm, "
                                                           "not log10.")]),
        Exercise(
            question=f"For the same point (z = {z:g}, y = {y:g}), what is dL/dz, the gradient of "
                     "the binary cross-entropy with respect to the logit? (4 decimals)",
            answer=lambda: dz,
            solution=lambda: ("For a sigmoid output with binary cross-entropy, the σ'(z) factors "
                              f"cancel and dL/dz = ŷ − y = σ({z:g}) − {y:g} = {dz:.4f}."),
            mistakes=lambda: [(dz * yhat * (1 - yhat), "you multiplied by σ'(z) = ŷ(1 − ŷ) as "
                               "with the squared error: with binary cross-entropy it cancels; "
                               "dL/dz = ŷ − y."),
                              (yhat * (1 - yhat), "that is σ'(z) = ŷ(1 − ŷ) alone; dL/dz = ŷ − y."),
                              (yhat - (1 - y), f"that is ŷ − {1 - y:g}: the point is of class "
                                               f"y = {y:g}."),
                              (loss, "that is the loss itself, not its gradient.")]),
        Exercise(
            question="XOR's four corners: (0,0) and (1,1) are class 0, (0,1) and (1,0) class 1. "
                     "What is the best accuracy a network with no hidden layer (one straight "
                     "line as its boundary) can reach on them?",
            answer=best_line_accuracy_on_xor,
            solution=lambda: ("A line can put three corners on their right sides, never all "
                              "four (the classes sit on the two diagonals): the best accuracy is "
                              f"{best_line_accuracy_on_xor():.2f}. A hidden layer bends the "
                              "boundary, and then 1.0 is reachable."),
            rel_tol=0, abs_tol=0.01,
            mistakes=lambda: [(0.5, "a line can do better than chance: try x1 + x2 >= 0.5 — it "
                                    "is wrong on one corner only."),
                              (1.0, "no straight line separates XOR's classes: that is why the "
                                    "network needs a hidden layer.")]),
    ], seed=seed)


exercises = exercise_set(0)


# -- what notebook 05 tells the learner to try with the playground --------------------------------
# Every preset ends with the epoch and stays within one change's budget of optimizer steps
# (playground_view.STEP_BUDGET = 1000: epoch 100 with 100 training points in batches of 10).
LN2 = float(np.log(2.0))      # the cross-entropy of answering 0.5 everywhere

CLAIMS = Claims("nnlab.views.playground_view:factory", [
    Claim("XOR with *0 hidden layers*: the boundary is a straight line and the loss stays near "
          "ln 2 = 0.69 (0.68 at epoch 100; no line gets more than 3 corners of 4 right).",
          'dataset="XOR"; layers=0; epoch=100',
          lambda s: abs(s["train_loss"] - LN2) < 0.03 and s["test_acc"] < 0.75,
          "training loss within 0.03 of ln 2 and test accuracy below 0.75 at epoch 100"),
    Claim("Add one hidden layer of 4 units and the boundary bends: by epoch 100 the loss is "
          "about 0.43 and more than 80 % of the test points are right.",
          'dataset="XOR"; layers=1; units=4; epoch=100',
          lambda s: s["train_loss"] < 0.5 and s["test_acc"] > 0.8,
          "training loss below 0.5 and test accuracy above 0.8 at epoch 100"),
    Claim("The spiral with 2 layers of 4 units, tanh and SGD barely moves: the loss is still "
          "0.67 at epoch 100.",
          'dataset="spiral"; epoch=100',
          lambda s: s["train_loss"] > 0.65 and s["test_acc"] < 0.65,
          "training loss above 0.65 and test accuracy below 0.65 at epoch 100"),
    Claim("With 4 layers of 8 units, Adam and a learning rate of 0.01 it learns: the loss is "
          "about 0.43 at epoch 100 ...",
          'dataset="spiral"; layers=4; units=8; optimizer="adam"; lr="0.01"; epoch=100',
          lambda s: s["train_loss"] < 0.5 and s["test_acc"] >= 0.7,
          "training loss below 0.5 and test accuracy at least 0.7 at epoch 100"),
    Claim("... at 0.03 it is too high: the loss is higher at epoch 100 (about 0.55) and the "
          "test loss has been rising since about epoch 30.",
          'dataset="spiral"; layers=4; units=8; optimizer="adam"; lr="0.03"; epoch=100',
          lambda s: s["train_loss"] > 0.5 and s["best_test_epoch"] < 50,
          "training loss above 0.5 at epoch 100 and the lowest test loss before epoch 50"),
    Claim("The circle at epoch 100 with a learning rate of 0.0001: the network has hardly "
          "moved (loss 0.69, as at epoch 0).",
          'lr="0.0001"; epoch=100',
          lambda s: s["train_loss"] > 0.68 and s["hidden_weight_change"] < 0.01,
          "training loss above 0.68 and no hidden weight moved by 0.01"),
    Claim("At 0.3 the circle is learnt: training loss below 0.01, at least 95 % of the test "
          "points right.",
          'lr="0.3"; epoch=100',
          lambda s: s["train_loss"] < 0.01 and s["test_acc"] >= 0.95,
          "training loss below 0.01 and test accuracy at least 0.95 at epoch 100"),
    Claim("At 10 every step overshoots: at epoch 100 the loss (about 1.5) is worse than the "
          "network's guess at epoch 0, the lowest test loss was at epoch 0.",
          'lr="10"; epoch=100',
          lambda s: s["train_loss"] > 1.0 and s["best_test_epoch"] == 0,
          "training loss above 1.0 and the lowest test loss at epoch 0"),
    Claim("Circle, noise 0.5, training share 0.1, 2 layers of 8 units, Adam, 0.03: the training "
          "loss keeps falling (0.02 at epoch 100) while the test loss turns up after epoch 2 "
          "(above 2 at epoch 100): the network learns the noise of its 20 training points "
          "(overfitting).",
          'noise=0.5; train_fraction=0.1; units=8; optimizer="adam"; epoch=100',
          lambda s: s["train_loss"] < 0.05 and s["test_loss"] > 2.0 and s["best_test_epoch"] <= 5,
          "training loss below 0.05, test loss above 2 and lowest before epoch 6"),
    Claim("Activation *step*: the hidden layers' weights do not change at all, whatever you do "
          "(only the output layer learns).",
          'activation="step"; epoch=100',
          lambda s: s["hidden_weight_change"] == 0.0,
          "no hidden weight or bias changed since epoch 0"),
])
