"""Every notebook, run in real JupyterLab in headless Chromium, the way a learner runs it.

For each notebook in notebooks/ (discovered, not listed): open it, Run All, wait until every
cell has run and the kernel is idle, then check that
- no cell shows an error and the page logged no error from the widget manager,
- every widget output rendered (not "Loading widget…", "Error displaying widget" or the bare
  text form such as `FloatSlider(value=…)`),
- moving the notebook's main control (the element with CSS class `nnlab-main`) with the
  keyboard changes what the explorer shows (its picture and/or its text);
and save a screenshot after the move in artefacts/browser/ (not committed).
"""
from __future__ import annotations

import re
import time

import pytest

from .conftest import NOTEBOOKS

RUN_TIMEOUT = 240  # s, one notebook's Run All in the browser
BROKEN = ("Loading widget", "Error displaying widget", "model not found")
BARE_REPR = re.compile(r"^\s*(VBox|HBox|FloatSlider|IntSlider|Dropdown|Play|Button|Image|HTML)\(")

SNAPSHOT_JS = """() => {
  const out = [];
  document.querySelectorAll('.jp-OutputArea-output img').forEach(i => out.push(i.src.slice(0, 200) + i.src.length));
  document.querySelectorAll('.widget-html-content, .widget-readout, .widget-label, .widget-htmlmath-content')
    .forEach(e => out.push(e.textContent));
  return out;
}"""


def wait_until(predicate, timeout, interval=0.25, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def kernel_idle(page) -> bool:
    texts = page.locator(".jp-StatusBar-TextItem").all_text_contents()
    return any("Idle" in t and "ipykernel" in t for t in texts)


def all_cells_ran(page) -> bool:
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()
    return bool(prompts) and all(re.fullmatch(r"\s*\[\d+\]:\s*", p) for p in prompts)


def run_all(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()


def move_main_control(page) -> str:
    main = page.locator(".nnlab-main").first
    main.scroll_into_view_if_needed()
    handle = main.locator(".noUi-handle")
    if handle.count():
        handle.first.focus()
        for _ in range(3):
            handle.first.press("ArrowRight")
            time.sleep(0.3)
        return "slider"
    select = main.locator("select")
    if select.count():
        options = select.first.locator("option").all_text_contents()
        current = select.first.input_value()
        choice = next(o for o in options if o != current)
        select.first.select_option(label=choice)
        return "dropdown"
    main.locator("button").first.click()
    return "button"


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_reacts_in_jupyterlab(lab, browser, artefacts, notebook):
    lab.shutdown_kernels()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    try:
        page.goto(lab.notebook_url(notebook.name), wait_until="domcontentloaded", timeout=60_000)
        page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
        # before a kernel exists the toolbar says idle and Run All runs nothing: wait for it
        wait_until(lambda: kernel_idle(page), 90, what="the kernel to start")
        run_all(page)
        wait_until(lambda: all_cells_ran(page) and kernel_idle(page), RUN_TIMEOUT,
                   interval=0.5, what="Run All to finish")

        # 1. no error in any cell
        stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        bad = [t for t in stderr.all_text_contents() if "Traceback" in t or "Error" in t]
        assert not bad, f"{notebook.name}: error output(s): {bad[:2]}"

        # 2. every widget rendered (a widget output holds a .jupyter-widgets view when it did)
        widgets = page.locator(".jp-OutputArea-output:has(.jupyter-widgets)")
        wait_until(lambda: widgets.count() > 0, 30, what="a rendered widget")
        outputs = page.locator(".jp-OutputArea-output").all_text_contents()
        broken = [t[:80] for t in outputs if any(b in t for b in BROKEN)]
        assert not broken, f"{notebook.name}: widget(s) not rendered: {broken[:2]}"
        plain = page.locator('.jp-OutputArea-output[data-mime-type="text/plain"]').all_text_contents()
        bare = [t[:60] for t in plain if BARE_REPR.match(t)]
        assert not bare, f"{notebook.name}: a widget shows only its text form: {bare}"

        # 3. the main control changes what is shown
        assert page.locator(".nnlab-main").count() >= 1, f"{notebook.name}: no control marked nnlab-main"
        before = page.evaluate(SNAPSHOT_JS)
        kind = move_main_control(page)
        wait_until(lambda: page.evaluate(SNAPSHOT_JS) != before and kernel_idle(page), 30,
                   what=f"the explorer to change after moving its main {kind}")
        time.sleep(0.5)  # let the last image swap in before the screenshot
        page.screenshot(path=str(artefacts / f"{notebook.stem}.png"))

        widget_errors = [e for e in errors if re.search(r"widget|Widget|comm|Comm|model", e)]
        assert not widget_errors, f"{notebook.name}: browser console errors: {widget_errors[:3]}"
    finally:
        context.close()
