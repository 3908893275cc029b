"""Writing a file so that it is either the old file or the whole new one, never half of it.

`write_text(path, text)` / `write_bytes(path, data)` write into a temporary file in the same
folder, flush it to the disk and then `os.replace` it onto `path` (one rename, atomic on POSIX
and Windows when both names are on one file system). If anything fails before the rename — a
full disk, an exception while the data is produced, an interrupt — the temporary file is removed
and the file that was there before is left exactly as it was.

A missing folder, a folder given as the file, or a folder that cannot be written into is one
`ValueError` naming the argument:

    write_text("labels/img1.txt", "0 0.5 0.5 0.2 0.2\\n")
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _target(name: str, path) -> Path:
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"{name}: expected a file path (str or pathlib.Path), got {type(path).__name__}")
    p = Path(os.fspath(path))
    if str(p) in ("", "."):
        raise ValueError(f"{name}: expected a file path, got {os.fspath(path)!r}")
    if p.is_dir():
        raise ValueError(f"{name}: expected a file path, got the folder {str(p)[:200]!r}")
    folder = p.parent
    if not folder.is_dir():
        raise ValueError(f"{name}: expected a path in an existing folder, "
                         f"the folder {str(folder)[:200]!r} does not exist")
    return p


def write_bytes(path, data: bytes, name: str = "path") -> Path:
    """Write `data` to `path` atomically (temporary file in the same folder, then os.replace)."""
    p = _target(name, path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    except OSError as err:
        raise ValueError(f"{name}: cannot write into the folder {str(p.parent)[:200]!r} "
                         f"({err.strerror or err})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if p.exists():  # keep the permissions of the file being replaced
            os.chmod(tmp, p.stat().st_mode & 0o7777)
        else:   # a new file: as open() would make it, and always readable and writable by you
            os.chmod(tmp, (0o666 & ~_umask()) | 0o600)   # (Pyodide's umask reads 0o777)
        os.replace(tmp, p)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise ValueError(f"{name}: cannot write {str(p)[:200]!r} ({err.strerror or err}); "
                             "the file was left as it was") from None
        raise
    return p


def write_text(path, text: str, name: str = "path", encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically, encoded (UTF-8 by default), newlines as given."""
    if not isinstance(text, str):
        raise ValueError(f"text: expected a str, got {type(text).__name__}")
    return write_bytes(path, text.encode(encoding), name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
