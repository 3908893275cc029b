"""`python -m nnlab.export html [OUT]` (`make html`): every executed notebook as a static page.

Uses nbconvert's HTML exporter on the committed (executed) notebooks; nothing is re-run. The
pages go to `html/` (not committed), one per notebook, plus an `index.html` listing them, and
they work offline, with nothing loaded from another origin:

- an explorer has no kernel behind it in a static page, so it is shown as what it showed when
  the notebook was executed: its picture (the PNG every explorer's output carries beside the
  widget) and its controls with their values (the preset line of its text form), under a note
  that the sliders move in JupyterLab, in the browser edition (`make site`) or on a hub;
- the math renderer, MathJax 2.7.7, is copied beside the pages (from the npm registry's
  `mathjax@2.7.7` package, fetched once into build/html-cache/); require.js and mermaid, which
  nbconvert's template loads from a CDN, are not needed by these pages and are left out.
"""
from __future__ import annotations

import copy
import html
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "html-cache"
MATHJAX = "mathjax@2.7.7"
# the parts of MathJax 2.7.7 that the TeX-AMS_CHTML-full configuration (nbconvert's) reads
MATHJAX_PARTS = ("MathJax.js", "config/TeX-AMS_CHTML-full.js", "extensions/", "jax/input/TeX/",
                 "jax/element/", "jax/output/CommonHTML/", "fonts/HTML-CSS/TeX/woff/",
                 "localization/en/")
WIDGET = "application/vnd.jupyter.widget-view+json"
EXPLORER_TEXT = re.compile(r"^(\w+) \((.*)\)$", re.S)


def _mathjax(out_dir: Path) -> str | None:
    """Copy MathJax into out_dir/_static/mathjax; its address for the pages, or None (no npm)."""
    tgz = CACHE / "mathjax-2.7.7.tgz"
    if not tgz.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(["npm", "pack", MATHJAX, "--silent"], cwd=CACHE, check=True,
                           capture_output=True, timeout=300)
        except (OSError, subprocess.SubprocessError):
            print(f"make html: could not fetch {MATHJAX} with npm; math stays as TeX source",
                  file=sys.stderr)
            return None
    dest = out_dir / "_static" / "mathjax"
    if not (dest / "MathJax.js").exists():
        with tarfile.open(tgz) as tar:
            members = [m for m in tar.getmembers() if m.isfile() and m.name.startswith("package/")
                       and m.name[len("package/"):].startswith(MATHJAX_PARTS)]
            for m in members:
                target = dest / m.name[len("package/"):]
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(m) as src, open(target, "wb") as fh:
                    shutil.copyfileobj(src, fh)
    return "_static/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"


def _controls_html(text: str) -> str:
    """The explorer's name and its controls' values, from its text form 'Name (a=1; b="x")'."""
    m = EXPLORER_TEXT.match(text.strip())
    if not m:
        return ""
    pairs = [p.split("=", 1) for p in m.group(2).split("; ") if "=" in p]
    rows = "".join(f"<tr><td><code>{html.escape(k.strip())}</code></td>"
                   f"<td><code>{html.escape(v.strip())}</code></td></tr>" for k, v in pairs)
    return (f'<div class="nnlab-static-explorer"><p><b>{html.escape(m.group(1))}</b>: the picture '
            "and the controls as the notebook was run. In JupyterLab, the browser edition or a "
            "hub the controls move and the picture follows.</p>"
            f'<table class="nnlab-controls"><tr><th>control</th><th>value</th></tr>{rows}'
            "</table></div>")


def static_copy(nb):
    """A copy of the notebook in which each widget output is its picture and its controls."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET not in data:
                continue
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            png = data.get("image/png")
            picture = (f'<img alt="{html.escape(text[:200])}" src="data:image/png;base64,{png}">'
                       if png else "<p><i>(an interactive widget: open the notebook to use it)</i></p>")
            out["data"] = {"text/html": picture + _controls_html(text), "text/plain": text}
    return nb


def export_html(out_dir: Path | str = ROOT / "html", notebooks_dir: Path | str = ROOT / "notebooks"):
    import nbformat
    from nbconvert import HTMLExporter

    out_dir, notebooks_dir = Path(out_dir), Path(notebooks_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()
    exporter.mathjax_url = _mathjax(out_dir) or ""
    pages = []
    for nb_path in sorted(notebooks_dir.glob("*.ipynb")):
        nb = static_copy(nbformat.read(nb_path, as_version=4))
        body, _ = exporter.from_notebook_node(nb)
        page = out_dir / (nb_path.stem + ".html")
        page.write_text(_offline(body), encoding="utf-8")
        pages.append(page)
    links = "".join(f'<li><a href="{html.escape(p.name)}">{html.escape(p.stem)}</a></li>' for p in pages)
    (out_dir / "index.html").write_text(f"<!doctype html><title>nnlab</title><h1>nnlab</h1><ul>{links}</ul>",
                                        encoding="utf-8")
    return pages


def _offline(body: str) -> str:
    """Drop the template's scripts from other origins (require.js, mermaid, a CDN MathJax)."""
    body = re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>', "", body)
    # the mermaid loader is an inline module that imports from the CDN (only if a page has a diagram)
    return re.sub(r'<script type="module">.*?</script>',
                  lambda m: "" if "https://" in m.group(0) else m.group(0), body, flags=re.S)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "html" or len(argv) > 2:
        print("usage: python -m nnlab.export html [OUT_DIR]", file=sys.stderr)
        return 2
    pages = export_html(argv[1]) if len(argv) == 2 else export_html()
    print(f"wrote {len(pages)} page(s) to {pages[0].parent if pages else '(none)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
