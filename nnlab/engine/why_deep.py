"""Why deep learning: hand-made features against features a hidden layer learns.

Course notes 000 open with AI ⊃ machine learning ⊃ deep learning ⊃ generative AI, and say
machine learning works on structured data whose features a person designs (feature
engineering), deep learning on unstructured, high-dimensional data whose features the network
learns itself. Two comparisons make that visible, each with the same training for every model
(`nnlab.engine.mlp`: a network with no hidden layer and a sigmoid output *is* logistic
regression; with ten sigmoid outputs it is one-vs-rest logistic regression):

- `circle_comparison`: the playground's circle data (`datasets2d`). A linear model on the raw
  inputs (x1, x2) cannot separate a disc from the ring around it; the same model on the one
  hand-made feature r² = x1² + x2² separates them; a network with one hidden layer of tanh
  units, given only (x1, x2), finds such a feature itself (`hidden_features` draws its units).
- `digits_comparison`: the bundled 8×8 digits (`engine.cnn.load_digits`, split as notebook 07
  splits them). A linear model on the 64 raw pixels, the same model on 16 hand-made features
  (the ink in each row and each column), and a small network with one hidden layer on the
  pixels.

Everything is seeded: the same arguments give the same accuracies on every machine.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import validate as V
from .cnn import load_digits, train_test_split
from .datasets2d import make_split
from .mlp import MLP, Trainer


@dataclass(frozen=True)
class Result:
    name: str               # what the model sees and what it is
    n_features: int         # inputs of the model
    n_params: int
    train_acc: float
    test_acc: float
    model: MLP


def train_model(X_train, y_train, X_test, y_test, hidden=(), epochs=100, lr=0.03,
                batch_size=10, seed=0) -> tuple[MLP, Trainer]:
    """An MLP (tanh hidden units, sigmoid outputs, binary cross-entropy) trained with Adam."""
    y_train = np.asarray(y_train, dtype=float)
    n_out = 1 if y_train.ndim == 1 else y_train.shape[1]
    model = MLP(np.shape(X_train)[1], hidden, n_out, activation="tanh", seed=seed)
    trainer = Trainer(model, X_train, y_train, X_test, y_test, optimizer="adam", lr=lr,
                      batch_size=batch_size, seed=seed)
    return model, trainer.train(V.positive_int("epochs", epochs, maximum=1000))


def radius_squared(X) -> np.ndarray:
    """The hand-made feature of the circle data: one column x1² + x2²."""
    X = V.finite_array("X", X, shape=(None, 2))
    return (X**2).sum(axis=1, keepdims=True)


def _binary_acc(model, X, y) -> float:
    return float(np.mean(model.predict(X) == np.asarray(y)))


def circle_comparison(n=200, noise=0.0, hidden=4, epochs=100, seed=0) -> list[Result]:
    """Linear on (x1, x2), linear on x1² + x2², one hidden layer on (x1, x2); see the module doc."""
    hidden = V.positive_int("hidden", hidden, maximum=64)
    s = make_split("circle", n=n, noise=noise, seed=seed)
    cases = [("linear model on the raw inputs (x1, x2)", s.X_train, s.X_test, ()),
             ("linear model on the hand-made feature x1² + x2²", radius_squared(s.X_train),
              radius_squared(s.X_test), ()),
             (f"network with a hidden layer of {hidden} tanh units on (x1, x2)", s.X_train,
              s.X_test, (hidden,))]
    out = []
    for name, Xtr, Xte, h in cases:
        model, _ = train_model(Xtr, s.y_train, Xte, s.y_test, h, epochs=epochs, seed=seed)
        out.append(Result(name, Xtr.shape[1], model.n_params, _binary_acc(model, Xtr, s.y_train),
                          _binary_acc(model, Xte, s.y_test), model))
    return out


def hidden_features(model: MLP, lo=-6.0, hi=6.0, n=61):
    """(grid, [activation of each hidden unit over the plane], output over the plane) of a
    network with one hidden layer and two inputs: what each unit has learned to detect."""
    if model.n_inputs != 2 or len(model.hidden) != 1:
        V.fail("model", "a network with two inputs and one hidden layer", model.sizes)
    n = V.positive_int("n", n, minimum=2, maximum=401)
    g = np.linspace(lo, hi, n)
    X1, X2 = np.meshgrid(g, g)
    pts = np.stack([X1.ravel(), X2.ravel()], axis=1)
    dense, act = model.network.layers[0], model.network.layers[1]
    h = act.forward(dense.forward(pts))
    units = [h[:, k].reshape(X1.shape) for k in range(h.shape[1])]
    return g, units, model.predict_proba(pts).reshape(X1.shape)


def ink_features(images) -> np.ndarray:
    """The hand-made features of a digit: the ink in each of its 8 rows and 8 columns (16)."""
    images = V.finite_array("images", images, shape=(None, 8, 8))
    return np.hstack([images.sum(axis=2), images.sum(axis=1)])


def digits_comparison(hidden=32, epochs=20, seed=0) -> list[Result]:
    """Linear on the 64 pixels, linear on the 16 ink features, one hidden layer on the pixels."""
    hidden = V.positive_int("hidden", hidden, maximum=256)
    images, labels = load_digits()
    split = train_test_split(labels, test_fraction=0.25, seed=seed)
    pixels = images.reshape(len(images), -1)
    onehot = np.eye(10)[labels]
    cases = [("linear model on the 64 raw pixels", pixels, ()),
             ("linear model on 16 hand-made features (ink per row and per column)",
              ink_features(images), ()),
             (f"network with a hidden layer of {hidden} tanh units on the 64 pixels", pixels,
              (hidden,))]
    out = []
    for name, F, h in cases:
        tr, te = split.train, split.test
        model, _ = train_model(F[tr], onehot[tr], F[te], onehot[te], h, epochs=epochs, lr=0.01,
                               batch_size=32, seed=seed)
        acc = [float(np.mean(model.predict_proba(F[i]).argmax(axis=1) == labels[i]))
               for i in (tr, te)]
        out.append(Result(name, F.shape[1], model.n_params, *acc, model))
    return out


def table(results) -> str:
    """The comparison as aligned text (accuracies to 3 decimals)."""
    width = max(len(r.name) for r in results)
    lines = [f"{'model':{width}}  inputs  parameters  train acc  test acc"]
    lines += [f"{r.name:{width}}  {r.n_features:6d}  {r.n_params:10d}  {r.train_acc:9.3f}  "
              f"{r.test_acc:8.3f}" for r in results]
    return "\n".join(lines)
