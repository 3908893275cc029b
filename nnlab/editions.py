"""Student and instructor editions of the notebooks, and `nnlab exercises` (issue 13).

Every notebook's Exercises section has one shape (the exercise contract, CONTRIBUTING.md):

    # setup cell, somewhere at the top: a line `SEED = 0`
    from nnlab.course.<topic> import exercise_set          # the first exercise's show cell
    ex = exercise_set(SEED)   # ...
    print(ex.show(1))
    answer = None  # <what to find>                       # its answer cell
    ex.check(1, answer)
    print(ex.show(2))                                       # and so on, one show cell and one
    answer = None  # ...                                    # answer cell per exercise
    ex.check(2, answer)

From that shape, and nothing else, this module makes
- the student edition: the setup cell's SEED set to the variant, the setup and show cells
  read-only, each answer cell an nbgrader solution cell, and after it an autograder test cell
  `ex.grade(n, answer)` worth POINTS points (nbgrader cell metadata, schema 3);
- the instructor edition: after each answer cell a cell `ex.key(n)` that shows the expected
  answer, the worked solution and every slip the check recognises.

    python -m nnlab.editions build          # make editions: dist/student/, dist/instructor/, executed
    nnlab exercises 04 --seed 12            # one variant's student edition + key.md + key.json
    nnlab exercises 04 --students roster.csv    # one per student (seed from the id), one key

Everything is written into a temporary folder beside the destination and moved into place,
so a failure leaves nothing half-written.
"""
from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
POINTS = 1
SEED_MAX = 2 ** 32 - 1
SETUP = re.compile(r"^SEED = \d+[ \t]*$", re.M)
FIRST = re.compile(r"^from nnlab\.course\.(\w+) import exercise_set[ \t]*$", re.M)
SHOW = re.compile(r"^print\(ex\.show\((\d+)\)\)[ \t]*$", re.M)
ANSWER = re.compile(r"\Aanswer = None\b[^\n]*\nex\.check\((\d+), answer\)\s*\Z")
ID = re.compile(r"\A[A-Za-z0-9@][A-Za-z0-9._@-]{0,63}\Z")


def _nbf():
    """nbformat, imported when a notebook is read or written (`nnlab` itself needs only numpy,
    sympy, matplotlib and ipywidgets; nbformat comes with Jupyter)."""
    try:
        import nbformat
    except ImportError:
        raise ValueError("exercises: expected nbformat to be installed (it comes with Jupyter: "
                         "pip install nbformat)") from None
    return nbformat


@dataclass
class Layout:
    """Where a notebook's setup, show and answer cells are (cell indices)."""
    topic: str
    setup: int
    shows: dict[int, int] = field(default_factory=dict)
    answers: dict[int, int] = field(default_factory=dict)

    def exercise_set(self, seed: int = 0):
        return importlib.import_module(f"nnlab.course.{self.topic}").exercise_set(seed)


def layout(nb, name: str) -> Layout:
    """The contract's cells of notebook `name`, or ValueError naming what does not fit."""
    code = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    setups = [i for i, src in code if SETUP.search(src)]
    if len(setups) != 1:
        raise ValueError(f"{name}: expected one setup cell with a line `SEED = 0`, found {len(setups)}")
    firsts = [(i, FIRST.search(src)) for i, src in code if FIRST.search(src)]
    if len(firsts) != 1 or "ex = exercise_set(SEED)" not in nb.cells[firsts[0][0]].source:
        raise ValueError(f"{name}: expected one cell `from nnlab.course.<topic> import exercise_set` "
                         "with `ex = exercise_set(SEED)` (the exercise contract), found "
                         f"{len(firsts)}")
    out = Layout(firsts[0][1].group(1), setups[0])
    for i, src in code:
        if i < firsts[0][0]:
            continue
        if re.search(r"\bex\.(solution|key|expected|slips|answer_key)\(", src):
            raise ValueError(f"{name}: cell {i} shows a solution (`ex.solution(...)` and the like "
                             "are for the learner to call, never in a committed cell)")
        show, answer = SHOW.search(src), ANSWER.match(src)
        if show:
            out.shows[int(show.group(1))] = i
        elif answer:
            out.answers[int(answer.group(1))] = i
    try:
        count = len(out.exercise_set(0))
    except (ImportError, AttributeError) as err:
        raise ValueError(f"{name}: nnlab.course.{out.topic}.exercise_set cannot be used: {err}") from None
    for n in range(1, count + 1):
        s, a = out.shows.get(n), out.answers.get(n)
        if s is None or a is None or not s < a:
            raise ValueError(f"{name}: exercise {n} of {count}: expected a cell `print(ex.show({n}))` "
                             f"and after it a cell `answer = None  # ...` / `ex.check({n}, answer)`")
    if set(out.shows) != set(range(1, count + 1)) or set(out.answers) != set(range(1, count + 1)):
        raise ValueError(f"{name}: its cells name exercises {sorted(out.answers)}, its exercise set "
                         f"has {count}")
    return out


