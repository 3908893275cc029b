"""Convolution and pooling, forward and backward, with the conventions of torch.nn.functional.

    conv2d(x, weight, bias=None, stride=1, padding=0)        # x: N×C×H×W, weight: O×C×kH×kW
    max_pool2d(x, kernel_size, stride=None, padding=0)       # stride defaults to kernel_size
    avg_pool2d(x, kernel_size, stride=None, padding=0)       # zero padding counted (torch default)

One concept per file:
- `windows`: output size ⌊(n + 2p − f)/s⌋ + 1 (`output_size`, `size_steps`), padding names,
  batching, the sliding windows (im2col / col2im) both operations share;
- `convolution`: `conv2d`, `conv2d_backward`, `output_cell` (one cell and its steps);
- `pooling`: `max_pool2d`, `avg_pool2d`, their backward passes, `pool_cell`;
- `filters`: classic 3×3 filters, the photograph of notebook 06, grayscale and block averaging;
- `layers`: `Conv2d` and `MaxPool2d` as layers of `nnlab.engine.layers`.

Backward passes return the gradients of a loss with respect to the input (and weight and bias)
given the gradient with respect to the output. Everything is vectorised; the only Python loops
run over the kH·kW positions inside a kernel, never over pixels.
"""
from .convolution import (
                          FORMS,
                          conv2d,
                          conv2d_backward,
                          conv2d_backward_unchecked,
                          conv2d_unchecked,
                          output_cell,
)
from .filters import FILTERS, KERNEL_LIMIT, PHOTO, downsample, filter_kernel, load_photo, to_grayscale
from .layers import Conv2d, MaxPool2d
from .pooling import (
                          MODES,
                          avg_pool2d,
                          avg_pool2d_backward,
                          max_pool2d,
                          max_pool2d_backward,
                          max_pool2d_backward_windows,
                          max_pool2d_windows,
                          pool_cell,
)
from .windows import PADDING_NAMES, SizeSteps, output_size, resolve_padding, size_steps

__all__ = ["FILTERS", "FORMS", "KERNEL_LIMIT", "MODES", "PADDING_NAMES", "PHOTO", "Conv2d",
           "MaxPool2d", "SizeSteps",
           "avg_pool2d", "avg_pool2d_backward", "conv2d", "conv2d_backward",
           "conv2d_backward_unchecked", "conv2d_unchecked", "downsample", "filter_kernel", "load_photo",
           "max_pool2d", "max_pool2d_backward", "max_pool2d_backward_windows", "max_pool2d_windows",
           "output_cell", "output_size", "pool_cell", "resolve_padding", "size_steps",
           "to_grayscale"]
