"""nnlab.engine.yolo: the grid, what a cell predicts, and label files with line-numbered errors."""
import numpy as np
import pytest

from nnlab.core.data import data_path
from nnlab.engine import yolo as Y

DATA = data_path("yolo_example.txt").parent   # the package data (nnlab.data)


def test_responsible_cell_on_416_with_13x13():
    assert Y.stride(416, 13) == 32
    row, col, ox, oy = Y.responsible_cell(200 / 416, 100 / 416, 13)
    assert (row, col) == (100 // 32, 200 // 32) == (3, 6)
    assert ox == pytest.approx((200 - 6 * 32) / 32) and oy == pytest.approx((100 - 3 * 32) / 32)
    assert Y.responsible_cell(1.0, 1.0, 13)[:2] == (12, 12)   # the far edge belongs to the last cell
    assert Y.responsible_cell(0.0, 0.0, 13)[:2] == (0, 0)


def test_output_shapes_of_the_papers():
    assert Y.output_shape(7, 2, 20, "v1") == (7, 7, 30)        # YOLOv1 on PASCAL VOC
    assert Y.output_shape(13, 3, 80, "v3") == (13, 13, 255)    # YOLOv3 on COCO
    with pytest.raises(ValueError, match="^version: expected"):
        Y.output_shape(13, 3, 80, "v9")


def test_v1_targets():
    labs = [Y.YoloLabel(1, 0.5, 0.5, 0.2, 0.4), Y.YoloLabel(0, 0.52, 0.51, 0.1, 0.1)]
    t = Y.v1_targets(labs, S=7, B=2, C=3)
    assert t.shape == (7, 7, 13)
    assert np.count_nonzero(t[..., 4]) == 1          # the second object shares the cell: dropped
    cell = t[3, 3]
    assert np.allclose(cell[:5], [0.5, 0.5, 0.2, 0.4, 1]) and np.allclose(cell[5:10], cell[:5])
    assert cell[10:].tolist() == [0, 1, 0]


def test_read_the_example_file():
    labs = Y.read_labels(DATA / "yolo_example.txt", num_classes=3)
    assert [lab.class_id for lab in labs] == [0, 1, 2]
    assert labs[0].box() == (0.5, 0.5, 0.25, 0.3)
    assert labs[0].xyxy(416, 416).tolist() == pytest.approx([156.0, 145.6, 260.0, 270.4])


def test_malformed_file_names_file_and_every_line():
    path = DATA / "yolo_malformed.txt"
    with pytest.raises(Y.YoloLabelError) as err:
        Y.read_labels(path, num_classes=3)
    e = err.value
    assert isinstance(e, ValueError)
    assert len(e.problems) == 4
    for line, words in zip((2, 3, 4, 5), ("5 fields", "[0, 1]", "must be a number", "unknown class id 7")):
        prob = [p for p in e.problems if p.startswith(f"{path}:{line}:")]
        assert len(prob) == 1 and words in prob[0]
    assert str(path) in str(e) and "\n" not in str(e)
    assert [lab.line for lab in e.labels] == [1, 7]


def test_lenient_returns_valid_lines_and_problems():
    labs, problems = Y.read_labels(DATA / "yolo_malformed.txt", num_classes=3, lenient=True)
    assert [(lab.line, lab.class_id) for lab in labs] == [(1, 0), (7, 2)]
    assert len(problems) == 4
    labs2, problems2 = Y.read_labels(DATA / "yolo_malformed.txt", lenient=True)  # no class check
    assert len(labs2) == 3 and len(problems2) == 3


@pytest.mark.parametrize("line, words", [
    ("0 0.5 0.5 0.2", "expected 5 fields"),
    ("0 0.5 0.5 0.2 0.2 0.9", "expected 5 fields"),
    ("0 0.5 -0.1 0.2 0.2", "y_center must lie in [0, 1]"),
    ("0 0.5 0.5 1.01 0.2", "width must lie in [0, 1]"),
    ("0 0.5 0.5 0.2 nan", "height must lie in [0, 1]"),
    ("0 0.5 0.5 0.2 x", "height must be a number"),
    ("car 0.5 0.5 0.2 0.2", "class_id must be a whole number"),
    ("-1 0.5 0.5 0.2 0.2", "class_id must be a whole number"),
    ("1.5 0.5 0.5 0.2 0.2", "class_id must be a whole number"),
    ("5 0.5 0.5 0.2 0.2", "unknown class id 5"),
    ("0 0.5 0.5 0 0.2", "width and height must be > 0"),
])
def test_each_kind_of_error(tmp_path, line, words):
    p = tmp_path / "img1.txt"
    p.write_text("1 0.1 0.1 0.05 0.05\n\n" + line + "\n")
    with pytest.raises(ValueError) as err:
        Y.read_labels(p, class_names=["car", "person"])
    assert f"{p}:3: " in str(err.value) and words in str(err.value)


def test_write_then_read_round_trip(tmp_path):
    labs = [Y.YoloLabel(0, 0.5, 0.25, 0.125, 0.75), (1, 0.1, 0.2, 0.3, 0.4)]
    p = Y.write_labels(tmp_path / "a.txt", labs, num_classes=2)
    assert p.read_text() == "0 0.500000 0.250000 0.125000 0.750000\n1 0.100000 0.200000 0.300000 0.400000\n"
    back = Y.read_labels(p, num_classes=2)
    assert [b.box() for b in back] == [(0.5, 0.25, 0.125, 0.75), (0.1, 0.2, 0.3, 0.4)]


def test_write_refuses_bad_label_and_writes_nothing(tmp_path):
    p = tmp_path / "b.txt"
    with pytest.raises(ValueError, match=r"^labels\[1\]: x_center must lie in \[0, 1\]"):
        Y.write_labels(p, [(0, 0.5, 0.5, 0.1, 0.1), (0, 1.5, 0.5, 0.1, 0.1)])
    assert not p.exists()
    with pytest.raises(ValueError, match=r"^labels\[0\]: unknown class id 3"):
        Y.write_labels(p, [(3, 0.5, 0.5, 0.1, 0.1)], num_classes=3)


def test_missing_file():
    with pytest.raises(ValueError, match="^path: expected an existing YOLO label file"):
        Y.read_labels(DATA / "no_such_labels.txt")


def test_labels_from_pixel_boxes():
    labs = Y.labels_from_boxes([[156, 145.6, 260, 270.4]], [2], 416, 416)
    assert labs[0].class_id == 2
    assert labs[0].box() == pytest.approx((0.5, 0.5, 0.25, 0.3))
