"""Issue 13: editions, `nnlab exercises`, and the committed notebooks' exercises.

- no committed learner notebook shows a solution or an exercise's answer (outputs are read);
- every notebook's Exercises section has the contract's cells, and at least half of its
  exercises ask for a number printed nowhere above them (in any cell's source or output, at 3 to
  6 decimals; whole numbers below 1000 are not judged);
- the student and instructor editions carry what nbgrader and the instructor need;
- `nnlab exercises NN --seed S` / `--students roster.csv`: the files, the seeds, the keys, and
  bad input refused in one line with exit 2 and nothing written.
"""
import hashlib
import importlib
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnlab import cli, editions

NOTEBOOKS = sorted(Path(editions.NOTEBOOKS).glob("[0-9][0-9]_*.ipynb"))
IMPORT = re.compile(r"from nnlab\.course\.(\w+) import (exercise_set|exercises)\b")


def _texts(cell) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        if "text" in o:
            out.append(o["text"])
        for mime, value in o.get("data", {}).items():
            if mime.startswith("text/"):
                out.append(value if isinstance(value, str) else "".join(value))
    return out


def _exercise_set(nb):
    for cell in nb.cells:
        m = IMPORT.search(cell.source) if cell.cell_type == "code" else None
        if m:
            mod = importlib.import_module(f"nnlab.course.{m.group(1)}")
            return mod.exercise_set(0) if hasattr(mod, "exercise_set") else mod.exercises
    return None


def _small_whole(value) -> bool:
    """A whole number below 1000 (a count, a size) is written all over a notebook: whether it is
    "printed above" cannot be told from the text, so such an answer is not judged."""
    return float(value).is_integer() and abs(value) < 1000


def _printed(value: float, text: str) -> bool:
    """Is `value` written in `text` at 3 to 6 decimals, or as Python writes it short (%g)?"""
    forms = {f"{value:.{d}f}" for d in range(3, 7)} | {f"{value:g}"}
    if float(value).is_integer():
        forms.add(str(int(value)))
    for form in forms:
        body = re.escape(form.lstrip("-")).replace(r"\.", r"\.")
        sign = "[-−]" if form.startswith("-") else ""
        if re.search(rf"(?<![\d.]){sign}{body}(?![\d])", text):
            return True
    return False


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_committed_notebook_shows_a_solution_or_an_answer(path):
    nb = nbformat.read(path, as_version=4)
    ex = _exercise_set(nb)
    assert ex is not None, f"{path.name}: no exercise set imported"
    outputs = "\n".join(t for c in nb.cells if c.cell_type == "code" for t in _texts(c))
    for n in range(1, len(ex) + 1):
        assert ex.solution(n) not in outputs, f"{path.name}: the solution of exercise {n} is shown"
    first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and IMPORT.search(c.source))
    section = "\n".join(t for c in nb.cells[first:] if c.cell_type == "code"
                        and not re.search(r"ex\.show\(", c.source) for t in _texts(c))  # not the questions
    assert "Correct." not in section, f"{path.name}: an answer is checked as correct in a cell"
    for n in range(1, len(ex) + 1):
        want = [v for v in np.asarray(ex.exercises[n - 1].expected(), dtype=float).ravel()
                if not _small_whole(v)]
        shown = bool(want) and all(_printed(float(v), section) for v in want)
        assert not shown, f"{path.name}: exercise {n}'s answer {want.tolist()} is printed below the exercises"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_exercises_follow_the_contract_and_ask_for_new_numbers(path):
    nb = nbformat.read(path, as_version=4)
    lay = editions.layout(nb, path.stem)           # raises, naming what does not fit
    ex = lay.exercise_set(0)
    fresh, judged = [], []
    for n in range(1, len(ex) + 1):
        above = "\n".join([c.source for c in nb.cells[:lay.shows[n]]]
                          + [t for c in nb.cells[:lay.shows[n]] for t in _texts(c)])
        want = [v for v in np.asarray(ex.exercises[n - 1].expected(), dtype=float).ravel()
                if not _small_whole(v)]
        if want:
            judged.append(n)
            if not all(_printed(float(v), above) for v in want):
                fresh.append(n)
    assert 2 * len(fresh) >= len(judged), (f"{path.name}: only exercises {fresh} of {judged} ask "
                                           "for a number not printed above them")


