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

import io

import ipywidgets as W
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

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
    """Base class of the interactive explorers; subclasses build `widget`, `main`, `controls`."""

    widget: W.Widget
    main: W.Widget
    controls: dict

    def mark_main(self, control: W.Widget) -> W.Widget:
        control.add_class(MAIN_CLASS)
        self.main = control
        return control

    def _ipython_display_(self):  # shown by IPython.display / as a cell's last expression
        from IPython.display import display

        display(self.widget)

    def state(self) -> dict:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def close(self) -> None:
        """Close every widget of the explorer (the whole tree under `widget`) and its figures."""
        for view in getattr(self, "views", []):
            view.close()
        for control in getattr(self, "controls", {}).values():
            control.close()
        close_tree(self.widget)


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
