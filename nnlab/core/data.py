"""Loading nnlab's data files: CSV, JSON and NPZ, never pickle; nothing lost, nothing half-read.

The course's files travel inside the package, as the package `nnlab.data` (in the repository
they live in the top-level folder `data/`, mapped onto `nnlab.data` by pyproject.toml), and are
found there with `importlib.resources`, never through the working directory: a `digits.npz`
lying in the current folder is not the course's. A name that is not one of the course's files is
taken as a path to a file of your own.

    load("play_tennis.csv")      # -> Table (column names + rows of strings, with line numbers)
    load("word_vectors.json")    # -> the parsed JSON
    load("digits.npz")           # -> dict of arrays (allow_pickle=False)

Every loader checks what it read and turns a missing, short, corrupt or out-of-range file into
one `ValueError` naming the file and the line (or the array): a CSV must end with a complete
line (a newline), have the same number of fields on every line and no field longer than
131,072 characters; a JSON document at most 200 levels deep, with finite numbers only; an NPZ
is a real zip archive of plain arrays whose floats are finite. The course's own files also
have a stated format (`FORMATS`, listed in data/README.md): columns, the number of rows, the
numeric columns; the arrays' shapes, whole-number types and ranges. A copy of a course file
under the same name (a corrupted `digits.npz` elsewhere) is checked against the same format.
"""
from __future__ import annotations

import csv
import gzip
import importlib.resources
import io
import json
import math
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PACKAGE = "nnlab.data"
EXTENSIONS = (".csv", ".csv.gz", ".json", ".npz")
MAX_BYTES = 64 * 2**20          # the largest data file read (the course's largest: 45 kB)
MAX_FIELD = 131_072             # the csv module's field limit (csv.field_size_limit's default)
MAX_JSON_DEPTH = 200
QUOTE = 80                      # characters of a bad value quoted in a message


@dataclass(frozen=True)
class CsvFormat:
    columns: tuple[str, ...]
    rows: int
    numeric: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArrayFormat:
    shape: tuple            # None: any length on that axis ("N": the same N in every array)
    low: int
    high: int


FORMATS = {
    "linreg.csv": CsvFormat(("x", "y"), 200, ("x", "y")),
    "play_tennis.csv": CsvFormat(("outlook", "temp", "humidity", "wind", "play"), 4),
    "word_vectors.csv": CsvFormat(("word", "x1", "x2", "x3"), 7, ("x1", "x2", "x3")),
    "bank_vectors.csv": CsvFormat(("word", "money", "nature", "grammar"), 12,
                                  ("money", "nature", "grammar")),
    "digits.npz": {"images": ArrayFormat(("N", 8, 8), 0, 16), "labels": ArrayFormat(("N",), 0, 9)},
    "grace_hopper.npz": {"rgb": ArrayFormat((600, 512, 3), 0, 255)},
}


def short(value, limit: int = QUOTE) -> str:
    """repr of a value cut to `limit` characters (a message never echoes a whole file)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def package_files():
    """The folder of the course's data files inside the installed package (a Traversable)."""
    try:
        return importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        raise ValueError("nnlab.data: the course's data files are not installed with nnlab; "
                         "reinstall it (pip install -e . in the repository)") from None


def _shipped(text: str):
    """The package resource for a bare file name of the course's data, or None."""
    if not text or os.sep in text or "/" in text or (os.altsep and os.altsep in text):
        return None
    if text.startswith(".") or text == "__init__.py":
        return None
    res = package_files() / text
    return res if res.is_file() else None


def _check_name(name) -> str:
    if isinstance(name, bool) or not isinstance(name, (str, os.PathLike)):
        raise ValueError(f"name: expected a data file's name or a path, got {type(name).__name__}")
    return os.fspath(name)


def data_path(name) -> Path:
    """The path of a course data file (inside the package), or of a file of your own."""
    text = _check_name(name)
    res = _shipped(text)
    if res is not None:
        return Path(os.fspath(res))
    p = Path(text)
    if not p.is_file():
        what = "a folder, not a file" if p.is_dir() else "not found"
        names = ", ".join(f.name for f in data_files())
        raise ValueError(f"{short(text)[1:-1]}: data file {what}: not one of nnlab's data files "
                         f"({names}) nor an existing file")
    return p


