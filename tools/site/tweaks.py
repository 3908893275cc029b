"""Two changes the site makes to what JupyterLite and matplotlib would do by themselves.

- keys_reach_widgets: the apps start with bubblingKeydown, as JupyterLab 4.6 does (arrow keys
  reach a focused slider);
- font_cache_wheel: matplotlib's font list, made once at build time by the site's own Pyodide
  in node, ships in a small wheel (no font scan at each kernel start).
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pins


class BuildError(SystemExit):
    """One line on stderr, exit status 2."""

    def __init__(self, message: str):
        print(f"make site: {message}", file=sys.stderr)
        super().__init__(2)



FONT_CACHE = "nnlab_site_fontlist"
FONT_JS = r"""
const [dir, out] = process.argv.slice(1);
const { loadPyodide } = await import(dir + "/pyodide.mjs");
const py = await loadPyodide({ indexURL: dir + "/" });
await py.loadPackage(["matplotlib"], { messageCallback: () => {} });
const path = py.runPython(`
import matplotlib.font_manager as fm, pathlib
str(pathlib.Path(fm.__file__).parent / "fontlist.json")`);
(await import("fs")).writeFileSync(out + "/fontlist.json", py.FS.readFile(path));
"""


def font_cache_wheel(pyodide: Path, out: Path) -> Path:
    """A wheel adding matplotlib/fontlist.json, made once at build time by this Pyodide in node.

    Pyodide's matplotlib reads its font list from matplotlib/fontlist.json beside
    font_manager.py (its own patch; the file is not in the wheel), so every kernel start scanned
    the fonts again ("Matplotlib is building the font cache"): seconds of each start.
    """
    with tempfile.TemporaryDirectory() as tmp:
        res = subprocess.run(["node", "--input-type=module", "-e", FONT_JS, str(pyodide), tmp],
                             capture_output=True, text=True, timeout=900)
        fontlist = Path(tmp) / "fontlist.json"
        if res.returncode or not fontlist.exists():
            errors = [ln for ln in (res.stderr or res.stdout).splitlines() if "Error" in ln]
            why = (errors or ["no error line"])[-1][:200]
            raise BuildError(f"matplotlib font list: not made by Pyodide in node ({why})")
        version = "1.0"
        info = f"{FONT_CACHE}-{version}.dist-info"
        files = {"matplotlib/fontlist.json": fontlist.read_bytes(),
                 f"{info}/METADATA":
                     f"Metadata-Version: 2.1\nName: {FONT_CACHE}\nVersion: {version}\n".encode(),
                 f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: nnlab tools/site\nRoot-Is-Purelib: true\n"
                                  b"Tag: py3-none-any\n"}
        files[f"{info}/RECORD"] = ("".join(f"{name},,\n" for name in files) + f"{info}/RECORD,,\n").encode()
        wheel = out / f"{FONT_CACHE}-{version}-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
    return wheel


START = re.compile(r"await ([A-Za-z_$][\w$]*)\.start\(\),await \1\.restored")


def keys_reach_widgets(site: Path) -> int:
    """Start each JupyterLite app as JupyterLab 4.6 starts: keydown handled in the bubble phase.

    JupyterLite 0.6.4 starts its apps with `app.start()`, so Lumino reads every key in the
    capture phase, before the page's own handlers: with a slider handle focused, ArrowRight
    ran the notebook's command-mode shortcut (move to the next heading), which took the focus
    and swallowed the key; mouse drags still worked. JupyterLab 4.6 starts with
    `start({bubblingKeydown: true})`, the fix JupyterLite made after 0.6.4 (jupyterlite PR
    1702, https://github.com/jupyterlite/jupyterlite/pull/1702). No 0.6.x release has it and
    0.7 needs a newer Pyodide, so the built apps get the same option here.
    """
    patched = 0
    for js in sorted((site / "build").glob("*.js")):
        text = js.read_text(encoding="utf-8")
        new, n = START.subn(r"await \1.start({bubblingKeydown:!0}),await \1.restored", text)
        if n:
            js.write_text(new, encoding="utf-8")
            patched += n
    if not patched:
        raise BuildError("build/*.js: no `await app.start(),await app.restored` found to start "
                         f"with bubblingKeydown (expected in jupyterlite-core {pins.JUPYTERLITE_CORE})")
    return patched
