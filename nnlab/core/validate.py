"""Checks shared by every module: bad input becomes one ValueError that names the argument.

Every public function of nnlab validates what it is given with these helpers, so that a
learner who types a wrong value reads *which* argument is wrong and *what* was expected,
never a numpy traceback from deep inside, and never a silently wrong number.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np

MESSAGE_CHARS = 120   # the longest "got ..." a message echoes: one line, never a whole array


def short(got) -> str:
    """What a message echoes of a value: its repr if short, else its type and size (an array of
    50,001 boxes becomes "ndarray of shape (50001, 4)", never 50,001 rows on one line)."""
    if isinstance(got, np.ndarray) and got.size > 8:
        return f"ndarray of shape {got.shape}"
    if isinstance(got, (list, tuple, dict, set)) and len(got) > 8:
        return f"{type(got).__name__} of {len(got)} items"
    if isinstance(got, int) and not isinstance(got, bool) and abs(got) >= 10 ** 30:
        return f"an integer of {len(str(abs(got)))} digits"
    text = repr(got)
    if "\n" in text or len(text) > MESSAGE_CHARS:
        text = " ".join(text.split())
        if len(text) > MESSAGE_CHARS:
            text = f"{text[:MESSAGE_CHARS - 40]}… ({type(got).__name__}, {len(repr(got))} chars)"
    return text


def fail(name: str, expected: str, got=None) -> None:
    """Raise the one error message format used everywhere in nnlab (one line: the value echoed
    is shortened by `short`)."""
    if got is None:
        raise ValueError(f"{name}: expected {expected}")
    raise ValueError(f"{name}: expected {expected}, got {short(got)}")


def finite_number(name: str, value, *, minimum=None, maximum=None, strict_min=False,
                  strict_max=False) -> float:
    """A real, finite number, optionally inside [minimum, maximum] (or open at either end)."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        try:
            value = float(value)  # accepts numpy scalars, sympy numbers, numeric strings
        except (TypeError, ValueError, OverflowError):
            fail(name, "a finite number", value)
    try:
        value = float(value)
    except OverflowError:  # an int beyond float range, such as 10**400
        fail(name, "a finite number", value)
    if not math.isfinite(value):
        fail(name, "a finite number", value)
    if minimum is not None and (value < minimum or (strict_min and value == minimum)):
        bound = f"> {minimum}" if strict_min else f">= {minimum}"
        fail(name, f"a number {bound}", value)
    if maximum is not None and (value > maximum or (strict_max and value == maximum)):
        bound = f"< {maximum}" if strict_max else f"<= {maximum}"
        fail(name, f"a number {bound}", value)
    return value


def positive_int(name: str, value, *, minimum: int = 1, maximum: int | None = None) -> int:
    """A whole number >= minimum (and <= maximum when given)."""
    if isinstance(value, bool):
        fail(name, f"a whole number >= {minimum}", value)
    try:
        as_int = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(inf)
        span = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        fail(name, f"a whole number {span}", value)
    if as_int != value and not (isinstance(value, str) and str(as_int) == value.strip()):
        fail(name, f"a whole number >= {minimum}", value)
    if as_int < minimum or (maximum is not None and as_int > maximum):
        span = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        fail(name, f"a whole number {span}", value)
    return as_int


def finite_array(name: str, value, *, shape=None, ndim=None, dtype=float) -> np.ndarray:
    """A numpy array of finite numbers, with an exact shape (None = any size on that axis)."""
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int such as 10**400
        fail(name, "an array of numbers", value)
    if ndim is not None and arr.ndim != ndim:
        fail(name, f"an array with {ndim} dimension(s)", f"shape {arr.shape}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, arr.shape))
        if not ok:
            want = "×".join("any" if s is None else str(s) for s in shape)
            fail(name, f"an array of shape {want}", f"shape {arr.shape}")
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected only finite numbers (no nan or inf), "
                         f"got {where_not_finite(arr)}")
    return arr


def where_not_finite(arr) -> str:
    """'nan at index (0, 3)': the first entry of `arr` that is not finite, for a message."""
    arr = np.asarray(arr, dtype=float)
    if arr.ndim == 0:
        return f"{float(arr)}" if not np.isfinite(arr) else "all finite"
    bad = np.argwhere(~np.isfinite(arr))
    if not bad.size:
        return "all finite"
    idx = tuple(int(i) for i in bad[0])
    return f"{arr[idx]} at index {idx[0] if len(idx) == 1 else idx}"


def finite_result(name: str, value, cause: str):
    """`value` (a number or an array) if every entry is finite; otherwise the ValueError that says
    which result left the floating-point range and why (`cause`), naming the argument `name`."""
    arr = np.asarray(value, dtype=float)
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected values that keep the {cause} finite, "
                         f"got {where_not_finite(arr)}")
    return value


def work_limit(name: str, count, limit: int, what: str) -> None:
    """Refuse, before the work starts, a computation of `count` elements over `limit` (memory
    or time on this machine): one line naming the argument that sets the size."""
    if count > limit:
        raise ValueError(f"{name}: expected a size whose {what} stays within {limit:,} "
                         f"(this machine's limit), got {int(count):,}")


def choice(name: str, value, allowed) -> str:
    """One of a fixed set of names (case-insensitive); the error lists the allowed ones."""
    allowed = list(allowed)
    key = str(value).strip().lower() if isinstance(value, str) else value
    lowered = {str(a).lower(): a for a in allowed}
    if key not in lowered:
        fail(name, "one of " + ", ".join(map(str, allowed)), value)
    return lowered[key]


def class_labels(name: str, labels, n_classes: int, count: int | None = None) -> np.ndarray:
    """Class numbers 0 .. n_classes − 1 as an int array (`count` of them when given). A float
    label is accepted only when it is a whole number (2.0), never rounded (0.5 is refused)."""
    try:
        raw = np.asarray(labels)
    except (TypeError, ValueError, OverflowError):
        fail(name, "class numbers (whole numbers)", labels)
    if raw.dtype == bool or raw.dtype.kind not in "iuf":
        fail(name, f"class numbers from 0 to {n_classes - 1}", f"dtype {raw.dtype}")
    if count is not None and raw.shape != (count,):
        fail(name, f"one class number per row ({count})", f"shape {raw.shape}")
    if raw.size and raw.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(raw) | (raw != np.round(raw)))
        if bad.size:
            fail(name, f"whole class numbers (index {int(bad[0])})", float(raw.flat[bad[0]]))
    if raw.size and (raw.min() < 0 or raw.max() >= n_classes):
        fail(name, f"class numbers from 0 to {n_classes - 1}", f"{raw.min():g}..{raw.max():g}")
    return raw.astype(int)


SEED_MAX = 2 ** 32 - 1   # the seeds of nnlab: whole numbers 0 .. 2**32 − 1 (the exercise contract)


def check_seed(value, name: str = "seed") -> int:
    """A seed for np.random.default_rng: a whole number from 0 to 2**32 − 1."""
    return positive_int(name, value, minimum=0, maximum=SEED_MAX)
