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
import re
import statistics
import time

import pytest

from .conftest import LATENCY, NOTEBOOKS

RUN_TIMEOUT = 240  # s, one notebook's Run All in the browser
PRESSES = 8        # key presses of the main control whose latency is measured
QUIET_MS = 700     # a view has finished changing when nothing changed for this long
MIN_TRACK_PX = 80
BROKEN = ("Loading widget", "Error displaying widget", "model not found")
BARE_REPR = re.compile(r"^\s*(VBox|HBox|FloatSlider|IntSlider|Dropdown|Play|Button|Image|HTML)\(")

SNAPSHOT_JS = """() => {
  const out = [];
  document.querySelectorAll('.jp-OutputArea-output img').forEach(i => out.push(i.src.slice(0, 200) + i.src.length));
  document.querySelectorAll('.widget-html-content, .widget-readout, .widget-label, .widget-htmlmath-content')
    .forEach(e => out.push(e.textContent));
  return out;
}"""

STATUS_JS = """() => Array.from(document.querySelectorAll('.nnlab-status'))
  .map(e => e.textContent.trim()).filter(t => t.length > 0)"""

# Installed once per page: the time of the latest user input (keydown, mousedown, change) and
# of the latest change of the page's notebook outside the control that was moved.
WATCH_JS = """() => {
  if (window.__nnlab) return;
  const w = window.__nnlab = {t0: null, last: null, count: 0};
  const input = () => { if (w.t0 === null) w.t0 = performance.now(); };
  for (const ev of ['keydown', 'mousedown', 'change']) document.addEventListener(ev, input, true);
  const root = document.querySelector('.jp-Notebook');
  new MutationObserver(records => {
    if (w.t0 === null) return;
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!el || !el.closest('.jp-OutputArea-output') || el.closest('.nnlab-main')) continue;
      w.last = performance.now(); w.count += 1;
    }
  }).observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
}"""

ARM_JS = "() => { const w = window.__nnlab; w.t0 = null; w.last = null; w.count = 0; }"
READ_JS = "() => { const w = window.__nnlab; return {t0: w.t0, last: w.last, count: w.count, now: performance.now()}; }"

# Sliders narrower than MIN_TRACK_PX, and text cut off, among the displayed output widgets.
FIT_JS = """(minTrack) => {
  const shown = e => e.offsetParent !== null && e.getBoundingClientRect().width > 0;
  const where = e => {
    const cell = e.closest('.jp-Cell');
    const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'));
    const label = e.closest('.widget-slider, .widget-hslider')?.querySelector('.widget-label')?.textContent;
    return `cell ${cells.indexOf(cell)}` + (label ? ` "${label.trim()}"` : '');
  };
  const tracks = [], clipped = [];
  // outline what is wrong (red) so the screenshot shows it
  const mark = e => { e.setAttribute('data-nnlab-unfit', '1'); e.style.outline = '2px solid red'; };
  const outputs = '.jp-Notebook .jp-OutputArea-output';
  document.querySelectorAll(`${outputs} .widget-slider .noUi-target, ${outputs} .widget-hslider .noUi-target`)
    .forEach(t => {
      if (!shown(t)) return;
      const horizontal = !t.closest('.widget-vslider');
      const size = horizontal ? t.getBoundingClientRect().width : t.getBoundingClientRect().height;
      if (size < minTrack) { tracks.push(`${where(t)}: track ${Math.round(size)} px`); mark(t); }
    });
  const texts = `${outputs} .widget-readout, ${outputs} .widget-label, ${outputs} td, ${outputs} th`;
  document.querySelectorAll(texts).forEach(e => {
    if (!shown(e) || !e.textContent.trim()) return;
    // text wider than its own box counts where the box hides overflow (a readout does; a table
    // cell whose content spills over, visibly, is left to the ancestors' check)
    let cut = getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1;
    const right = e.getBoundingClientRect().right;
    for (let a = e.parentElement; !cut && a && !a.classList.contains('jp-OutputArea-output'); a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if ((ox === 'hidden' || ox === 'clip') && right > a.getBoundingClientRect().right + 1) cut = true;
    }
    if (cut) { clipped.push(`${where(e)}: "${e.textContent.trim().slice(0, 40)}" clipped`); mark(e); }
  });
  return {tracks, clipped};
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


def open_file_browser(page) -> None:
    """The left sidebar's file browser open, as a learner has it."""
    browser_panel = page.locator("#filebrowser")
    if browser_panel.count() and browser_panel.first.is_visible():
        return
    page.locator('.jp-SideBar.jp-mod-left [data-id="filebrowser"]').first.click()
    wait_until(lambda: page.locator("#filebrowser").first.is_visible(), 10, what="the file browser")


