"""An autoencoder for the 8×8 digits: squeeze 64 pixels through a bottleneck and rebuild them.

    encoder:  x (64) → Dense → tanh → Dense → code z (k numbers, the bottleneck)
    decoder:  z (k)  → Dense → tanh → Dense → sigmoid → x̂ (64 pixels in [0, 1])
    loss:     mean squared error between x̂ and the clean image x (torch.nn.MSELoss, mean)

Every layer is an `engine.layers` layer, so the backward pass is the one of the course; `backprop`
writes it out layer by layer and returns every intermediate (the output of each layer and the
gradient ∂L/∂(that output)), which the notebook prints instead of recomputing. The denoising
variant corrupts the input (Gaussian noise of std `noise`, clipped to [0, 1]) and still asks for
the clean image (Vincent et al., "Extracting and composing robust features with denoising
autoencoders", ICML 2008).

    X, y = digit_vectors()
    model = Autoencoder(bottleneck=2, seed=0)
    model.fit(X[split.train], epochs=30)
    codes = model.encode(X)          # N×2: the latent map
    image = model.decode([0.5, -1])  # 8×8: what the decoder makes of one latent point
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import functional as F
from ..core import validate as V
from ..core.blas import blas_threads
from .activations import get as activation
from .cnn import load_digits, train_test_split
from .layers import Act, Dense, Sequential

PIXELS = 64


def digit_vectors():
    """The 1,797 digits as rows of 64 pixels in [0, 1], and their labels."""
    images, labels = load_digits()
    return images.reshape(len(images), PIXELS), labels


def digit_split(labels, seed=0):
    """The stratified, seeded 75/25 split of notebook 07 (same digits held out)."""
    return train_test_split(labels, test_fraction=0.25, seed=seed)


def corrupt(x, noise, rng):
    """x plus Gaussian noise of std `noise`, clipped to [0, 1] (the denoising autoencoder's input)."""
    if noise == 0:
        return x
    return np.clip(x + rng.normal(0.0, noise, x.shape), 0.0, 1.0)


@dataclass
class Backprop:
    """One forward and backward pass, every intermediate kept.

    `names[i]` is layer i; `outputs[i]` its output (outputs[-1] = x̂); `grads[i]` = ∂L/∂outputs[i];
    `input_grad` = ∂L/∂x; `param_grads` the flat list in the order of `Autoencoder.params`."""

    names: list
    outputs: list
    grads: list
    input_grad: np.ndarray
    param_grads: list
    loss: float

    def table(self) -> str:
        rows = [f"{'layer':<16}{'output':>10}{'|dL/d output|':>16}"]
        for i, (name, out, g) in enumerate(zip(self.names, self.outputs, self.grads)):
            rows.append(f"{f'{i + 1}. {name}':<16}{'×'.join(map(str, out.shape)):>10}"
                        f"{np.linalg.norm(g):>16.3e}")
        return "\n".join(rows)


class Autoencoder:
    """64 → hidden → k → hidden → 64 with tanh inside and a sigmoid on the pixels."""

    def __init__(self, bottleneck=2, hidden=32, n_in=PIXELS, seed=0):
        self.bottleneck = V.positive_int("bottleneck", bottleneck, maximum=PIXELS)
        self.hidden = V.positive_int("hidden", hidden, maximum=1024)
        self.n_in = V.positive_int("n_in", n_in)
        self.seed = V.positive_int("seed", seed, minimum=0, maximum=2**32 - 1)
        rng = np.random.default_rng(self.seed)
        tanh, sigmoid = activation("tanh"), activation("sigmoid")
        self.encoder = Sequential([Dense(self.n_in, self.hidden, rng, init="torch"), Act(tanh),
                                   Dense(self.hidden, self.bottleneck, rng, init="torch")])
        self.decoder = Sequential([Dense(self.bottleneck, self.hidden, rng, init="torch"), Act(tanh),
                                   Dense(self.hidden, self.n_in, rng, init="torch"), Act(sigmoid)])
        self.net = Sequential(self.encoder.layers + self.decoder.layers)
        self.history: list[dict] = []
        self.noise = 0.0

    # parameters as one flat list, encoder first (the order of the optimizer's state)
    @property
    def params(self) -> list:
        return self.net.params

    def set_params(self, params) -> None:
        self.net.set_params(params)

    @property
    def n_params(self) -> int:
        return self.net.n_params

    def layer_names(self) -> list[str]:
        n_enc = len(self.encoder.layers)
        return [("enc " if i < n_enc else "dec ") + layer.name for i, layer in enumerate(self.net.layers)]

    def _rows(self, name, x, width):
        x = V.finite_array(name, x)
        if x.ndim == 1:
            x = x[None]
        if x.ndim != 2 or x.shape[1] != width:
            V.fail(name, f"rows of {width} numbers", f"shape {x.shape}")
        return x

    def encode(self, x) -> np.ndarray:
        return self.encoder.forward(self._rows("x", x, self.n_in))

    def decode(self, z) -> np.ndarray:
        """The decoded image(s) of latent point(s) z: 8×8 for one point, N×8×8 for N."""
        one = np.ndim(z) == 1
        out = self.decoder.forward(self._rows("z", z, self.bottleneck))
        if self.n_in == PIXELS:
            out = out.reshape(len(out), 8, 8)
        return out[0] if one else out

    def reconstruct(self, x) -> np.ndarray:
        return self.net.forward(self._rows("x", x, self.n_in))

    def loss(self, x, target=None) -> float:
        x = self._rows("x", x, self.n_in)
        target = x if target is None else self._rows("target", target, self.n_in)
        return F.mse(self.net.forward(x), target)[0]

    def loss_and_grads(self, x, target=None):
        """MSE of the reconstruction of x against target (x itself by default) and ∂L/∂params."""
        x = self._rows("x", x, self.n_in)
        target = x if target is None else self._rows("target", target, self.n_in)
        loss, g = F.mse(self.net.forward(x), target)
        self.net.backward(g)
        return loss, self.net.grads

    def backprop(self, x, target=None) -> Backprop:
        """The backward pass written out: forward keeping every layer's output, then from the
        loss down, g ← layer.backward(g) for each layer in reverse, every g kept."""
        x = self._rows("x", x, self.n_in)
        target = x if target is None else self._rows("target", target, self.n_in)
        outputs, h = [], x
        for layer in self.net.layers:
            h = layer.forward(h)
            outputs.append(h)
        loss, g = F.mse(h, target)          # ∂L/∂x̂ = 2(x̂ − x)/N
        grads = [None] * len(outputs)
        for i in range(len(outputs) - 1, -1, -1):
            grads[i] = g                     # ∂L/∂(output of layer i)
            g = self.net.layers[i].backward(g)
        return Backprop(self.layer_names(), outputs, grads, g, self.net.grads, float(loss))

    def fit(self, x, epochs=30, batch_size=64, lr=0.01, noise=0.0, callback=None, x_val=None):
        """Adam on mini-batches (shuffled by a generator seeded with the model's seed). With
        noise > 0 the input is corrupted afresh every batch and the target is the clean image.
        `callback(epoch, epochs, record)` after every epoch; returns the history."""
        from .optim import make_optimizer

        x = self._rows("x", x, self.n_in)
        epochs = V.positive_int("epochs", epochs, maximum=10_000)
        bs = V.positive_int("batch_size", batch_size)
        lr = V.finite_number("lr", lr, minimum=0, maximum=10, strict_min=True)
        self.noise = V.finite_number("noise", noise, minimum=0, maximum=1)
        opt = make_optimizer("adam", lr=lr)
        rng = np.random.default_rng(self.seed + 1)
        with blas_threads(1):   # tiny matrices: one thread is fastest and the same on every machine
            for epoch in range(1, epochs + 1):
                order = rng.permutation(len(x))
                total = 0.0
                for start in range(0, len(x), bs):
                    clean = x[order[start:start + bs]]
                    loss, grads = self.loss_and_grads(corrupt(clean, self.noise, rng), clean)
                    total += loss * len(clean)
                    self.set_params(opt.step(self.params, grads))
                rec = {"epoch": epoch, "loss": total / len(x)}
                if x_val is not None:
                    rec["val_loss"] = self.loss(x_val)
                self.history.append(rec)
                if callback is not None:
                    callback(epoch, epochs, rec)
        return self.history


def train_digit_autoencoder(bottleneck=2, hidden=32, epochs=30, lr=0.01, noise=0.0, seed=0,
                            callback=None):
    """The notebook's run: digits split as in notebook 07, an autoencoder trained on the training
    part; returns (model, split, X, y)."""
    x, y = digit_vectors()
    split = digit_split(y, seed)
    model = Autoencoder(bottleneck=bottleneck, hidden=hidden, seed=seed)
    model.fit(x[split.train], epochs=epochs, lr=lr, noise=noise, callback=callback,
              x_val=x[split.test])
    return model, split, x, y


@dataclass
class SweepRow:
    bottleneck: int
    n_params: int
    train_mse: float
    test_mse: float


def bottleneck_sweep(sizes=(1, 2, 4, 8, 16), hidden=32, epochs=30, seed=0, callback=None):
    """Test reconstruction error against bottleneck size: one autoencoder per size, same data,
    same seed; `callback(done, total, row)` after each."""
    sizes = [V.positive_int("sizes", k, maximum=PIXELS) for k in sizes]
    if not sizes:
        V.fail("sizes", "at least one bottleneck size", sizes)
    x, y = digit_vectors()
    split = digit_split(y, seed)
    rows = []
    for i, k in enumerate(sizes, 1):
        model = Autoencoder(bottleneck=k, hidden=hidden, seed=seed)
        model.fit(x[split.train], epochs=epochs)
        rows.append(SweepRow(k, model.n_params, model.loss(x[split.train]), model.loss(x[split.test])))
        if callback is not None:
            callback(i, len(sizes), rows[-1])
    return rows


@dataclass
class Denoising:
    noise: float
    noisy_mse: float       # the corrupted test images against the clean ones (doing nothing)
    plain_mse: float       # a plain autoencoder's output from the corrupted images, against clean
    denoising_mse: float   # a denoising autoencoder's output from the corrupted images, against clean
    clean: np.ndarray      # a few test images, their corrupted versions and both outputs
    noisy: np.ndarray
    plain_out: np.ndarray
    denoised_out: np.ndarray


def denoising_comparison(noise=0.3, bottleneck=8, hidden=32, epochs=30, seed=0, shown=6,
                         callback=None):
    """A plain and a denoising autoencoder (same size, seed, epochs) given the same corrupted
    test digits; the errors are against the clean digits."""
    noise = V.finite_number("noise", noise, minimum=0, maximum=1, strict_min=True)
    x, y = digit_vectors()
    split = digit_split(y, seed)
    test = x[split.test]
    noisy = corrupt(test, noise, np.random.default_rng(seed + 7))
    models = []
    for i, n in enumerate((0.0, noise), 1):
        m = Autoencoder(bottleneck=bottleneck, hidden=hidden, seed=seed)
        m.fit(x[split.train], epochs=epochs, noise=n)
        models.append(m)
        if callback is not None:
            callback(i, 2, {"noise": n})
    plain, den = (m.reconstruct(noisy) for m in models)
    k = V.positive_int("shown", shown, maximum=len(test))
    return Denoising(noise, F.mse(noisy, test)[0], F.mse(plain, test)[0], F.mse(den, test)[0],
                     test[:k].reshape(k, 8, 8), noisy[:k].reshape(k, 8, 8),
                     plain[:k].reshape(k, 8, 8), den[:k].reshape(k, 8, 8))


def parameter_count(n_in, hidden, bottleneck) -> int:
    """Weights and biases of n_in → hidden → bottleneck → hidden → n_in (each Dense: in·out + out)."""
    n_in = V.positive_int("n_in", n_in)
    hidden = V.positive_int("hidden", hidden)
    bottleneck = V.positive_int("bottleneck", bottleneck)
    sizes = [n_in, hidden, bottleneck, hidden, n_in]
    return int(sum(a * b + b for a, b in zip(sizes, sizes[1:])))