def _read(name) -> tuple[str, bytes]:
    """(the file's name for messages, its bytes), size checked before reading."""
    text = _check_name(name)
    res = _shipped(text)
    label = text            # the name as given: a course file's name, or your path
    try:
        if res is None:
            p = data_path(text)
            if p.stat().st_size > MAX_BYTES:
                raise ValueError(f"{label}: the file has {p.stat().st_size} bytes, more than the "
                                 f"{MAX_BYTES} a data file may have")
            return label, p.read_bytes()
        return label, res.read_bytes()
    except OSError as err:
        raise ValueError(f"{label}: cannot be read ({err.strerror or err})") from None


def _damaged(label: str, what: str) -> ValueError:
    return ValueError(f"{label}: {what}; the file may be truncated or corrupted — restore it "
                      "(git checkout, or reinstall nnlab)")


@dataclass
class Table:
    """A CSV file: its header and its rows (strings; convert with `column(name, float)`)."""

    path: Path
    columns: list[str]
    rows: list[list[str]]
    lines: list[int] = field(default_factory=list)   # the file's line number of each row

    def column(self, name: str, convert=str) -> list:
        if name not in self.columns:
            raise ValueError(f"column: expected one of {', '.join(self.columns)}, got {short(name)}")
        k = self.columns.index(name)
        lines = self.lines or list(range(2, len(self.rows) + 2))
        out = []
        for n, row in zip(lines, self.rows):
            try:
                v = convert(row[k])
            except (TypeError, ValueError):
                v = None
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                kind = getattr(convert, "__name__", convert)
                what = "a finite " + kind if convert is float else kind
                raise ValueError(f"{self.path}: line {n}, column {name!r}: cannot read "
                                 f"{short(row[k])} as {what}")
            out.append(v)
        return out

    def array(self, names, dtype=float) -> np.ndarray:
        cols = [self.column(n, float) for n in names]
        return np.array(cols, dtype=dtype).reshape(len(cols), -1).T

    def __len__(self) -> int:
        return len(self.rows)


