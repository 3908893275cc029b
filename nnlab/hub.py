"""`nnlab hub-link`: the nbgitpuller link that opens this course on a class's JupyterHub.

    nnlab hub-link --hub https://hub.example.edu --repo https://github.com/OWNER/nnlab

A learner who follows the link logs in to the hub; nbgitpuller (which the hub must have
installed) clones the repository into their home folder on the first visit, merges new commits
on later visits without overwriting their own changes, then opens notebook 00 in JupyterLab.
The link's options are those of nbgitpuller's documentation ("Options in an nbgitpuller URL",
https://nbgitpuller.readthedocs.io/en/latest/topic/url-options.html): `repo`, `branch`, and
`urlpath`, which must name the clone's folder (and ends in `?autodecode` for JupyterLab).

Without `--repo`, this clone's `origin` is used when it is an http(s) address a hub can clone.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from .course.map import COURSE

ROOT = Path(__file__).resolve().parents[1]
MAX_URL = 2000      # a hub address longer than this is not one


def add_arguments(p) -> None:
    p.add_argument("--hub", required=True, help="the hub's address, such as https://hub.example.edu")
    p.add_argument("--repo", default=None,
                   help="the repository's public git address (default: this clone's origin)")
    p.add_argument("--branch", default="main", help="the branch to pull (default main)")
    p.add_argument("--notebook", default="00", help="the notebook to open, such as 00 or 04 (default 00)")


def _web_address(option: str, text: str) -> str:
    text = str(text).strip()
    if not text or len(text) > MAX_URL or any(c.isspace() for c in text):
        raise ValueError(f"{option}: expected an address such as https://hub.example.edu, got {text[:80]!r}")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"{option}: expected an http(s) address with a host and no ?query or #part, "
                         f"such as https://hub.example.edu, got {text[:80]!r}")
    return text.rstrip("/")


def _origin() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", "origin"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _repository(text: str | None) -> str:
    if text is None:
        origin = _origin()
        if not origin or not re.match(r"https?://", origin):
            raise ValueError("--repo: expected the repository's public http(s) git address (this "
                             f"clone's origin is {origin or 'not set'!r}, which a hub cannot clone)")
        text = origin
    return _web_address("--repo", text)


def _notebook(text: str) -> str:
    key = str(text).strip()
    for nb in COURSE:
        if key in (nb.name, nb.name.split("_")[0], nb.name + ".ipynb"):
            return nb.name
    known = ", ".join(nb.name.split("_")[0] for nb in COURSE)
    raise ValueError(f"--notebook: expected one of {known}, got {key[:40]!r}")


def hub_link(hub: str, repo: str, branch: str = "main", notebook: str = "00") -> str:
    """The nbgitpuller link: clone (or update) `repo` on `hub`, then open `notebook` in JupyterLab."""
    hub = _web_address("--hub", hub)
    repo = _repository(repo)
    branch = str(branch).strip()
    if not re.fullmatch(r"[A-Za-z0-9._/-]{1,100}", branch) or ".." in branch or branch.startswith("-"):
        raise ValueError(f"--branch: expected a branch name such as main, got {branch[:40]!r}")
    name = _notebook(notebook)
    folder = repo.rsplit("/", 1)[-1].removesuffix(".git")   # nbgitpuller clones into this folder
    urlpath = f"lab/tree/{folder}/notebooks/{name}.ipynb?autodecode"
    # encoded as nbgitpuller's own link generator does (URLSearchParams): '/' and '?' escaped
    return f"{hub}/hub/user-redirect/git-pull?" + urlencode(
        {"repo": repo, "urlpath": urlpath, "branch": branch})


def run(a) -> str:
    return hub_link(a.hub, a.repo, a.branch, a.notebook)
