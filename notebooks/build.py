"""Build the committed notebooks from their sources, execute them, and strip what varies.

Sources live in notebooks/src/NN_name.py in the "percent" format, one cell per marker:

    # %% [markdown]
    # Text of a markdown cell, each line behind "# ".
    # %%
    print("a code cell")
    # %% tags=["skip-execution"]
    # a code cell with tags
    # %%
    # NBVAL_IGNORE_OUTPUT
    # Why: the time depends on the machine.
    print(f"{seconds:.1f} s")

An nbval marker line in a code cell (`# NBVAL_IGNORE_OUTPUT`, `# NBVAL_CHECK_OUTPUT`,
`# NBVAL_SKIP`, `# NBVAL_RAISES_EXCEPTION`) becomes the cell tag nbval reads
(`nbval-ignore-output`, ...), and the `# Why: ...` comment after it (up to the line that ends
its sentence with a full stop) goes to the cell's metadata as "nbval_why": CI's plumbing stays
out of the learner's code.

and an optional first block of notebook metadata (JSON behind "# "):

    # %% [metadata]
    # {"nnlab": {"main": "nnlab.views.backprop_view:BackpropExplorer"}}

Usage:
    python notebooks/build.py                 # every source -> .ipynb, executed
    python notebooks/build.py 02_backprop     # only the sources whose name starts so
    python notebooks/build.py --no-execute    # convert only
    python notebooks/build.py --check         # write nothing: list where a committed notebook
                                              # differs from its source (tests/test_notebook_sources.py)

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
NBVAL_MARKER = re.compile(r"^#\s*(NBVAL_(?:IGNORE_OUTPUT|CHECK_OUTPUT|SKIP|RAISES_EXCEPTION))\s*$")
WHY = re.compile(r"^#\s*Why:\s*(.*)$")


def nbval_markers(lines: list[str]) -> tuple[list[str], list[str], str]:
    """A code cell's lines without its nbval marker lines and their `# Why:` comments: the
    remaining lines, the tags the markers stand for, and the reasons given (joined)."""
    kept, tags, why = [], [], []
    i = 0
    while i < len(lines):
        m = NBVAL_MARKER.match(lines[i].strip())
        if not m:
            kept.append(lines[i])
            i += 1
            continue
        tags.append(m.group(1).lower().replace("_", "-"))
        i += 1
        w = WHY.match(lines[i].strip()) if i < len(lines) else None
        if w:
            reason = [w.group(1).strip()]
            i += 1
            while (not reason[-1].endswith(".") and i < len(lines)
                   and lines[i].lstrip().startswith("#")):
                reason.append(lines[i].strip().lstrip("#").strip())
                i += 1
            why.append(" ".join(reason))
    return kept, tags, " ".join(why)


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
        why = ""
        if kind == "code":
            lines, marker_tags, why = nbval_markers(lines)
            tags = tags + [t for t in marker_tags if t not in tags]
            cell = nbformat.v4.new_code_cell("\n".join(lines))
        else:
            body = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in lines]
            if kind == "metadata":
                nb.metadata.update(json.loads("\n".join(body)))
                continue
            cell = nbformat.v4.new_markdown_cell("\n".join(body))
        if tags:
            cell.metadata["tags"] = tags
        if why:
            cell.metadata["nbval_why"] = why
        cell.pop("id", None)
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    return nb


def number_cells(nb) -> None:
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"


def notebook_path(src: Path) -> Path:
    """The committed notebook built from the source `src` (notebooks/src/NN_x.py -> notebooks/NN_x.ipynb)."""
    return HERE / f"{src.stem}.ipynb"


def expected(src: Path) -> nbformat.NotebookNode:
    """The notebook this script writes from `src`, before executing it: the cells, their ids, their
    metadata and the notebook's metadata (execution only adds outputs, execution counts and
    metadata.language_info, and `strip` takes off what varies)."""
    nb = parse(src.read_text())
    number_cells(nb)
    return nb


ADDED_BY_EXECUTION = {"language_info"}   # notebook metadata the kernel writes when it runs


def differences(src: Path, path: Path) -> list[str]:
    """Where the committed notebook `path` is not what `src` builds (empty when it is): the
    notebook metadata, the number of cells, each cell's id, type, metadata (tags) and source.
    Outputs are not compared (strict nbval checks them by running the notebook)."""
    want = expected(src)
    got = nbformat.read(path, as_version=4)
    found = []
    if (got.nbformat, got.nbformat_minor) != (want.nbformat, want.nbformat_minor):
        found.append(f"nbformat {got.nbformat}.{got.nbformat_minor}, the build writes "
                     f"{want.nbformat}.{want.nbformat_minor}")
    meta = {k: v for k, v in got.metadata.items() if k not in ADDED_BY_EXECUTION}
    if meta != want.metadata:
        found.append(f"notebook metadata {json.dumps(meta, sort_keys=True)}, the source gives "
                     f"{json.dumps(want.metadata, sort_keys=True)}")
    if len(got.cells) != len(want.cells):
        found.append(f"{len(got.cells)} cells, the source has {len(want.cells)}")
    for i, (g, w) in enumerate(zip(got.cells, want.cells)):
        for key in ("id", "cell_type", "metadata", "source"):
            if g.get(key) != w.get(key):
                found.append(f"cell {i} ({w.get('id')}): {key} differs: {g.get(key)!r:.120} in the "
                             f"notebook, {w.get(key)!r:.120} from the source")
    return [f"{path.name}: {d}" for d in found]


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


def course_problem(src: Path) -> str | None:
    """Why `src` does not fit the course map (nnlab/course/map.py), or None: every notebook is in
    the map, and its title heading is the map's title."""
    sys.path.insert(0, str(HERE.parent))
    from nnlab.course.map import COURSE

    titles = {nb.name: nb.title for nb in COURSE}
    if src.stem not in titles:
        return f"{src.name}: not in the course map (add it to COURSE in nnlab/course/map.py)"
    want = f"# # {src.stem[:2]} · {titles[src.stem]}"
    first = next((ln for ln in src.read_text().splitlines() if ln.startswith("# # ")), "")
    if first != want:
        return f"{src.name}: its title {first[4:]!r} is not the course map's {want[4:]!r}"
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="build only sources whose name starts with one of these")
    ap.add_argument("--no-execute", action="store_true")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; list where committed notebooks differ from their sources")
    args = ap.parse_args(argv)
    sources = sorted(SRC.glob("*.py"))
    if args.names:
        sources = [s for s in sources if any(s.stem.startswith(n) for n in args.names)]
    if not sources:
        print("build.py: no notebook source matches", file=sys.stderr)
        return 2
    problems = [p for p in map(course_problem, sources) if p]
    if problems:
        print("\n".join(f"build.py: {p}" for p in problems), file=sys.stderr)
        return 2
    if args.check:
        found = [d for src in sources for d in (differences(src, notebook_path(src))
                 if notebook_path(src).exists() else [f"{notebook_path(src).name}: missing"])]
        print("\n".join(found) or f"{len(sources)} notebooks match their sources")
        return 1 if found else 0
    for src in sources:
        out = notebook_path(src)
        nb = expected(src)
        nbformat.write(nb, out)
        if not args.no_execute:
            print(f"executing {out.name} ...", flush=True)
            execute(out, args.timeout)
        strip(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
