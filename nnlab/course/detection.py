"""Course content of notebook 09 (object detection): the notes' worked example, the summary of
the two detector families, and the exercises.

- The worked example of notes 000, "Step 4: Bounding Box Regression": proposal (100, 120, 80, 60)
  (centre and size), ground-truth centre (110, 130), deltas written .125, .167, .051, .039; the
  notes never give the ground truth's size, :func:`course_example` derives it from the deltas.
- :data:`PIPELINES`: what each piece of notebook 09 does in Faster R-CNN, SSD and YOLO.
- :func:`exercise_set` (seed 0: the notebook's numbers; any other seed draws a variant's boxes,
  widths, grid and scene): answers computed by the engine from each exercise's own data; the NMS
  solution is written from the steps that ``nms(..., return_steps=True)`` returns.
- :data:`REGRESSION_CLAIMS`, :data:`NMS_CLAIMS`, :data:`SEARCH_CLAIMS`: what the notebook tells
  the learner to try with each explorer, each with its settings and the check of its `state()`
  (run by tests/test_claims.py).
"""
from __future__ import annotations

import math

from ..engine.detection import box_iou, decode, encode, nms
from ..engine.yolo import responsible_cell
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, variant_rng, variant_seed

# -- the course's worked example (notes 000, "Step 4: Bounding Box Regression") ------------------
COURSE_PROPOSAL = (100.0, 120.0, 80.0, 60.0)      # x, y (centre), w, h
COURSE_GT_CENTRE = (110.0, 130.0)
COURSE_DELTAS_AS_WRITTEN = (0.125, 0.167, 0.051, 0.039)


def course_example() -> dict:
    """The notes' example checked: implied ground-truth size and what the rounded deltas decode to."""
    px, py, pw, ph = COURSE_PROPOSAL
    dx_w, dy_w, dw_w, dh_w = COURSE_DELTAS_AS_WRITTEN
    gw = pw * math.exp(dw_w)
    gh = ph * math.exp(dh_w)
    gt = (COURSE_GT_CENTRE[0], COURSE_GT_CENTRE[1], gw, gh)
    exact = encode([COURSE_PROPOSAL], [gt], fmt="cxcywh")[0]
    decoded = decode([COURSE_PROPOSAL], [COURSE_DELTAS_AS_WRITTEN], fmt="cxcywh")[0]
    return {"proposal": COURSE_PROPOSAL, "implied_gt": gt, "deltas_exact": tuple(exact),
            "deltas_rounded": COURSE_DELTAS_AS_WRITTEN, "decoded_from_rounded": tuple(decoded)}


# -- the two families, summarised (section 8 of the notebook) ----------------------------------
PIPELINES = {
    "region proposals": {
        "Faster R-CNN": "a Region Proposal Network slides over the shared feature map; at each "
                        "location 9 anchors get an objectness score and box deltas; NMS (IoU 0.7) "
                        "keeps ~2,000 proposals for training, the top ~300 at test",
        "SSD": "none: a fixed set of default boxes (anchors) on 6 feature maps of decreasing "
               "resolution plays that role",
        "YOLO": "none: each cell of the S×S grid (with B anchor priors from v2 on) predicts boxes "
                "directly",
    },
    "anchors / priors": {
        "Faster R-CNN": "3 scales × 3 aspect ratios = 9 per location of one feature map (stride 16)",
        "SSD": "4 or 6 default boxes per location, scale growing with the depth of the feature map",
        "YOLO": "v1: none (B = 2 free boxes per cell); v2/v3: k-means box priors, 3 per cell per "
                "scale in v3",
    },
    "anchor matching": {
        "Faster R-CNN": "IoU >= 0.7 positive, < 0.3 negative (plus each object's best anchor)",
        "SSD": "each object's best default box, plus any default box with IoU > 0.5",
        "YOLO": "the cell containing the object's centre, and in it the box/prior of highest IoU",
    },
    "RoI pooling": {
        "Faster R-CNN": "yes: each proposal's part of the feature map is max-pooled to 7×7",
        "SSD": "no: classification and regression are convolutions at every location",
        "YOLO": "no: one forward pass predicts everything",
    },
    "box regression": {
        "Faster R-CNN": "twice: RPN deltas on anchors, then class-specific deltas on proposals "
                        "(the R-CNN parametrisation, weights (10, 10, 5, 5))",
        "SSD": "deltas on default boxes (same parametrisation, variances 0.1, 0.2)",
        "YOLO": "cell offset through a sigmoid for the centre, w = p_w·e^t_w for the size (v2/v3)",
    },
    "classification": {
        "Faster R-CNN": "softmax over classes + background for each pooled proposal",
        "SSD": "softmax over classes + background at every default box",
        "YOLO": "v1: class probabilities per cell; v3: per box, independent logistic classifiers",
    },
    "non-maximum suppression": {
        "Faster R-CNN": "on proposals (0.7) and per class on final detections (0.5)",
        "SSD": "per class on final detections (0.45)",
        "YOLO": "per class on final detections (typically 0.45–0.5)",
    },
    "stages": {
        "Faster R-CNN": "two: propose, then classify and refine each proposal",
        "SSD": "one (single shot)",
        "YOLO": "one (you only look once)",
    },
}


