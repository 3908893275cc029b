"""BLAS control: numpy's OpenBLAS limited to a number of threads inside a `with` block.

Where the library cannot be found (another BLAS, Pyodide in the browser, no ctypes), the
context manager does nothing.
"""
from __future__ import annotations

import sys

from .validate import positive_int

_BLAS = None


def _openblas():
    """numpy's OpenBLAS (ctypes handle, set, get), or None: found among the loaded libraries."""
    global _BLAS
    if _BLAS is not None:
        return _BLAS or None
    if sys.platform == "emscripten":  # Pyodide: one thread, no shared OpenBLAS to tune
        _BLAS = False
        return None
    try:
        import ctypes  # absent or useless in Pyodide: then this does nothing
    except ImportError:
        _BLAS = False
        return None
    import glob
    import os

    import numpy as np

    paths = glob.glob(os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs",
                                   "*openblas*"))
    try:
        with open("/proc/self/maps") as f:
            paths += sorted({ln.split()[-1] for ln in f if "openblas" in ln.lower()})
    except OSError:
        pass
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix in ("scipy_openblas_{}_threads64_", "openblas_{}_threads64_", "openblas_{}_threads"):
            try:
                setter = getattr(lib, suffix.format("set_num"))
                getter = getattr(lib, suffix.format("get_num"))
            except AttributeError:
                continue
            _BLAS = (setter, getter)
            return _BLAS
    _BLAS = False
    return None


class blas_threads:
    """Context manager: numpy's BLAS limited to `n` threads inside (a no-op where it cannot tell).

    The matrices of a small CNN are tiny; on a busy 2-core machine OpenBLAS's worker threads then
    wait for each other and a 16×1024 by 1024×72 product took 6 ms instead of 0.1 ms (measured
    here). Training and the benchmarks therefore run single-threaded.
    """

    def __init__(self, n=1):
        self.n = positive_int("n", n)
        self._old = None

    def __enter__(self):
        blas = _openblas()
        if blas is not None:
            self._old = int(blas[1]())
            blas[0](self.n)
        return self

    def __exit__(self, *exc):
        blas = _openblas()
        if blas is not None and self._old is not None:
            blas[0](self._old)
        return False
