"""The pieces of object detection, one file each; every public name is re-exported here.

- :mod:`.boxes` — box formats, area, IoU, the R-CNN box regression (encode / decode) and
  :func:`regression_steps`, one proposal's regression with every intermediate;
- :mod:`.suppression` — non-maximum suppression (`nms`), its steps on request (a module named
  `nms` would be shadowed by the function `nms` re-exported here);
- :mod:`.anchors` — Faster R-CNN's anchors and their matching to the ground truth;
- :mod:`.roi` — RoI max pooling (Fast R-CNN), its bins on request;
- :mod:`.segmentation` — Felzenszwalb and Huttenlocher's graph-based over-segmentation;
- :mod:`.selective_search` — selective search (R-CNN's region proposals) and proposal recall;
- :mod:`.scenes` — synthetic scenes with exactly known boxes.

``from nnlab.engine import detection as D`` gives all of them (``D.nms``, ``D.match_anchors``,
``D.roi_pool`` ...); ``nnlab.engine.boxes`` is the boxes and NMS part alone (``B``), and
``nnlab.engine.yolo`` the YOLO grid and label files. The exercises and the course's worked
example are in :mod:`nnlab.course.detection`.
"""
from .anchors import (
    DEFAULT_RATIOS,
    DEFAULT_SCALES,
    LABEL_NAMES,
    AnchorMatch,
    anchor_grid,
    base_anchors,
    match_anchors,
)
from .boxes import (
    BBOX_XFORM_CLIP,
    FORMATS,
    Regression,
    as_boxes,
    as_cxcywh,
    box_area,
    box_iou,
    cxcywh_to_xyxy,
    decode,
    encode,
    iou,
    iou_matrix,
    iou_of_corners,
    regression_lines,
    regression_steps,
    signed,
    xyxy_to_cxcywh,
    xyxy_to_yolo,
    yolo_to_xyxy,
)
from .roi import RoIPooling, roi_bins, roi_pool
from .scenes import SCENE_CLASSES, Scene, scored_detections, synthetic_scene
from .segmentation import felzenszwalb, gaussian_smooth
from .selective_search import (
    COLOUR_BINS,
    ORIENTATIONS,
    TEXTURE_BINS,
    SelectiveSearch,
    SelectiveSearchResult,
    proposal_recall,
    selective_search,
    similarity,
    unique_boxes,
)
from .suppression import NMSResult, NMSStep, nms

__all__ = [
    "DEFAULT_RATIOS", "DEFAULT_SCALES", "LABEL_NAMES", "AnchorMatch", "anchor_grid", "base_anchors",
    "match_anchors",
    "BBOX_XFORM_CLIP", "FORMATS", "Regression", "as_boxes", "as_cxcywh", "box_area", "box_iou",
    "cxcywh_to_xyxy", "decode", "encode", "iou", "iou_matrix", "iou_of_corners", "regression_lines",
    "regression_steps", "signed", "xyxy_to_cxcywh", "xyxy_to_yolo", "yolo_to_xyxy",
    "NMSResult", "NMSStep", "nms",
    "RoIPooling", "roi_bins", "roi_pool",
    "SCENE_CLASSES", "Scene", "scored_detections", "synthetic_scene",
    "felzenszwalb", "gaussian_smooth",
    "COLOUR_BINS", "ORIENTATIONS", "TEXTURE_BINS", "SelectiveSearch", "SelectiveSearchResult",
    "proposal_recall", "selective_search", "similarity", "unique_boxes",
]