def pipeline_table() -> str:
    """The two-stage vs one-stage summary as a text table (piece: Faster R-CNN | SSD | YOLO)."""
    lines = []
    for piece, row in PIPELINES.items():
        lines.append(f"{piece}:")
        for name in ("Faster R-CNN", "SSD", "YOLO"):
            lines.append(f"  {name:<12} {row[name]}")
    return "\n".join(lines)


# -- exercises ----------------------------------------------------------------------------------
EX_NMS_BOXES = ((10, 10, 50, 50), (12, 12, 52, 52), (30, 30, 70, 70), (100, 100, 140, 140),
                (102, 98, 140, 138))
EX_NMS_SCORES = (0.9, 0.8, 0.7, 0.6, 0.95)
# the notebook's own variant: numbers not used above the exercises, so they must be worked out
DEFAULT_NUMBERS = {"w": 72, "w_gt": 93, "boxes": ((1.0, 2.0, 6.0, 7.0), (3.0, 4.0, 9.0, 8.0)),
                   "S": 13, "image": 416, "centre": (200, 100), "nms_boxes": EX_NMS_BOXES,
                   "nms_scores": EX_NMS_SCORES, "grid": (25, 40), "scales": 3, "ratios": 3}


def _overlapping_pair(rng) -> tuple:
    """Two integer boxes that overlap in part (IoU strictly between 0 and 1)."""
    while True:
        x1, y1 = (int(v) for v in rng.integers(0, 6, size=2))
        a = (float(x1), float(y1), float(x1 + rng.integers(3, 8)), float(y1 + rng.integers(3, 8)))
        dx, dy = (int(v) for v in rng.integers(1, 5, size=2))
        b = (a[0] + dx, a[1] + dy, a[0] + dx + float(rng.integers(3, 8)),
             a[1] + dy + float(rng.integers(3, 8)))
        if b[0] < a[2] and b[1] < a[3]:
            return a, b


def _nms_scene(rng) -> tuple:
    """Five boxes in clusters, with distinct scores; no pair's IoU near the threshold 0.5."""
    while True:
        boxes = []
        for _ in range(5):
            cx, cy = (int(v) for v in rng.choice([40, 80, 120], size=2))
            jitter = rng.integers(-12, 13, size=2)
            size = int(rng.integers(30, 46))
            x1, y1 = cx + int(jitter[0]), cy + int(jitter[1])
            boxes.append((x1, y1, x1 + size, y1 + size))
        ious = box_iou(boxes, boxes)
        if not ((ious > 0.4) & (ious < 0.6)).any():
            break
    scores = tuple(float(v) for v in rng.permutation([0.95, 0.9, 0.8, 0.7, 0.6]))
    return tuple(boxes), scores


