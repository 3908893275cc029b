"""Convolution and max pooling as layers of the shared protocol (`nnlab.engine.layers.Layer`).

    Conv2d(in_channels, out_channels, kernel_size=3, padding=1, rng)   params [weight O×C×k×k, bias O]
    MaxPool2d(kernel_size=2)                                            no parameters

forward(x) takes an N×C×H×W batch and keeps what backward needs; backward(grad) stores the
parameters' gradients in `.grads` and returns the gradient for the layer below.
"""
from __future__ import annotations

import math

import numpy as np

from ...core import validate as V
from ..layers import Layer
from .convolution import conv2d_backward_unchecked, conv2d_unchecked
from .pooling import max_pool2d, max_pool2d_backward
from .windows import MAX_PADDING, pad_batch

MAX_CHANNELS = 4_096
MAX_KERNEL = 64
MAX_WEIGHTS = 50_000_000   # O·C·k·k numbers of one convolution layer's weight


class Conv2d(Layer):
    """out = conv2d(x, weight, bias, stride=1, padding): weight O×C×k×k ~ N(0, 2/(C·k·k)) (He), bias 0.

    backward:  ∂L/∂W = Σ g · patches,  ∂L/∂b = Σ g,  ∂L/∂x = the kernel spread back over its patches
    """

    name = "conv"

    def __init__(self, in_channels, out_channels, kernel_size=3, padding=1, rng=None):
        super().__init__()
        c = V.positive_int("in_channels", in_channels, maximum=MAX_CHANNELS)
        o = V.positive_int("out_channels", out_channels, maximum=MAX_CHANNELS)
        k = V.positive_int("kernel_size", kernel_size, maximum=MAX_KERNEL)
        V.work_limit("out_channels", o * c * k * k, MAX_WEIGHTS, "weight O·C·k·k")
        self.padding = V.positive_int("padding", padding, minimum=0, maximum=MAX_PADDING)
        rng = np.random.default_rng(0) if rng is None else rng
        w = rng.normal(0.0, math.sqrt(2.0 / (c * k * k)), size=(o, c, k, k))
        self.params = [w, np.zeros(o)]

    def forward(self, x):
        pads = ((self.padding,) * 2,) * 2
        self._cache = (x.shape, pads)
        self._xp = pad_batch(x, pads)
        return conv2d_unchecked(x, self.params[0], self.params[1], (1, 1), pads)

    def backward(self, grad):
        xshape, pads = self._cache
        dx, dw, db = conv2d_backward_unchecked(self._xp, self.params[0], grad, (1, 1), pads, xshape)
        self.grads = [dw, db]
        return dx


class MaxPool2d(Layer):
    """out = max of each k×k window (stride k);  backward: the gradient to each window's first maximum."""

    name = "maxpool"

    def __init__(self, kernel_size=2):
        super().__init__()
        self.k = V.positive_int("kernel_size", kernel_size, maximum=MAX_KERNEL)

    def forward(self, x):
        self._x = x
        return max_pool2d(x, self.k)

    def backward(self, grad):
        return max_pool2d_backward(self._x, grad, self.k)
