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


def png_bytes(fig: Figure) -> bytes:
    """Encode the figure as PNG (no extra draw: savefig draws once)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


class FigureView:
    """A Figure shown through an ipywidgets.Image; `refresh()` re-encodes it after artists change."""

    def __init__(self, fig: Figure, alt: str = "figure"):
        self.fig = fig
        w, h = fig.get_size_inches() * fig.dpi
        self.image = W.Image(format="png", width=int(w), height=int(h),
                             layout=W.Layout(max_width="100%", height="auto"))
        self.image.add_class("nnlab-figure")
        self.alt = alt
        self.refresh()

    def refresh(self) -> None:
        self.image.value = png_bytes(self.fig)

    def close(self) -> None:
        self.image.close()
        self.fig.clear()


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
