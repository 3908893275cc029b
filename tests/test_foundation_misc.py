"""Exercises, data loading, the neuron module and the notebook builder."""
import json

import numpy as np
import pytest

from nnlab.core import data
from nnlab.course.exercises import Exercise, ExerciseSet
from nnlab.engine import neuron


@pytest.fixture
def exset():
    return ExerciseSet("t", [Exercise("What is 0.25 + 0.5?", answer=lambda: 0.75,
                                      solution=lambda: "0.75",
                                      mistakes=lambda: [(0.25, "you subtracted")])])


def test_check_feedback(exset):
    assert exset.check(1, 0.75) and exset.check(1, 0.7502)
    assert "No answer yet" in exset.check(1, None).message
    assert "subtracted" in exset.check(1, 0.25).message
    assert "sign" in exset.check(1, -0.75).message
    assert "factor of 10" in exset.check(1, 7.5).message
    assert not exset.check(1, 0.9)
    assert "number" in exset.check(1, "0.75").message
    assert "shape" in exset.check(1, [0.75, 1]).message


def test_exercise_numbers_are_validated(exset):
    for bad in (0, 2, "1", 1.0, True):
        with pytest.raises(ValueError, match="^number: expected an exercise number from 1 to 1"):
            exset.show(bad)
        with pytest.raises(ValueError, match="^number: expected an exercise number from 1 to 1"):
            exset.solution(bad)


def test_checking_a_wrong_exercise_number_is_one_line_of_feedback(exset):
    """In a notebook, `ex.check(2, ...)` with one exercise answers like the checker, no traceback."""
    for bad in (0, 2, "1", 1.0, True):
        fb = exset.check(bad, 0.75)
        assert not fb and "\n" not in fb.message
        assert fb.message.startswith("No such exercise: expected an exercise number from 1 to 1")
        assert repr(bad) in fb.message


@pytest.mark.parametrize("module", ["nnlab.course.start", "nnlab.course.neuron", "nnlab.course.backprop"])
def test_every_answer_key_is_accepted_and_has_a_solution(module):
    import importlib

    ex = importlib.import_module(module).exercises
    for row in ex.answer_key():
        assert ex.check(row["number"], row["answer"]), row
        assert row["solution"] and row["question"]


def test_fit_line_against_numpy_polyfit():
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, 30)
    y = 1.7 * x - 0.4 + rng.normal(0, 0.3, 30)
    m, c = neuron.fit_line(x, y)
    assert (m, c) == pytest.approx(tuple(np.polyfit(x, y, 1)), rel=1e-10)
    m2, c2, losses = neuron.gd_line(x, y, lr=0.05, steps=3000)
    assert (m2, c2) == pytest.approx((m, c), rel=1e-6) and losses[-1] <= losses[0]


def test_one_hot_and_the_play_table():
    names, X, t, table = neuron.play_tennis()
    assert X.shape == (4, 9) and np.all(X.sum(axis=1) == 4)  # one 1 per original column
    assert list(t) == [1, 0, 0, 1]
    w, b, losses = neuron.train_neuron(X, t, 1.0, 2000)
    _, y = neuron.neuron(X, w, b, "sigmoid")
    assert np.all((y > 0.5) == (t == 1)) and losses[-1] < losses[0]


def test_separability_of_the_gates():
    assert neuron.separable_by_one_neuron("AND") and neuron.separable_by_one_neuron("OR")
    assert not neuron.separable_by_one_neuron("XOR")


@pytest.mark.parametrize("call, argument", [
    (lambda: neuron.neuron([1, 2], [1, 2, 3]), "x"),
    (lambda: neuron.neuron([1, 2], [1, 2], float("nan")), "b"),
    (lambda: neuron.activate("swish", 1.0), "activation"),
    (lambda: neuron.fit_line([1, 1], [2, 3]), "x"),
    (lambda: neuron.train_neuron([[1.0]], [1.0], lr=0), "lr"),
    (lambda: neuron.gate_accuracy(1, 1, 0, "NAND"), "gate"),
])
def test_neuron_bad_input(call, argument):
    with pytest.raises(ValueError, match=rf"^{argument}: expected"):
        call()


def test_every_data_file_loads_without_pickle():
    files = data.data_files()
    assert any(f.name == "play_tennis.csv" for f in files)
    for f in files:
        assert data.load(f.name) is not None, f.name


