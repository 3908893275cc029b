"""Every control of every explorer that a notebook displays, swept (none listed by hand).

Each notebook's code is run in this process (IPython's shell, no kernel), and every explorer it
displays is recorded. Then, for each explorer and each of its controls, with the others at their
defaults: every option of a choice (and, for a multi-select, each option alone, all, none), both
states of a checkbox, a slider's minimum, middle and maximum, a press of every button. After
every change:
- no exception escaped the callback, and the explorer shows no problem message;
- `state()` agrees with the controls wherever it reports a control's own setting;
then a cumulative pass (every control to its maximum, then to its minimum) and Reset, which
must bring back the defaults, the same `state()` and an unchanged preset line.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import ipywidgets as W
import numpy as np
import pytest

from nnlab.views.controls import is_choice, shown
from nnlab.views.ui import Explorer

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def run_notebook(path: Path) -> list[Explorer]:
    """Run the notebook's code cells in an IPython shell; the explorers it displayed, in order."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.reset(new_session=True)
    shown_explorers: list[Explorer] = []
    original = Explorer._ipython_display_
    Explorer._ipython_display_ = lambda self: shown_explorers.append(self)
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code" or "skip-execution" in cell.get("metadata", {}).get("tags", []):
                continue
            result = shell.run_cell("".join(cell["source"]), store_history=False)
            if not result.success:
                error = result.error_in_exec or result.error_before_exec
                raise AssertionError(f"{path.name}: a cell failed: {error!r}")
    finally:
        os.chdir(cwd)
        Explorer._ipython_display_ = original
    seen, out = set(), []
    for ex in shown_explorers:
        if id(ex) not in seen:
            seen.add(id(ex))
            out.append(ex)
    return out


def sweep_values(control) -> list:
    """The values the sweep gives one control (labels for a choice)."""
    if isinstance(control, W.SelectMultiple):
        labels = list(control._options_labels)
        return [(label,) for label in labels] + [tuple(labels), ()]
    if is_choice(control):
        return list(control._options_labels)
    if isinstance(control.value, bool):
        return [not control.value, control.value]
    if isinstance(control.value, (int, float)) and hasattr(control, "min"):
        lo, hi = control.min, control.max
        step = getattr(control, "step", None) or 0
        mid = lo + (hi - lo) / 2
        if step:
            mid = lo + round((mid - lo) / step) * step
        values = [lo, mid, hi]
        if hasattr(control, "base"):
            values = [control.base ** v for v in values]
        if isinstance(control.value, int):
            values = [int(round(v)) for v in values]
        return values
    return []


def set_shown(control, value) -> None:
    if is_choice(control):
        control.label = value
    else:
        control.value = value


def agree(reported, control) -> bool:
    """Does a number or label that state() reports for a control match the control?"""
    value = control.value
    if is_choice(control):
        if isinstance(value, tuple) and isinstance(reported, (list, tuple)):
            return list(reported) in (list(value), list(control.label))
        return reported in (value, control.label)
    if isinstance(value, bool) or isinstance(reported, (str, bool)) or reported is None:
        return reported == value
    if isinstance(reported, (int, float, np.number)) and isinstance(value, (int, float)):
        step = getattr(control, "step", None) or 0
        return math.isclose(float(reported), float(value), rel_tol=1e-6, abs_tol=step / 2 + 1e-9)
    return True  # a structure of its own: checked by the explorer's tests


def check(ex: Explorer, what: str) -> None:
    assert not ex.problem, f"{type(ex).__name__} after {what}: {ex.problem}"
    state = ex.state()
    assert isinstance(state, dict), f"{type(ex).__name__}.state() is not a dict"
    for name, control in ex.settable().items():
        if name in state:
            assert agree(state[name], control), (
                f"{type(ex).__name__} after {what}: state()[{name!r}] = {state[name]!r} "
                f"but the control shows {shown(control)!r}")


def sweep(ex: Explorer) -> int:
    name = type(ex).__name__
    defaults = ex.control_values()
    start_state, start_preset = ex.state(), ex.preset()
    changes = 0
    for cname, control in list(ex.controls.items()):
        if isinstance(control, W.Button):
            control.click()
            changes += 1
            check(ex, f"pressing {cname}")
            continue
        if cname not in ex.settable():
            continue
        for value in sweep_values(control):
            set_shown(control, value)
            changes += 1
            check(ex, f"{cname} = {value!r}")
        ex.reset_controls()
        check(ex, f"Reset after sweeping {cname}")
    for end in (-1, 0):   # every control to its maximum, then to its minimum, cumulatively
        for cname, control in ex.settable().items():
            values = sweep_values(control)
            if values:
                set_shown(control, values[end])
                changes += 1
                check(ex, f"{cname} = {values[end]!r} with the others at their {'max' if end else 'min'}")
    ex.reset_controls()
    after = ex.control_values()
    moved = {k: (defaults[k], after[k]) for k in defaults if after[k] != defaults[k]}
    assert not moved, (f"{name}: after Reset these controls differ from what the notebook showed "
                       f"(shown, after Reset): {moved}; a later cell changed the displayed explorer, "
                       "or Reset cannot restore them")
    assert ex.preset() == start_preset, f"{name}: the preset after Reset differs"
    assert json.dumps(ex.state(), default=str) == json.dumps(start_state, default=str), \
        f"{name}: state() after Reset differs from the state at the start"
    return changes


def preset_round_trip(ex: Explorer) -> None:
    ex.reset_controls()
    line, state = ex.preset(), json.dumps(ex.state(), default=str)
    for control in ex.settable().values():   # move everything away
        values = sweep_values(control)
        if values:
            set_shown(control, values[-1])
    ex.apply_preset(line)
    assert ex.preset() == line, f"{type(ex).__name__}: preset not restored"
    assert json.dumps(ex.state(), default=str) == state, f"{type(ex).__name__}: state not restored"
    with pytest.raises(ValueError, match="^preset: "):
        ex.apply_preset("no_such_control=1")
    ex.reset_controls()


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_control_of_every_displayed_explorer(notebook):
    """The sweep, then the preset line: a state written out and pasted back is the same state."""
    explorers = run_notebook(notebook)
    assert explorers, f"{notebook.name} displays no explorer"
    try:
        for ex in explorers:
            sweep(ex)
            preset_round_trip(ex)
    finally:
        for ex in explorers:
            ex.close()
