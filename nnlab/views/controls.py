"""How a preset line reads and writes each kind of control (used by `ui.Explorer`).

A choice (Dropdown, ToggleButtons, SelectMultiple, ...) is written by the label the learner
sees; a slider, checkbox or text box by its value, checked against the control's range.
"""
from __future__ import annotations

import math

import ipywidgets as W


def plain(value):
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def is_choice(control) -> bool:
    return isinstance(control, (W.widgets.widget_selection._Selection,
                                W.widgets.widget_selection._MultipleSelection))


def shown(control):
    """What a preset writes for a control: the label of a choice, the value otherwise."""
    return control.label if is_choice(control) else control.value


def assign(control, value) -> None:
    if is_choice(control):
        if control.label != value:
            control.label = value
    elif control.value != value:
        control.value = value


def check_value(name, control, value):
    """`value` as the control takes it (a label for a choice), or a ValueError naming the entry."""
    if is_choice(control):
        labels = list(control._options_labels)
        if isinstance(control.value, tuple) and isinstance(control, W.SelectMultiple):
            chosen = tuple(value) if isinstance(value, list) else (value,)
            bad = [v for v in chosen if v not in labels]
            if bad:
                raise ValueError(f"preset: {name}: expected some of {labels}, got {bad}")
            return chosen
        if value not in labels:
            raise ValueError(f"preset: {name}: expected one of {labels}, got {value!r}")
        return value
    if isinstance(control.value, bool):
        if not isinstance(value, bool):
            raise ValueError(f"preset: {name}: expected true or false, got {value!r}")
        return value
    if isinstance(control.value, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"preset: {name}: expected a number, got {value!r}")
        lo, hi = getattr(control, "min", None), getattr(control, "max", None)
        if hasattr(control, "base"):      # FloatLogSlider: min and max are exponents
            lo, hi = control.base ** lo, control.base ** hi
        if lo is not None and not lo - 1e-12 <= value <= hi + 1e-12:
            raise ValueError(f"preset: {name}: expected a number from {lo:g} to {hi:g}, got {value!r}")
        return int(value) if isinstance(control.value, int) else float(value)
    if isinstance(control.value, str) and not isinstance(value, str):
        raise ValueError(f"preset: {name}: expected \"text\", got {value!r}")
    return value


SLIDER_MIN_PX = 300         # label (up to ~150 px) + track (>= 80 px) + readout (~60 px)
LABEL_PX_PER_CHAR = 8       # JupyterLab's 13 px sans-serif, a little generously
TRACK_AND_READOUT_PX = 190  # a track of at least 100 px and a readout of 6 to 8 characters


def fit_narrow_screens(widget) -> None:
    """Rows wrap instead of squeezing their children, and no slider shrinks below SLIDER_MIN_PX
    (or the width it was given), so on a laptop screen (1024 px with the file browser open) every
    slider keeps a usable track and every readout its digits: a slider that does not fit moves to
    the next line."""
    for child in getattr(widget, "children", ()):
        fit_narrow_screens(child)
    if isinstance(widget, W.HBox) and not widget.layout.flex_flow:
        widget.layout.flex_flow = "row wrap"
    if isinstance(widget, (W.FloatSlider, W.IntSlider, W.FloatLogSlider, W.SelectionSlider,
                           W.FloatRangeSlider, W.IntRangeSlider)) and not widget.layout.min_width:
        declared = widget.layout.width or ""
        px = int(declared[:-2]) if declared.endswith("px") and declared[:-2].isdigit() else 0
        label = LABEL_PX_PER_CHAR * len(widget.description or "")   # the label is as wide as its text
        widget.layout.min_width = f"{max(px, SLIDER_MIN_PX, int(label) + TRACK_AND_READOUT_PX)}px"
