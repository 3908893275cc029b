"""A small convolutional network that really learns: conv → ReLU → max-pool → flatten → dense → softmax.

Every layer has `forward(x)` (keeping what its backward pass needs) and `backward(grad)` (storing
the gradients of its parameters in `.grads` and returning the gradient for the layer below), so
each can be checked against finite differences (`numerical_gradient`). The model is trained on
the 8×8 UCI handwritten digits (`load_digits`) with an optimizer of `nnlab.engine.optim`, seeded and
deterministic. `fit` calls `callback(epoch, epochs, loss, accuracy)` after every epoch, e.g. to
print `progress_bar(...)`.

    X, y = load_digits()
    split = train_test_split(y, test_fraction=0.25, seed=0)
    model = CNN(seed=0)
    history = model.fit(X[split.train], y[split.train], epochs=12)
    model.accuracy(X[split.test], y[split.test])
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ..core import validate as V
from ..core.blas import blas_threads
from .conv import _conv_backward_core, _conv_forward, _pad, max_pool2d, max_pool2d_backward
from ..course.exercises import Exercise, ExerciseSet


# -- data --------------------------------------------------------------------------------------
def load_digits():
    """The 1,797 8×8 UCI handwritten digits: images N×8×8 scaled to [0, 1] (pixels 0..16 / 16), labels."""
    from ..core.data import load_npz

    d = load_npz("digits.npz", expected_keys=("images", "labels"))
    images, labels = d["images"], d["labels"]
    if images.shape[1:] != (8, 8) or labels.shape != images.shape[:1] or images.max() > 16:
        raise ValueError("digits.npz: expected 8×8 images with pixels 0..16 and one label each; "
                         "restore the file with git")
    return images.astype(float) / 16.0, labels.astype(int)


@dataclass
class Split:
    train: np.ndarray
    test: np.ndarray


def train_test_split(labels, test_fraction=0.25, seed=0) -> Split:
    """Stratified, seeded split: the same fraction of every class held out for testing."""
    y = np.asarray(labels)
    frac = V.finite_number("test_fraction", test_fraction, minimum=0, maximum=1, strict_min=True,
                           strict_max=True)
    rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
    train, test = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = max(1, int(round(frac * len(idx))))
        test.append(idx[:k])
        train.append(idx[k:])
    return Split(np.sort(np.concatenate(train)), np.sort(np.concatenate(test)))


# -- layers ------------------------------------------------------------------------------------
class Layer:
    params: list
    grads: list
    name = "layer"

    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):  # pragma: no cover
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover
        raise NotImplementedError


class Conv2d(Layer):
    """out = conv2d(x, weight, bias, stride=1, padding): weight O×C×k×k, He-initialised."""

    name = "conv"

    def __init__(self, in_channels, out_channels, kernel_size=3, padding=1, rng=None):
        super().__init__()
        c = V.positive_int("in_channels", in_channels)
        o = V.positive_int("out_channels", out_channels)
        k = V.positive_int("kernel_size", kernel_size)
        self.padding = V.positive_int("padding", padding, minimum=0)
        rng = np.random.default_rng(0) if rng is None else rng
        w = rng.normal(0.0, math.sqrt(2.0 / (c * k * k)), size=(o, c, k, k))
        self.params = [w, np.zeros(o)]

    def forward(self, x):
        pads = ((self.padding,) * 2,) * 2
        self._cache = (x.shape, pads)
        self._xp = _pad(x, pads)
        return _conv_forward(x, self.params[0], self.params[1], (1, 1), pads)

    def backward(self, grad):
        xshape, pads = self._cache
        dx, dw, db = _conv_backward_core(self._xp, self.params[0], grad, (1, 1), pads, xshape)
        self.grads = [dw, db]
        return dx


class ReLU(Layer):
    name = "relu"

    def forward(self, x):
        self._mask = x > 0
        return x * self._mask

    def backward(self, grad):
        return grad * self._mask


class MaxPool2d(Layer):
    name = "maxpool"

    def __init__(self, kernel_size=2):
        super().__init__()
        self.k = V.positive_int("kernel_size", kernel_size)

    def forward(self, x):
        self._x = x
        return max_pool2d(x, self.k)

    def backward(self, grad):
        return max_pool2d_backward(self._x, grad, self.k)


class Flatten(Layer):
    name = "flatten"

    def forward(self, x):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad):
        return grad.reshape(self._shape)


class Dense(Layer):
    """out = x @ W.T + b (torch.nn.Linear's layout: W is out×in)."""

    name = "dense"

    def __init__(self, in_features, out_features, rng=None):
        super().__init__()
        n_in = V.positive_int("in_features", in_features)
        n_out = V.positive_int("out_features", out_features)
        rng = np.random.default_rng(0) if rng is None else rng
        bound = 1.0 / math.sqrt(n_in)
        self.params = [rng.uniform(-bound, bound, size=(n_out, n_in)), np.zeros(n_out)]

    def forward(self, x):
        self._x = x
        return x @ self.params[0].T + self.params[1]

    def backward(self, grad):
        self.grads = [grad.T @ self._x, grad.sum(axis=0)]
        return grad @ self.params[0]


def softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def cross_entropy(logits, labels):
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient dL/dlogits.

    dL/dz = (softmax(z) − onehot(y)) / N: softmax and cross-entropy together have this simple
    gradient, which is why frameworks fuse them (torch.nn.functional.cross_entropy takes logits).
    """
    z = np.asarray(logits, dtype=float)
    y = np.asarray(labels)
    if z.ndim != 2 or y.shape != (z.shape[0],):
        V.fail("labels", f"one integer label per row of logits ({z.shape[0]})", f"shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= z.shape[1]):
        V.fail("labels", f"class numbers from 0 to {z.shape[1] - 1}", f"{y.min()}..{y.max()}")
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = z.shape[0]
    loss = -logp[np.arange(n), y].mean()
    grad = np.exp(logp)
    grad[np.arange(n), y] -= 1.0
    return float(loss), grad / n


# -- the model ---------------------------------------------------------------------------------
class CNN:
    """conv(3×3, 'same') → ReLU [→ conv → ReLU ...] → max-pool 2×2 → flatten → dense → softmax."""

    def __init__(self, in_shape=(1, 8, 8), conv_channels=(8,), kernel_size=3, pool=2,
                 n_classes=10, seed=0):
        if len(in_shape) != 3:
            V.fail("in_shape", "(channels, height, width)", in_shape)
        c, h, w = (V.positive_int("in_shape", v) for v in in_shape)
        chans = [V.positive_int("conv_channels", v) for v in conv_channels]
        if not chans:
            V.fail("conv_channels", "at least one convolution layer", conv_channels)
        k = V.positive_int("kernel_size", kernel_size)
        if k % 2 == 0:
            V.fail("kernel_size", "an odd size (3, 5, ...) so that 'same' padding keeps the size", k)
        p = V.positive_int("pool", pool)
        if h % p or w % p:
            V.fail("pool", f"a size that divides the image {h}×{w}", p)
        self.seed = V.positive_int("seed", seed, minimum=0)
        rng = np.random.default_rng(self.seed)
        self.in_shape = (c, h, w)
        self.layers: list[Layer] = []
        for o in chans:
            self.layers += [Conv2d(c, o, k, padding=k // 2, rng=rng), ReLU()]
            c = o
        n_classes = V.positive_int("n_classes", n_classes, minimum=2)
        self.layers += [MaxPool2d(p), Flatten(), Dense(c * (h // p) * (w // p), n_classes, rng=rng)]
        self.history: list[dict] = []

    # parameters as one flat list, layer by layer (the order nnlab.engine.optim keys its state by)
    @property
    def params(self) -> list:
        return [p for layer in self.layers for p in layer.params]

    def set_params(self, params) -> None:
        it = iter(params)
        for layer in self.layers:
            layer.params = [np.asarray(next(it), dtype=float) for _ in layer.params]

    def n_params(self) -> int:
        return int(sum(p.size for p in self.params))

    def _batch(self, x):
        x = np.asarray(x, dtype=float)
        if x.ndim == 3:
            x = x[:, None]
        if x.ndim != 4 or x.shape[1:] != self.in_shape:
            V.fail("x", f"images of shape N×{'×'.join(map(str, self.in_shape))} (or N×H×W)",
                   f"shape {x.shape}")
        return x

    def forward(self, x, upto=None):
        out = self._batch(x)
        for layer in self.layers[:upto]:
            out = layer.forward(out)
        return out

    def loss_and_grads(self, x, y):
        """Cross-entropy of a batch and the gradient of every parameter (backprop through all layers)."""
        loss, g = cross_entropy(self.forward(x), y)
        for layer in reversed(self.layers):
            g = layer.backward(g)
        return loss, [gr for layer in self.layers for gr in layer.grads]

    def predict_proba(self, x):
        return softmax(self.forward(x))

    def predict(self, x):
        return self.forward(x).argmax(axis=1)

    def accuracy(self, x, y) -> float:
        return float(np.mean(self.predict(x) == np.asarray(y)))

    def feature_maps(self, image) -> dict:
        """The maps of one image after each layer: {"conv1": C×H×W, "relu1": ..., "pool": ...}."""
        out = self._batch(np.asarray(image, dtype=float)[None])
        maps, counts = {}, {}
        for layer in self.layers[:-2]:
            out = layer.forward(out)
            counts[layer.name] = counts.get(layer.name, 0) + 1
            maps[f"{layer.name}{counts[layer.name]}"] = out[0].copy()
        return maps

    def fit(self, x, y, epochs=10, batch_size=32, optimizer="adam", lr=0.01, callback=None,
            trainable=None, x_val=None, y_val=None):
        """Mini-batch training with `nnlab.engine.optim`; returns the history (one dict per epoch).

        `trainable`: indices into `params` to update (the others stay frozen), None = all.
        The batches are shuffled by a generator seeded with the model's seed: same seed, same run.
        """
        from .optim import make_optimizer

        x = self._batch(x)
        y = np.asarray(y, dtype=int)
        if y.shape != (x.shape[0],):
            V.fail("y", f"one label per image ({x.shape[0]})", f"shape {y.shape}")
        epochs = V.positive_int("epochs", epochs)
        bs = V.positive_int("batch_size", batch_size)
        opt = make_optimizer(optimizer, lr=V.finite_number("lr", lr, minimum=0, strict_min=True))
        idx_train = list(range(len(self.params))) if trainable is None else list(trainable)
        with blas_threads(1):   # tiny matrices: one BLAS thread is fastest (and calm on a busy machine)
            return self._fit(x, y, epochs, bs, opt, idx_train, callback, x_val, y_val)

    def _fit(self, x, y, epochs, bs, opt, idx_train, callback, x_val, y_val):
        rng = np.random.default_rng(self.seed + 1)
        t0 = time.perf_counter()
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(y))
            total = 0.0
            for start in range(0, len(y), bs):
                b = order[start:start + bs]
                loss, grads = self.loss_and_grads(x[b], y[b])
                total += loss * len(b)
                params = self.params
                new = opt.step([params[i] for i in idx_train], [grads[i] for i in idx_train])
                for i, p in zip(idx_train, new):
                    params[i] = p
                self.set_params(params)
            rec = {"epoch": epoch, "loss": total / len(y), "train_accuracy": self.accuracy(x, y),
                   "seconds": time.perf_counter() - t0}
            if x_val is not None:
                rec["test_accuracy"] = self.accuracy(x_val, y_val)
            self.history.append(rec)
            if callback is not None:
                callback(epoch, epochs, rec["loss"], rec["train_accuracy"])
        return self.history

    def summary(self) -> list[tuple[str, tuple, int]]:
        """(layer, output shape C×H×W or features, parameters) for one image."""
        out = np.zeros((1, *self.in_shape))
        rows = []
        for layer in self.layers:
            out = layer.forward(out)
            rows.append((layer.name, tuple(out.shape[1:]), int(sum(p.size for p in layer.params))))
        return rows


def progress_bar(done, total, width=24, **metrics) -> str:
    """A text progress bar: [#########...............]  3/8  loss 0.4321  acc 0.912."""
    done = V.positive_int("done", done, minimum=0)
    total = V.positive_int("total", total)
    filled = int(round(width * min(done, total) / total))
    bar = "#" * filled + "." * (width - filled)
    extra = "".join(f"  {k} {v:.4f}" if isinstance(v, float) else f"  {k} {v}"
                    for k, v in metrics.items())
    return f"[{bar}] {done:>{len(str(total))}}/{total}{extra}"


def numerical_gradient(f, x, eps=1e-6):
    """Central finite differences of a scalar function f at the array x (x is restored)."""
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        g[i] = (up - down) / (2 * eps)
    return grad


def train_digit_cnn(epochs=20, batch_size=32, lr=0.005, conv_channels=(16,), seed=0,
                    test_fraction=0.25, callback=None):
    """The notebook's run: load the digits, split them, train a CNN; returns (model, split, X, y)."""
    x, y = load_digits()
    split = train_test_split(y, test_fraction, seed)
    model = CNN(conv_channels=conv_channels, seed=seed)
    model.fit(x[split.train], y[split.train], epochs=epochs, batch_size=batch_size, lr=lr,
              callback=callback, x_val=x[split.test], y_val=y[split.test])
    return model, split, x, y


# -- exercises ---------------------------------------------------------------------------------
def _ex_params():
    return 8 * (1 * 3 * 3) + 8


def _ex_dense():
    return (8 * 4 * 4) * 10 + 10


exercises = ExerciseSet("A small CNN", [
    Exercise(
        question="A convolution layer has 8 filters of size 3×3 on a 1-channel 8×8 image. How many "
                 "parameters (weights and biases) does it have?",
        answer=_ex_params,
        solution=lambda: f"8 filters × (1 channel × 3 × 3 weights) + 8 biases = {_ex_params()}. The "
                         "count does not depend on the image size: the same filter slides everywhere.",
        abs_tol=0.5,
        mistakes=lambda: [(72, "you forgot the 8 biases (one per filter)."),
                          (8 * 8 * 8 * 9, "a filter's weights are shared across positions: the image "
                                          "size does not enter the count.")]),
    Exercise(
        question="After 'same' 3×3 convolution with 8 filters and 2×2 max pooling, an 8×8 digit is "
                 "flattened and fed to a dense layer with 10 outputs. How many parameters does that "
                 "dense layer have?",
        answer=_ex_dense,
        solution=lambda: f"pooling halves 8×8 to 4×4, so 8·4·4 = 128 features; 128 × 10 weights + 10 "
                         f"biases = {_ex_dense()}.",
        abs_tol=0.5,
        mistakes=lambda: [(8 * 8 * 8 * 10 + 10, "the 2×2 pooling halves each side before flattening."),
                          (1280, "you forgot the 10 biases.")]),
    Exercise(
        question="Max pool the 4×4 image of the slides [[100,0,0,0],[500,10,100,0],[0,100,250,0],"
                 "[0,0,0,250]] with 2×2 windows and stride 2, then average the four results. "
                 "What number do you get?",
        answer=lambda: float(max_pool2d(np.array([[100, 0, 0, 0], [500, 10, 100, 0],
                                                   [0, 100, 250, 0], [0, 0, 0, 250]]), 2).mean()),
        solution=lambda: "max pooling gives [[500, 100], [100, 250]]; their mean is "
                         "(500 + 100 + 100 + 250)/4 = 237.5.",
        mistakes=lambda: [(float(np.mean([[100, 0, 0, 0], [500, 10, 100, 0], [0, 100, 250, 0],
                                          [0, 0, 0, 250]])), "that is the mean of the whole image: "
                           "take the maximum of each 2×2 window first.")]),
])
