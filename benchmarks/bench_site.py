"""The JupyterLite site beside JupyterLab, measured in one run on this machine.

    .venv/bin/python benchmarks/bench_site.py [--notebooks 00,02] [--json out.json]

Needs a built site (make site) and /usr/bin/chromium. Figures:
- site size (all of site/, and the Pyodide folder);
- where the kernel's start goes: Pyodide alone in node (loading the runtime, unpacking every
  package, importing numpy, sympy, matplotlib with its font cache, ipywidgets, nnlab);
- cold start (new browser profile: empty cache) and warm start (same profile, new tab) to the
  first interactive explorer: from opening notebook 00 to its main control shown after Run All
  (Run All pressed as soon as the kernel is idle), JupyterLab beside it;
- Run All time and key-press-to-view times (median, p95) of the main control per notebook,
  in both, with the checks of the browser tests (tests/browser/pages.py).
Every other origin is blocked for the site, as in tests/site. Machine load is printed (the
figures of a loaded 2-core machine are not those of a learner's laptop).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools" / "site"))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, jupyterlab  # noqa: E402
from tests.browser.pages import (  # noqa: E402
    RUN_TIMEOUT,
    all_cells_ran,
    kernel_idle,
    measure_main_control,
    run_all,
    wait_until,
)

SITE = ROOT / "site"

NODE_JS = r"""
const site = process.argv[1];
const { loadPyodide } = await import(site + "/static/pyodide/pyodide.mjs");
const fs = await import("fs");
const lock = JSON.parse(fs.readFileSync(site + "/static/pyodide/pyodide-lock.json"));
const t = () => performance.now();
let t0 = t();
const py = await loadPyodide({ indexURL: site + "/static/pyodide/" });
const out = { runtime_ms: t() - t0 };
t0 = t();
await py.loadPackage(Object.keys(lock.packages), { messageCallback: () => {} });
out.unpack_all_packages_ms = t() - t0;
const steps = [["numpy", "import numpy"], ["IPython", "import IPython"], ["sympy", "import sympy"],
  ["matplotlib_and_font_cache",
   "import matplotlib; matplotlib.use('Agg'); import matplotlib.font_manager as fm; fm.fontManager"],
  ["ipywidgets", "import ipywidgets"], ["nnlab_views", "import nnlab.views.neuron_view"]];
for (const [k, code] of steps) { t0 = t(); py.runPython(code); out["import_" + k + "_ms"] = t() - t0; }
console.log(JSON.stringify(out));
"""


def mib(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def node_breakdown() -> dict:
    res = subprocess.run(["node", "--input-type=module", "-e", NODE_JS, str(SITE)],
                         capture_output=True, text=True, timeout=900)
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if not line:
        return {"error": (res.stderr or res.stdout).strip()[-300:]}
    return {k.removesuffix("_ms") + "_s": round(v / 1000, 1) for k, v in json.loads(line[-1]).items()}


def open_and_run(page, url: str, kernel: str) -> dict:
    """Open, wait for the kernel, Run All; seconds to kernel idle, to the main control, to done."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    page.locator(".jp-Notebook").first.wait_for(timeout=180_000)
    wait_until(lambda: kernel_idle(page, kernel), 400, interval=0.25, what="the kernel")
    t_kernel = time.perf_counter()
    run_all(page)
    wait_until(lambda: page.locator(".nnlab-main").count() > 0, RUN_TIMEOUT, interval=0.1,
               what="the main control")
    t_main = time.perf_counter()
    time.sleep(1.0)
    wait_until(lambda: all_cells_ran(page) and kernel_idle(page, kernel), RUN_TIMEOUT,
               interval=0.25, what="Run All")
    t_done = time.perf_counter()
    return {"kernel_s": round(t_kernel - t0, 1), "first_explorer_s": round(t_main - t0, 1),
            "run_all_s": round(t_done - t_kernel, 1)}


def bench(browser, urls: dict, kernel: str, stems: list[str], block_other_origins: str | None):
    def context():
        ctx = browser.new_context(viewport={"width": 1280, "height": 800})
        if block_other_origins:
            ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(block_other_origins)
                      else r.abort())
        return ctx

    out = {}
    ctx = context()  # an empty profile: the first page is a cold start
    try:
        for n, stem in enumerate(stems):
            for attempt in (("cold", "warm") if n == 0 else ("warm",)):
                page = ctx.new_page()
                errors: list[str] = []
                page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
                try:
                    r = open_and_run(page, urls[stem], kernel)
                    if attempt == "warm":
                        r["key"] = measure_main_control(page, stem, errors,
                                                        lambda p=page: kernel_idle(p, kernel))
                        r["key"].pop("samples_ms")
                    out[f"{stem}/{attempt}"] = r
                finally:
                    page.close()
                if block_other_origins is None and hasattr(urls, "lab"):
                    urls.lab.shutdown_kernels()
    finally:
        ctx.close()
    return out


class LabUrls(dict):
    lab = None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", default="00,02", help="comma-separated numbers (default 00,02)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not (SITE / "jupyter-lite.json").exists():
        print("bench_site: site/ is not built; run `make site` first", file=sys.stderr)
        return 2
    nbs = {p.stem[:2]: p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    wanted = [s.strip() for s in args.notebooks.split(",") if s.strip()]
    unknown = [w for w in wanted if w not in nbs]
    if unknown or not wanted:
        print(f"bench_site: --notebooks: expected numbers among {', '.join(nbs)}, got {args.notebooks}",
              file=sys.stderr)
        return 2
    stems = [nbs[w].stem for w in wanted]
    result = {"machine": {"cores": os.cpu_count(), "load_before": load()},
              "size_mib": {"site": mib(SITE), "pyodide": mib(SITE / "static" / "pyodide")}}
    print(json.dumps(result), flush=True)
    result["pyodide_in_node_s"] = node_breakdown()
    print(json.dumps(result["pyodide_in_node_s"]), flush=True)

    import serve
    from playwright.sync_api import sync_playwright

    server, base = serve.start(SITE)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            lite_urls = {s: serve.notebook_url(base, nbs[s[:2]].name) for s in stems}
            result["jupyterlite"] = bench(browser, lite_urls, "Pyodide", stems, base)
            print(json.dumps(result["jupyterlite"]), flush=True)
            with tempfile.TemporaryDirectory() as tmp, jupyterlab(Path(tmp), [nbs[w] for w in wanted]) as lab:
                urls = LabUrls({s: lab.notebook_url(nbs[s[:2]].name) for s in stems})
                urls.lab = lab
                result["jupyterlab"] = bench(browser, urls, "ipykernel", stems, None)
            print(json.dumps(result["jupyterlab"]), flush=True)
            browser.close()
    finally:
        server.shutdown()
    result["machine"]["load_after"] = load()
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
