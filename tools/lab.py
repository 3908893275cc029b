"""The learner's `make lab` and `make reset NB=NN`.

    python tools/lab.py            # make the working copy (first run), start JupyterLab on it,
                                   # print the address of 00_start_here.ipynb with its token
    python tools/lab.py --prepare  # only make/complete the working copy, start nothing
    python tools/lab.py reset 02   # put work/02_*.ipynb back as the course ships it

The course's notebooks (notebooks/*.ipynb) stay as the clone has them: JupyterLab opens a
git-ignored working copy in work/, made on the first run by copying every course notebook
that is not there yet (a learner's edited notebook is never overwritten), so autosave never
dirties the clone and `git pull` never conflicts with a learner's edits.

JupyterLab runs on 127.0.0.1 with a token this script chooses, with its log in work/.lab.log
(warnings and errors only), and the project's settings (tools/jupyterlab-settings/overrides.json:
no news prompt, no update check). The last line printed is the address to open.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import webbrowser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "notebooks"
WORK = ROOT / "work"
SETTINGS = Path(__file__).resolve().parent / "jupyterlab-settings"
FIRST = "00_start_here.ipynb"


def make_working_copy(course: Path = COURSE, work: Path = WORK) -> list[str]:
    """Copy every course notebook not yet in `work` (never overwrite); the names copied."""
    work.mkdir(parents=True, exist_ok=True)
    copied = []
    for nb in sorted(course.glob("[0-9][0-9]_*.ipynb")):
        target = work / nb.name
        if not target.exists():
            shutil.copyfile(nb, target)
            copied.append(nb.name)
    return copied


def find_notebook(nb: str, course: Path = COURSE) -> Path:
    """The course notebook named by `nb` ("02", "02_backprop_by_hand" or the file name)."""
    stem = nb.strip().removesuffix(".ipynb")
    found = [p for p in sorted(course.glob("[0-9][0-9]_*.ipynb"))
             if p.stem == stem or (stem.isdigit() and len(stem) == 2 and p.stem[:2] == stem)]
    if len(found) != 1:
        names = ", ".join(p.stem[:2] for p in sorted(course.glob("[0-9][0-9]_*.ipynb")))
        raise ValueError(f"NB: expected one of the course's notebook numbers ({names}), got {nb!r}")
    return found[0]


def reset(nb: str, course: Path = COURSE, work: Path = WORK) -> Path:
    """Put the working copy of notebook `nb` back as the course ships it; its path."""
    src = find_notebook(nb, course)
    work.mkdir(parents=True, exist_ok=True)
    target = work / src.name
    shutil.copyfile(src, target)
    return target


def lab_url(port: int, token: str, notebook: str = FIRST, host: str = "127.0.0.1") -> str:
    """The address that opens `notebook` of the working copy, token included."""
    return f"http://{host}:{port}/lab/tree/{notebook}?token={token}"


def free_port(preferred: int = 8888) -> int:
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free port on 127.0.0.1")


def lab_command(port: int, token: str, work: Path = WORK) -> list[str]:
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
           "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
           f"--LabApp.app_settings_dir={SETTINGS}", "--ServerApp.log_level=WARN",
           "--LabApp.log_level=WARN"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def wait_ready(proc: subprocess.Popen, port: int, token: str, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
            return True
        except OSError:
            time.sleep(0.3)
    return False


def stop(signum, frame):
    raise KeyboardInterrupt


def can_open_browser() -> bool:
    """A graphical browser to open (never a text browser inside this terminal)."""
    if os.environ.get("NNLAB_NO_BROWSER"):
        return False
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def start(work: Path = WORK, port: int | None = None, timeout: float = 120) -> int:
    copied = make_working_copy(COURSE, work)
    if copied:
        print(f"Made your working copy of {len(copied)} notebook(s) in {shown(work)}/ "
              f"(git ignores it; `make reset NB=02` restores one from the course).")
    port = port or free_port()
    token = secrets.token_hex(24)
    log_path = work / ".lab.log"
    with open(log_path, "w") as log:
        # its own session: Ctrl-C reaches this script only, which stops the server cleanly
        # (JupyterLab itself would ask "Shut down this Jupyter server (y/[n])?")
        proc = subprocess.Popen(lab_command(port, token, work), stdout=log, stdin=subprocess.DEVNULL,
                                stderr=subprocess.STDOUT, cwd=work, start_new_session=True)
    signal.signal(signal.SIGTERM, stop)   # `kill` stops JupyterLab too, like Ctrl-C
    try:
        print(f"Starting JupyterLab (log: {shown(log_path)}; Ctrl-C stops it) ...", flush=True)
        if not wait_ready(proc, port, token, timeout):
            tail = log_path.read_text()[-2000:]
            print(f"error: JupyterLab did not start; the end of its log:\n{tail}", file=sys.stderr)
            return 1
        url = lab_url(port, token)
        print("Open this address in your browser:", flush=True)
        print(url, flush=True)
        if can_open_browser():
            webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", nargs="?", default="start", choices=["start", "reset"])
    ap.add_argument("nb", nargs="?", help="with reset: the notebook's number, e.g. 02")
    ap.add_argument("--prepare", action="store_true", help="only make the working copy")
    ap.add_argument("--port", type=int, help="port on 127.0.0.1 (default 8888, or a free one)")
    ap.add_argument("--work", type=Path, default=WORK, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    work = args.work.resolve()
    if args.command == "reset":
        try:
            target = reset(args.nb or "", COURSE, work)
        except ValueError as exc:
            print(f"make reset: {exc}", file=sys.stderr)
            return 2
        print(f"{target.name} restored from the course (your edits to it are gone).")
        return 0
    if args.prepare:
        copied = make_working_copy(COURSE, work)
        print(f"working copy in {work}: {len(copied)} notebook(s) copied")
        return 0
    return start(work, args.port)


if __name__ == "__main__":
    raise SystemExit(main())
