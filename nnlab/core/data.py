"""Loading the files in `data/`: CSV, JSON and NPZ, never pickle.

Every loader turns a missing, truncated or corrupted file into one `ValueError` that names the
file and says what is wrong, instead of a parser's traceback:

    load("play_tennis.csv")      # -> Table (column names + rows of strings)
    load("word_vectors.json")    # -> the parsed JSON
    load("digits.npz")           # -> dict of arrays (allow_pickle=False)

`load` picks the loader by the file's extension; `path` may be a name inside `data/` or any path.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
EXTENSIONS = (".csv", ".csv.gz", ".json", ".npz")


def data_path(name) -> Path:
    p = Path(name)
    if not p.is_absolute() and not p.exists():
        p = DATA_DIR / p
    if not p.exists():
        raise ValueError(f"{name}: data file not found (looked in {DATA_DIR}); "
                         "run from a clone of the repository")
    return p


@dataclass
class Table:
    """A CSV file: its header and its rows (strings; convert with `column(name, float)`)."""

    path: Path
    columns: list[str]
    rows: list[list[str]]

    def column(self, name: str, convert=str) -> list:
        if name not in self.columns:
            raise ValueError(f"column: expected one of {', '.join(self.columns)}, got {name!r}")
        k = self.columns.index(name)
        out = []
        for n, row in enumerate(self.rows, 2):
            try:
                out.append(convert(row[k]))
            except (TypeError, ValueError):
                kind = getattr(convert, "__name__", convert)
                raise ValueError(f"{self.path.name}: line {n}, column {name!r}: "
                                 f"cannot read {row[k]!r} as {kind}") from None
        return out

    def array(self, names, dtype=float) -> np.ndarray:
        cols = [self.column(n, float) for n in names]
        arr = np.array(cols, dtype=dtype).T
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{self.path.name}: columns {', '.join(names)} contain non-finite numbers")
        return arr

    def __len__(self) -> int:
        return len(self.rows)


def load_csv(name, expected_columns=None, comment="#") -> Table:
    p = data_path(name)
    try:
        raw = p.read_bytes()
        if p.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8")
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as err:
        raise ValueError(f"{p.name}: cannot be read as a CSV file ({err.__class__.__name__}: {err}); "
                         "the file may be truncated or corrupted — restore it with git") from None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(comment)]
    if not lines:
        raise ValueError(f"{p.name}: the file is empty; restore it with git")
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    header, body = [h.strip() for h in rows[0]], rows[1:]
    if expected_columns is not None and header != list(expected_columns):
        raise ValueError(f"{p.name}: expected the columns {', '.join(expected_columns)}, "
                         f"found {', '.join(header)}")
    for n, row in enumerate(body, 2):
        if len(row) != len(header):
            raise ValueError(f"{p.name}: line {n} has {len(row)} fields, expected {len(header)}; "
                             "the file may be truncated or corrupted — restore it with git")
    return Table(p, header, [[c.strip() for c in r] for r in body])


def load_json(name):
    p = data_path(name)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{p.name}: not valid JSON ({err}); the file may be truncated or "
                         "corrupted — restore it with git") from None


def load_npz(name, expected_keys=None) -> dict:
    p = data_path(name)
    try:
        with np.load(p, allow_pickle=False) as f:
            out = {k: f[k] for k in f.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"{p.name}: cannot be read as an .npz archive ({err.__class__.__name__}: "
                         f"{err}); the file may be truncated or corrupted — restore it with git") from None
    if expected_keys is not None:
        missing = [k for k in expected_keys if k not in out]
        if missing:
            raise ValueError(f"{p.name}: expected the arrays {', '.join(expected_keys)}, "
                             f"missing {', '.join(missing)}")
    return out


def load(name):
    """Load any data file by its extension."""
    s = str(name)
    if s.endswith((".csv", ".csv.gz")):
        return load_csv(name)
    if s.endswith(".json"):
        return load_json(name)
    if s.endswith(".npz"):
        return load_npz(name)
    raise ValueError(f"name: expected a file ending in {', '.join(EXTENSIONS)}, got {name!r}")


def data_files() -> list[Path]:
    """Every loadable file in data/ (README and licences are not data)."""
    return sorted(p for p in DATA_DIR.iterdir() if p.is_file() and p.name.endswith(EXTENSIONS))
