"""Checks shared by every module: bad input becomes one ValueError that names the argument.

Every public function of nnlab validates what it is given with these helpers, so that a
learner who types a wrong value reads *which* argument is wrong and *what* was expected,
never a numpy traceback from deep inside, and never a silently wrong number.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np


def fail(name: str, expected: str, got=None) -> None:
    """Raise the one error message format used everywhere in nnlab."""
    if got is None:
        raise ValueError(f"{name}: expected {expected}")
    raise ValueError(f"{name}: expected {expected}, got {got!r}")


def finite_number(name: str, value, *, minimum=None, maximum=None, strict_min=False,
                  strict_max=False) -> float:
    """A real, finite number, optionally inside [minimum, maximum] (or open at either end)."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        try:
            value = float(value)  # accepts numpy scalars, sympy numbers, numeric strings
        except (TypeError, ValueError):
            fail(name, "a finite number", value)
    value = float(value)
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
    except (TypeError, ValueError):
        fail(name, f"a whole number >= {minimum}", value)
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
    except (TypeError, ValueError):
        fail(name, "an array of numbers", value)
    if ndim is not None and arr.ndim != ndim:
        fail(name, f"an array with {ndim} dimension(s)", f"shape {arr.shape}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, arr.shape))
        if not ok:
            want = "×".join("any" if s is None else str(s) for s in shape)
            fail(name, f"an array of shape {want}", f"shape {arr.shape}")
    if arr.size and not np.all(np.isfinite(arr)):
        fail(name, "only finite numbers (no nan or inf)")
    return arr


def choice(name: str, value, allowed) -> str:
    """One of a fixed set of names (case-insensitive); the error lists the allowed ones."""
    allowed = list(allowed)
    key = str(value).strip().lower() if isinstance(value, str) else value
    lowered = {str(a).lower(): a for a in allowed}
    if key not in lowered:
        fail(name, "one of " + ", ".join(map(str, allowed)), value)
    return lowered[key]
