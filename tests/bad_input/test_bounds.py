"""Bad-input suite, bounded work (issue 16, item 3, library and engine): every size a user can
type has a limit that fits this machine (2 cores, 24 GiB), checked before the work starts, and
the refusal is one short line naming the argument; messages never echo a whole array.

Table-driven: each row of BOUNDED is (id, call, fragment); the call must raise ValueError at
once (before any large array is made: a row that allocated first would raise MemoryError or
take minutes, and fail) with a one-line message starting with the fragment. SHORT holds calls
whose bad value is huge (a 50,001-box array, a million-character string, a 401-digit number):
their messages must stay under 300 characters. WITHIN checks that sizes inside the limits still
work and give the numbers an independent route (the closed forms) gives.

Counts (tried / refused well / correct finite result), 2 December 2026:
    BOUNDED  45 tried, 45 refused well (one line naming the size's argument)
    SHORT     6 tried, 6 refused well in under 300 characters
    WITHIN    4 tried, 4 correct results inside the limits
    total    55 cases tried: 51 refused well, 4 correct finite results
"""
from __future__ import annotations

import importlib
import math

import numpy as np
import pytest

from nnlab.core import validate as V
from nnlab.engine import activations as A
from nnlab.engine import boxes as B
from nnlab.engine import cnn
from nnlab.engine import conv as C
from nnlab.engine import optim as O
from nnlab.engine import rnn as R
from nnlab.engine import surfaces as S
from nnlab.engine.conv.layers import Conv2d, MaxPool2d
from nnlab.engine.detection import anchors as AN
from nnlab.engine.detection import roi as ROI
from nnlab.engine.detection import segmentation as SEG
from nnlab.engine.rnn import tasks as TK

# the package's name selective_search is the function: the module comes from the import system
SS = importlib.import_module("nnlab.engine.detection.selective_search")

IMG, K2 = np.ones((3, 3)), np.ones((2, 2))


def bowl_run(steps, dim=2):
    surf = S.surface("bowl")
    return O.run(O.GD(lr=0.1), lambda p: p.copy(), np.ones(dim), steps) if dim != 2 else \
        O.run(O.GD(lr=0.1), surf.gradient_fn(), surf.start, steps)


def boxes(n):
    base = np.array([0.0, 0.0, 2.0, 2.0])
    return np.tile(base, (n, 1))


BOUNDED = [
    # convolution and pooling
    ("conv2d padding 10**6", lambda: C.conv2d(IMG, K2, padding=10 ** 6), "padding:"),
    ("conv2d padding (1, 10**5)", lambda: C.conv2d(IMG, K2, padding=(1, 10 ** 5)), "padding:"),
    ("conv2d padded batch", lambda: C.conv2d(np.ones((64, 3, 8, 8)), np.ones((4, 3, 2, 2)),
                                             padding=1000), "padding:"),
    ("conv2d patch matrix", lambda: C.conv2d(np.ones((1, 1, 1000, 1000)),
                                             np.ones((1, 1, 64, 64))), "weight:"),
    ("conv2d stride 10**9", lambda: C.conv2d(IMG, K2, stride=10 ** 9), "stride:"),
    ("conv2d_backward padding", lambda: C.conv2d_backward(IMG, K2, np.ones((2, 2)),
                                                          padding=10 ** 6), "padding:"),
    ("max_pool2d kernel 10**9", lambda: C.max_pool2d(IMG, 10 ** 9), "kernel_size:"),
    ("max_pool2d stride 10**400", lambda: C.max_pool2d(IMG, 2, stride=10 ** 400), "stride:"),
    ("avg_pool2d patch matrix", lambda: C.avg_pool2d(np.ones((100, 100, 30, 30)), 4, stride=1),
     "kernel_size:"),
    ("output_cell padding", lambda: C.output_cell(IMG, K2, 0, 0, padding=10 ** 6), "padding:"),
    ("Conv2d in_channels 10**6", lambda: Conv2d(10 ** 6, 8), "in_channels:"),
    ("Conv2d weight O·C·k·k", lambda: Conv2d(4096, 4096, 3), "out_channels:"),
    ("Conv2d padding 10**6", lambda: Conv2d(1, 1, 3, padding=10 ** 6), "padding:"),
    ("MaxPool2d kernel 10**6", lambda: MaxPool2d(10 ** 6), "kernel_size:"),
    # the digit CNN
    ("CNN channels 10**5", lambda: cnn.CNN(conv_channels=(10 ** 5,)), "conv_channels:"),
    ("CNN 100 layers", lambda: cnn.CNN(conv_channels=(2,) * 100), "conv_channels:"),
    ("CNN in_shape 10**5", lambda: cnn.CNN(in_shape=(1, 10 ** 5, 10 ** 5)), "in_shape:"),
    ("CNN n_classes 10**7", lambda: cnn.CNN(n_classes=10 ** 7), "n_classes:"),
    ("CNN seed 2**40", lambda: cnn.CNN(seed=2 ** 40), "seed:"),
    ("rnn task seed 10**100", lambda: TK.sentiment_task(seed=10 ** 100), "seed:"),
    ("surface noise seed -1", lambda: S.surface("noisy_bowl").gradient_fn(seed=-1), "seed:"),
    ("progress_bar width 10**10", lambda: cnn.progress_bar(1, 2, width=10 ** 10), "width:"),
    ("CNN.fit epochs 10**9", lambda: cnn.CNN().fit(np.zeros((2, 8, 8)), [0, 1], epochs=10 ** 9),
     "epochs:"),
    # boxes, anchors, RoI pooling
    ("box_iou 60000×60000", lambda: B.box_iou(boxes(60_000), boxes(60_000)), "boxes2:"),
    ("match_anchors 60000×60000", lambda: AN.match_anchors(boxes(60_000), boxes(60_000)),
     "ground_truth:"),
    ("anchor_grid 1e5×1e5", lambda: AN.anchor_grid(1e5, 1e5, 16), "feature_height:"),
    ("anchor_grid 10000×10000", lambda: AN.anchor_grid(10_000, 10_000, 16), "feature_width:"),
    ("base_anchors 10**4 per place", lambda: AN.base_anchors(np.arange(1, 101.0),
                                                             np.linspace(0.5, 2, 100)), "scales:"),
    ("roi_pool output 10**7", lambda: ROI.roi_pool(np.ones((4, 4)), [0, 0, 3, 3],
                                                   output_size=10 ** 7), "output_size:"),
    ("roi_pool C·ph·pw", lambda: ROI.roi_pool(np.ones((200, 4, 4)), [0, 0, 3, 3],
                                              output_size=256), "output_size:"),
    ("nms 200,000 boxes", lambda: B.nms(boxes(200_000), np.zeros(200_000), 0.5), "boxes:"),
    ("nms steps 10,000 boxes", lambda: B.nms(boxes(10_000), np.zeros(10_000), 0.5,
                                             return_steps=True), "boxes:"),
    ("proposal_recall 60000×60000", lambda: SS.proposal_recall(boxes(60_000), boxes(60_000)),
     "proposals:"),
    ("felzenszwalb 2000×2000", lambda: SEG.felzenszwalb(np.zeros((2000, 2000))), "image:"),
    ("felzenszwalb sigma 1e300", lambda: SEG.felzenszwalb(np.zeros((8, 8)), sigma=1e300),
     "sigma:"),
    # optimizers and paths
    ("optim.run steps 1e9", lambda: bowl_run(1e9), "steps:"),
    ("optim.run path numbers", lambda: bowl_run(999_999, dim=100), "steps:"),
    ("linreg_path steps 1e9", lambda: S.linreg_path(*S.make_linreg(), 1, steps=1e9), "steps:"),
    ("make_linreg n 1e9", lambda: S.make_linreg(n=1e9), "n:"),
    ("surface grid 10**6", lambda: S.surface("bowl").grid(10 ** 6), "n:"),
    ("dying_relu_run n 10**9", lambda: A.dying_relu_run(n=10 ** 9), "n:"),
    # recurrent networks
    ("rnn hidden 10**6", lambda: R.init_params("lstm", 3, 10 ** 6), "hidden_size:"),
    ("sequence model output 10**6", lambda: R.SequenceModel("rnn", 3, 8, 10 ** 6), "output_size:"),
    ("first_symbol_task n·T", lambda: TK.first_symbol_task(n=1_000_000, T=10_000), "n:"),
    ("repeat_tagging_task T 10**6", lambda: TK.repeat_tagging_task(T=10 ** 6), "T:"),
]


