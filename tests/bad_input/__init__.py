"""The bad-input suite (issue 16): table-driven, one row per bad or extreme input, so that the
count of cases can only go up.

Each row is the input and the fragment its one-line refusal must contain: the argument's name
(`--lr`, `path`, `class_ids[0]`), or the file and the line (`linreg.csv: line 101`). A row
passes when the library raises one `ValueError` line with that fragment (the command line: one
line on standard error, exit status 2, no traceback), or when an input that must work (a
negative first value, a byte-order mark, a width of 4e-7) gives the right finite result.

Families and counts (tried / refused well, or correct where the row expects a result):

| family | file | tried | refused well / correct |
| --- | --- | --- | --- |
| data files: CSV | test_files.py | 19 | 19 |
| data files: NPZ | test_files.py | 14 | 14 |
| data files: JSON | test_files.py | 8 | 8 |
| data files: where they are found (package data) | test_files.py | 5 | 5 |
| YOLO label files: reading | test_files.py | 13 | 13 |
| YOLO label files: writing (exact, atomic) | test_files.py | 9 | 9 |
| YOLO: labels_from_boxes | test_files.py | 8 | 8 |
| atomic writer | test_files.py | 4 | 4 |
| command line: repeated and empty options | test_cli.py | 26 | 26 |
| command line: values, limits, output | test_cli.py | 25 | 25 |

Before issue 16 (the same rows on the code of commit 3533c65): CSV 8 of 19 refused well (a
file truncated mid-line loaded short, a 131,073-character field raised `_csv.Error`), NPZ 5 of
14 (NaN and negative pixels, labels 99, −7 and 0.5 loaded; a damaged deflate stream raised
`zlib.error`, an .npy renamed .npz `TypeError`), JSON 4 of 8 (`RecursionError`, NaN accepted),
the command line 9 of 51 (every repeated option silently took the last value).
The other families of the suite (numbers at the edges, bounded work of the engine) are in
test_numbers.py and test_bounds.py.
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
