"""`python -m nnlab.export html [OUT]`: every executed notebook as a standalone HTML page.

Uses nbconvert's HTML exporter on the committed (executed) notebooks; nothing is re-run.
The pages go to `html/` (not committed), one per notebook, plus an `index.html` listing them.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export_html(out_dir: Path | str = ROOT / "html", notebooks_dir: Path | str = ROOT / "notebooks"):
    import nbformat
    from nbconvert import HTMLExporter

    out_dir, notebooks_dir = Path(out_dir), Path(notebooks_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()
    pages = []
    for nb_path in sorted(notebooks_dir.glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        body, _ = exporter.from_notebook_node(nb)
        page = out_dir / (nb_path.stem + ".html")
        page.write_text(body, encoding="utf-8")
        pages.append(page)
    links = "".join(f'<li><a href="{html.escape(p.name)}">{html.escape(p.stem)}</a></li>' for p in pages)
    (out_dir / "index.html").write_text(f"<!doctype html><title>nnlab</title><h1>nnlab</h1><ul>{links}</ul>",
                                        encoding="utf-8")
    return pages


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
