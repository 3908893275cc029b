"""The bad-input suite (issue 16): table-driven, one row per bad or extreme input, so that the
count of cases can only go up.

Each row is the input and the fragment its one-line refusal must contain: the argument's name
(`--lr`, `path`, `class_ids[0]`), or the file and the line (`linreg.csv: line 101`). A row
passes when the library raises one `ValueError` line with that fragment (the command line: one
line on standard error, exit status 2, no traceback), or when an input that must work (a
negative first value, a byte-order mark, a width of 4e-7) gives the right finite result.

Families and counts of test_files.py, test_package_data.py and test_cli.py (inputs tried /
refused well, or correct where the row expects a result), counted on 2026-12-02 after issue 16:

| family | tried | refused well / correct |
| --- | --- | --- |
| CSV: truncated, long field, NaN, ragged, BOM, form feed, U+2028, gzip | 22 | 22 |
| NPZ: NaN / negative pixels, labels 99 / −7 / 0.5, deflate, .npy renamed | 14 | 14 |
| JSON: 100,000 deep, NaN, Infinity, truncated | 8 | 8 |
| where data files are found: package data, a digits.npz in the cwd, wheel, Pyodide | 10 | 10 |
| YOLO reading: folder, None, 3, form feed, U+2028, 1,000,000 bad lines | 13 | 13 |
| YOLO writing: 4e-7 exactly, a missing folder, bad labels | 9 | 9 |
| YOLO labels_from_boxes: class 1.7 / −1 / NaN, outside the image, zero size | 8 | 8 |
| atomic writer: a full disk mid-write, an interrupt, permissions, bad paths | 7 | 7 |
| command line: every option twice, every value option empty | 27 | 27 |
| command line: values, limits, output (/dev/full, no arguments, NaN in JSON) | 40 | 40 |
| total | 158 | 158 |

The same rows on the code before issue 16 (commit 3533c65; the 133 rows of the files and the
command line that are safe to run there: 10,000,000 iterations of 2-64, 1,000 layers in text,
the formula limits and the wheel left out):
10 passed with the fragments above and 14 with a loose check (any one-line ValueError; on the
command line exit 2 naming the option). The rest loaded short or corrupt files without a word,
raised `_csv.Error`, `zlib.error`, `TypeError`, `RecursionError`, `IsADirectoryError` or
`FileNotFoundError`, accepted NaN, rounded class 1.7 to 1, wrote 4e-7 as 0.000000, or took the
last value of a repeated option.

The other families of the suite (numbers at the edges, bounded work of the engine) are in
test_numbers.py and test_bounds.py, with their counts in their docstrings.
"""
import pytest


def refused(call, fragment: str, kind=ValueError) -> str:
    """Run `call`; it must raise `kind` with one line containing `fragment`. Returns the message."""
    with pytest.raises(kind) as err:
        call()
    message = str(err.value)
    assert "\n" not in message, message[:300]
    assert fragment in message, f"{fragment!r} not in {message[:300]!r}"
    return message
