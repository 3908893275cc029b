"""`make html`'s static copy: a widget output becomes its picture and its controls' values."""
from __future__ import annotations

from pathlib import Path

import nbformat

from nnlab.export import WIDGET, _offline, static_copy

ROOT = Path(__file__).resolve().parents[1]


def test_each_explorer_output_becomes_picture_and_controls_and_nothing_else_changes():
    nb = nbformat.read(ROOT / "notebooks" / "02_backprop_by_hand.ipynb", as_version=4)
    copy = static_copy(nb)
    widgets = [o for c in nb.cells for o in c.get("outputs", []) if WIDGET in o.get("data", {})]
    assert widgets
    shown = [o for c in copy.cells for o in c.get("outputs", []) if "nnlab-static-explorer"
             in o.get("data", {}).get("text/html", "")]
    assert len(shown) == len(widgets)
    assert not any(WIDGET in o.get("data", {}) for c in copy.cells for o in c.get("outputs", []))
    html = shown[0]["data"]["text/html"]
    assert html.startswith('<img alt="BackpropExplorer') and "data:image/png;base64," in html
    assert "<code>w13</code></td><td><code>0.1</code>" in html
    assert [c.source for c in copy.cells] == [c.source for c in nb.cells]


def test_scripts_from_other_origins_are_dropped():
    body = ('<script src="https://cdnjs.example/require.js"></script><script>local()</script>'
            '<script type="module">import("https://cdn/x.mjs")</script>')
    assert _offline(body) == "<script>local()</script>"
