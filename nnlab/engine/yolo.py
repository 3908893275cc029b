"""YOLO: the S×S grid, the cell responsible for an object, what each cell predicts, label files.

The image (resized to e.g. 416×416) is divided into an S×S grid (13×13 at stride 32). The
cell containing an object's *centre* is responsible for it: cell (row, col) =
(floor(y_center·S), floor(x_center·S)) in normalised coordinates (a centre exactly on the
right or bottom edge, 1.0, belongs to the last cell).

What a cell predicts (notes 001, "How does YOLO work?"):
- YOLOv1 (S = 7, B = 2, C = 20): B boxes, each (x, y, w, h, confidence) — x, y the centre
  as an offset inside the cell (0..1), w, h relative to the image, confidence = P(object)·IoU —
  plus one set of C class probabilities *per cell*: an S×S×(5B + C) output (7×7×30).
- YOLOv3 (S = 13, 26, 52 at 416×416, B = 3 per scale): each box predicts
  (t_x, t_y, t_w, t_h, objectness) and C class scores *per box*: x = (col + σ(t_x))/S,
  w = p_w·e^(t_w)/image width with p_w a box prior (anchor): an S×S×B·(5 + C) output
  (13×13×255 for the 80 COCO classes).
The notes mix the two (B = 3 as in v3 but class probabilities per cell as in v1).

Label files, one per image, one object per line: ``<class_id> <x_center> <y_center> <width> <height>``
with the four numbers normalised by the image's width and height. `read_labels` checks every
line and names the file and the line number of each problem (lines end at "\n" only, so a form
feed or U+2028 inside a line never shifts the numbers; a UTF-8 byte-order mark is skipped);
`lenient=True` returns the valid lines together with the list of problems instead of raising.
The error's message quotes at most `QUOTED` problems (the full list is its `problems`).
`write_labels` writes each number with as many digits as its exact round trip needs (at least
`decimals`), into a temporary file moved into place (`nnlab.core.atomic`): reading the file back
gives the very labels written, and a failed write leaves the old file as it was.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core import atomic
from ..core.data import MAX_BYTES, short
from ..core.validate import fail, finite_array, finite_number, positive_int
from .detection.boxes import as_boxes, cxcywh_to_xyxy, xyxy_to_yolo


# -- the grid -----------------------------------------------------------------------------------
def responsible_cell(x_center, y_center, S: int = 13) -> tuple[int, int, float, float]:
    """(row, col) of the cell containing the centre, and the centre's offset (0..1) inside it."""
    x = finite_number("x_center", x_center, minimum=0.0, maximum=1.0)
    y = finite_number("y_center", y_center, minimum=0.0, maximum=1.0)
    s = positive_int("S", S)
    col = min(int(math.floor(x * s)), s - 1)
    row = min(int(math.floor(y * s)), s - 1)
    return row, col, x * s - col, y * s - row


def output_shape(S: int = 13, B: int = 3, C: int = 80, version: str = "v3") -> tuple[int, int, int]:
    """The shape of the prediction for one scale: v1 S×S×(5B + C), v3 S×S×B·(5 + C)."""
    s = positive_int("S", S)
    b = positive_int("B", B)
    c = positive_int("C", C)
    if version == "v1":
        return (s, s, 5 * b + c)
    if version == "v3":
        return (s, s, b * (5 + c))
    fail("version", "'v1' or 'v3'", version)


def stride(image_size: int = 416, S: int = 13) -> float:
    """Pixels per cell: 416/13 = 32."""
    return positive_int("image_size", image_size) / positive_int("S", S)


def v1_targets(labels, S: int = 7, B: int = 2, C: int = 20) -> np.ndarray:
    """The YOLOv1 training target S×S×(5B + C) of a list of labels.

    For the responsible cell of each object: every one of the B boxes gets (x offset, y offset,
    w, h, 1) and the class gets probability 1. A second object with its centre in a cell
    already taken is dropped (v1's limit: one object per cell), as in the original.
    """
    s, b, c = positive_int("S", S), positive_int("B", B), positive_int("C", C)
    out = np.zeros((s, s, 5 * b + c))
    for lab in labels:
        if not 0 <= lab.class_id < c:
            fail("labels", f"class ids from 0 to {c - 1}", lab.class_id)
        row, col, ox, oy = responsible_cell(lab.x_center, lab.y_center, s)
        if out[row, col, 4] == 1:
            continue
        for k in range(b):
            out[row, col, 5 * k:5 * k + 5] = (ox, oy, lab.width, lab.height, 1.0)
        out[row, col, 5 * b + lab.class_id] = 1.0
    return out