def _notebook(number="00"):
    path = editions.find_notebook(number)
    nb = nbformat.read(path, as_version=4)
    return path, nb, editions.layout(nb, path.stem)


def test_student_edition_carries_nbgrader_cells_and_the_seed():
    path, nb, lay = _notebook("02")
    st = editions.student(nb, lay, seed=77)
    setup = st.cells[lay.setup]
    assert "SEED = 77" in setup.source and "SEED = 0" not in setup.source
    meta = [c.metadata.get("nbgrader") for c in st.cells]
    ids = [m["grade_id"] for m in meta if m]
    assert len(ids) == len(set(ids))
    n = len(lay.answers)
    tests = [c for c, m in zip(st.cells, meta) if m and m["grade"]]
    assert len(tests) == n and all(m["points"] == editions.POINTS for m in meta if m and m["grade"])
    assert [c.source.splitlines()[-1] for c in tests] == [f"ex.grade({k}, answer)" for k in range(1, n + 1)]
    answers = [c for c, m in zip(st.cells, meta) if m and m["solution"]]
    assert len(answers) == n and all(not m["locked"] for m in meta if m and m["solution"])
    assert all(m["locked"] for m in meta if m and not m["solution"])
    for k, cell in enumerate(answers, 1):   # a test cell follows its answer cell
        assert st.cells[st.cells.index(cell) + 1].source.endswith(f"ex.grade({k}, answer)")
    assert all(not c.get("outputs") for c in st.cells if c.cell_type == "code")
    assert not any("ex.solution(" in c.source or "ex.key(" in c.source
                   for c in st.cells if c.cell_type == "code")
    assert len(nb.cells) == len(st.cells) - n     # the committed notebook itself is unchanged


def test_instructor_edition_shows_each_key_after_its_answer_cell():
    path, nb, lay = _notebook("04")
    ins = editions.instructor(nb, lay)
    keys = [i for i, c in enumerate(ins.cells) if c.source.startswith("ex.key(")]
    assert len(keys) == len(lay.answers)
    for k, i in enumerate(keys, 1):
        assert ins.cells[i].source.startswith(f"ex.key({k})")
        assert ins.cells[i - 1].source.endswith(f"ex.check({k}, answer)")


def test_build_writes_both_editions_and_replaces_the_old_ones(tmp_path):
    (tmp_path / "student").mkdir()
    (tmp_path / "student" / "stale.ipynb").write_text("{}")
    made = editions.build(tmp_path, ["00", "03"], run=False)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in made) == [
        "instructor/00_start_here.ipynb", "instructor/03_activations.ipynb",
        "student/00_start_here.ipynb", "student/03_activations.ipynb"]
    assert not (tmp_path / "student" / "stale.ipynb").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["instructor", "student"]


def test_layout_names_what_does_not_fit():
    path, nb, lay = _notebook("00")
    nb.cells[lay.answers[2]].source = "answer = 3\nex.check(2, answer)"
    with pytest.raises(ValueError, match=r"^00_start_here: exercise 2 of 2: expected"):
        editions.layout(nb, "00_start_here")
    path, nb, lay = _notebook("00")
    nb.cells.append(nbformat.v4.new_code_cell("ex.solution(1)"))
    with pytest.raises(ValueError, match="shows a solution"):
        editions.layout(nb, "00_start_here")


