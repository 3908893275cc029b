"""Fixtures of the site tests: site/ served on 127.0.0.1 and a headless Chromium that may reach
nothing else (every request to another origin is aborted and recorded).

The browser tests need a built site and run under `make test-site` (which builds it and sets
NNLAB_SITE_TEST=1); elsewhere (make test-unit) they are skipped. The checks of the built files
(test_site_files.py) run wherever site/ exists.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from site_common import ARTEFACTS, REQUIRED, SITE, TIMES, need_site, site_tool

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def site_url():
    need_site()
    if not REQUIRED:
        pytest.skip("the browser tests of the site run under `make test-site`")
    server, base = site_tool("serve").start(SITE)
    yield base
    server.shutdown()


@pytest.fixture(scope="session")
def offline_browser(site_url):
    """`new_context()` gives a fresh profile (empty cache, a learner's first visit) in which
    requests to any origin but the site's are aborted and kept in `context.blocked`."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-site`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

        def new_context():
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.blocked = []

            def route(r):
                if r.request.url.startswith(site_url + "/") or r.request.url == site_url:
                    r.continue_()
                else:
                    context.blocked.append(r.request.url)
                    r.abort()
            context.route("**/*", route)
            return context
        yield new_context
        browser.close()


@pytest.fixture(scope="session")
def artefacts():
    if ARTEFACTS.exists():
        shutil.rmtree(ARTEFACTS)
    ARTEFACTS.mkdir(parents=True)
    return ARTEFACTS


def pytest_terminal_summary(terminalreporter):
    if not TIMES:
        return
    terminalreporter.section("JupyterLite: kernel start, Run All, key press -> changed view")
    for stem, r in TIMES.items():
        key = r.get("key", {})
        terminalreporter.write_line(
            f"{stem:24s} kernel {r['kernel_s']:6.1f} s   run all {r['run_all_s']:6.1f} s   "
            f"key median {key.get('median_ms', float('nan')):7.1f} ms  "
            f"p95 {key.get('p95_ms', float('nan')):7.1f} ms")
