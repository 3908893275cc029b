"""`nnlab hub-link`: the nbgitpuller link for a class's JupyterHub, and its refusals."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from nnlab import cli
from nnlab.hub import hub_link

REPO = "https://github.com/example-org/nnlab.git"


def test_link_has_nbgitpullers_options_and_opens_notebook_00_in_the_clones_folder():
    link = hub_link("https://hub.example.edu/", REPO)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu",
                                                         "/hub/user-redirect/git-pull")
    q = parse_qs(parts.query)
    assert q == {"repo": [REPO], "branch": ["main"],
                 "urlpath": ["lab/tree/nnlab/notebooks/00_start_here.ipynb?autodecode"]}


def test_a_hub_under_a_path_a_branch_and_another_notebook():
    link = hub_link("https://hub.example.edu/jupyter", "https://git.example.edu/course/dl-labs",
                    branch="spring-2027", notebook="04")
    assert link.startswith("https://hub.example.edu/jupyter/hub/user-redirect/git-pull?")
    q = parse_qs(urlsplit(link).query)
    assert q["urlpath"] == ["lab/tree/dl-labs/notebooks/04_optimizers.ipynb?autodecode"]
    assert q["branch"] == ["spring-2027"]


@pytest.mark.parametrize("args, fragment", [
    (["--hub", "ftp://hub.example.edu", "--repo", REPO], "--hub: expected an http(s) address"),
    (["--hub", "hub.example.edu", "--repo", REPO], "--hub: expected an http(s) address"),
    (["--hub", "https://hub.example.edu/?x=1", "--repo", REPO], "--hub: expected an http(s)"),
    (["--hub", "https://h.edu", "--repo", "git@github.com:a/b.git"], "--repo: expected an http(s)"),
    (["--hub", "https://h.edu", "--repo", REPO, "--branch", "../x"], "--branch: expected a branch"),
    (["--hub", "https://h.edu", "--repo", REPO, "--notebook", "99"], "--notebook: expected one of 00"),
    (["--hub", "https://" + "h" * 3000, "--repo", REPO], "--hub: expected an address"),
])
def test_bad_input_is_one_line_and_exit_2(args, fragment, capsys):
    assert cli.main(["hub-link", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err and len(err) < 300


def test_without_repo_a_clone_whose_origin_a_hub_cannot_reach_is_refused(monkeypatch, capsys):
    import nnlab.hub as hub

    monkeypatch.setattr(hub, "_origin", lambda: "/work/main")
    assert cli.main(["hub-link", "--hub", "https://h.edu"]) == 2
    assert "--repo: expected the repository's public http(s) git address" in capsys.readouterr().err
    monkeypatch.setattr(hub, "_origin", lambda: REPO)
    assert cli.main(["hub-link", "--hub", "https://h.edu"]) == 0
    assert parse_qs(urlsplit(capsys.readouterr().out.strip()).query)["repo"] == [REPO]
