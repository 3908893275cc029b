"""What the site tests share: paths, the tools/site modules, the times measured.

(tests/site has no __init__.py: a package named `site` would shadow Python's own `site`.)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
ARTEFACTS = ROOT / "artefacts" / "site"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools" / "site"))
REQUIRED = os.environ.get("NNLAB_SITE_TEST") == "1"
TIMES: dict[str, dict] = {}  # notebook -> kernel start, Run All and key-press times (ms)


def site_tool(name: str):
    """tools/site/<name>.py as a module (loaded by path: `build` is also a PyPI package's name)."""
    import importlib.util

    key = f"nnlab_site_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "tools" / "site" / f"{name}.py")
        sys.modules[key] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[key]


def need_site() -> None:
    if not (SITE / "jupyter-lite.json").exists():
        if REQUIRED:
            pytest.fail("site/ is not built: `make test-site` builds it first")
        pytest.skip("site/ is not built (make test-site builds it and runs these tests)")
