"""nbgrader 0.9 on a student edition, unchanged (issue 13): `generate_assignment`, then
`autograde` of three submissions in a temporary course directory: every answer right (full
marks), one answer wrong (exactly that exercise's points lost), nothing answered (zero)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnlab import editions

pytestmark = pytest.mark.slow
NAME = "00_start_here"


def _nbgrader(course: Path, *args):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[var] = str(course / ".jupyter" / var.lower())
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    return done


def _submit(course: Path, release: dict, student: str, answers) -> None:
    nb = json.loads(json.dumps(release))
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("answer-") and answers is not None:
            cell["source"] = f"answer = {answers[int(grade_id[7:]) - 1]!r}"
    folder = course / "submitted" / student / "ps1"
    folder.mkdir(parents=True)
    (folder / f"{NAME}.ipynb").write_text(json.dumps(nb))


def test_generate_assignment_and_autograde(tmp_path):
    pytest.importorskip("nbgrader")
    path = editions.find_notebook(NAME[:2])
    nb = nbformat.read(path, as_version=4)
    lay = editions.layout(nb, NAME)
    ex = lay.exercise_set(0)
    course = tmp_path / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    nbformat.write(editions.student(nb, lay), course / "source" / "ps1" / f"{NAME}.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'nnlab'\n"
        "c.CourseDirectory.db_assignments = [dict(name='ps1')]\n"
        "c.CourseDirectory.db_students = [dict(id='right'), dict(id='one_wrong'), dict(id='empty')]\n")
    _nbgrader(course, "generate_assignment", "ps1")
    release = json.loads((course / "release" / "ps1" / f"{NAME}.ipynb").read_text())
    right = [float(ex.expected(n)) for n in range(1, len(ex) + 1)]
    wrong = list(right)
    wrong[-1] = right[-1] + 1.0
    _submit(course, release, "right", right)
    _submit(course, release, "one_wrong", wrong)
    _submit(course, release, "empty", None)
    _nbgrader(course, "autograde", "ps1")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        def scores(student):
            grades = gb.find_submission_notebook(NAME, "ps1", student).grades
            return {g.name: g.score for g in grades}, gb.find_submission("ps1", student).max_score

        full, top = scores("right")
        assert top == len(ex) * editions.POINTS and sum(full.values()) == top
        lost, _ = scores("one_wrong")
        assert lost[f"test-{len(ex)}"] == 0 and sum(lost.values()) == top - editions.POINTS
        none, _ = scores("empty")
        assert sum(none.values()) == 0