# -- nnlab exercises ---------------------------------------------------------------------------
def _cli(capsys, *argv):
    code = cli.main(["exercises", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_one_seed_writes_the_edition_and_its_keys(tmp_path, capsys):
    code, out, err = _cli(capsys, "04", "--seed", 12, "--out", tmp_path)
    assert code == 0 and not err and "04_optimizers-seed12" in out
    folder = tmp_path / "04_optimizers-seed12"
    assert sorted(p.name for p in folder.iterdir()) == ["04_optimizers.ipynb", "key.json", "key.md"]
    nb = nbformat.read(folder / "04_optimizers.ipynb", as_version=4)
    assert any(re.search(r"^SEED = 12$", c.source, re.M) for c in nb.cells)
    key = json.loads((folder / "key.json").read_text())
    from nnlab.course.optim import exercise_set
    expected = exercise_set(12)
    (variant,) = key["variants"]
    assert variant["seed"] == 12 and len(variant["exercises"]) == len(expected)
    for row in variant["exercises"]:
        assert np.allclose(row["answer"], expected.expected(row["number"]), rtol=0, atol=0)
        assert expected.check(row["number"], row["answer"])
    md = (folder / "key.md").read_text()
    assert "variant seed 12" in md.lower() and all(f"### Exercise {k}" in md for k in range(1, 6))
    first = (folder / "key.json").read_bytes()
    assert _cli(capsys, "04", "--seed", 12, "--out", tmp_path)[0] == 0    # again: the same bytes
    assert (folder / "key.json").read_bytes() == first


def test_a_roster_writes_one_edition_per_student_and_one_key(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,id\nAda,s001\nBen,s002\n\nCy,x.y@z\n")
    code, out, err = _cli(capsys, "02", "--students", roster, "--out", tmp_path / "out")
    assert code == 0 and not err, err
    folder = tmp_path / "out" / "02_backprop_by_hand-roster"
    assert sorted(p.name for p in folder.iterdir()) == ["key.json", "key.md", "s001", "s002", "x.y@z"]
    key = json.loads((folder / "key.json").read_text())
    from nnlab.course.backprop import exercise_set
    for variant in key["variants"]:
        seed = int.from_bytes(hashlib.sha256(variant["id"].encode()).digest()[:4], "big")
        assert variant["seed"] == seed
        nb = nbformat.read(folder / variant["id"] / "02_backprop_by_hand.ipynb", as_version=4)
        assert any(f"SEED = {seed}" in c.source for c in nb.cells)
        assert [r["answer"] for r in variant["exercises"]] == [
            r["answer"] for r in exercise_set(seed).answer_key()]
    assert len({v["seed"] for v in key["variants"]}) == 3


@pytest.mark.parametrize("argv, names", [
    (["42", "--seed", "1"], "notebook: expected a notebook number"),
    (["04", "--seed", "x"], "--seed: expected a whole number from 0 to 4294967295, got 'x'"),
    (["04", "--seed", "-1"], "--seed: expected a whole number"),
    (["04", "--seed", str(2**32)], "--seed: expected a whole number"),
    (["04"], "expected either --seed S or --students roster.csv"),
    (["04", "--seed", "1", "--students", "r.csv"], "expected either --seed S or --students"),
    (["04", "--students", "{missing}"], "--students: cannot read"),
    (["04", "--students", "{folder}"], "--students: cannot read"),
    (["04", "--students", "{noid}"], "has no id column"),
    (["04", "--students", "{dup}"], "line 3: the id 'a1' is given twice (first on line 2)"),
    (["04", "--students", "{badid}"], "line 2: expected an id of letters"),
    (["04", "--students", "{binary}"], "--students: cannot read"),
    (["04", "--students", "{empty}"], "is empty"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, argv, names):
    files = {"missing": tmp_path / "nope.csv", "folder": tmp_path, "noid": "name,email\nAda,a@b\n",
             "dup": "id\na1\na1\n", "badid": "id\n../etc\n", "binary": b"\xff\xfe\x00id\n",
             "empty": ""}
    for key, content in files.items():
        if isinstance(content, (str, bytes)):
            target = tmp_path / f"{key}.csv"
            target.write_bytes(content.encode() if isinstance(content, str) else content)
            files[key] = target
    argv = [a.format(**files) for a in argv]
    out_dir = tmp_path / "out"
    code, out, err = _cli(capsys, *argv, "--out", out_dir)
    assert code == 2 and not out
    assert len(err.strip().splitlines()) == 1 and names in err and "Traceback" not in err
    assert not out_dir.exists() or not any(out_dir.iterdir())
