"""Bad data and label files: each row is one file (made in tmp_path) and the fragment of its
one-line refusal (the file's name and the line or the array). See __init__ for the counts."""
import gzip
import io
import os
from pathlib import Path

import numpy as np
import pytest

from nnlab.core import atomic, data
from nnlab.engine import yolo as Y

from . import refused

ROOT = Path(__file__).resolve().parents[2]
LINREG = data.data_path("linreg.csv").read_text(encoding="utf-8")
DIGITS = data.load_npz("digits.npz")


def lines_of(text):
    return text.split("\n")


# -- CSV ------------------------------------------------------------------------------------------
def cut_mid_line(text):
    """linreg.csv cut inside its 101st line (row 99: '6.7' of '6.712612' in the issue)."""
    lines = lines_of(text)
    return "\n".join(lines[:100]) + "\n" + lines[100][:5]


def replace_line(text, n, new):
    lines = lines_of(text)
    lines[n - 1] = new
    return "\n".join(lines)


CSV_ROWS = [
    ("truncated mid-line", lambda: cut_mid_line(LINREG), "linreg.csv: line 101 is incomplete"),
    ("truncated at a line end", lambda: "\n".join(lines_of(LINREG)[:100]) + "\n",
     "expected 200 rows (data/README.md), found 98"),
    ("one row more", lambda: LINREG + "0.1,0.2\n", "expected 200 rows"),
    ("no newline at the end", lambda: LINREG.rstrip("\n"), "line 202 is incomplete"),
    ("field over 131,072 characters", lambda: replace_line(LINREG, 5, "1," + "9" * 131_073),
     "line 5 has a field longer than 131072 characters"),
    ("two fields of 70,000 characters", lambda: replace_line(LINREG, 6, "1" * 70_000 + ",2" + "0" * 69_999),
     "line 6, column 'x': cannot read '11111"),
    ("a word for a number", lambda: replace_line(LINREG, 7, "0.5,abc"),
     "line 7, column 'y': cannot read 'abc' as a finite float"),
    ("nan", lambda: replace_line(LINREG, 8, "nan,1"), "line 8, column 'x'"),
    ("inf", lambda: replace_line(LINREG, 9, "1,-inf"), "line 9, column 'y'"),
    ("1e999 (overflows to inf)", lambda: replace_line(LINREG, 10, "1,1e999"), "line 10, column 'y'"),
    ("three fields", lambda: replace_line(LINREG, 11, "1,2,3"), "line 11 has 3 fields, expected 2"),
    ("one field", lambda: replace_line(LINREG, 12, "1"), "line 12 has 1 fields, expected 2"),
    ("wrong header", lambda: replace_line(LINREG, 2, "a,b"), "expected the columns x, y, found a, b"),
    ("unclosed quote", lambda: replace_line(LINREG, 13, '"1,2'), "line 13 is not valid CSV"),
    ("empty", lambda: "", "linreg.csv: the file is empty"),
    ("only comments", lambda: "# x\n# y\n", "the file is empty"),
    ("form feed in a comment keeps the line numbers",
     lambda: "# a\x0cb\n" + "\n".join(lines_of(LINREG)[1:5]) + "\n0.1,zz\n",
     "line 6, column 'y'"),
    ("U+2028 in a comment keeps the line numbers",
     lambda: "# a\u2028b\u2029c\x1c\n" + "\n".join(lines_of(LINREG)[1:5]) + "\nyy,0.1\n",
     "line 6, column 'x'"),
]


@pytest.mark.parametrize("what, make, fragment", CSV_ROWS, ids=[r[0] for r in CSV_ROWS])
def test_csv(tmp_path, what, make, fragment):
    p = tmp_path / "linreg.csv"
    p.write_bytes(make().encode("utf-8"))
    message = refused(lambda: data.load(p), fragment)
    assert str(p) in message and len(message) < 400


def test_csv_not_utf8_and_a_damaged_gzip(tmp_path):
    p = tmp_path / "linreg.csv"
    p.write_bytes(LINREG.encode("utf-8").replace(b"0.547847", b"0.5\xff7847"))
    refused(lambda: data.load(p), "not UTF-8 text (byte")
    g = tmp_path / "table.csv.gz"
    g.write_bytes(gzip.compress(b"x,y\n1,2\n")[:-6])
    refused(lambda: data.load(g), "table.csv.gz: not a readable gzip stream")


def test_csv_with_a_byte_order_mark_loads_every_row(tmp_path):
    p = tmp_path / "linreg.csv"
    p.write_bytes(b"\xef\xbb\xbf" + LINREG.encode("utf-8"))
    table = data.load(p)
    assert len(table) == 200 and table.columns == ["x", "y"]
    assert table.column("x", float)[0] == 0.547847     # the first row as the file writes it


