"""Build the committed notebooks from their sources, execute them, and strip what varies.

Sources live in notebooks/src/NN_name.py in the "percent" format, one cell per marker:

    # %% [markdown]
    # Text of a markdown cell, each line behind "# ".
    # %%
    print("a code cell")
    # %% tags=["skip-execution"]
    # a code cell with tags

and an optional first block of notebook metadata (JSON behind "# "):

    # %% [metadata]
    # {"nnlab": {"main": "nnlab.views.backprop_view:BackpropExplorer"}}

Usage:
    python notebooks/build.py                 # every source -> .ipynb, executed
    python notebooks/build.py 02_backprop     # only the sources whose name starts so
    python notebooks/build.py --no-execute    # convert only

Each notebook is executed in its own `jupyter nbconvert` call with a timeout (several
notebooks in one call hung here), then `metadata.widgets` (new random model ids on every
run) is removed, so the committed file changes only when its content does.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
MARKER = re.compile(r"^# %%(?:\s+\[(markdown|metadata)\])?(?:\s+tags=(\[.*\]))?\s*$")


def parse(text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cells: list[tuple[str, list[str], list[str]]] = []
    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            cells.append((m.group(1) or "code", json.loads(m.group(2)) if m.group(2) else [], []))
        elif cells:
            cells[-1][2].append(line)
        elif line.strip():
            raise ValueError(f"text before the first '# %%' marker: {line!r}")
    for kind, tags, lines in cells:
        while lines and not lines[-1].strip():
            lines.pop()
        if kind == "code":
            cell = nbformat.v4.new_code_cell("\n".join(lines))
        else:
            body = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in lines]
            if kind == "metadata":
                nb.metadata.update(json.loads("\n".join(body)))
                continue
            cell = nbformat.v4.new_markdown_cell("\n".join(body))
        if tags:
            cell.metadata["tags"] = tags
        cell.pop("id", None)
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    return nb


def number_cells(nb) -> None:
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"


def strip(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def execute(path: Path, timeout: int) -> None:
    cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
           "--inplace", f"--ExecutePreprocessor.timeout={timeout}",
           "--ExecutePreprocessor.kernel_name=python3", str(path)]
    subprocess.run(cmd, check=True, timeout=timeout * 3, cwd=path.parent)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="build only sources whose name starts with one of these")
    ap.add_argument("--no-execute", action="store_true")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    args = ap.parse_args(argv)
    sources = sorted(SRC.glob("*.py"))
    if args.names:
        sources = [s for s in sources if any(s.stem.startswith(n) for n in args.names)]
    if not sources:
        print("build.py: no notebook source matches", file=sys.stderr)
        return 2
    for src in sources:
        out = HERE / f"{src.stem}.ipynb"
        nb = parse(src.read_text())
        number_cells(nb)
        nbformat.write(nb, out)
        if not args.no_execute:
            print(f"executing {out.name} ...", flush=True)
            execute(out, args.timeout)
        strip(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
