"""What the JupyterLab test (tests/browser) and the JupyterLite test (tests/site) check, once.

The page-side scripts (snapshot of what explorers show, their problem lines, the watch of
changes after a key press, the laptop-fit check) and the checks built on them:
`check_runs_cleanly` (no error output, every widget rendered, no problem line, no widget error
in the console) and `measure_main_control` (the main control pressed from the keyboard changes
the view; returns the key-press-to-view times).
"""
from __future__ import annotations

import re
import statistics
import time

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


def kernel_idle(page, kernel: str = "ipykernel") -> bool:
    """The status bar names the kernel (`ipykernel` in JupyterLab, `Pyodide` in JupyterLite) idle."""
    texts = page.locator(".jp-StatusBar-TextItem").all_text_contents()
    return any("Idle" in t and kernel in t for t in texts)


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


WIDGET_ERROR = re.compile(r"widget|Widget|comm|Comm|model")


def check_runs_cleanly(page, name: str, errors: list[str]) -> None:
    """After Run All: no error output, every widget rendered, no problem line, no widget error."""
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

    widget_errors = [e for e in errors if WIDGET_ERROR.search(e)]
    assert not widget_errors, f"{name}: browser console errors: {widget_errors[:3]}"


def measure_main_control(page, name: str, errors: list[str], idle, screenshot=None) -> dict:
    """Press the main control PRESSES times; each press must change the view. The times."""
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
                         and idle()) else None
        try:
            w = wait_until(settled, 30, interval=0.1, what="the view to change")
            times.append(w["last"] - w["t0"])
        except AssertionError:
            unchanged += 1
    page.locator(".nnlab-main").first.scroll_into_view_if_needed()
    if screenshot:
        page.screenshot(path=str(screenshot))
    assert page.evaluate(SNAPSHOT_JS) != before, f"{name}: moving the main {kind} changed nothing"
    assert unchanged <= PRESSES // 2, f"{name}: {unchanged} of {PRESSES} presses of the main {kind} changed nothing"
    problems = page.evaluate(STATUS_JS)
    assert not problems, f"{name}: a problem shows after moving the main {kind}: {problems[:2]}"
    widget_errors = [e for e in errors if WIDGET_ERROR.search(e)]
    assert not widget_errors, f"{name}: browser console errors: {widget_errors[:3]}"
    return {"control": kind, "presses": PRESSES, "changed": len(times),
            "median_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1), "samples_ms": [round(t, 1) for t in times]}
