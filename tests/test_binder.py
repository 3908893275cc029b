"""Binder and repo2docker: what `jupyter-repo2docker --no-build` would build from this repository.

No Docker engine runs here, so the image is not built; the Dockerfile repo2docker writes is read
instead: Python 3.11 (binder/runtime.txt), and nnlab installed from the whole repository
(binder/requirements.txt holds `-e .`; a file holding only `.` is misread by repo2docker's
encoding guess) after the repository is copied in.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_binder_files():
    assert (ROOT / "binder" / "requirements.txt").read_text() == "-e .\n"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_repo2docker_writes_a_dockerfile_that_installs_nnlab_from_the_copied_repository():
    exe = Path(sys.executable).with_name("jupyter-repo2docker")
    if not exe.exists():
        exe = shutil.which("jupyter-repo2docker")
    if not exe:
        pytest.fail("jupyter-repo2docker is not installed: pip install -e '.[test]'")
    out = subprocess.run([str(exe), "--no-build", "--debug", str(ROOT)], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    docker = out.stdout
    assert "python=3.11" in out.stderr or "python=3.11" in docker
    copy_all = docker.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    install = docker.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    assert copy_all < install          # `-e .` needs the repository in place
