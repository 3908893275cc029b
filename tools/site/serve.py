"""Serve site/ on 127.0.0.1 and print, last, the address of notebook 00.

    python tools/site/serve.py [--port N]        (make serve-site; Ctrl-C stops it)

A static file server is all the site needs; this one only adds the types browsers insist on
(.wasm, .mjs) and asks the browser to revalidate (a rebuilt site is seen at once).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import socketserver
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".whl": "application/zip", ".ipynb": "application/json"}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):  # quiet: one line per request is noise here
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def first_notebook(site: Path) -> str:
    files = sorted((site / "files").glob("00_*.ipynb")) or sorted((site / "files").glob("*.ipynb"))
    return files[0].name if files else ""


def start(site: Path = SITE, port: int = 0) -> tuple[Server, str]:
    """A running server (in a thread) and its base URL; `server.shutdown()` stops it."""
    handler = functools.partial(Handler, directory=str(site))
    server = Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def notebook_url(base: str, name: str) -> str:
    return f"{base}/lab/index.html?path={name}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    args = parser.parse_args(argv)
    if not (SITE / "jupyter-lite.json").exists():
        print("serve-site: site/ is not built; run `make site` first", file=sys.stderr)
        return 2
    if not 0 < args.port < 65536:
        print(f"serve-site: --port: expected a whole number from 1 to 65535, got {args.port}",
              file=sys.stderr)
        return 2
    try:
        server, base = start(SITE, args.port)
    except OSError as err:
        print(f"serve-site: --port: {args.port} cannot be used ({err.strerror}); "
              "pass another, e.g. --port 8766", file=sys.stderr)
        return 2
    print(f"Serving {SITE} (Ctrl-C stops)", flush=True)
    print(notebook_url(base, first_notebook(SITE)), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