def test_csv_line_numbers_are_the_files(tmp_path):
    """Comment lines count: linreg.csv's first row is line 3 (the comment, the header)."""
    table = data.load("linreg.csv")
    assert table.lines[0] == 3 and table.lines[-1] == 202


# -- NPZ ------------------------------------------------------------------------------------------
def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def digits_with(images=None, labels=None):
    return npz_bytes(images=DIGITS["images"] if images is None else images,
                     labels=DIGITS["labels"] if labels is None else labels)


def with_label(value, dtype=None):
    lab = DIGITS["labels"].astype(dtype or DIGITS["labels"].dtype)
    lab[5] = value
    return digits_with(labels=lab)


def with_pixel(value, dtype):
    img = DIGITS["images"].astype(dtype)
    img[3, 4, 4] = value
    return digits_with(images=img)


def damaged_deflate():
    raw = bytearray(digits_with())
    start = raw.index(b"images.npy") + len(b"images.npy") + 200   # inside the compressed images
    for k in range(start, start + 64):
        raw[k] ^= 0x5A
    return bytes(raw)


def npy_renamed():
    buf = io.BytesIO()
    np.save(buf, DIGITS["images"])
    return buf.getvalue()


def with_pickle():
    buf = io.BytesIO()
    np.savez(buf, images=np.array([{"a": 1}], dtype=object), labels=DIGITS["labels"])
    return buf.getvalue()


