"""A small convolutional network that really learns: conv → ReLU → max-pool → flatten → dense → softmax.

The model is a `nnlab.engine.layers.Sequential` of layers of the shared protocol (`Conv2d` and
`MaxPool2d` from `nnlab.engine.conv`; `ReLU`, `Flatten`, `Dense` from `nnlab.engine.layers`), so
each layer can be checked against finite differences (`nnlab.core.gradcheck`). It is trained on
the 8×8 UCI handwritten digits with an optimizer of `nnlab.engine.optim`, seeded and
deterministic. `fit` calls `callback(epoch, epochs, loss, accuracy)` after every epoch, e.g. to
print `progress_bar(...)`.

    X, y = load_digits()
    split = train_test_split(y, test_fraction=0.25, seed=0)
    model = CNN(seed=0)
    history = model.fit(X[split.train], y[split.train], epochs=12)
    model.accuracy(X[split.test], y[split.test])
"""
from __future__ import annotations

import time

import numpy as np

from ...core import functional as F
from ...core import validate as V
from ...core.blas import blas_threads
from ..conv import Conv2d, MaxPool2d
from ..layers import Dense, Flatten, ReLU, Sequential
from .digits import load_digits, train_test_split


def cross_entropy(logits, labels):
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient dL/dlogits.

    The labels are checked (one class number per row of logits), then
    `nnlab.core.functional.cross_entropy` computes  L = mean −log softmax(z)[y]  and
    dL/dz = (softmax(z) − onehot(y)) / N.
    """
    z = V.finite_array("logits", logits, ndim=2)
    if 0 in z.shape:
        V.fail("logits", "at least one row and one class", f"shape {z.shape}")
    y = V.class_labels("labels", labels, z.shape[1], z.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        loss, grad = F.cross_entropy(z, y)
    V.finite_result("logits", loss, "loss (−log softmax, up to the spread of the logits)")
    return loss, grad


MAX_SIDE = 256          # image side, channels, layers, classes, epochs: sizes that fit this
MAX_CHANNELS = 256      # machine (2 cores, 24 GiB) and finish in minutes, not days
MAX_LAYERS = 8
MAX_CLASSES = 1000
MAX_EPOCHS = 1000
MAX_BATCH = 100_000


class CNN:
    """conv(3×3, 'same') → ReLU [→ conv → ReLU ...] → max-pool 2×2 → flatten → dense → softmax."""

    def __init__(self, in_shape=(1, 8, 8), conv_channels=(8,), kernel_size=3, pool=2,
                 n_classes=10, seed=0):
        if len(in_shape) != 3:
            V.fail("in_shape", "(channels, height, width)", in_shape)
        c, h, w = (V.positive_int("in_shape", v, maximum=MAX_SIDE) for v in in_shape)
        chans = [V.positive_int("conv_channels", v, maximum=MAX_CHANNELS) for v in conv_channels]
        if len(chans) > MAX_LAYERS:
            V.fail("conv_channels", f"at most {MAX_LAYERS} convolution layers", len(chans))
        if not chans:
            V.fail("conv_channels", "at least one convolution layer", conv_channels)
        k = V.positive_int("kernel_size", kernel_size, maximum=min(h, w) | 1)
        if k % 2 == 0:
            V.fail("kernel_size", "an odd size (3, 5, ...) so that 'same' padding keeps the size", k)
        p = V.positive_int("pool", pool, maximum=min(h, w))
        if h % p or w % p:
            V.fail("pool", f"a size that divides the image {h}×{w}", p)
        self.seed = V.check_seed(seed)
        rng = np.random.default_rng(self.seed)
        self.in_shape = (c, h, w)
        self.n_classes = n_classes = V.positive_int("n_classes", n_classes, minimum=2,
                                                    maximum=MAX_CLASSES)
        layers = []
        for o in chans:
            layers += [Conv2d(c, o, k, padding=k // 2, rng=rng), ReLU()]
            c = o
        # U(±1/√in) weights, zero bias: the draws of the course's CNN since its first version
        layers += [MaxPool2d(p), Flatten(),
                   Dense(c * (h // p) * (w // p), n_classes, rng=rng, init="torch_weight")]
        self.net = Sequential(layers)
        self.history: list[dict] = []

    @property
    def layers(self) -> list:
        return self.net.layers

    # parameters as one flat list, layer by layer (the order nnlab.engine.optim keys its state by)
    @property
    def params(self) -> list:
        return self.net.params

    def set_params(self, params) -> None:
        self.net.set_params(params)

    def n_params(self) -> int:
        return self.net.n_params

    def _batch(self, x):
        x = V.finite_array("x", x)
        if x.ndim == 3:
            x = x[:, None]
        if x.ndim != 4 or x.shape[1:] != self.in_shape:
            V.fail("x", f"images of shape N×{'×'.join(map(str, self.in_shape))} (or N×H×W)",
                   f"shape {x.shape}")
        return x

    def forward(self, x, upto=None):
        return self.net.forward(self._batch(x), upto)

    def loss_and_grads(self, x, y):
        """Cross-entropy of a batch and the gradient of every parameter (backprop through all layers)."""
        loss, g = cross_entropy(self.forward(x), y)
        self.net.backward(g)
        return loss, self.net.grads

    def predict_proba(self, x):
        return F.softmax(self.forward(x), axis=-1)

    def predict(self, x):
        return self.forward(x).argmax(axis=1)

    def accuracy(self, x, y) -> float:
        return float(np.mean(self.predict(x) == np.asarray(y)))

    def feature_maps(self, image) -> dict:
        """The maps of one image after each layer: {"conv1": C×H×W, "relu1": ..., "maxpool1": ...}."""
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
        from ..optim import make_optimizer

        x = self._batch(x)
        y = V.class_labels("y", y, self.n_classes, x.shape[0])
        epochs = V.positive_int("epochs", epochs, maximum=MAX_EPOCHS)
        bs = V.positive_int("batch_size", batch_size, maximum=MAX_BATCH)
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
    width = V.positive_int("width", width, maximum=200)
    filled = int(round(width * min(done, total) / total))
    bar = "#" * filled + "." * (width - filled)
    extra = "".join(f"  {k} {v:.4f}" if isinstance(v, float) else f"  {k} {v}"
                    for k, v in metrics.items())
    return f"[{bar}] {done:>{len(str(total))}}/{total}{extra}"


def train_digit_cnn(epochs=20, batch_size=32, lr=0.005, conv_channels=(16,), seed=0,
                    test_fraction=0.25, callback=None):
    """The notebook's run: load the digits, split them, train a CNN; returns (model, split, X, y)."""
    x, y = load_digits()
    split = train_test_split(y, test_fraction, seed)
    model = CNN(conv_channels=conv_channels, seed=seed)
    model.fit(x[split.train], y[split.train], epochs=epochs, batch_size=batch_size, lr=lr,
              callback=callback, x_val=x[split.test], y_val=y[split.test])
    return model, split, x, y
