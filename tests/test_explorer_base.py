"""nnlab.views.ui.Explorer: guarded callbacks, Reset, presets, the static picture, narrow screens."""
import ipywidgets as W
import pytest

from nnlab.views.controls import SLIDER_MIN_PX, fit_narrow_screens
from nnlab.views.ui import Explorer, FigureView, new_figure, slider


class Toy(Explorer):
    """A slider a; the callback fails when a > 2 (as a real one might at an impossible setting)."""

    def __init__(self, a=1.0, mode="sum"):
        self.a = slider("a", a, 0.0, 4.0, 0.5)
        self.mode = W.Dropdown(options=[("Sum", "sum"), ("Product", "product")], value=mode)
        self.go = W.Button(description="go")
        self.controls = {"a": self.a, "mode": self.mode, "go": self.go}
        fig, self.ax = new_figure(200, 100)
        self.line, = self.ax.plot([0, 1], [0, a])
        self.views = [FigureView(fig)]
        self.presses = 0
        self.widget = W.VBox([W.HBox([self.a, self.mode, self.go]), self.views[0].image])
        self.mark_main(self.a)
        self.watch(self.a, self.update)
        self.on_click(self.go, self.press)

    def update(self, _change=None):
        if self.a.value > 2:
            raise ValueError("a: expected at most 2 here")
        self.line.set_ydata([0, self.a.value])
        self.views[0].refresh()

    def press(self, _button):
        self.presses += 1

    def state(self):
        return {"a": self.a.value, "mode": self.mode.value}


def test_a_failing_callback_shows_one_line_and_clears_on_success():
    t = Toy()
    t.a.value = 3.0                         # no exception escapes
    assert "ValueError: a: expected at most 2 here" in t.problem and "\n" not in t.problem
    assert "⚠" in t.problem_line.value
    t.a.value = 1.5
    assert t.problem == "" and t.problem_line.value == ""
    t.go.click()
    assert t.presses == 1


def test_reset_and_preset_round_trip():
    t = Toy(a=0.5, mode="product")
    assert t.preset() == 'a=0.5; mode="Product"'       # a choice by the label the learner sees
    t.a.value, t.mode.value = 2.0, "sum"
    t.apply_preset('mode="Product"; a=0.5')
    assert t.state() == {"a": 0.5, "mode": "product"}
    t.a.value = 1.0
    t.reset_controls()
    assert t.control_values() == {"a": 0.5, "mode": "product"}
    for bad, match in [("b=1", "name among a, mode"), ("a=9", "from 0 to 4"), ('mode="Max"', "one of"),
                       ("a=oops", "JSON value"), (3, "expected a line")]:
        with pytest.raises(ValueError, match="^preset: .*" + match):
            t.apply_preset(bad)
    with pytest.raises(ValueError):
        t.apply_preset('a=1.5; mode="Max"')             # a bad entry leaves everything as it was
    assert t.control_values() == {"a": 0.5, "mode": "product"}


def test_display_carries_the_picture_shown_now():
    t = Toy()
    t.a.value = 2.0
    assert t.snapshot_png() == bytes(t.views[0].image.value) and t.snapshot_png()[:4] == b"\x89PNG"
    frame = t.frame()
    assert frame.children[0] is t.widget and t.problem_line in frame.children


def test_narrow_screens_wrap_rows_and_keep_slider_tracks():
    long = slider("weight w of every layer and more", 1.0, 0.0, 2.0, 0.1, width="200px")
    short = slider("x", 1.0, 0.0, 2.0, 0.1)
    row = W.HBox([long, short])
    fit_narrow_screens(W.VBox([row]))
    assert row.layout.flex_flow == "row wrap"
    assert int(short.layout.min_width[:-2]) == max(320, SLIDER_MIN_PX)
    assert int(long.layout.min_width[:-2]) >= 8 * len(long.description) + 100