NPZ_ROWS = [
    ("NaN pixels", lambda: with_pixel(np.nan, float), "array 'images' holds NaN or infinite"),
    ("negative pixel", lambda: with_pixel(-1, np.int16), "array 'images' holds -1, expected whole"),
    ("pixel 17", lambda: with_pixel(17, np.uint8), "array 'images' holds 17"),
    ("label 99", lambda: with_label(99), "array 'labels' holds 99, expected whole numbers from 0 to 9"),
    ("label -7", lambda: with_label(-7, np.int64), "array 'labels' holds -7"),
    ("label 0.5", lambda: with_label(0.5, float), "array 'labels' holds float64 numbers, expected whole"),
    ("damaged deflate stream", damaged_deflate, "digits.npz: "),
    (".npy renamed .npz", npy_renamed, "not an .npz archive (an .npy array renamed .npz)"),
    ("cut in half", lambda: digits_with()[: len(digits_with()) // 2], "digits.npz: "),
    ("garbage", lambda: b"\x89\x00\xff\xfe not a data file", "not an .npz archive (not a zip archive)"),
    ("labels missing", lambda: npz_bytes(images=DIGITS["images"]), "missing labels"),
    ("lengths differ", lambda: digits_with(labels=DIGITS["labels"][:-1]), "must have the same length"),
    ("7×7 images", lambda: digits_with(images=DIGITS["images"][:, :7, :7]), "has shape (1797, 7, 7)"),
    ("an object array (pickle)", with_pickle, "cannot be read as an .npz archive"),
]


@pytest.mark.parametrize("what, make, fragment", NPZ_ROWS, ids=[r[0] for r in NPZ_ROWS])
def test_npz(tmp_path, what, make, fragment):
    p = tmp_path / "digits.npz"
    p.write_bytes(make())
    message = refused(lambda: data.load(p), fragment)
    assert message.startswith(str(p)) and len(message) < 400


# -- JSON -----------------------------------------------------------------------------------------
JSON_ROWS = [
    ("nested 100,000 deep", lambda: "[" * 100_000 + "]" * 100_000, "nested more than 200 levels"),
    ("nested 100,000 deep, unclosed", lambda: "[" * 100_000, "nested more than 200 levels"),
    ("nested 300 deep inside an object", lambda: '{"a": ' + "[" * 300 + "]" * 300 + "}",
     "nested more than 200 levels"),
    ("NaN", lambda: '{"a": NaN}', "the number NaN is not finite"),
    ("Infinity", lambda: "[1, -Infinity]", "the number -Infinity is not finite"),
    ("truncated", lambda: '{"a": [1, 2', "not valid JSON at line 1"),
    ("empty", lambda: "", "not valid JSON at line 1, column 1"),
    ("a second line broken", lambda: '{"a": 1,\n "b": }', "not valid JSON at line 2"),
]


@pytest.mark.parametrize("what, make, fragment", JSON_ROWS, ids=[r[0] for r in JSON_ROWS])
def test_json(tmp_path, what, make, fragment):
    p = tmp_path / "vectors.json"
    p.write_text(make(), encoding="utf-8")
    message = refused(lambda: data.load(p), fragment)
    assert message.startswith(str(p)) and len(message) < 400


# -- YOLO label files: reading ----------------------------------------------------------------------
GOOD = "0 0.5 0.5 0.2 0.2\n"


def big_token():
    return "0 0.5 0.5 0.2 " + "9" * 1_000_000 + "\n"


READ_ROWS = [
    ("a folder", lambda p: p.parent, "path: expected a YOLO label file, not a folder"),
    ("None", lambda p: None, "path: expected a file path (str or pathlib.Path), got 'NoneType'"),
    ("3", lambda p: 3, "path: expected a file path (str or pathlib.Path), got 'int'"),
    ("True", lambda p: True, "path: expected a file path"),
    ("empty string", lambda p: "", "path: expected a file path"),
    ("missing", lambda p: p.with_name("none.txt"), "path: expected an existing YOLO label file"),
]


@pytest.mark.parametrize("what, path_of, fragment", READ_ROWS, ids=[r[0] for r in READ_ROWS])
def test_read_labels_path(tmp_path, what, path_of, fragment):
    p = tmp_path / "img.txt"
    p.write_text(GOOD)
    refused(lambda: Y.read_labels(path_of(p)), fragment)


LINE_ROWS = [   # the text of the file, and the fragment (its line number must be the file's)
    ("form feed in line 1", GOOD.replace(" 0.2\n", "\x0c 0.2\n") + "0 0.5 0.5 0.2\n", ":2: expected 5"),
    ("U+2028 in line 1", "0 0.5\u2028 0.5 0.2 0.2\n" + GOOD + "x\n", ":3: expected 5"),
    ("vertical tab and U+0085", "0 0.5 0.5\x0b 0.2 0.2\n0 0.5\x85 0.5 0.2 0.2\n1 2\n", ":3: "),
    ("not UTF-8", "\udcff", "path: expected a text file (UTF-8; byte 0 is not)"),
    ("a 1,000,000-character value", None, ":1: height must lie in [0, 1] (normalised), got 99999"),
]


@pytest.mark.parametrize("what, text, fragment", LINE_ROWS, ids=[r[0] for r in LINE_ROWS])
def test_read_labels_lines(tmp_path, what, text, fragment):
    p = tmp_path / "img.txt"
    if text is None:
        p.write_text(big_token())
    else:
        p.write_bytes(text.encode("utf-8", "surrogateescape"))
    message = refused(lambda: Y.read_labels(p), fragment)
    assert len(message) < 2000


def test_a_million_bad_lines_give_a_short_message(tmp_path):
    p = tmp_path / "img.txt"
    p.write_text("x\n" * 1_000_000)
    with pytest.raises(Y.YoloLabelError) as err:
        Y.read_labels(p)
    message = str(err.value)
    assert len(message) < 2000 and "\n" not in message     # was 116 MB
    assert "1000000 malformed line(s)" in message and "… and 999990 more" in message
    assert len(err.value.problems) == 1_000_000 and err.value.problems[-1].startswith(f"{p}:1000000:")


def test_a_byte_order_mark_is_not_part_of_the_first_label(tmp_path):
    p = tmp_path / "img.txt"
    p.write_bytes(b"\xef\xbb\xbf" + (GOOD + "1 0.1 0.2 0.1 0.1\r\n").encode())
    strict = Y.read_labels(p)
    lenient, problems = Y.read_labels(p, lenient=True)
    assert [lab.class_id for lab in strict] == [0, 1] and strict == lenient and problems == []


# -- YOLO label files: writing ----------------------------------------------------------------------
EXACT_ROWS = [(0, 0.5, 0.5, 4e-7, 0.1), (1, 1e-9, 0.3, 0.1, 1 / 3), (2, 0.1 + 0.2, 0.5, 5e-324, 1.0)]


@pytest.mark.parametrize("label", EXACT_ROWS, ids=["width 4e-7", "1e-9 and 1/3", "0.1+0.2, 5e-324"])
def test_write_labels_round_trips_exactly(tmp_path, label):
    p = Y.write_labels(tmp_path / "a.txt", [label, (0, 0.5, 0.5, 0.25, 0.25)])
    back = Y.read_labels(p)
    assert [(b.class_id,) + b.box() for b in back] == [label, (0, 0.5, 0.5, 0.25, 0.25)]
    assert p.read_text().splitlines()[1] == "0 0.500000 0.500000 0.250000 0.250000"
    assert "0.000000 " not in p.read_text() and "e" not in p.read_text()


WRITE_ROWS = [
    ("missing folder", lambda d: d / "nodir" / "a.txt", [(0, .5, .5, .1, .1)],
     "path: expected a path in an existing folder"),
    ("a folder", lambda d: d, [(0, .5, .5, .1, .1)], "path: expected a file path, got the folder"),
    ("None", lambda d: None, [(0, .5, .5, .1, .1)], "path: expected a file path"),
    ("class 1.7", lambda d: d / "a.txt", [(1.7, .5, .5, .1, .1)], "labels[0]: class_id must be a whole"),
    ("NaN width", lambda d: d / "a.txt", [(0, .5, .5, float("nan"), .1)], "labels[0]: width must lie"),
    ("width 0", lambda d: d / "a.txt", [(0, .5, .5, 0.0, .1)], "labels[0]: width and height must be > 0"),
]


@pytest.mark.parametrize("what, path_of, labels, fragment", WRITE_ROWS, ids=[r[0] for r in WRITE_ROWS])
def test_write_labels_refuses(tmp_path, what, path_of, labels, fragment):
    refused(lambda: Y.write_labels(path_of(tmp_path), labels), fragment)
    assert sorted(os.listdir(tmp_path)) == []            # nothing written, no temporary file left


# -- YOLO: boxes to labels ----------------------------------------------------------------------------
BOX_ROWS = [
    ("class 1.7", [[0, 0, 10, 10]], [1.7], "class_ids[0]: expected a whole number >= 0, got 1.7"),
    ("class -1", [[0, 0, 10, 10]], [-1], "class_ids[0]: expected a whole number >= 0, got -1.0"),
    ("class NaN", [[0, 0, 10, 10]], [float("nan")], "class_ids: expected only finite numbers"),
    ("second box's class", [[0, 0, 10, 10], [1, 1, 5, 5]], [0, 2.5], "class_ids[1]"),
    ("x2 1.75 of the width", [[100, 0, 700, 10]], [0], "boxes_xyxy[0]: expected a box inside the 400×400"),
    ("y 2.5 of the height", [[0, 900, 10, 1000]], [0], "boxes_xyxy[0]: expected a box inside"),
    ("negative x1", [[-5, 0, 10, 10]], [0], "boxes_xyxy[0]: expected a box inside"),
    ("zero width", [[0, 0, 10, 10], [5, 5, 5, 10]], [0, 1], "boxes_xyxy[1]: expected a box with width and"),
]


@pytest.mark.parametrize("what, boxes, ids, fragment", BOX_ROWS, ids=[r[0] for r in BOX_ROWS])
def test_labels_from_boxes(what, boxes, ids, fragment):
    refused(lambda: Y.labels_from_boxes(boxes, ids, 400, 400), fragment)


XYXY_TO_YOLO_ROWS = [r for r in BOX_ROWS if r[3].startswith("boxes_xyxy")]


@pytest.mark.parametrize("what, boxes, ids, fragment", XYXY_TO_YOLO_ROWS,
                         ids=[r[0] for r in XYXY_TO_YOLO_ROWS])
def test_xyxy_to_yolo_refuses_the_same_boxes(what, boxes, ids, fragment):
    from nnlab.engine.detection import xyxy_to_yolo

    k = fragment.split("[")[1].split("]")[0]
    refused(lambda: xyxy_to_yolo(boxes, 400, 400), f"boxes[{k}]: expected a box inside the image")


# -- the atomic writer ---------------------------------------------------------------------------------
def test_a_failure_mid_write_leaves_the_old_file(tmp_path, monkeypatch):
    p = tmp_path / "labels.txt"
    p.write_text("old\n")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    refused(lambda: atomic.write_text(p, "new\n" * 1000), "path: cannot write")
    assert p.read_text() == "old\n" and os.listdir(tmp_path) == ["labels.txt"]
    with pytest.raises(ValueError, match=r"^path: cannot write .*No space left"):
        Y.write_labels(p, [(0, 0.5, 0.5, 0.1, 0.1)])
    assert p.read_text() == "old\n" and os.listdir(tmp_path) == ["labels.txt"]


def test_an_interrupt_mid_write_leaves_the_old_file(tmp_path, monkeypatch):
    p = tmp_path / "labels.txt"
    p.write_text("old\n")
    monkeypatch.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        atomic.write_bytes(p, b"new")
    assert p.read_text() == "old\n" and os.listdir(tmp_path) == ["labels.txt"]


def test_the_atomic_writer_keeps_the_permissions_and_refuses_bad_paths(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("x")
    os.chmod(p, 0o640)
    atomic.write_text(p, "y")
    assert p.read_text() == "y" and (p.stat().st_mode & 0o777) == 0o640
    refused(lambda: atomic.write_text(tmp_path / "no" / "a.txt", "y"), "does not exist")
    refused(lambda: atomic.write_text(3, "y"), "path: expected a file path")
    refused(lambda: atomic.write_text(p, b"y"), "text: expected a str, got bytes")
