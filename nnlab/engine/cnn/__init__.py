"""A small CNN for the 8×8 handwritten digits (notebook 07).

- `digits`: `load_digits` (data/digits.npz) and the stratified, seeded `train_test_split`;
- `model`: the `CNN` (a `Sequential` of `Conv2d`, `ReLU`, `MaxPool2d`, `Flatten`, `Dense`), its
  training loop, `cross_entropy` (labels checked), `progress_bar`, `train_digit_cnn`.

The layers are re-exported here so that `cnn.Conv2d`, `cnn.Dense` ... name the ones the model uses.
"""
from ..conv import Conv2d, MaxPool2d
from ..layers import Dense, Flatten, Layer, ReLU, Sequential
from .digits import Split, load_digits, train_test_split
from .model import CNN, cross_entropy, progress_bar, train_digit_cnn

__all__ = ["CNN", "Conv2d", "Dense", "Flatten", "Layer", "MaxPool2d", "ReLU", "Sequential", "Split",
           "cross_entropy", "load_digits", "progress_bar", "train_digit_cnn", "train_test_split"]
