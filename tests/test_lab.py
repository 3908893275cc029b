"""The learner's first minutes (tools/lab.py, `make lab`, `make reset NB=NN`), without a browser.

In a temporary git repository laid out like the clone (notebooks/, tools/, the Makefile and
.gitignore of this project): the working copy is made in work/, editing and saving a notebook
there leaves `git status` clean, a second run keeps the learner's edits, `make reset NB=02`
restores the course's version and refuses an unknown NB with one line; and a real JupyterLab
started by the script prints, as its last line, the address of 00_start_here.ipynb with a token
that the server accepts.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COURSE = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def load_lab(root: Path):
    spec = importlib.util.spec_from_file_location("nnlab_tools_lab", root / "tools" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}).stdout


@pytest.fixture
def clone(tmp_path):
    """A git repository with the project's notebooks, tools/, Makefile and .gitignore."""
    repo = tmp_path / "clone"
    (repo / "notebooks").mkdir(parents=True)
    for nb in COURSE:
        shutil.copyfile(nb, repo / "notebooks" / nb.name)
    shutil.copytree(ROOT / "tools", repo / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", ".gitignore"):
        shutil.copyfile(ROOT / name, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "course")
    return repo


def make(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-C", str(repo), *args,
                           f"PY={sys.executable}"], capture_output=True, text=True)


def edit_and_save(path: Path) -> None:
    """What JupyterLab's save does to a notebook the learner edited."""
    nb = json.loads(path.read_text())
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["source"] = "answer = 42  # the learner's edit\n"
    path.write_text(json.dumps(nb, indent=1))


def test_the_working_copy_keeps_the_clone_clean_and_keeps_the_learners_edits(clone):
    lab = load_lab(clone)
    copied = lab.make_working_copy(clone / "notebooks", clone / "work")
    assert copied == [nb.name for nb in COURSE] and len(copied) >= 10
    assert (clone / "work" / "00_start_here.ipynb").read_bytes() == COURSE[0].read_bytes()
    edited = clone / "work" / COURSE[2].name
    edit_and_save(edited)
    (clone / "work" / ".lab.log").write_text("a log line\n")
    (clone / "work" / ".ipynb_checkpoints").mkdir()
    assert git(clone, "status", "--porcelain", "--untracked-files=all") == ""
    # a second `make lab` copies only what is missing and never overwrites an edit
    (clone / "work" / COURSE[1].name).unlink()
    assert lab.make_working_copy(clone / "notebooks", clone / "work") == [COURSE[1].name]
    assert "the learner's edit" in edited.read_text()
    assert git(clone, "status", "--porcelain", "--untracked-files=all") == ""


def test_make_reset_restores_one_notebook_and_refuses_an_unknown_one(clone):
    lab = load_lab(clone)
    lab.make_working_copy(clone / "notebooks", clone / "work")
    two = clone / "work" / next(nb.name for nb in COURSE if nb.name.startswith("02_"))
    three = clone / "work" / next(nb.name for nb in COURSE if nb.name.startswith("03_"))
    edit_and_save(two)
    edit_and_save(three)
    done = make(clone, "reset", "NB=02")
    assert done.returncode == 0, done.stderr
    assert two.read_bytes() == (clone / "notebooks" / two.name).read_bytes()
    assert "the learner's edit" in three.read_text()          # only the one named
    for bad in ("99", "", "2", "../x"):
        refused = make(clone, "reset", f"NB={bad}")
        assert refused.returncode != 0
        # make's own "make: *** ... Error 2" line ("make[1]: ..." when the tests run under make)
        ours = [ln for ln in refused.stderr.splitlines() if not re.match(r"make(\[\d+\])?: ", ln)]
        assert len(ours) == 1 and ours[0].startswith("make reset: NB: expected"), refused.stderr
    assert git(clone, "status", "--porcelain", "--untracked-files=all") == ""


def test_the_url_opens_notebook_00_with_the_token():
    lab = load_lab(ROOT)
    url = lab.lab_url(8888, "abc123")
    assert url == "http://127.0.0.1:8888/lab/tree/00_start_here.ipynb?token=abc123"
    assert (ROOT / "notebooks" / lab.FIRST).exists()
    settings = json.loads((ROOT / "tools" / "jupyterlab-settings" / "overrides.json").read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


@pytest.mark.slow
def test_make_lab_prints_the_address_last_and_the_server_answers_it(clone, tmp_path):
    env = dict(os.environ, NNLAB_NO_BROWSER="1")
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
                "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "JUPYTERLAB_WORKSPACES_DIR"):
        env[var] = str(tmp_path / var.lower())
    proc = subprocess.Popen([sys.executable, str(clone / "tools" / "lab.py"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: list[str] = []
    try:
        deadline = time.time() + 150
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("http"):
                break
        assert lines and lines[-1].startswith("http"), lines
        url = lines[-1]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/lab/tree/00_start_here\.ipynb\?token=[0-9a-f]{32,}",
                            url), url
        assert len(lines) <= 5, lines        # a few lines, not the server's log
        base, token = url.split("/lab/")[0], url.split("token=")[1]
        with urllib.request.urlopen(f"{base}/api/contents/00_start_here.ipynb?content=0&token={token}",
                                    timeout=20) as resp:
            assert json.loads(resp.read())["name"] == "00_start_here.ipynb"
        settings = f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}"
        with urllib.request.urlopen(settings, timeout=20) as resp:
            schema = json.loads(resp.read())["schema"]["properties"]
        assert schema["fetchNews"]["default"] == "false"
        assert (clone / "work" / "00_start_here.ipynb").exists()
        assert git(clone, "status", "--porcelain", "--untracked-files=all") == ""
        proc.terminate()                     # as `kill` or Ctrl-C: the server stops with it
        assert proc.wait(timeout=30) == 0
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