# -- label files --------------------------------------------------------------------------------
@dataclass(frozen=True)
class YoloLabel:
    class_id: int
    x_center: float
    y_center: float
    width: float
    height: float
    line: int = 0          # line number in the file it was read from (0: not from a file)

    def box(self) -> tuple[float, float, float, float]:
        return (self.x_center, self.y_center, self.width, self.height)

    def xyxy(self, image_width, image_height) -> np.ndarray:
        """The box in pixels (x1, y1, x2, y2)."""
        b = np.array([self.box()]) * np.array([image_width, image_height,
                                               image_width, image_height], float)
        return cxcywh_to_xyxy(b)[0]


class YoloLabelError(ValueError):
    """Problems in a YOLO label file; `problems` lists them, `labels` holds the valid lines."""

    def __init__(self, path, problems, labels):
        self.path = str(path)
        self.problems = list(problems)
        self.labels = list(labels)
        head = f"labels file {short(self.path)[1:-1]}: {len(self.problems)} malformed line(s): "
        shown = "; ".join(self.problems[:QUOTED])
        more = len(self.problems) - QUOTED
        super().__init__(head + shown + (f"; … and {more} more (the error's .problems lists them)"
                                         if more > 0 else ""))


QUOTED = 10   # problems quoted in a YoloLabelError's message


FIELDS = ("class_id", "x_center", "y_center", "width", "height")


def _num_classes(num_classes, class_names):
    if class_names is not None:
        return len(list(class_names))
    if num_classes is None:
        return None
    return positive_int("num_classes", num_classes)


def parse_line(text: str, where: str, num_classes=None):
    """One label line → (YoloLabel, None) or (None, problem text naming `where`)."""
    parts = text.split()
    if len(parts) != 5:
        return None, (f"{where}: expected 5 fields <class_id> <x_center> <y_center> <width> "
                      f"<height>, got {len(parts)}")
    cls_text = parts[0]
    if not (cls_text.isascii() and cls_text.isdigit()):
        return None, f"{where}: class_id must be a whole number >= 0, got {short(cls_text)}"
    cls = int(cls_text)
    if num_classes is not None and cls >= num_classes:
        return None, f"{where}: unknown class id {cls} (classes are 0 to {num_classes - 1})"
    vals = []
    for name, t in zip(FIELDS[1:], parts[1:]):
        try:
            v = float(t)
        except ValueError:
            return None, f"{where}: {name} must be a number, got {short(t)}"
        if not math.isfinite(v) or not 0.0 <= v <= 1.0:
            return None, f"{where}: {name} must lie in [0, 1] (normalised), got {short(t)[1:-1]}"
        vals.append(v)
    if vals[2] <= 0 or vals[3] <= 0:
        return None, (f"{where}: width and height must be > 0, got {short(parts[3])[1:-1]} and "
                      f"{short(parts[4])[1:-1]}")
    return YoloLabel(cls, *vals), None


def read_labels(path, num_classes=None, class_names=None, lenient: bool = False):
    """Read a YOLO label file. Blank lines are skipped.

    Strict (default): returns the list of YoloLabel, or raises YoloLabelError naming the file
    and the line number of *every* malformed line. lenient=True: returns (labels, problems),
    the valid lines and the list of problem texts.
    """
    p = _label_path(path)
    nc = _num_classes(num_classes, class_names)
    if p.is_dir():
        fail("path", "a YOLO label file, not a folder", short(str(p))[1:-1])
    try:
        if p.stat().st_size > MAX_BYTES:
            fail("path", f"a label file of at most {MAX_BYTES} bytes",
                 f"{p.stat().st_size} bytes in {short(str(p))[1:-1]}")
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        fail("path", "an existing YOLO label file", short(str(p))[1:-1])
    except UnicodeDecodeError as err:
        fail("path", f"a text file (UTF-8; byte {err.start} is not)", short(str(p))[1:-1])
    except OSError as err:
        fail("path", f"a readable YOLO label file ({err.strerror or err})", short(str(p))[1:-1])
    if text.startswith("\ufeff"):      # a UTF-8 byte-order mark, as some editors write
        text = text[1:]
    labels, problems = [], []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for n, raw in enumerate(lines, 1):
        raw = raw[:-1] if raw.endswith("\r") else raw
        if not raw.strip():
            continue
        lab, problem = parse_line(raw, f"{p}:{n}", nc)
        if problem:
            problems.append(problem)
        else:
            labels.append(YoloLabel(lab.class_id, lab.x_center, lab.y_center, lab.width,
                                    lab.height, line=n))
    if lenient:
        return labels, problems
    if problems:
        raise YoloLabelError(p, problems, labels)
    return labels


