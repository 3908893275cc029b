"""Non-maximum suppression (torchvision.ops.nms semantics), with its steps on request.

``nms(boxes, scores, iou_threshold)`` keeps the highest-scoring box, discards every remaining box
whose IoU with it is *greater than* the threshold, repeats with the best box still in play,
and returns the kept indices by decreasing score. Equal scores keep the lower index first (a
stable sort; torch's sort does not promise an order for ties); IoU is :func:`boxes.iou_of_corners`
(a pair with an empty union has IoU 0, where torchvision gives nan).

``nms(..., return_steps=True)`` runs the same sweep and also returns what each step did: the
box kept, the boxes still in play it was compared with, their IoU with it, and which of them it
suppressed. :meth:`NMSResult.lines` writes the explanation from those steps, and the NMS explorer
and the exercises read them; nothing recomputes an IoU beside the sweep.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...core.validate import fail, finite_array, finite_number
from .boxes import as_boxes, iou_of_corners


@dataclass(frozen=True)
class NMSStep:
    """One pass of the sweep: `kept` survives; `compared` (the boxes still in play, by decreasing
    score) have IoU `ious` with it; `suppressed` are those with IoU > threshold, now removed,
    and `suppressed_ious` their IoU with `kept`."""

    kept: int
    score: float
    compared: np.ndarray
    ious: np.ndarray
    suppressed: np.ndarray
    suppressed_ious: np.ndarray


@dataclass(frozen=True)
class NMSResult:
    keep: np.ndarray                 # kept indices (int64), by decreasing score
    iou_threshold: float
    steps: list = field(default_factory=list)   # one NMSStep per kept box, in order

    def suppressed_by(self) -> dict:
        """{suppressed box: the kept box that removed it, and their IoU}."""
        return {j: (st.kept, v) for st in self.steps
                for j, v in zip(st.suppressed.tolist(), st.suppressed_ious.tolist())}

    def lines(self, decimals: int = 2) -> list[str]:
        """One sentence per step: the kept box, the IoU of each box still in play, the removals."""
        k = decimals
        out = []
        for st in self.steps:
            near = ", ".join(f"box {j} (IoU {v:.{k}f})" for j, v in zip(st.compared.tolist(),
                                                                       st.ious.tolist()))
            gone = ", ".join(f"box {j}" for j in st.suppressed.tolist())
            out.append(f"keep box {st.kept} (score {st.score:g}); IoU with the rest: "
                       f"{near or 'none left'}" + (f" → remove {gone}" if gone else ""))
        return out


MAX_BOXES = 100_000       # the sweep is O(N) per kept box: seconds at this size
MAX_STEPS_BOXES = 5_000   # return_steps keeps every IoU of every step: O(N²) numbers


def nms(boxes, scores, iou_threshold, return_steps: bool = False):
    """Non-maximum suppression, torchvision.ops.nms semantics.

    Repeatedly keep the highest-scoring remaining box and discard the boxes whose IoU with it
    is > iou_threshold. Returns the kept indices (int64) by decreasing score, or with
    return_steps=True an :class:`NMSResult` holding them and every step of the sweep.
    """
    b = as_boxes("boxes", boxes)
    limit = MAX_STEPS_BOXES if return_steps else MAX_BOXES
    if b.shape[0] > limit:
        fail("boxes", f"at most {limit:,} boxes" + (" with return_steps=True" if return_steps
                                                     else ""), f"{b.shape[0]:,} boxes")
    s = finite_array("scores", scores, ndim=1)
    if s.shape[0] != b.shape[0]:
        fail("scores", f"one score per box ({b.shape[0]})", f"{s.shape[0]} scores")
    t = finite_number("iou_threshold", iou_threshold, minimum=0.0, maximum=1.0)
    order = np.argsort(-s, kind="stable")
    corners = np.ascontiguousarray(b[order].T)          # 4×N: x1, y1, x2, y2 in score order
    area = (corners[2] - corners[0]) * (corners[3] - corners[1])
    # Greedy sweep in score order: each *kept* box suppresses, in one vectorised step, the
    # lower-scoring boxes still alive that overlap it by more than t. O(N) work per kept box.
    rest = np.arange(len(order))     # positions (in score order) not yet kept nor suppressed
    keep = []
    steps = []
    while rest.size:
        i, rest = rest[0], rest[1:]
        keep.append(i)
        if not rest.size and not return_steps:
            break
        ious = iou_of_corners(corners[:, i], [c[rest] for c in corners], area[i], area[rest])
        alive = ious <= t            # torchvision: discard when IoU > iou_threshold
        if return_steps:
            steps.append(NMSStep(int(order[i]), float(s[order[i]]), order[rest], ious,
                                 order[rest[~alive]], ious[~alive]))
        rest = rest[alive]
    kept = order[np.array(keep, dtype=np.int64)].astype(np.int64)
    if return_steps:
        return NMSResult(kept, t, steps)
    return kept