@pytest.mark.parametrize("call, fragment", [r[1:] for r in BOUNDED], ids=[r[0] for r in BOUNDED])
def test_sizes_bounded_before_the_work(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    msg = str(info.value)
    assert msg.startswith(fragment), msg
    assert "\n" not in msg and len(msg) < 300, msg


def bad_boxes(n):
    b = boxes(n).astype(object)
    b[-1, 0] = "x"
    return b.tolist()


SHORT = [
    ("50,001 boxes, one a string", lambda: B.box_iou(bad_boxes(50_001), boxes(1)), "boxes1:"),
    ("50,001 boxes of 5 numbers", lambda: B.box_iou(np.ones((50_001, 5)), boxes(1)), "boxes1:"),
    ("50,001 boxes, one nan", lambda: B.box_iou(np.vstack([boxes(50_000), [[np.nan] * 4]]),
                                                boxes(1)), "boxes1:"),
    ("a million-character padding", lambda: C.conv2d(IMG, K2, padding="v" * 1_000_000),
     "padding:"),
    ("a 401-digit stride", lambda: C.conv2d(IMG, K2, stride=10 ** 400), "stride:"),
    ("a 100,000-item list as a number", lambda: V.finite_number("lr", list(range(100_000))),
     "lr:"),
]


@pytest.mark.parametrize("call, fragment", [r[1:] for r in SHORT], ids=[r[0] for r in SHORT])
def test_messages_stay_short(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    msg = str(info.value)
    assert msg.startswith(fragment) and "\n" not in msg and len(msg) < 300, msg[:400]


def test_within_the_limits_still_works():
    # the largest padding allowed: the output side follows ⌊(n + 2p − f)/s⌋ + 1 (torch's formula)
    out = C.conv2d(IMG, K2, padding=1024)
    assert out.shape == (3 + 2 * 1024 - 2 + 1,) * 2 and out.sum() == pytest.approx(9 * 4)
    # 2000 × 2000 IoU pairs (4e6, a twelfth of the 5e7 limit): identical boxes, IoU exactly 1
    assert B.box_iou(boxes(2_000), boxes(2_000)).min() == 1.0
    # a path of 100,000 steps (a tenth of the limit) of GD on the bowl: x_k = (1 − η)^k x_0
    path = bowl_run(100_000)
    assert np.all(np.isfinite(path)) and path[20, 0] == pytest.approx(-1.8 * 0.9 ** 20, rel=1e-12)
    # anchors: H·W·A = 300·300·9 = 810,000 rows, location-major
    grid = AN.anchor_grid(300, 300, 16)
    # anchor 9: the second location (centre x = 1.5·16), ratio 0.5, scale 128: w = 128/√0.5
    assert grid.shape == (810_000, 4)
    assert grid[9, 0] == pytest.approx(1.5 * 16 - 128 / math.sqrt(0.5) / 2, rel=1e-14)