def _meta(cell, kind: str, grade_id: str, points: int = 0) -> None:
    meta = {"grade": kind == "test", "grade_id": grade_id, "locked": kind != "answer",
            "schema_version": 3, "solution": kind == "answer", "task": False}
    if kind == "test":
        meta["points"] = points
    cell.metadata["nbgrader"] = meta


def _clean(nb) -> None:
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)


def student(nb, lay: Layout, seed: int = 0):
    """The student edition of `nb` in the variant `seed` (outputs cleared)."""
    nb = copy.deepcopy(nb)
    _clean(nb)
    setup = nb.cells[lay.setup]
    setup.source = SETUP.sub(f"SEED = {seed}", setup.source)
    _meta(setup, "locked", "setup")
    for n, i in lay.shows.items():
        _meta(nb.cells[i], "locked", f"show-{n}")
    inserts = []
    for n, i in lay.answers.items():
        _meta(nb.cells[i], "answer", f"answer-{n}")
        test = _nbf().v4.new_code_cell(
            f"# Autograder test of exercise {n} ({POINTS} point{'s' if POINTS != 1 else ''}): it "
            f"marks the `answer` set in the cell above.\nex.grade({n}, answer)")
        test["id"] = f"test-{n}"
        _meta(test, "test", f"test-{n}", POINTS)
        inserts.append((i + 1, test))
    for at, cell in sorted(inserts, key=lambda p: p[0], reverse=True):
        nb.cells.insert(at, cell)
    nb.metadata.setdefault("nnlab", {})["edition"] = {"kind": "student", "seed": seed}
    return nb


def instructor(nb, lay: Layout):
    """The instructor edition: after each answer cell, `ex.key(n)` (answer, worked solution, slips)."""
    nb = copy.deepcopy(nb)
    _clean(nb)
    for n, i in sorted(lay.answers.items(), key=lambda p: p[1], reverse=True):
        key = _nbf().v4.new_code_cell(f"ex.key({n})   # instructor edition: the answer and the "
                                        "slips the check recognises")
        key["id"] = f"key-{n}"
        nb.cells.insert(i + 1, key)
    note = _nbf().v4.new_markdown_cell(
        "**Instructor edition**: below each answer cell of the Exercises section, the expected "
        "answer, the worked solution and the slips the check recognises. Not for learners.")
    note["id"] = "instructor-note"
    nb.cells.insert(0, note)
    nb.metadata.setdefault("nnlab", {})["edition"] = {"kind": "instructor", "seed": 0}
    return nb


# -- files and folders ------------------------------------------------------------------------
def notebook_paths() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def find_notebook(text) -> Path:
    paths = notebook_paths()
    key = str(text).strip()
    hits = [p for p in paths if p.stem == key or p.stem[:2] == key.zfill(2)[:2] and len(key) <= 2]
    if len(hits) != 1:
        names = ", ".join(p.stem[:2] for p in paths) or "none found in notebooks/"
        raise ValueError(f"notebook: expected a notebook number, one of {names}, got {text!r}")
    return hits[0]


