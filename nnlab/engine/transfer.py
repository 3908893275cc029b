"""Transfer learning as the notes frame it: reuse a trained network's convolution layers on a new task.

The notes list two ways (notes 000, "Transfer learning"):
- **feature extractor**: keep the pretrained convolution layers frozen, compute their features once,
  and train only a new classifier head on them;
- **fine-tuning**, *full* (start from the pretrained weights and train every layer) or *partial*
  (freeze the first layers, train the later ones and the head);
and why: less training time, less overfitting, less data needed, better performance.

`transfer_experiment` makes that concrete on the digits: a CNN with two convolution layers is
pretrained on the source classes (0–4), then the new task (5–9) gets only `per_class` training
images per class. Four runs are compared on held-out images of the new task: from scratch,
feature extractor, partial and full fine-tuning — accuracy (deterministic) and time (measured).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..core import functional as F
from ..core import validate as V
from ..core.blas import blas_threads
from .cnn import CNN, load_digits, train_test_split
from .layers import Dense

STRATEGIES = ("scratch", "feature extractor", "fine-tune partial", "fine-tune full")


@dataclass
class Run:
    strategy: str
    accuracy: float
    seconds: float
    trainable: int


@dataclass
class TransferResult:
    source_accuracy: float
    n_train: int
    n_test: int
    runs: list = field(default_factory=list)

    def table(self, with_time=False) -> str:
        head = f"{'strategy':18}  {'trainable':>9}  {'test accuracy':>13}"
        lines = [head + ("  seconds" if with_time else "")]
        for r in self.runs:
            t = f"  {r.seconds:7.3f}" if with_time else ""
            lines.append(f"{r.strategy:18}  {r.trainable:>9,}  {r.accuracy:>13.3f}{t}")
        return "\n".join(lines)

    def accuracies(self) -> dict:
        return {r.strategy: round(r.accuracy, 3) for r in self.runs}

    def __repr__(self) -> str:
        return self.table()


def _remap(y, classes):
    lut = {c: i for i, c in enumerate(classes)}
    return np.array([lut[int(v)] for v in y], dtype=int)


def _copy_conv(src: CNN, dst: CNN) -> None:
    """Copy the convolution layers' weights (everything before the pooling) from src to dst."""
    for a, b in zip(src.layers, dst.layers):
        if a.name == "conv":
            b.params = [p.copy() for p in a.params]


def fit_head(features, y, n_classes, epochs, batch_size, lr, seed, optimizer="adam") -> Dense:
    """Train a dense softmax head on fixed features (the feature-extractor way: no conv backward)."""
    from .optim import make_optimizer

    rng = np.random.default_rng(seed)
    head = Dense(features.shape[1], n_classes, rng=rng, init="torch_weight")
    opt = make_optimizer(optimizer, lr=lr)
    order_rng = np.random.default_rng(seed + 1)
    for _ in range(epochs):
        order = order_rng.permutation(len(y))
        for s in range(0, len(y), batch_size):
            b = order[s:s + batch_size]
            _, g = F.cross_entropy(head.forward(features[b]), y[b])   # y: class numbers 0..K−1
            head.backward(g)
            head.params = opt.step(head.params, head.grads)
    return head


def transfer_experiment(source_classes=(0, 1, 2, 3, 4), target_classes=(5, 6, 7, 8, 9),
                        per_class=10, conv_channels=(8, 16), pretrain_epochs=10, epochs=40,
                        batch_size=16, lr=0.005, seed=0) -> TransferResult:
    """Pretrain on the source digits, then learn the target digits from `per_class` images each."""
    with blas_threads(1):
        return _experiment(source_classes, target_classes, per_class, conv_channels,
                           pretrain_epochs, epochs, batch_size, lr, seed)


def _experiment(source_classes, target_classes, per_class, conv_channels, pretrain_epochs, epochs,
                batch_size, lr, seed) -> TransferResult:
    src = [V.positive_int("source_classes", c, minimum=0, maximum=9) for c in source_classes]
    tgt = [V.positive_int("target_classes", c, minimum=0, maximum=9) for c in target_classes]
    if set(src) & set(tgt) or len(src) < 2 or len(tgt) < 2:
        V.fail("target_classes", "at least two classes, none of them in source_classes", tgt)
    per_class = V.positive_int("per_class", per_class)
    epochs = V.positive_int("epochs", epochs)
    if len(conv_channels) < 2:
        V.fail("conv_channels", "two or more convolution layers (partial fine-tuning freezes the "
                                "first)", conv_channels)
    x, y = load_digits()
    split = train_test_split(y, 0.25, seed)
    rng = np.random.default_rng(seed)

    # 1. pretrain on the source task (all its training images)
    s_tr = split.train[np.isin(y[split.train], src)]
    s_te = split.test[np.isin(y[split.test], src)]
    base = CNN(conv_channels=conv_channels, n_classes=len(src), seed=seed)
    base.fit(x[s_tr], _remap(y[s_tr], src), epochs=pretrain_epochs, batch_size=32, lr=lr)
    result = TransferResult(base.accuracy(x[s_te], _remap(y[s_te], src)), 0, 0)

    # 2. the new task with little data
    t_tr = np.concatenate([rng.choice(split.train[y[split.train] == c], per_class, replace=False)
                           for c in tgt])
    t_te = split.test[np.isin(y[split.test], tgt)]
    xtr, ytr = x[t_tr], _remap(y[t_tr], tgt)
    xte, yte = x[t_te], _remap(y[t_te], tgt)
    result.n_train, result.n_test = len(t_tr), len(t_te)

    for strategy in STRATEGIES:
        model = CNN(conv_channels=conv_channels, n_classes=len(tgt), seed=seed + 100)
        t0 = time.perf_counter()
        if strategy == "feature extractor":
            _copy_conv(base, model)
            ftr = model.forward(xtr, upto=-1)           # frozen features, computed once
            head = fit_head(ftr, ytr, len(tgt), epochs, batch_size, lr, seed + 100)
            model.layers[-1].params = head.params
            trainable = sum(p.size for p in head.params)
        else:
            which = None
            if strategy != "scratch":
                _copy_conv(base, model)
            if strategy == "fine-tune partial":
                which = list(range(2, len(model.params)))   # freeze the first conv layer
            model.fit(xtr, ytr, epochs=epochs, batch_size=batch_size, lr=lr, trainable=which)
            params = model.params
            trainable = sum(params[i].size for i in (which or range(len(params))))
        seconds = time.perf_counter() - t0
        result.runs.append(Run(strategy, model.accuracy(xte, yte), seconds, int(trainable)))
    return result