def _numbers(seed: int) -> dict:
    if seed == 0:
        return dict(DEFAULT_NUMBERS)
    rng = variant_rng(seed)
    w = int(rng.integers(40, 161))
    S, image = int(rng.choice([7, 13, 19])), int(rng.choice([416, 448, 608]))
    v = {"w": w, "w_gt": w + int(rng.choice([-1, 1])) * int(rng.integers(5, 41)),
         "boxes": _overlapping_pair(rng), "S": S, "image": image,
         "centre": tuple(int(c) for c in rng.integers(1, image, size=2)),
         "grid": (int(rng.integers(20, 61)), int(rng.integers(20, 81))),
         "scales": int(rng.integers(2, 5)), "ratios": int(rng.integers(2, 5))}
    v["nms_boxes"], v["nms_scores"] = _nms_scene(rng)
    return v


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 09's exercises in the variant `seed` (0: the notebook's own numbers)."""
    v = _numbers(variant_seed(seed))
    w, w_gt, (a, b) = v["w"], v["w_gt"], v["boxes"]
    dw = math.log(w_gt / w)
    iou = float(box_iou([a], [b])[0, 0])
    inter = [max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])]
    area_i = (inter[2] - inter[0]) * (inter[3] - inter[1])
    area_a, area_b = (a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])
    S, image, (cx, cy) = v["S"], v["image"], v["centre"]
    row, col, _, _ = responsible_cell(cx / image, cy / image, S)
    steps = nms(v["nms_boxes"], v["nms_scores"], 0.5, return_steps=True)
    kept = len(steps.keep)
    gh, gw, per = *v["grid"], v["scales"] * v["ratios"]
    return ExerciseSet("Object detection", [
        Exercise(
            question=f"A proposal is {w} px wide and its ground-truth box {w_gt} px. What is the "
                     "regression target Δw = ln(w_gt/w)? (4 decimals)",
            answer=lambda: dw,
            solution=lambda: f"Δw = ln({w_gt}/{w}) = ln({w_gt / w:.4f}) = {dw:.4f} (the natural "
                             "logarithm: decoding multiplies by e^Δw).",
            mistakes=lambda: [(math.log10(w_gt / w), "that is log base 10; the targets use the "
                               "natural log, because decoding multiplies by e^Δw."),
                              ((w_gt - w) / w, "that is the relative change (w_gt − w)/w; Δw is "
                                               "the log of the ratio w_gt/w."),
                              (w_gt / w, "that is the ratio w_gt/w; take its logarithm."),
                              (math.log(w / w_gt), "that is ln(w/w_gt): the ground truth goes on "
                                                   "top.")]),
        Exercise(
            question=f"What is the IoU of the boxes {a} and {b} (x1, y1, x2, y2)? (4 decimals)",
            answer=lambda: iou,
            solution=lambda: (f"intersection {inter} has area {area_i:g}; union = {area_a:g} + "
                              f"{area_b:g} − {area_i:g} = {area_a + area_b - area_i:g}; IoU = "
                              f"{area_i:g}/{area_a + area_b - area_i:g} = {iou:.4f}"),
            mistakes=lambda: [(area_i / area_a, "you divided by the area of one box; divide by the "
                                                "union."),
                              (area_i / (area_a + area_b), "you divided by the sum of the areas; "
                               "subtract the intersection once.")]),
        Exercise(
            question=f"YOLO with a {S}×{S} grid on a {image}×{image} image: an object's centre is "
                     f"at pixel (x, y) = ({cx}, {cy}). Which cell (row, col) is responsible for "
                     "it? Answer as [row, col], counting from 0.",
            answer=lambda: [row, col],
            solution=lambda: (f"each cell is {image}/{S} = {image / S:.4g} px; col = "
                              f"floor({cx}/{image / S:.4g}) = {col}, row = floor({cy}/"
                              f"{image / S:.4g}) = {row} → [{row}, {col}]"),
            rel_tol=0.0, abs_tol=1e-9,
            mistakes=lambda: [([col, row], "rows go down (y) and columns across (x): [row, col] "
                                           "= [y cell, x cell]."),
                              ([row + 1, col + 1], "count from 0: the first cell is number 0.")]),
        Exercise(
            question=f"Boxes {list(v['nms_boxes'])} have scores {list(v['nms_scores'])}. How many "
                     "boxes does non-maximum suppression keep with IoU threshold 0.5?",
            answer=lambda: float(kept),
            solution=lambda: "; ".join(steps.lines()) + f". Kept {steps.keep.tolist()}: {kept} boxes.",
            rel_tol=0.0, abs_tol=1e-9,
            mistakes=lambda: [(1.0, "only boxes whose IoU with a kept, higher-scoring box exceeds "
                                    "0.5 are removed; the others stay."),
                              (5.0, "boxes whose IoU with a kept, higher-scoring box exceeds 0.5 "
                                    "are removed.")]),
        Exercise(
            question=f"A Faster R-CNN feature map is {gh}×{gw} locations with {v['scales']} scales "
                     f"× {v['ratios']} aspect ratios per location. How many anchors are there?",
            answer=lambda: float(gh * gw * per),
            solution=lambda: f"{gh} · {gw} locations · {per} anchors = {gh * gw * per:,} anchors",
            rel_tol=0.0, abs_tol=1e-9,
            mistakes=lambda: [(gh * gw, f"that is the number of locations; each has {per} anchors."),
                              (gh * gw * (v["scales"] + v["ratios"]),
                               f"{v['scales']} scales × {v['ratios']} ratios is {per} anchors per "
                               "location: multiply, do not add.")]),
    ], seed=seed)


exercises = exercise_set(0)


# -- what notebook 09 tells the learner to try, each with its check -----------------------------
def _near(value, want, tol=5e-4) -> bool:
    return abs(value - want) <= tol


REGRESSION_CLAIMS = Claims("nnlab.views.detection_view:box_regression_explorer", [
    Claim("At the start (the notes' proposal) the box decoded from the targets rounded to 3 "
          "decimals lies almost on the ground truth: IoU(decoded, ground truth) above 0.999.",
          "x=100; y=120; w=80; h=60", lambda s: s["iou_decoded"] > 0.999 and s["dx"] == 0.125,
          "iou_decoded > 0.999 at the notes' example (Δx = 0.125)"),
    Claim("Put the proposal's centre on the ground truth's (x = 110, y = 130): Δx = Δy = 0; "
          "only the size targets remain.",
          "x=110; y=130", lambda s: s["dx"] == 0 and s["dy"] == 0 and s["dw"] > 0 and s["dh"] > 0,
          "dx == dy == 0 and dw, dh > 0"),
    Claim("Make the proposal wider than the ground truth (w = 100 > 84.19): Δw turns negative "
          "(the log of a ratio below 1).",
          "w=100", lambda s: s["proposal"][2] > s["ground_truth"][2] and s["dw"] < 0,
          "proposal wider than the ground truth and dw < 0"),
    Claim("Halve w (80 → 40, same centre): Δx doubles from 0.125 to 0.25, because the shift is "
          "measured in proposal widths.",
          "x=100; w=40", lambda s: _near(s["dx"], 2 * 0.125, 1e-9),
          "dx == 2 × 0.125"),
])

NMS_CLAIMS = Claims("nnlab.views.detection_view:nms_explorer", [
    Claim("At threshold 1 nothing is suppressed: all 22 boxes stay, 6 duplicates on each of the "
          "three objects.",
          "iou_threshold=1.0", lambda s: s["kept"] == s["boxes"] == 22 and s["kept_per_object"] == [6, 6, 6],
          "kept == boxes == 22 and 6 kept boxes with IoU >= 0.5 on each object"),
    Claim("At 0.5 one box per object remains; the 4 weak false alarms stay too (NMS removes "
          "duplicates, not false alarms): 7 boxes.",
          "iou_threshold=0.5", lambda s: s["kept_per_object"] == [1, 1, 1] and s["kept"] == 7,
          "exactly one kept box with IoU >= 0.5 per object, 7 kept"),
    Claim("At 0 any overlap suppresses: only 3 boxes remain; here the three objects lie apart, so "
          "each keeps one box and the false alarms go.",
          "iou_threshold=0.0", lambda s: s["kept"] == 3 and s["kept_per_object"] == [1, 1, 1],
          "3 kept, one per object"),
    Claim("Above 0.5 duplicates come back: at 0.8, 13 boxes, up to 4 on one object.",
          "iou_threshold=0.8", lambda s: s["kept"] == 13 and max(s["kept_per_object"]) == 4,
          "13 kept, at most 4 on one object"),
])


def _low(best, below=0.65, above=0.55) -> int:
    return sum(above < b < below for b in best)


SEARCH_CLAIMS = Claims("nnlab.views.detection_view:selective_search_explorer", [
    Claim("All four measures (the default): every object's box is proposed exactly (best IoU 1.0).",
          "colour=1.0; texture=1.0; size=1.0; fill=1.0",
          lambda s: s["best_iou"] == [1.0, 1.0, 1.0, 1.0], "best_iou == [1, 1, 1, 1]"),
    Claim("Colour alone: the best box for two of the four objects has IoU of only about 0.6.",
          "colour=1.0; texture=0.0; size=0.0; fill=0.0",
          lambda s: _low(s["best_iou"]) == 2 and s["best_iou"].count(1.0) == 2,
          "two best IoUs in (0.55, 0.65), the other two 1.0"),
    Claim("Texture alone: two objects again reach only about 0.6.",
          "colour=0.0; texture=1.0; size=0.0; fill=0.0", lambda s: _low(s["best_iou"]) == 2,
          "two best IoUs in (0.55, 0.65) (texture alone)"),
    Claim("Size alone: the same, two objects at about 0.6.",
          "colour=0.0; texture=0.0; size=1.0; fill=0.0", lambda s: _low(s["best_iou"]) == 2,
          "two best IoUs in (0.55, 0.65) (size alone)"),
    Claim("Fill alone: only one object is proposed exactly; the others reach 0.84 to 0.87.",
          "colour=0.0; texture=0.0; size=0.0; fill=1.0",
          lambda s: s["best_iou"].count(1.0) == 1 and all(0.84 <= b < 0.88 for b in s["best_iou"] if b < 1),
          "one best IoU of 1.0, the others in [0.84, 0.88)"),
    Claim("Colour alone still finds all four objects at IoU 0.5 (recall 1.0): a single measure "
          "misses the exact box, not the object.",
          "colour=1.0; texture=0.0; size=0.0; fill=0.0", lambda s: s["recall@0.5"] == 1.0,
          "recall@0.5 == 1.0 (colour alone)"),
    Claim("All four weights 0 is refused with a message, and the picture keeps the last result "
          "that had a weight above 0.",
          "colour=0.0; texture=0.0; size=0.0; fill=0.0",
          lambda s: s["message"].startswith("all weights are 0") and any(w > 0 for w in s["shown_weights"]),
          "message shown, shown_weights not all 0"),
])
