"""The built site's files, the build's refusals, and nnlab's behaviour under Pyodide (no browser).

- every notebook is in site/files, and every module a notebook imports is the standard
  library's or provided by a package of the site's lock (else: fails naming the package);
- the lock lists exactly the wheels present, each with its sha256; every compiled wheel's hash is
  the official lock's of npm pyodide@<pinned>; the kernel loads Pyodide from the site and has
  its PyPI fallback off;
- the build refuses a wheel whose hash differs, in one line naming the file and the hash;
- blas_threads does nothing and environment_report names Pyodide when sys.platform is emscripten.
"""
from __future__ import annotations

import ast
import hashlib
import json
import sys
import zipfile

import pytest
from site_common import NOTEBOOKS, ROOT, SITE, need_site, site_tool

PYODIDE = SITE / "static" / "pyodide"


def site_lock() -> dict:
    need_site()
    return json.loads((PYODIDE / "pyodide-lock.json").read_text())


def imported_modules(notebook) -> set[str]:
    """Top-level names of every `import x` / `from x import …` in the notebook's code cells."""
    names = set()
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        src = "\n".join(ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_import_of_the_notebook_is_in_the_site(notebook):
    lock = site_lock()
    assert (SITE / "files" / notebook.name).exists(), f"{notebook.name}: not in site/files (make site)"
    provided = {m for entry in lock["packages"].values() for m in entry["imports"]}
    missing = sorted(m for m in imported_modules(notebook)
                     if m not in provided and m not in sys.stdlib_module_names)
    assert not missing, f"{notebook.name}: imports {', '.join(missing)}, which the site does not carry"


def test_the_import_scan_finds_a_package_that_is_not_bundled(tmp_path):
    nb = tmp_path / "x.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "source": [
        "import numpy as np\n", "from scipy import linalg\n", "%matplotlib inline\n"]}]}))
    assert imported_modules(nb) == {"numpy", "scipy"}


def test_the_lock_lists_exactly_the_files_present_with_their_hashes():
    lock = site_lock()
    listed = {e["file_name"]: e["sha256"] for e in lock["packages"].values()}
    present = {p.name for p in PYODIDE.iterdir() if p.suffix in (".whl", ".zip")} - {"python_stdlib.zip"}
    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((PYODIDE / name).read_bytes()).hexdigest() == digest, name


def test_compiled_wheels_are_the_official_files():
    build = site_tool("build")
    pins = build.pins
    lock = site_lock()
    official = json.loads((build.pyodide_dist() / "pyodide-lock.json").read_text())["packages"]
    compiled = {k: e for k, e in lock["packages"].items() if pins.PLATFORM_TAG in e["file_name"]}
    assert set(compiled) >= {"numpy", "matplotlib", "pillow", "kiwisolver", "contourpy"}
    for key, entry in compiled.items():
        assert official[key]["sha256"] == entry["sha256"], entry["file_name"]
    assert lock["info"]["version"] == pins.PYODIDE_VERSION
    assert lock["info"]["python"].startswith(pins.PYODIDE_PYTHON + ".")


def test_the_kernel_is_local_and_offline():
    need_site()
    config = json.loads((SITE / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.js"
    assert "://" not in json.dumps(kernel)
    assert (PYODIDE / "pyodide.asm.wasm").exists()
    assert set(kernel["loadPyodideOptions"]["packages"]) >= {"nnlab", "numpy", "sympy", "ipywidgets"}


def test_a_wheel_of_another_hash_is_refused(tmp_path, monkeypatch, capsys):
    build = site_tool("build")
    dist = build.pyodide_dist()
    official = json.loads((dist / "pyodide-lock.json").read_text())
    entry = official["packages"]["kiwisolver"]
    fake = tmp_path / "bundle.whl"
    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr(build.pins.BUNDLE_FOLDER + entry["file_name"], b"not the real wheel")
    monkeypatch.setattr(build, "bundle_wheel", lambda: fake)
    with pytest.raises(SystemExit) as err:
        build.compiled_files(official, ["kiwisolver"], tmp_path)
    assert err.value.code == 2
    line = capsys.readouterr().err.strip()
    assert len(line.splitlines()) == 1
    assert entry["file_name"] in line and entry["sha256"] in line and "refused" in line
    assert not (tmp_path / entry["file_name"]).exists()


def test_a_pyodide_of_another_version_is_refused(monkeypatch, capsys):
    build = site_tool("build")
    monkeypatch.setattr(build.pins, "PYODIDE_ABI", "2025_0")
    with pytest.raises(SystemExit):
        build.pyodide_dist()
    assert capsys.readouterr().err.strip() == (
        "make site: pyodide-lock.json: expected abi_version 2025_0, got 2024_0")


def test_blas_and_environment_under_pyodide(monkeypatch):
    import types

    from nnlab.core import blas, environment

    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr(blas, "_BLAS", None)
    monkeypatch.setitem(sys.modules, "pyodide", types.SimpleNamespace(__version__="0.27.7"))
    assert blas._openblas() is None
    with blas.blas_threads(1) as ctx:
        assert ctx._old is None
    report = environment.environment_report(seed=0)
    assert "runtime: Pyodide==0.27.7 in the browser" in report
    assert report.splitlines()[-1] == "environment: OK"
    monkeypatch.setattr(sys, "platform", "linux")
    assert "runtime:" not in environment.environment_report(seed=0)
    assert ROOT.exists()


def test_largest_weights_print_the_same_on_every_numpy_build():
    """Notebook 01's tie (temp=H +7.24, temp=G -7.24) sorted the other way in Pyodide, whose
    numpy left |temp=G| a last bit larger: the order now depends only on what is printed."""
    from nnlab.engine.neuron import largest_weights

    names = ["a", "temp=H", "temp=G", "wind=H", "wind=L"]
    w = [0.1, 7.237459251739828, -7.237459251739828, -3.5128218866278806, 3.5128218866278824]
    expected = ["temp=H", "temp=G", "wind=L"]
    assert [n for n, _ in largest_weights(names, w, 3)] == expected
    w[2] -= 1e-15  # as in the browser
    w[3], w[4] = -3.5128218866278830, 3.5128218866278800
    assert [n for n, _ in largest_weights(names, w, 3)] == expected
    assert [n for n, _ in largest_weights(names, [1.0, -2.0, 3.0, 0.5, 0.0], 2)] == ["temp=G", "temp=H"]
    with pytest.raises(ValueError, match="^k: "):
        largest_weights(names, w, 0)