def _label_path(path) -> Path:
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        fail("path", "a file path (str or pathlib.Path)", type(path).__name__)
    p = Path(os.fspath(path))
    if str(p) in ("", "."):
        fail("path", "a file path", os.fspath(path))
    return p


def _exact(v: float, d: int) -> str:
    """v with at least d decimals and as many more as float(text) == v needs."""
    text = f"{v:.{d}f}"
    if float(text) != v:
        text = np.format_float_positional(v, unique=True, min_digits=d, trim="k")
    return text


def format_labels(labels, num_classes=None, decimals: int = 6) -> str:
    """The text of a label file (each label validated; the error names the label's index).

    Each number gets `decimals` digits, or more where fewer would not read back as the same
    float (a width of 4e-7 is written 0.0000004, not 0.000000)."""
    d = positive_int("decimals", decimals, minimum=1, maximum=12)
    lines = []
    for i, lab in enumerate(labels):
        if isinstance(lab, YoloLabel):
            fields = (lab.class_id,) + lab.box()
        else:
            fields = tuple(lab)
        if len(fields) != 5:
            fail(f"labels[{i}]", "5 fields (class_id, x_center, y_center, width, height)", short(fields))
        text = " ".join([str(fields[0])] + [repr(float(v)) if isinstance(v, (float, int)) and
                                             not isinstance(v, bool) else str(v) for v in fields[1:]])
        lab2, problem = parse_line(text, f"labels[{i}]", num_classes)
        if problem:
            raise ValueError(problem)
        line = f"{lab2.class_id} " + " ".join(_exact(v, d) for v in lab2.box())
        back, problem = parse_line(line, f"labels[{i}]", num_classes)
        if problem or back != lab2:   # never written unless it reads back as the same label
            raise ValueError(problem or f"labels[{i}]: cannot be written exactly ({short(fields)})")
        lines.append(line)
    return "".join(line + "\n" for line in lines)


def write_labels(path, labels, num_classes=None, decimals: int = 6) -> Path:
    """Write a YOLO label file (validated first: nothing is written if a label is bad; written
    to a temporary file moved into place, so the old file stays whole if the write fails)."""
    p = _label_path(path)
    text = format_labels(labels, num_classes, decimals)
    return atomic.write_text(p, text, name="path")


def labels_from_boxes(boxes_xyxy, class_ids, image_width, image_height) -> list[YoloLabel]:
    """Pixel boxes + class ids → YoloLabel list (normalised by the image size).

    Every box must lie inside the image and have a width and a height > 0; every class id must
    be a whole number >= 0 (1.7 or −1 are refused, never rounded)."""
    w = finite_number("image_width", image_width, minimum=0.0)
    h = finite_number("image_height", image_height, minimum=0.0)
    b = as_boxes("boxes_xyxy", boxes_xyxy, "xyxy")
    ids = finite_array("class_ids", class_ids, ndim=1)
    if ids.shape[0] != b.shape[0]:
        fail("class_ids", f"one class id per box ({b.shape[0]})", f"{ids.shape[0]} ids")
    bad = np.flatnonzero((ids < 0) | (ids != np.floor(ids)))
    if bad.size:
        fail(f"class_ids[{bad[0]}]", "a whole number >= 0", float(ids[bad[0]]))
    outside = np.flatnonzero((b[:, 0] < 0) | (b[:, 1] < 0) | (b[:, 2] > w) | (b[:, 3] > h))
    if outside.size:
        k = outside[0]
        fail(f"boxes_xyxy[{k}]", f"a box inside the {w:g}×{h:g} image (0 <= x1, y1; x2 <= {w:g}, "
                                 f"y2 <= {h:g})", b[k].tolist())
    flat = np.flatnonzero((b[:, 2] <= b[:, 0]) | (b[:, 3] <= b[:, 1]))
    if flat.size:
        k = flat[0]
        fail(f"boxes_xyxy[{k}]", "a box with width and height > 0 (x2 > x1, y2 > y1)", b[k].tolist())
    y = xyxy_to_yolo(b, image_width, image_height)
    return [YoloLabel(int(c), *map(float, row)) for c, row in zip(ids, y)]