def test_corrupted_and_truncated_files_give_clear_errors(tmp_path):
    for f in data.data_files():
        raw = f.read_bytes()
        broken = tmp_path / f.name
        broken.write_bytes(raw[: len(raw) // 2] if len(raw) > 40 else b"\x00\xff garbage")
        with pytest.raises(ValueError) as err:
            loaded = data.load(broken)
            # a CSV cut in the middle of a line is caught by the field count; one cut exactly
            # at a line end is still a valid (shorter) table, which the callers' checks catch
            if isinstance(loaded, data.Table):
                raise ValueError(f"{broken.name}: truncated table accepted")
        assert f.name in str(err.value)
        garbage = tmp_path / ("g_" + f.name)
        garbage.write_bytes(b"\x89\x00\xff\xfe not a data file")
        with pytest.raises(ValueError, match="g_" + f.name.replace(".", r"\.")):
            data.load(garbage)


def test_missing_data_file_and_unknown_extension():
    with pytest.raises(ValueError, match="not found"):
        data.load("no_such_file.csv")
    with pytest.raises(ValueError, match="^name: expected"):
        data.load("weights.pkl")


def test_notebook_builder_parses_cells_tags_and_metadata():
    import importlib.util
    import pathlib

    spec = importlib.util.spec_from_file_location(
        "build", pathlib.Path(__file__).parent.parent / "notebooks" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    nb = build.parse('# %% [metadata]\n# {"nnlab": {"main": "m:f"}}\n# %% [markdown]\n# # Title\n#\n'
                     '# text\n# %%\nx = 1\n\n# %% tags=["skip-execution"]\ny = 2\n')
    assert nb.metadata["nnlab"] == {"main": "m:f"}
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[0].source == "# Title\n\ntext" and nb.cells[1].source == "x = 1"
    assert nb.cells[2].metadata["tags"] == ["skip-execution"]
    with pytest.raises(ValueError):
        build.parse("print('no marker')\n")


def test_committed_notebooks_name_a_main_explorer():
    import pathlib

    for path in sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb")):
        meta = json.loads(path.read_text())["metadata"]
        assert ":" in meta.get("nnlab", {}).get("main", ""), path.name


def test_nbval_markers_stand_alone_and_say_why():
    """nbval recognises '# NBVAL_IGNORE_OUTPUT' only alone on its line; each one says why."""
    import pathlib
    import re

    for path in sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            lines = "".join(cell["source"]).splitlines()
            for k, line in enumerate(lines):
                if "NBVAL_" in line and line.strip().startswith("#"):
                    assert re.fullmatch(r"#\s*NBVAL_[A-Z_]+", line.strip()), f"{path.name}: {line!r}"
                    if "IGNORE_OUTPUT" in line:
                        assert k + 1 < len(lines) and lines[k + 1].startswith("# Why:"), path.name


def test_the_course_map_names_every_notebook_once():
    import pathlib

    from nnlab.course.map import COURSE, course_map, markdown_table, title_of

    root = pathlib.Path(__file__).parent.parent
    sources = sorted(p.stem for p in (root / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
    assert [nb.name for nb in COURSE] == sources
    for nb in COURSE:  # each title is the one the notebook's heading shows (build.py checks it too)
        heading = f"# # {nb.name[:2]} · {nb.title}"
        assert heading in (root / "notebooks" / "src" / f"{nb.name}.py").read_text().splitlines()
        assert title_of(nb.name[:2]) == nb.title
    table = markdown_table().splitlines()
    assert table[0] == "| notebook | what it teaches | course notes |" and len(table) == 2 + len(COURSE)
    assert all(f"`{nb.name}`" in row for nb, row in zip(COURSE, table[2:]))
    assert "<table>" in course_map()._repr_html_() and "02_backprop_by_hand" in repr(course_map())
    with pytest.raises(ValueError, match="^name: expected"):
        title_of("42")


def test_environment_report_and_version_comparison():
    from nnlab.core.environment import at_least, environment_report
    assert at_least("2.1.0", "1.24") and at_least("1.24rc1", "1.24") and not at_least("1.9", "1.24")
    report = environment_report(seed=3)
    assert report.splitlines()[0].startswith("python==") and "seed: 3" in report
    assert report.splitlines()[-1] == "environment: OK"
