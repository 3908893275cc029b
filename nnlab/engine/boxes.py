"""Bounding boxes and non-maximum suppression: ``from nnlab.engine import boxes as B``.

The code is in the detection package (:mod:`nnlab.engine.detection.boxes` for the formats,
IoU and encode / decode, :mod:`nnlab.engine.detection.suppression` for NMS); this module
gathers those two under the short name the notebook and the benchmarks use.
"""
from .detection.boxes import (
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
from .detection.suppression import NMSResult, NMSStep, nms

__all__ = ["BBOX_XFORM_CLIP", "FORMATS", "Regression", "as_boxes", "as_cxcywh", "box_area",
           "box_iou", "cxcywh_to_xyxy", "decode", "encode", "iou", "iou_matrix", "iou_of_corners",
           "regression_lines", "regression_steps", "signed", "xyxy_to_cxcywh", "xyxy_to_yolo",
           "yolo_to_xyxy", "NMSResult", "NMSStep", "nms"]