def replace_folder(tmp: Path, dest: Path) -> None:
    """Move the finished folder `tmp` to `dest` (same file system), replacing what was there."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.replace(dest, old)
    os.replace(tmp, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def temporary_beside(dest: Path) -> Path:
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
        mask = os.umask(0)
        os.umask(mask)
        tmp.chmod(0o777 & ~mask)        # mkdtemp makes it private; the result is an ordinary folder
        return tmp
    except OSError as err:
        raise ValueError(f"--out: cannot write into {str(dest.parent)!r}: {err.strerror}") from None


def execute(path: Path, timeout: int = 300) -> None:
    cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
           "--inplace", f"--ExecutePreprocessor.timeout={timeout}",
           "--ExecutePreprocessor.kernel_name=python3", str(path)]
    done = subprocess.run(cmd, cwd=path.parent, timeout=timeout * 3, capture_output=True, text=True)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"{path.name}: executing it failed: {last}")
    nb = _nbf().read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    _nbf().write(nb, path)


def build(out: Path = ROOT / "dist", names=(), jobs: int = 2, run: bool = True) -> list[Path]:
    """dist/student/ and dist/instructor/ of every notebook (or those in `names`), executed."""
    paths = [find_notebook(n) for n in names] if names else notebook_paths()
    books = []
    for path in paths:
        nb = _nbf().read(path, as_version=4)
        books.append((path, nb, layout(nb, path.stem)))
    # each edition is made in a folder beside its destination (out/.student.tmp-…): the same
    # depth, so a path a notebook prints relative to its folder is the same after the move
    tmps: dict[str, Path] = {}
    try:
        for kind in ("student", "instructor"):
            tmps[kind] = temporary_beside(out / kind)
        written = []
        for kind, tmp in tmps.items():
            for path, nb, lay in books:
                made = student(nb, lay) if kind == "student" else instructor(nb, lay)
                _nbf().write(made, tmp / path.name)
                written.append(tmp / path.name)
        if run:
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                list(pool.map(execute, written))
        for kind, tmp in tmps.items():
            replace_folder(tmp, out / kind)
    finally:
        for tmp in tmps.values():
            shutil.rmtree(tmp, ignore_errors=True)
    return [out / kind / p.name for kind in ("student", "instructor") for p, _, _ in books]


# -- nnlab exercises ---------------------------------------------------------------------------
def seed_of(text) -> int:
    try:
        seed = int(str(text).strip())
    except ValueError:
        seed = -1
    if not 0 <= seed <= SEED_MAX:
        raise ValueError(f"--seed: expected a whole number from 0 to {SEED_MAX}, got {text!r}")
    return seed


def student_seed(student_id: str) -> int:
    """The variant of a student: the first 4 bytes of sha256(id), the same on every machine."""
    return int.from_bytes(hashlib.sha256(student_id.encode("utf-8")).digest()[:4], "big")


def read_roster(path) -> list[tuple[str, int]]:
    """(id, seed) of every student of a roster CSV with a column `id` (or `student_id`)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) and err.strerror else "not UTF-8 text"
        raise ValueError(f"--students: cannot read {str(path)!r}: {why}") from None
    except csv.Error as err:
        raise ValueError(f"--students: {str(path)!r} is not a CSV file: {err}") from None
    if not rows:
        raise ValueError(f"--students: {str(path)!r} is empty: expected a header with a column id")
    header = [h.strip().lower() for h in rows[0]]
    column = next((header.index(h) for h in ("id", "student_id") if h in header), None)
    if column is None:
        raise ValueError(f"--students: {str(path)!r} has no id column (expected a header naming "
                         f"'id' or 'student_id', got {', '.join(rows[0]) or 'an empty line'})")
    seen: dict[str, int] = {}
    out = []
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        sid = row[column].strip() if column < len(row) else ""
        if not ID.match(sid):
            raise ValueError(f"--students: {str(path)!r} line {line}: expected an id of letters, "
                             f"digits, '.', '_', '-' or '@' (up to 64), got {sid!r}")
        if sid in seen:
            raise ValueError(f"--students: {str(path)!r} line {line}: the id {sid!r} is given "
                             f"twice (first on line {seen[sid]})")
        seen[sid] = line
        out.append((sid, student_seed(sid)))
    if not out:
        raise ValueError(f"--students: {str(path)!r} lists no student")
    return out