def _text(label: str, raw: bytes) -> str:
    if label.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as err:
            raise _damaged(label, f"not a readable gzip stream ({err.__class__.__name__})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _damaged(label, f"not UTF-8 text (byte {err.start})") from None
    return text[1:] if text.startswith("\ufeff") else text   # a UTF-8 byte-order mark


def load_csv(name, expected_columns=None, comment="#", fmt: CsvFormat | None = None) -> Table:
    """A CSV file as a Table; every line checked, errors name the file and the line."""
    label, raw = _read(name)
    text = _text(label, raw)
    fmt = fmt or FORMATS.get(Path(label).name)
    if text and not text.endswith("\n"):
        n = text.count("\n") + 1
        raise _damaged(label, f"line {n} is incomplete (the file does not end with a newline)")
    header, rows, lines = None, [], []
    for n, line in enumerate(text.split("\n")[:-1], 1):    # \n only: a form feed is not a line end
        line = line[:-1] if line.endswith("\r") else line
        if not line.strip() or line.lstrip().startswith(comment):
            continue
        try:
            cells = next(csv.reader([line], strict=True))
        except csv.Error as err:
            if "field limit" in str(err):
                raise _damaged(label, f"line {n} has a field longer than {MAX_FIELD} characters, "
                                      "the most a field may have") from None
            raise _damaged(label, f"line {n} is not valid CSV ({err})") from None
        cells = [c.strip() for c in cells]
        if header is None:
            header = cells
            continue
        if len(cells) != len(header):
            raise _damaged(label, f"line {n} has {len(cells)} fields, expected {len(header)}")
        rows.append(cells)
        lines.append(n)
    if header is None:
        raise _damaged(label, "the file is empty")
    want = list(expected_columns) if expected_columns is not None else (
        list(fmt.columns) if fmt else None)
    if want is not None and header != want:
        raise ValueError(f"{label}: expected the columns {', '.join(want)}, "
                         f"found {short(', '.join(header))[1:-1]}")
    table = Table(Path(label), header, rows, lines)
    if fmt is not None:
        for col in fmt.numeric:
            table.column(col, float)
        if len(rows) != fmt.rows:
            raise _damaged(label, f"expected {fmt.rows} rows (data/README.md), found {len(rows)}")
    return table


def _depth(obj, limit: int) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        o, d = stack.pop()
        if isinstance(o, (list, dict)):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            stack.extend((v, d + 1) for v in (o.values() if isinstance(o, dict) else o))
    return deepest


def _no_constant(word):
    raise ValueError(f"the number {word} is not finite")


def load_json(name):
    """A JSON document; at most MAX_JSON_DEPTH levels, finite numbers only."""
    label, raw = _read(name)
    text = _text(label, raw)
    depth = 0
    for ch in text[: 4 * MAX_JSON_DEPTH]:   # cheap pre-check of the opening brackets
        if ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"{label}: JSON nested more than {MAX_JSON_DEPTH} levels deep")
        elif not ch.isspace():
            break
    try:
        out = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError(f"{label}: JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except json.JSONDecodeError as err:
        raise _damaged(label, f"not valid JSON at line {err.lineno}, column {err.colno} "
                              f"({err.msg})") from None
    except ValueError as err:
        raise _damaged(label, f"not valid JSON ({err})") from None
    if _depth(out, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ValueError(f"{label}: JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return out


def _check_arrays(label: str, out: dict, formats: dict) -> None:
    missing = [k for k in formats if k not in out]
    if missing:
        raise _damaged(label, f"expected the arrays {', '.join(formats)}, missing {', '.join(missing)}")
    sizes = {}
    for key, f in formats.items():
        a = out[key]
        if a.ndim != len(f.shape) or any(s not in (None, "N") and s != d for s, d in zip(f.shape, a.shape)):
            want = "×".join(str(s) for s in f.shape)
            raise _damaged(label, f"array {key!r} has shape {a.shape}, expected {want}")
        if "N" in f.shape:
            sizes[key] = a.shape[f.shape.index("N")]
        if not (np.issubdtype(a.dtype, np.integer) or a.dtype == bool):
            raise _damaged(label, f"array {key!r} holds {a.dtype} numbers, expected whole numbers "
                                  f"from {f.low} to {f.high}")
        if a.size and (a.min() < f.low or a.max() > f.high):
            bad = a[(a < f.low) | (a > f.high)].flat[0]
            raise _damaged(label, f"array {key!r} holds {bad}, expected whole numbers from "
                                  f"{f.low} to {f.high}")
    if len(set(sizes.values())) > 1:
        raise _damaged(label, "the arrays " + ", ".join(f"{k} ({n})" for k, n in sizes.items())
                       + " must have the same length")


def load_npz(name, expected_keys=None, formats: dict | None = None) -> dict:
    """The arrays of an .npz archive (allow_pickle=False), checked; errors name the file."""
    label, raw = _read(name)
    if not raw.startswith(b"PK\x03\x04") and not raw.startswith(b"PK\x05\x06"):
        what = "an .npy array renamed .npz" if raw.startswith(b"\x93NUMPY") else "not a zip archive"
        raise _damaged(label, f"not an .npz archive ({what})")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            total = sum(i.file_size for i in z.infolist())
            bad = None if total > 4 * MAX_BYTES else z.testzip()   # every member's CRC
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError) as err:
        raise _damaged(label, f"not a readable zip archive ({err.__class__.__name__})") from None
    if total > 4 * MAX_BYTES:
        raise ValueError(f"{label}: the archive unpacks to {total} bytes, more than the "
                         f"{4 * MAX_BYTES} a data file may have")
    if bad is not None:
        raise _damaged(label, f"member {short(bad)} fails its checksum")
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as f:
            out = {k: f[k] for k in f.files}
    except (OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error, NotImplementedError) as err:
        raise _damaged(label, f"cannot be read as an .npz archive ({err.__class__.__name__})") from None
    except ValueError as err:
        raise _damaged(label, f"cannot be read as an .npz archive ({short(str(err), 120)})") from None
    for key, a in out.items():
        if a.dtype.kind in "fc" and a.size and not np.all(np.isfinite(a)):
            raise _damaged(label, f"array {key!r} holds NaN or infinite numbers")
    if expected_keys is not None:
        missing = [k for k in expected_keys if k not in out]
        if missing:
            raise _damaged(label, f"expected the arrays {', '.join(expected_keys)}, "
                                  f"missing {', '.join(missing)}")
    formats = formats if formats is not None else FORMATS.get(Path(label).name)
    if formats:
        _check_arrays(label, out, formats)
    return out


def load(name):
    """Load any data file by its extension."""
    s = _check_name(name)
    if s.endswith((".csv", ".csv.gz")):
        return load_csv(name)
    if s.endswith(".json"):
        return load_json(name)
    if s.endswith(".npz"):
        return load_npz(name)
    raise ValueError(f"name: expected a file ending in {', '.join(EXTENSIONS)}, got {short(s)}")


def data_files() -> list[Path]:
    """Every loadable course file of nnlab.data (the README and the label files are not tables)."""
    root = package_files()
    return sorted((Path(os.fspath(p)) for p in root.iterdir()
                   if p.is_file() and p.name.endswith(EXTENSIONS)), key=lambda p: p.name)
