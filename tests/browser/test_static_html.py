"""`make html`: the static pages show every explorer's picture and controls, and work offline.

The pages are written from the committed notebooks into a temporary folder, served on
127.0.0.1, and opened in headless Chromium with every request to another origin refused: the
math must be typeset by the bundled MathJax, each explorer's picture must load, its controls
table must be there, and no widget may show as its Python repr (`VBox(children=...`).
"""
from __future__ import annotations

import functools
import http.server
import threading

import pytest

from nnlab.export import export_html

from .conftest import NOTEBOOKS

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    export_html(out)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", out
    server.shutdown()


def test_every_page_works_offline_with_pictures_controls_and_typeset_math(pages, browser):
    base, out = pages
    foreign: list[str] = []
    context = browser.new_context()       # the session's Chromium (a second Playwright would clash)
    try:
        page = context.new_page()

        def route(r):
            if r.request.url.startswith(base):
                r.continue_()
            else:
                foreign.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        typeset = 0
        for nb in NOTEBOOKS:
            page.goto(f"{base}/{nb.stem}.html")
            page.wait_for_load_state("load")
            html = page.content()
            assert "VBox(children" not in html and "HBox(children" not in html, nb.name
            explorers = page.locator(".nnlab-static-explorer")
            n = explorers.count()
            if "application/vnd.jupyter.widget-view+json" in nb.read_text():
                assert n >= 1, f"{nb.name}: no explorer shown"
            for k in range(n):
                block = explorers.nth(k)
                assert block.locator("table.nnlab-controls tr").count() >= 2, nb.name
                img = block.locator("xpath=preceding-sibling::img[1]")
                assert img.count() == 1, nb.name
                assert img.evaluate("i => i.complete && i.naturalWidth > 0"), nb.name
            if "$" in html and nb.stem.startswith(("06", "09")):
                page.wait_for_selector(".MathJax_CHTML", timeout=30_000)
                typeset += page.locator(".MathJax_CHTML").count()
    finally:
        context.close()
    assert foreign == []
    assert typeset > 0
