"""Every notebook, run in the JupyterLite site in headless Chromium with no network.

For each notebooks/*.ipynb (discovered, not listed) the site's copy is opened in a fresh browser
profile whose requests to any other origin are aborted; the test waits for the
Pyodide kernel, presses Run All, then checks what tests/browser checks in JupyterLab (shared
code in tests/browser/pages.py): no error output, every widget rendered, no explorer problem
line, the main control (class `nnlab-main`) pressed from the keyboard changes the view each
time; and that the page asked for nothing outside the site. Times go to
artefacts/site/times.json and are printed at the end.
"""
from __future__ import annotations

import json
import re
import time

import pytest
from site_common import NOTEBOOKS, SITE, TIMES, site_tool

from tests.browser.pages import (
    RUN_TIMEOUT,
    all_cells_ran,
    check_runs_cleanly,
    kernel_idle,
    measure_main_control,
    run_all,
    wait_until,
)

KERNEL = "Pyodide"
KERNEL_TIMEOUT = 300  # s: the kernel's start on a loaded 2-core machine (53-197 s seen)
SITE_RUN_TIMEOUT = 2 * RUN_TIMEOUT  # s: wasm is slower; 10's Run All took 134 s at load 10


class Ran:
    def __init__(self, notebook, page, errors, blocked):
        self.notebook, self.page, self.errors, self.blocked = notebook, page, errors, blocked


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.stem)
def ran(request, site_url, offline_browser, artefacts):
    serve = site_tool("serve")
    notebook = request.param
    assert (SITE / "files" / notebook.name).exists(), (
        f"{notebook.name}: not in site/files (the site was built before it existed: make site)")
    context = offline_browser()  # a fresh profile per notebook, as tests/browser does
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    try:
        t0 = time.perf_counter()
        page.goto(serve.notebook_url(site_url, notebook.name), wait_until="domcontentloaded",
                  timeout=60_000)
        page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
        wait_until(lambda: kernel_idle(page, KERNEL), KERNEL_TIMEOUT, interval=0.5,
                   what="the Pyodide kernel to start")
        t1 = time.perf_counter()
        run_all(page)
        time.sleep(1.0)  # the first cell is queued before the kernel reads busy
        wait_until(lambda: all_cells_ran(page) and kernel_idle(page, KERNEL), SITE_RUN_TIMEOUT,
                   interval=0.5, what="Run All to finish")
        TIMES[notebook.stem] = {"kernel_s": round(t1 - t0, 1),
                                "run_all_s": round(time.perf_counter() - t1, 1)}
        page.screenshot(path=str(artefacts / f"{notebook.stem}_ran.png"))
        yield Ran(notebook, page, errors, context.blocked)
    finally:
        context.close()


def test_notebook_runs_cleanly(ran):
    check_runs_cleanly(ran.page, ran.notebook.name, ran.errors)
    missing = [m for e in ran.errors for m in re.findall(r"No module named '([\w.]+)'", e)]
    assert not missing, f"{ran.notebook.name}: imports a package the site does not carry: {missing}"


def test_main_control_reacts_to_the_keyboard(ran, artefacts):
    page = ran.page
    TIMES[ran.notebook.stem]["key"] = measure_main_control(
        page, ran.notebook.name, ran.errors, lambda: kernel_idle(page, KERNEL),
        screenshot=artefacts / f"{ran.notebook.stem}.png")
    (artefacts / "times.json").write_text(json.dumps(TIMES, indent=1))


# the text each code cell printed, as the page shows it, one entry per code cell
PRINTED_JS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell')).map(c =>
  Array.from(c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]'))
    .map(o => o.textContent).join(''))"""
SANITIZE = [(re.compile(r"at 0x[0-9a-fA-F]+"), "at 0xADDRESS"), (re.compile(r"==[0-9][^\s,;]*"), "==VERSION")]


def committed_prints(notebook) -> list[tuple[int, str]]:
    """(code cell index, what it printed) for the cells strict nbval compares."""
    out = []
    cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    for k, cell in enumerate(cells):
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            continue
        text = "".join("".join(o["text"]) for o in cell["outputs"]
                       if o["output_type"] == "stream" and o["name"] == "stdout")
        out.append((k, text))
    return out


def clean(text: str) -> str:
    for pattern, repl in SANITIZE:
        text = pattern.sub(repl, text)
    # the browser's report says where it runs; the committed one (CPython) has no such line
    return "\n".join(ln for ln in text.strip().splitlines() if not ln.startswith("runtime: ")).strip()


def test_printed_output_is_the_committed_one(ran):
    """What the notebook prints in the browser's Pyodide equals what strict nbval compares."""
    shown = ran.page.evaluate(PRINTED_JS)
    differ = [(k, want, shown[k]) for k, want in committed_prints(ran.notebook)
              if k < len(shown) and clean(want) != clean(shown[k])]
    report = "; ".join(f"code cell {k}: expected {clean(w)[:300]!r}, got {clean(g)[:300]!r}"
                       for k, w, g in differ[:3])
    assert not differ, f"{ran.notebook.name}: {len(differ)} printed output(s) differ in Pyodide: {report}"


def test_nothing_was_asked_of_another_origin(ran):
    assert not ran.blocked, f"{ran.notebook.name}: requests outside the site: {ran.blocked[:5]}"
