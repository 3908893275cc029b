"""What every interactive explorer shares: a reusable figure and the Explorer protocol.

Figures are `matplotlib.figure.Figure` objects drawn on an Agg canvas, not pyplot figures:
pyplot never hears of them, so moving a slider a thousand times opens no window and leaks
no figure. A redraw updates the artists of the one figure and re-encodes it as PNG into an
`ipywidgets.Image`, which the browser swaps in place (no Output widget, no clear_output).

An Explorer is a small object with:
- `widget`: the root ipywidgets container that the notebook displays;
- `main`: the one control a browser test moves and a storm test hammers (it carries the
  CSS class `nnlab-main`);
- `controls`: name -> control, so pytest can set any `.value` and watch the result;
- `state()`: the numbers currently shown, for tests;
- `close()`: closes the widgets it made.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import json

import ipywidgets as W
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .controls import assign, check_value, fit_narrow_screens, plain, shown

MAIN_CLASS = "nnlab-main"


def new_figure(width_px: int = 640, height_px: int = 360, dpi: int = 100, **subplots):
    """A Figure on its own Agg canvas (outside pyplot) with a grid of axes."""
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(**subplots) if subplots else fig.add_subplot()
    return fig, axes


def _encode(canvas) -> bytes:
    from PIL import Image

    width, height = canvas.get_width_height(physical=True)
    img = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def png_bytes(fig: Figure) -> bytes:
    """Draw the figure once on its Agg canvas and encode the pixels as PNG.

    (`savefig` draws the figure twice and compresses harder; this is about twice as fast.)"""
    fig.canvas.draw()
    return _encode(fig.canvas)


class FigureView:
    """A Figure shown through an ipywidgets.Image; `refresh()` re-encodes it after artists change.

    With `animated=[artists]`, the rest of the figure (axes, ticks, static text) is drawn once
    and kept as a background; a refresh restores it and draws only the animated artists
    (blitting), which is several times cheaper. Call `refresh(full=True)` after changing
    anything that is not animated (axis limits, static labels)."""

    def __init__(self, fig: Figure, alt: str = "figure", animated=()):
        self.fig = fig
        self.animated = list(animated)
        for artist in self.animated:
            artist.set_animated(True)
        self._background = None
        w, h = fig.get_size_inches() * fig.dpi
        self.image = W.Image(format="png", width=int(w), height=int(h),
                             layout=W.Layout(max_width="100%", height="auto"))
        self.image.add_class("nnlab-figure")
        self.alt = alt
        self.refresh(full=True)

    def refresh(self, full: bool = False) -> None:
        canvas = self.fig.canvas
        if not self.animated:
            self.image.value = png_bytes(self.fig)
            return
        if full or self._background is None:
            canvas.draw()  # animated artists are left out of a normal draw
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self.animated:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        self.image.value = _encode(canvas)

    def close(self) -> None:
        self.image.close()
        self._background = None
        self.fig.clear()


class StaticFigure:
    """A figure shown once (no widget): PNG for the notebook, a one-line description as text."""

    def __init__(self, fig: Figure, description: str):
        self.fig = fig
        self.description = description

    def _repr_png_(self) -> bytes:
        return png_bytes(self.fig)

    def __repr__(self) -> str:
        return f"<figure: {self.description}>"


class Explorer:
    """Base class of the interactive explorers; subclasses build `widget`, `main`, `controls`.

    What every explorer gets from here, without writing it again:
    - `watch(control, callback)` / `on_click(button, callback)`: the callback runs guarded; an
      exception never escapes it: the explorer shows a one-line message (`problem`) under its
      picture, saying which setting failed, until a later change succeeds;
    - `reset_controls()` and a Reset button: every control back to the value it had when the explorer was
      made (the notebook's defaults);
    - `preset()` / `apply_preset(text)`: the whole state of the controls as one line of text
      (`lr=0.05; optimizer="adam"`), shown in a box under the explorer; pasting a line there
      restores it (TensorFlow Playground keeps its state in its URL the same way);
    - display: the controls and picture, then the Reset/preset bar and the message line; the
      output also carries a PNG of the current picture (`snapshot_png()`), so a static copy of
      the notebook (GitHub, nbviewer, `make html`) shows the figure instead of the widget's repr.
    """

    widget: W.Widget
    main: W.Widget
    controls: dict

    # -- construction: the defaults are the controls' values when the outermost __init__ returns --
    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        init = cls.__dict__.get("__init__")
        if init is None:
            return

        def __init__(self, *args, __init=init, **kwargs):
            depth = getattr(self, "_init_depth", 0)
            self._init_depth = depth + 1
            try:
                __init(self, *args, **kwargs)
            finally:
                self._init_depth = depth
            if depth == 0:
                self._defaults = self.control_values()

        __init__.__doc__ = init.__doc__
        __init__.__wrapped__ = init
        cls.__init__ = __init__

    def mark_main(self, control: W.Widget) -> W.Widget:
        control.add_class(MAIN_CLASS)
        self.main = control
        return control

    # -- guarded callbacks -------------------------------------------------------------------------
    @property
    def problem_line(self) -> W.HTML:
        """The one-line message under the explorer ('' while every change has worked)."""
        if getattr(self, "_status", None) is None:
            self._status = W.HTML("", layout=W.Layout(min_height="0"))
            self._status.add_class("nnlab-status")
        return self._status

    @property
    def problem(self) -> str:
        """The message shown now, as plain text ('' when there is none)."""
        return getattr(self, "_problem", "")

    def guarded(self, callback):
        """`callback` wrapped so that no exception escapes it (see the class docstring)."""
        @functools.wraps(callback)
        def run(*args, **kwargs):
            try:
                out = callback(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - shown in the explorer, never a traceback
                self.report_problem(exc)
                return None
            if self.problem:
                self.report_problem(None)
            return out
        return run

    def report_problem(self, exc) -> None:
        if exc is None:
            self._problem = ""
            self.problem_line.value = ""
            return
        text = " ".join(str(exc).split()) or type(exc).__name__
        self._problem = (f"Could not redraw with these settings ({type(exc).__name__}: {text}). "
                         "The picture still shows the last settings that worked: change a "
                         "control or press Reset.")
        self.problem_line.value = f"<span style='color:#b00020'>⚠ {html.escape(self._problem)}</span>"

    def watch(self, control: W.Widget, callback, names="value") -> None:
        """Call `callback(change)` when the control's value changes, guarded."""
        control.observe(self.guarded(callback), names=names)

    def on_click(self, button: W.Button, callback) -> None:
        """Call `callback(button)` when the button is pressed, guarded."""
        button.on_click(self.guarded(callback))

    # -- state of the controls: defaults, reset, presets ---------------------------------------------
    def settable(self) -> dict:
        """The controls whose value is state (not buttons, not the Play widget's 'playing')."""
        return {name: c for name, c in getattr(self, "controls", {}).items()
                if hasattr(c, "value") and not isinstance(c, (W.Button, W.Play))}

    def control_values(self) -> dict:
        return {name: c.value for name, c in self.settable().items()}

    def set_control_values(self, values: dict) -> None:
        controls = self.settable()
        for name, value in values.items():
            control = controls[name]
            if control.value != value:
                control.value = value

    def reset_controls(self, *_ignored) -> None:
        """Every control back to the value it had when the explorer was made."""
        self.set_control_values(getattr(self, "_defaults", {}))
        self.report_problem(None)

    def preset(self) -> str:
        """The controls' state as one line, `name=value; ...`, each value written as JSON (a choice
        by the label the learner sees)."""
        return "; ".join(f"{name}={json.dumps(plain(shown(c)), ensure_ascii=False)}"
                         for name, c in self.settable().items())

    def preset_entries(self, text) -> list:
        """(name, value) for each entry of a preset line, in order; names and JSON checked."""
        if not isinstance(text, str):
            raise ValueError(f"preset: expected a line such as {self.preset()!r}, got {text!r}")
        controls, out = self.settable(), []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            name, eq, raw = part.partition("=")
            name = name.strip()
            if not eq or name not in controls:
                known = ", ".join(controls)
                raise ValueError(f"preset: expected name=value with a name among {known}, got {part!r}")
            try:
                out.append((name, json.loads(raw)))
            except json.JSONDecodeError:
                raise ValueError(f"preset: {name}: expected a JSON value (a number, \"text\" or "
                                 f"[a, list]), got {raw.strip()!r}") from None
        return out

    def parse_preset(self, text) -> dict:
        """name -> value of a preset line, each checked against its control as it is now."""
        return {name: check_value(name, self.settable()[name], value)
                for name, value in self.preset_entries(text)}

    def apply_preset(self, text: str) -> None:
        """Set the controls to the values of a `preset()` line, in its order (the others keep theirs).

        Two passes: the first sets each entry that fits the ranges and options as they are then,
        the second sets and checks every entry again, so an entry may depend on an earlier or a
        later one (a choice whose options depend on another choice, a slider whose range depends
        on another slider). A value that fitted its control before another entry narrowed the
        control's range is kept as the control clamps it; a value that never fits (a wrong name,
        option or type, a number outside every range it had) is refused, and a refused line
        leaves every control as it was."""
        entries = self.preset_entries(text)
        before = self.control_values()
        fitted = set()                  # entries that fitted their control at some point
        for name, value in entries:
            try:
                check_value(name, self.settable()[name], value)
                fitted.add(name)
            except ValueError:
                pass
        for name, value in entries:     # first pass: what fits now (a range may depend on a later entry)
            control = self.settable()[name]
            try:
                assign(control, check_value(name, control, value))
                fitted.add(name)
            except ValueError:
                pass
        try:                            # second pass: every entry against the final ranges
            for name, value in entries:
                control = self.settable()[name]
                try:
                    assign(control, check_value(name, control, value))
                except ValueError:
                    if name not in fitted:
                        raise
                    # it fitted before another entry narrowed its range: the control keeps the
                    # nearest value it allows, as it does when the learner moves that other control
        except ValueError:
            self.set_control_values(before)
            raise

    def toolbar(self) -> W.Widget:
        """The Reset button and the preset box shown under the explorer."""
        if getattr(self, "_toolbar", None) is None:
            reset = W.Button(description="Reset", tooltip="every control back to the notebook's default",
                             layout=W.Layout(width="80px"))
            reset.on_click(lambda _b: self._apply_guarded(self.reset_controls))
            box = W.Text(value=self.preset(), description="preset:", continuous_update=False,
                         style={"description_width": "initial"},
                         layout=W.Layout(width="100%", max_width="720px"))
            box.add_class("nnlab-preset")
            self._preset_box = box
            self._syncing = False

            def pasted(change):
                if not self._syncing and change["new"] != self.preset():
                    self._apply_guarded(lambda: self.apply_preset(change["new"]))

            box.observe(pasted, names="value")
            for control in self.settable().values():
                control.observe(lambda _c: self._sync_preset(), names="value")
            self._reset_button = reset
            self._toolbar = W.HBox([reset, box], layout=W.Layout(width="100%"))
        return self._toolbar

    def _apply_guarded(self, fn) -> None:
        try:
            fn()
        except ValueError as exc:  # a mistyped preset: say so, keep the state
            self.report_problem(exc)
        self._sync_preset()

    def _sync_preset(self) -> None:
        box = getattr(self, "_preset_box", None)
        if box is not None:
            self._syncing = True
            try:
                box.value = self.preset()
            finally:
                self._syncing = False

    # -- display ---------------------------------------------------------------------------------
    def frame(self) -> W.Widget:
        """What the notebook shows: the explorer, the Reset/preset bar and the message line."""
        if getattr(self, "_frame", None) is None:
            fit_narrow_screens(self.widget)
            self._frame = W.VBox([self.widget, self.toolbar(), self.problem_line])
        return self._frame

    def snapshot_png(self) -> bytes | None:
        """A PNG of the current picture (the first figure) for static copies, or None."""
        views = getattr(self, "views", None) or []
        if not views:
            return None
        shown = getattr(getattr(views[0], "image", None), "value", b"")
        # the PNG the widget shows now (blitted artists included); a redraw would leave them out
        return bytes(shown) if shown else png_bytes(views[0].fig)

    def _ipython_display_(self):  # shown by IPython.display / as a cell's last expression
        from IPython.display import display

        bundle = self.frame()._repr_mimebundle_()
        data = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
        data["text/plain"] = f"{type(self).__name__} ({self.preset()})"
        png = self.snapshot_png()
        if png is not None:
            data["image/png"] = base64.b64encode(png).decode("ascii")
        display(data, raw=True)

    def state(self) -> dict:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def close(self) -> None:
        """Close every widget of the explorer (the whole tree under `widget`) and its figures."""
        for view in getattr(self, "views", []):
            view.close()
        for control in getattr(self, "controls", {}).values():
            control.close()
        close_tree(getattr(self, "_frame", None) or self.widget)


def close_tree(widget) -> None:
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def slider(description: str, value: float, lo: float, hi: float, step: float,
           readout_format: str = ".2f", width: str = "320px") -> W.FloatSlider:
    """A FloatSlider with a readable, non-truncated label."""
    return W.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                         readout_format=readout_format, continuous_update=False,
                         style={"description_width": "initial"},
                         layout=W.Layout(width=width))
