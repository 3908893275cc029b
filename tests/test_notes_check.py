"""The notes check: verdicts worked out by hand from the notes' arithmetic, then tested."""
import json
from decimal import Decimal

import pytest

from nnlab.cli import main
from nnlab.course import notes_check

# Worked out by hand (see the docstring of nnlab.course.notes_check for the inputs):
EXPECTED = {
    "z3 (a1)": "correct",                     # 0.035 + 0.72 = 0.755
    "x2 as printed in the a1 line": "erratum",  # 0.8 printed, 0.9 used
    "y3": "correct",                          # σ(0.755) = 0.68027
    "z4 (a2)": "correct",                     # 0.14 + 0.54
    "y4": "correct",                          # σ(0.68) = 0.66374
    "z5 (a3)": "rounding",                    # 0.68·0.3 + 0.6637·0.9 = 0.80133; exact 0.80145
    "y5": "rounding",                         # σ(0.8013) = 0.69025 written 0.6902; exact 0.69028
    "error t5 - y5": "correct",
    "δ5": "rounding",                         # -0.040669 written -0.0406; exact -0.040681
    "δ3": "correct",
    "δ4": "rounding",                         # -0.0081558 written -0.00815; exact -0.0081717
    "Δw45": "rounding",                       # -0.0406·0.6637 = -0.026946; exact -0.0270016
    "w45 (new)": "rounding",                  # 0.9 - 0.0269; exact 0.872998
    "Δw14": "erratum",                        # -0.0082·0.35 = -0.00287, written -0.0287
    "w14 (new)": "correct",                   # 0.4 - 0.00286 = 0.39714
    "Δw45 (summary)": "rounding",             # -0.0269 cut to -0.026
    "Δw14 (summary)": "erratum",
    "Δw35 (summary)": "erratum",              # -0.0026 is δ3; Δw35 = -0.0277
    "Δw24 (summary)": "erratum",              # Δw24 = -0.00735
    "error, 2nd iteration": "erratum",        # -0.1820
    "error, 3rd iteration": "erratum",        # -0.1739
    "error, 3rd iteration (second reading)": "erratum",
}


@pytest.fixture(scope="module")
def rows():
    return notes_check.check()


def test_every_number_of_the_example_has_the_expected_verdict(rows):
    assert {r.quantity: r.verdict for r in rows} == EXPECTED


def test_correct_rows_round_to_the_notes_and_the_others_do_not(rows):
    for r in rows:
        d = notes_check.decimals_of(r.notes)
        matches = round(Decimal(repr(r.exact)), d) == Decimal(r.notes)
        assert matches == (r.verdict == "correct"), r.quantity


def test_the_engine_values_are_the_known_ones(rows):
    by = {r.quantity: r.exact for r in rows}
    # independent: plain arithmetic of the notes' formulas (test_network has the full derivation)
    assert by["Δw14"] == pytest.approx(-0.00286008, abs=1e-8)
    assert by["Δw35 (summary)"] == pytest.approx(-0.0276740, abs=1e-7)
    assert by["error, 2nd iteration"] == pytest.approx(-0.182019, abs=1e-6)


def test_errata_name_a_cause_only_when_the_slip_reproduces_the_number(rows):
    by = {r.quantity: r for r in rows}
    assert "decimal point" in by["Δw14"].why
    assert "δ3" in by["Δw35 (summary)"].why
    assert "cause unknown" in by["Δw24 (summary)"].why


def test_cli_json_rows(capsys):
    assert main(["notes-check", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == len(EXPECTED)
    for row in data:
        assert {"quantity", "notes", "exact", "verdict", "why"} <= set(row)
        assert row["verdict"] in ("correct", "rounding", "erratum")
        assert isinstance(row["exact"], float)


def test_cli_text_table(capsys):
    assert main(["notes-check"]) == 0
    out = capsys.readouterr().out
    assert "Δw14" in out and "erratum" in out and "↳" in out


def test_notebook_object_renders_html_and_text():
    nc = notes_check.NotesCheck()
    verdicts = list(EXPECTED.values())
    assert nc.counts() == {v: verdicts.count(v) for v in ("correct", "rounding", "erratum")}
    assert "<table>" in nc._repr_html_() and "Δw35 (summary)" in repr(nc)