def _key_markdown(title: str, entries) -> str:
    lines = [f"# Answer key: {title}", ""]
    for who, seed, key in entries:
        lines += [f"## {who} (variant seed {seed})" if who else f"## Variant seed {seed}", ""]
        for row in key:
            lines += [f"### Exercise {row['number']}", "", row["question"], "",
                      f"**Answer:** {json.dumps(row['answer'])}", "", f"Worked: {row['solution']}", ""]
            lines += [f"- slip {json.dumps(s['answer'])}: {s['why']}" for s in row["slips"]]
            lines.append("")
    return "\n".join(lines)


def exercises(notebook, seed=None, students=None, out="dist/exercises") -> str:
    """Write one variant's (or every student's) student edition and the answer key."""
    if (seed is None) == (students is None):
        raise ValueError("exercises: expected either --seed S or --students roster.csv")
    path = find_notebook(notebook)
    nb = _nbf().read(path, as_version=4)
    lay = layout(nb, path.stem)
    title = path.stem
    if students is None:
        roster, dest = [("", seed_of(seed))], Path(out) / f"{path.stem}-seed{seed_of(seed)}"
    else:
        roster, dest = read_roster(students), Path(out) / f"{path.stem}-roster"
    tmp = temporary_beside(dest)
    try:
        entries, files = [], []
        for sid, s in roster:
            where = tmp / sid if sid else tmp
            where.mkdir(exist_ok=True)
            _nbf().write(student(nb, lay, s), where / path.name)
            files.append(f"{sid}/{path.name}" if sid else path.name)
            entries.append((sid, s, lay.exercise_set(s).answer_key()))
        data = {"notebook": title, "points_per_exercise": POINTS,
                "variants": [{"id": sid or None, "seed": s, "exercises": key} for sid, s, key in entries]}
        (tmp / "key.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        (tmp / "key.md").write_text(_key_markdown(title, entries))
        replace_folder(tmp, dest)
    except OSError as err:
        raise ValueError(f"--out: cannot write {str(dest)!r}: {err.strerror}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    what = (f"{path.name} (seed {roster[0][1]})" if students is None
            else f"{len(roster)} student editions ({files[0]} ...)")
    return f"wrote {dest}/: {what}, key.md, key.json"


def add_arguments(p) -> None:
    p.add_argument("notebook", help="the notebook's number, such as 04")
    p.add_argument("--seed", default=None, help="the variant's seed (a whole number)")
    p.add_argument("--students", default=None, help="a roster CSV with an id column")
    p.add_argument("--out", default="dist/exercises", help="the folder to write into")


def run(a) -> str:
    return exercises(a.notebook, seed=a.seed, students=a.students, out=a.out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nnlab.editions", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="dist/student/ and dist/instructor/ of every notebook, executed")
    b.add_argument("names", nargs="*", help="only these notebooks (numbers such as 00 04)")
    b.add_argument("--out", default=str(ROOT / "dist"))
    b.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "2")))
    b.add_argument("--no-execute", action="store_true")
    args = ap.parse_args(argv)
    try:
        made = build(Path(args.out), args.names, args.jobs, not args.no_execute)
    except (ValueError, RuntimeError, subprocess.TimeoutExpired) as err:
        print(f"editions: error: {str(err).splitlines()[0]}", file=sys.stderr)
        return 2
    print(f"editions: wrote {len(made)} notebooks into {args.out}/student and {args.out}/instructor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
