"""The course map is kept once (nnlab/course/map.py): README, notebook 00 and the build read it."""
import importlib.util
import pathlib

from nnlab.course.map import COURSE, markdown_table

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _build():
    spec = importlib.util.spec_from_file_location("nb_build", ROOT / "notebooks" / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readme_table_is_the_course_map():
    assert markdown_table() in (ROOT / "README.md").read_text()


def test_every_notebook_source_is_in_the_map_in_order():
    stems = sorted(p.stem for p in (ROOT / "notebooks" / "src").glob("*.py"))
    assert [nb.name for nb in COURSE] == stems


def test_build_refuses_a_source_outside_the_map_or_with_another_title(tmp_path):
    build = _build()
    for src in sorted((ROOT / "notebooks" / "src").glob("*.py")):
        assert build.course_problem(src) is None, src.name
    stray = tmp_path / "42_stray.py"
    stray.write_text("# %% [markdown]\n# # 42 · Stray\n")
    assert "not in the course map" in build.course_problem(stray)
    renamed = tmp_path / "01_neuron.py"
    renamed.write_text("# %% [markdown]\n# # 01 · Another title\n")
    assert "is not the course map's" in build.course_problem(renamed)
