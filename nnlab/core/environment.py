"""The environment check every notebook's setup cell prints: versions and whether they suffice."""
from __future__ import annotations

import platform
import sys
from importlib import metadata

REQUIRED = {"numpy": "1.24", "sympy": "1.12", "matplotlib": "3.7", "ipywidgets": "8.0"}


def installed_version(dist: str) -> str | None:
    """The installed version of the distribution `dist`, or None."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def at_least(have: str, need: str) -> bool:
    """Is version `have` >= `need`, comparing the first three numeric parts ('2.1rc1' -> 2, 1)?"""
    def parts(v):
        out = []
        for p in v.split(".")[:3]:
            digits = "".join(ch for ch in p if ch.isdigit())
            out.append(int(digits) if digits else 0)
        return out
    return parts(have) >= parts(need)


class Report(str):
    """Text that prints without quotes in a notebook."""

    def __repr__(self) -> str:
        return str(self)


def runtime() -> str | None:
    """'Pyodide==x.y.z' inside the browser (JupyterLite), None in an ordinary Python."""
    if sys.platform != "emscripten":
        return None
    try:
        import pyodide  # present in every Pyodide
        version = getattr(pyodide, "__version__", None)
    except ImportError:
        version = None
    return f"Pyodide=={version or 'unknown'}"


def environment_report(seed: int = 0) -> Report:
    """Versions (written as name==version, which the nbval sanitizer masks) and the check.

    In the browser (JupyterLite's Pyodide kernel) a `runtime:` line says so; elsewhere the
    report is unchanged.
    """
    lines = [f"python=={platform.python_version()}"]
    where = runtime()
    if where:
        lines.append(f"runtime: {where} in the browser (JupyterLite), nothing installed")
    problems = []
    if sys.version_info < (3, 10):
        problems.append("Python >= 3.10 is needed")
    for name, need in REQUIRED.items():
        have = installed_version(name)
        lines.append(f"{name}=={have}" if have else f"{name}: MISSING")
        if have is None:
            problems.append(f"{name} is not installed (run `make lab`)")
        elif not at_least(have, need):
            problems.append(f"{name} {have} is older than the {need} nnlab needs")
    lines.append(f"nnlab=={installed_version('nnlab') or 'source tree'}")
    lines.append(f"seed: {seed}")
    lines.append("environment: OK" if not problems else "environment: PROBLEMS: " + "; ".join(problems))
    return Report("\n".join(lines))
