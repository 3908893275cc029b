"""Fixtures of the browser tests: a JupyterLab server and a headless Chromium.

The server runs from the project's own environment on 127.0.0.1, a free port and a random
token (authentication stays on), with every Jupyter/IPython/matplotlib directory in a
temporary folder so $HOME stays clean. It serves a temporary copy of notebooks/ with the
outputs cleared, so that what the test sees was produced in the browser, and so that
JupyterLab's autosave never writes into the repository.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "site"))
from clear import clear_outputs  # noqa: E402  (one notebook-clearing step for both tests)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ARTEFACTS = ROOT / "artefacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
LATENCY: dict[str, dict] = {}  # notebook -> key-press-to-view times, filled by the browser test
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    def __init__(self, url: str, token: str, root: Path):
        self.url, self.token, self.root = url, token, root

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(f"{self.url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """A fresh kernel per notebook: reused kernels made widget tests flaky here."""
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"


@contextlib.contextmanager
def jupyterlab(base: Path, notebooks=NOTEBOOKS):
    """JupyterLab serving cleared copies of `notebooks` from base/root (also used by benchmarks)."""
    root = base / "root"
    root.mkdir()
    for nb in notebooks:
        clear_outputs(nb, root / nb.name)
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
                "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "JUPYTERLAB_WORKSPACES_DIR"):
        (base / var.lower()).mkdir()
        env[var] = str(base / var.lower())
    # Render every cell (JupyterLab 4 otherwise leaves cells far off-screen out of the page)
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = base / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    env["JUPYTERLAB_SETTINGS_DIR"] = str(base / "settings")
    port, token = free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).parent / "jupyter"
    cmd = [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(base / "jupyter.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    lab = Lab(f"http://127.0.0.1:{port}", token, root)
    deadline = time.time() + 60
    try:
        while True:
            try:
                lab.api("/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("JupyterLab did not start; its log: "
                                       f"{(base / 'jupyter.log').read_text()[-2000:]}") from None
                time.sleep(0.5)
        yield lab
    finally:
        try:
            lab.shutdown_kernels()
        except OSError:
            pass
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-browser`, which installs Debian's chromium")
    try:
        with jupyterlab(tmp_path_factory.mktemp("lab")) as server:
            yield server
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artefacts():
    if ARTEFACTS.exists():
        shutil.rmtree(ARTEFACTS)
    ARTEFACTS.mkdir(parents=True)
    return ARTEFACTS


def pytest_terminal_summary(terminalreporter):
    """Key press to changed view, per notebook (written by test_main_control_reacts_quickly)."""
    rows = LATENCY
    if not rows:
        return
    terminalreporter.section("key press -> changed view in the page (ms)")
    for stem, r in rows.items():
        terminalreporter.write_line(f"{stem:24s} {r['control']:8s} median {r['median_ms']:7.1f}   "
                                    f"p95 {r['p95_ms']:7.1f}   max {r['max_ms']:7.1f}   "
                                    f"({r['changed']} of {r['presses']} presses changed the view)")
