"""Reliability of the whole suite, over every notebook found in notebooks/ (none listed by hand).

- A widget storm: 1,000 value changes in a row on each notebook's main control (named in the
  notebook's metadata, `{"nnlab": {"main": "module:factory"}}`) raise nothing, open no pyplot
  figure and keep the process's memory growth bounded.
- Determinism: each notebook executed twice, each time in a fresh kernel, gives identical text
  outputs.
- `make html`'s exporter writes one page per notebook.
"""
from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
STORM = 1000
MEMORY_BOUND_MB = 150  # generous: measured growth is a few MB (see benchmarks/README.md)


def main_factory(path: Path):
    meta = json.loads(path.read_text())["metadata"].get("nnlab", {})
    target = meta.get("main")
    assert target and ":" in target, f"{path.name}: metadata nnlab.main ('module:factory') is missing"
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def storm_values(control, n):
    """n values that move the control across its whole range, back and forth."""
    if hasattr(control, "options") and control.options:
        opts = list(control.options)
        values = [opts[k % len(opts)] for k in range(n)]
        return [v[1] if isinstance(v, tuple) else v for v in values]
    lo, hi = control.min, control.max
    step = getattr(control, "step", None) or (hi - lo) / 100
    ramp = np.arange(lo, hi + step / 2, step)
    if len(ramp) < 2:
        ramp = np.array([lo, hi])
    seq = np.concatenate([ramp, ramp[::-1]])
    values = [seq[k % len(seq)] for k in range(n)]
    if hasattr(control, "base"):  # FloatLogSlider: min, max and step are exponents
        return [float(control.base ** v) for v in values]
    if isinstance(control.value, (int, np.integer)) and not isinstance(control.value, bool):
        return [int(round(v)) for v in values]
    return [float(v) for v in values]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_widget_storm(notebook):
    explorer = main_factory(notebook)()
    try:
        control = explorer.main
        values = storm_values(control, STORM)
        for v in values[:50]:  # warm-up: caches, fonts, first-time allocations
            control.value = v
        before = rss_mb()
        for v in values:
            control.value = v
        growth = rss_mb() - before
        assert plt.get_fignums() == [], f"{notebook.name}: pyplot figures left open"
        assert growth < MEMORY_BOUND_MB, f"{notebook.name}: memory grew {growth:.0f} MB in {STORM} changes"
        assert isinstance(explorer.state(), dict)
    finally:
        explorer.close()


def text_outputs(nb) -> list:
    """Per code cell: its stdout and stderr (each joined, as nbval joins them: a busy kernel may
    split one cell's prints into several messages), then its other text outputs and errors."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if any(line.strip() == "# NBVAL_IGNORE_OUTPUT" for line in cell.source.splitlines()):
            continue  # declared as varying (timings, widget state), each with its reason
        streams, others = {"stdout": "", "stderr": ""}, []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                streams[o["name"]] += o["text"]
            elif o.get("output_type") == "error":
                others.append(("error", o.get("ename"), o.get("evalue")))
            elif "data" in o:
                others.append({k: v for k, v in o["data"].items() if k.startswith("text/")})
        cells.append((streams, others))
    return cells


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_restart_and_run_all_twice_gives_identical_text(notebook):
    import nbformat
    from nbclient import NotebookClient

    runs = []
    for _ in range(2):
        nb = nbformat.read(notebook, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
        runs.append(text_outputs(nb))
    assert runs[0] == runs[1]
    assert not any(isinstance(o, tuple) and o[0] == "error" for _, others in runs[0] for o in others)


def test_html_export_writes_one_page_per_notebook(tmp_path):
    from nnlab.export import export_html

    pages = export_html(tmp_path)
    assert sorted(p.stem for p in pages) == sorted(p.stem for p in NOTEBOOKS)
    for page in pages:
        text = page.read_text()
        assert text.lstrip().lower().startswith("<!doctype html") and len(text) > 10_000
    assert (tmp_path / "index.html").exists()


def test_every_notebook_opens_with_setup_and_ends_with_exercises():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        assert "environment_report" in code[0] and re.search(r"SEED\s*=", code[0]), path.name
        assert any(".check(" in c for c in code[-6:]), f"{path.name}: no exercise check at the end"
