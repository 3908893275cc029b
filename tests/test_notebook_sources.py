"""Sources and committed notebooks never drift: each notebooks/NN_*.ipynb has exactly the cells
(id, type, tags, source) and the notebook metadata that notebooks/build.py makes from
notebooks/src/NN_*.py, and every source has its notebook and every notebook its source.
Nothing is executed here (strict nbval runs the notebooks and compares their outputs)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PATTERN = "[0-9][0-9]_*"


def load_build():
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = load_build()
SOURCES = sorted((NOTEBOOKS / "src").glob(PATTERN + ".py"))


def test_every_source_has_its_notebook_and_every_notebook_its_source():
    sources = {p.stem for p in SOURCES}
    notebooks = {p.stem for p in NOTEBOOKS.glob(PATTERN + ".ipynb")}
    assert len(sources) >= 10
    assert sorted(sources - notebooks) == [], "sources without a notebook (run notebooks/build.py)"
    assert sorted(notebooks - sources) == [], "notebooks without a source in notebooks/src"
    assert all(build.notebook_path(s).parent == NOTEBOOKS for s in SOURCES)


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_notebook_is_what_build_makes_from_its_source(src):
    found = build.differences(src, build.notebook_path(src))
    assert not found, ("\n" + "\n".join(found)
                       + f"\nrebuild it: python notebooks/build.py {src.stem.split('_')[0]}")


# -- the comparison can fail -------------------------------------------------------------------------
SOURCE = '''\
# %% [metadata]
# {"nnlab": {"main": "nnlab.views.x:X"}}
# %% [markdown]
# # Title
# %%
print(1)
# %% tags=["skip-execution"]
print(2)
'''


def built(tmp_path, text=SOURCE):
    src = tmp_path / "src" / "99_demo.py"
    src.parent.mkdir(exist_ok=True)
    src.write_text(text)
    out = tmp_path / "99_demo.ipynb"
    nbformat.write(build.expected(src), out)
    return src, out


def executed_like(out):
    """What execution adds: outputs, execution counts and metadata.language_info."""
    nb = nbformat.read(out, as_version=4)
    nb.metadata["language_info"] = {"name": "python", "version": "3.12.0"}
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{i + 1}\n")]
    nbformat.write(nb, out)


def test_a_fresh_build_and_its_executed_copy_match(tmp_path):
    src, out = built(tmp_path)
    assert build.differences(src, out) == []
    executed_like(out)
    assert build.differences(src, out) == []
    nb = nbformat.read(out, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[2].metadata["tags"] == ["skip-execution"] and nb.metadata["nnlab"]["main"]


@pytest.mark.parametrize("change, word", [
    (lambda nb: nb.cells[1].__setitem__("source", "print(10)"), "source"),
    (lambda nb: nb.cells[2].metadata.pop("tags"), "metadata"),
    (lambda nb: nb.cells[0].__setitem__("cell_type", "raw"), "cell_type"),
    (lambda nb: nb.cells[1].__setitem__("id", "cell-x"), "id"),
    (lambda nb: nb.cells.pop(), "cells"),
    (lambda nb: nb.metadata["nnlab"].__setitem__("main", "nnlab.views.y:Y"), "notebook metadata"),
    (lambda nb: nb.metadata.__setitem__("widgets", {}), "notebook metadata"),
])
def test_a_changed_notebook_is_found(tmp_path, change, word):
    src, out = built(tmp_path)
    executed_like(out)
    nb = nbformat.read(out, as_version=4)
    change(nb)
    nbformat.write(nb, out)
    found = build.differences(src, out)
    assert found and word in found[0], found


def test_a_changed_source_is_found(tmp_path):
    src, out = built(tmp_path)
    src.write_text(SOURCE.replace("print(1)", "print(1)  # changed"))
    found = build.differences(src, out)
    assert len(found) == 1 and "cell 1 (cell-01): source differs" in found[0]


# -- nbval markers become cell tags: CI's plumbing stays out of the learner's code ------------------
MARKED = '''\
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next
# cell prints its numbers.
# a learner's comment stays
x = 1
# %% tags=["skip-execution"]
# NBVAL_SKIP
print(2)
# %%
print(3)  # NBVAL_IGNORE_OUTPUT in a line of code is not a marker
'''


def test_an_nbval_marker_line_becomes_a_tag_and_its_reason_cell_metadata(tmp_path):
    src, out = built(tmp_path, MARKED)
    nb = nbformat.read(out, as_version=4)
    first, second, third = nb.cells
    assert first.source == "# a learner's comment stays\nx = 1"
    assert first.metadata["tags"] == ["nbval-ignore-output"]
    assert first.metadata["nbval_why"] == ("a widget's text form lists its model state; the next "
                                           "cell prints its numbers.")
    assert second.source == "print(2)" and second.metadata["tags"] == ["skip-execution", "nbval-skip"]
    assert "nbval_why" not in second.metadata
    assert "tags" not in third.metadata and "NBVAL_IGNORE_OUTPUT" in third.source
    assert build.differences(src, out) == []


def test_a_changed_reason_is_found(tmp_path):
    src, out = built(tmp_path, MARKED)
    nb = nbformat.read(out, as_version=4)
    nb.cells[0].metadata["nbval_why"] = "another reason."
    nbformat.write(nb, out)
    found = build.differences(src, out)
    assert found and "metadata" in found[0], found


def test_no_committed_source_cell_keeps_an_nbval_comment():
    """Every marker in the sources is one build.py turns into a tag (none left in a learner's cell)."""
    left = [f"{src.stem}: cell {i}" for src in SOURCES
            for i, cell in enumerate(build.expected(src).cells)
            if cell.cell_type == "code" and build.NBVAL_MARKER.search("\n".join(
                ln.strip() for ln in cell.source.splitlines() if ln.strip().startswith("#")) or "")]
    assert not left, left
