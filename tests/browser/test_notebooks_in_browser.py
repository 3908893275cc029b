"""Every notebook, run in real JupyterLab in headless Chromium, the way a learner runs it.

For each notebook in notebooks/ (discovered, not listed) the page is opened once, with the file
browser open, at 1280×800, and Run All is pressed; then, each as its own test:
- it ran cleanly: no cell shows an error, the page logged no error from the widget manager,
  every widget output rendered (not "Loading widget…", "Error displaying widget" or the bare
  text form such as `FloatSlider(value=…)`), and no explorer shows a problem message
  (`.nnlab-status` is empty);
- it fits a laptop (at 1280×800 and at 1024×768, file browser open): every slider's track is at
  least 80 px wide and no readout, label or table cell is clipped (its text wider than its box,
  or cut by an ancestor that hides overflow);
- its main control (CSS class `nnlab-main`) reacts: pressed from the keyboard several times,
  each press changes what the explorer shows, no problem message appears, and the time from the
  key press to the last change of the view in the page (a MutationObserver in the page, clock
  `performance.now()`) is recorded; median and p95 per notebook go to
  artefacts/browser/latency.json and are printed at the end of the run.
Screenshots go to artefacts/browser/ (not committed).
"""
from __future__ import annotations

import json
import time

import pytest

from .conftest import LATENCY, NOTEBOOKS
from .pages import (
    FIT_JS,
    MIN_TRACK_PX,
    RUN_TIMEOUT,
    all_cells_ran,
    check_runs_cleanly,
    kernel_idle,
    measure_main_control,
    open_file_browser,
    run_all,
    wait_until,
)


class Ran:
    def __init__(self, notebook, page, errors):
        self.notebook, self.page, self.errors = notebook, page, errors


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.stem)
def ran(request, lab, browser, artefacts):
    """The notebook opened in JupyterLab (file browser open, 1280×800) after Run All."""
    notebook = request.param
    lab.shutdown_kernels()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    try:
        page.goto(lab.notebook_url(notebook.name), wait_until="domcontentloaded", timeout=60_000)
        page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
        # before a kernel exists the toolbar says idle and Run All runs nothing: wait for it
        wait_until(lambda: kernel_idle(page), 90, what="the kernel to start")
        open_file_browser(page)
        run_all(page)
        wait_until(lambda: all_cells_ran(page) and kernel_idle(page), RUN_TIMEOUT,
                   interval=0.5, what="Run All to finish")
        yield Ran(notebook, page, errors)
    finally:
        context.close()


@pytest.mark.browser
def test_notebook_runs_cleanly(ran):
    check_runs_cleanly(ran.page, ran.notebook.name, ran.errors)


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1280, 800), (1024, 768)], ids=["1280", "1024"])
def test_controls_fit_a_laptop_screen(ran, artefacts, width, height):
    page, name = ran.page, ran.notebook.name
    page.set_viewport_size({"width": width, "height": height})
    open_file_browser(page)
    time.sleep(1.0)  # let Lumino and the widgets' flex layout settle after the resize
    found = page.evaluate(FIT_JS, MIN_TRACK_PX)
    target = page.locator("[data-nnlab-unfit]")
    (target if target.count() else page.locator(".nnlab-main")).first.scroll_into_view_if_needed()
    page.screenshot(path=str(artefacts / f"{ran.notebook.stem}_{width}.png"), full_page=True)
    problems = found["tracks"] + found["clipped"]
    assert not problems, (f"{name} at {width}×{height} with the file browser open: "
                          f"{len(problems)} problem(s): " + "; ".join(problems[:8]))


@pytest.mark.browser
def test_main_control_reacts_quickly(ran, artefacts):
    page = ran.page
    page.set_viewport_size({"width": 1280, "height": 800})
    LATENCY[ran.notebook.stem] = measure_main_control(
        page, ran.notebook.name, ran.errors, lambda: kernel_idle(page),
        screenshot=artefacts / f"{ran.notebook.stem}.png")
    (artefacts / "latency.json").write_text(json.dumps(LATENCY, indent=1))


FIT_PAGE = """<div class="jp-Notebook"><div class="jp-Cell"><div class="jp-OutputArea-output" style="width:600px">
  <div class="widget-slider"><div class="widget-label">wide</div><div class="noUi-target" style="width:200px;height:4px"></div>
    <div class="widget-readout" style="width:60px;overflow:hidden;white-space:nowrap">0.05</div></div>
  <div class="widget-slider"><div class="widget-label">narrow</div><div class="noUi-target" style="width:22px;height:4px"></div>
    <div class="widget-readout" style="width:12px;overflow:hidden;white-space:nowrap">0.0512</div></div>
  <div style="width:150px;overflow:hidden"><table><tr><td>value</td><td style="white-space:nowrap">0.123456789012345</td></tr></table></div>
  <table><tr><td>fits</td></tr></table>
</div></div></div>"""


@pytest.mark.browser
def test_the_laptop_check_finds_a_narrow_track_and_clipped_text(browser):
    """FIT_JS, on a page made to fail it: the 22 px track, the cut readout and the table cell cut
    by its container are found; the wide slider, its readout and the cell that fits are not."""
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        page.set_content(FIT_PAGE)
        found = page.evaluate(FIT_JS, MIN_TRACK_PX)
    finally:
        page.close()
    assert found["tracks"] == ['cell 0 "narrow": track 22 px'], found
    assert [c.split(": ", 1)[1] for c in found["clipped"]] == [
        '"0.0512" clipped', '"0.123456789012345" clipped'], found
