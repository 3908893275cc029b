"""Issue 3's figures, for every notebook found in notebooks/:

- the time of one change of the notebook's main control (recompute + redraw, in process, which
  is what the kernel does when the browser sends a new value): median and 95th percentile;
- the time to execute the notebook headless (`jupyter nbconvert --execute`, one per call);
- the whole `pytest --nbval` run (strict), with 2 workers.

    .venv/bin/python benchmarks/bench_notebooks.py [--changes 100] [--skip-execute] [--skip-nbval]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tests"))


def slider_times(path: Path, n: int):
    from test_reliability import main_factory, storm_values

    explorer = main_factory(path)()
    control = explorer.main
    values = storm_values(control, n + 10)
    for v in values[:10]:
        control.value = v
    ts = []
    for v in values[10:]:
        t = time.perf_counter()
        control.value = v
        ts.append(time.perf_counter() - t)
    explorer.close()
    ts.sort()
    return statistics.median(ts), ts[min(len(ts) - 1, int(0.95 * len(ts)))]


def execute_time(path: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / path.name
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.timeout=300", "--output", str(out), str(path)],
                       check=True, capture_output=True, cwd=path.parent, timeout=900)
        return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=100)
    ap.add_argument("--skip-execute", action="store_true")
    ap.add_argument("--skip-nbval", action="store_true")
    args = ap.parse_args()
    print("| notebook | main control | slider change median | p95 | headless execution |")
    print("| --- | --- | ---: | ---: | ---: |")
    for path in NOTEBOOKS:
        main_name = json.loads(path.read_text())["metadata"]["nnlab"]["main"]
        med, p95 = slider_times(path, args.changes)
        ex = "" if args.skip_execute else f"{execute_time(path):.1f} s"
        print(f"| {path.stem} | `{main_name}` | {med * 1000:.1f} ms | {p95 * 1000:.1f} ms | {ex} |",
              flush=True)
    if not args.skip_nbval:
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile",
                               "--nbval", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "notebooks"],
                              capture_output=True, text=True, cwd=ROOT)
        dt = time.perf_counter() - t
        last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-200:]
        print(f"\nwhole `pytest -n 2 --nbval notebooks`: {dt:.0f} s ({last})")


if __name__ == "__main__":
    main()