def percentile(values, q):
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


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
    page, name = ran.page, ran.notebook.name
    # 1. no error in any cell
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    bad = [t for t in stderr.all_text_contents() if "Traceback" in t or "Error" in t]
    assert not bad, f"{name}: error output(s): {bad[:2]}"

    # 2. every widget rendered (a widget output holds a .jupyter-widgets view when it did)
    widgets = page.locator(".jp-OutputArea-output:has(.jupyter-widgets)")
    wait_until(lambda: widgets.count() > 0, 30, what="a rendered widget")
    outputs = page.locator(".jp-OutputArea-output").all_text_contents()
    broken = [t[:80] for t in outputs if any(b in t for b in BROKEN)]
    assert not broken, f"{name}: widget(s) not rendered: {broken[:2]}"
    plain = page.locator('.jp-OutputArea-output[data-mime-type="text/plain"]').all_text_contents()
    bare = [t[:60] for t in plain if BARE_REPR.match(t)]
    assert not bare, f"{name}: a widget shows only its text form: {bare}"

    # 3. no explorer shows a problem after Run All
    problems = page.evaluate(STATUS_JS)
    assert not problems, f"{name}: an explorer shows a problem after Run All: {problems[:2]}"

    widget_errors = [e for e in ran.errors if re.search(r"widget|Widget|comm|Comm|model", e)]
    assert not widget_errors, f"{name}: browser console errors: {widget_errors[:3]}"


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


def press_main_control(page) -> tuple[str, callable]:
    """The kind of the main control and a function doing one keyboard/mouse step of it."""
    main = page.locator(".nnlab-main").first
    main.scroll_into_view_if_needed()
    handle = main.locator(".noUi-handle")
    if handle.count():
        h = handle.first
        direction = {"key": "ArrowRight"}

        def step():
            now, low, top = (h.get_attribute(a) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
            if None not in (now, low, top):  # bounce between the ends of a short range
                if float(now) >= float(top):
                    direction["key"] = "ArrowLeft"
                elif float(now) <= float(low):
                    direction["key"] = "ArrowRight"
            h.focus()
            page.evaluate(ARM_JS)
            h.press(direction["key"])
        return "slider", step
    select = main.locator("select")
    if select.count():
        s = select.first

        def step():
            options = s.locator("option").all_text_contents()
            current = s.evaluate("e => e.options[e.selectedIndex].text")
            page.evaluate(ARM_JS)
            s.select_option(label=options[(options.index(current) + 1) % len(options)])
        return "dropdown", step
    button = main.locator("button").first if main.locator("button").count() else main

    def step():
        page.evaluate(ARM_JS)
        button.click()
    return "button", step


@pytest.mark.browser
def test_main_control_reacts_quickly(ran, artefacts):
    page, name = ran.page, ran.notebook.name
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.locator(".nnlab-main").count() >= 1, f"{name}: no control marked nnlab-main"
    before = page.evaluate(SNAPSHOT_JS)
    page.evaluate(WATCH_JS)
    kind, step = press_main_control(page)
    times, unchanged = [], 0
    for _ in range(PRESSES):
        step()

        def settled():
            w = page.evaluate(READ_JS)
            return w if (w["last"] is not None and w["now"] - w["last"] > QUIET_MS
                         and kernel_idle(page)) else None
        try:
            w = wait_until(settled, 30, interval=0.1, what="the view to change")
            times.append(w["last"] - w["t0"])
        except AssertionError:
            unchanged += 1
    page.locator(".nnlab-main").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artefacts / f"{ran.notebook.stem}.png"))
    assert page.evaluate(SNAPSHOT_JS) != before, f"{name}: moving the main {kind} changed nothing"
    assert unchanged <= PRESSES // 2, f"{name}: {unchanged} of {PRESSES} presses of the main {kind} changed nothing"
    problems = page.evaluate(STATUS_JS)
    assert not problems, f"{name}: a problem shows after moving the main {kind}: {problems[:2]}"
    LATENCY[ran.notebook.stem] = {
        "control": kind, "presses": PRESSES, "changed": len(times),
        "median_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1), "samples_ms": [round(t, 1) for t in times]}
    (artefacts / "latency.json").write_text(json.dumps(LATENCY, indent=1))
    widget_errors = [e for e in ran.errors if re.search(r"widget|Widget|comm|Comm|model", e)]
    assert not widget_errors, f"{name}: browser console errors: {widget_errors[:3]}"


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
