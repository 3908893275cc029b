"""Where the data files are found: inside the package (nnlab.data), in an editable install, a
built wheel and Pyodide; never through the working directory. See __init__ for the counts."""
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib

from nnlab.core import data

from . import refused
from .test_files import with_label

ROOT = Path(__file__).resolve().parents[2]
PYODIDE = ROOT / "site" / "static" / "pyodide"


def test_a_digits_npz_in_the_working_directory_is_not_used(tmp_path, monkeypatch):
    from nnlab.engine.cnn.digits import load_digits

    (tmp_path / "digits.npz").write_bytes(with_label(99))
    (tmp_path / "linreg.csv").write_text("x,y\n1,2\n")
    monkeypatch.chdir(tmp_path)
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and labels.max() == 9
    assert len(data.load("linreg.csv")) == 200
    assert data.data_path("digits.npz").parent != tmp_path


def test_the_files_are_package_data():
    import importlib.resources

    root = importlib.resources.files("nnlab.data")
    for f in data.data_files() + [data.data_path("yolo_example.txt")]:
        assert (root / f.name).read_bytes() == f.read_bytes()
    assert {f.name for f in data.data_files()} == set(data.FORMATS)


def test_names_that_are_neither_a_course_file_nor_a_file(tmp_path):
    refused(lambda: data.load("no_such_file.csv"), "no_such_file.csv: data file not found: not one")
    refused(lambda: data.load_csv(tmp_path), "data file a folder, not a file")
    refused(lambda: data.load(None), "name: expected a data file's name or a path, got NoneType")
    refused(lambda: data.load(3), "name: expected a data file's name or a path, got int")


def test_package_data_covers_every_data_file():
    """pyproject's package-data patterns match every file of data/ (setup.py maps the folder)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "packages" not in conf       # setup.py finds them (a written list would miss new ones)
    shipped = {p.name for p in (ROOT / "data").iterdir() if p.is_file() and p.suffix != ".py"}
    patterns = conf["package-data"]["nnlab.data"]
    assert shipped and all(any(Path(n).match(pat) for pat in patterns) for n in shipped)



@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """`pip wheel . --no-deps` of the committed files (and setup.py, pyproject.toml)."""
    setuptools = pytest.importorskip("setuptools")   # building without isolation needs >= 77
    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip(f"setuptools {setuptools.__version__} is older than pyproject's build needs (77)")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "nnlab", "data", "pyproject.toml",
                            "setup.py", "README.md"], capture_output=True, text=True,
                           check=True).stdout.split()
    for f in sorted(set(files) | {"setup.py", "pyproject.toml"}):
        if (ROOT / f).is_file():
            (src / f).parent.mkdir(parents=True, exist_ok=True)
            (src / f).write_bytes((ROOT / f).read_bytes())
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps",
                          "--no-build-isolation", "-q", "-w", str(tmp / "w")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return next((tmp / "w").glob("nnlab-*.whl"))


@pytest.mark.slow
def test_a_built_wheel_carries_the_data_files(wheel):
    """The wheel holds nnlab/data/ with every file of data/, and every package of nnlab/."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in data.data_files() + [data.data_path("yolo_example.txt")]:
        assert f"nnlab/data/{f.name}" in names
    assert not any(re.match(r"data/", n) for n in names)
    packages = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "nnlab").rglob("__init__.py")
                if subprocess.run(["git", "-C", str(ROOT), "ls-files", "--error-unmatch", str(p)],
                                  capture_output=True).returncode == 0}
    assert all(f"{p.replace('.', '/')}/__init__.py" in names for p in packages)


PYODIDE_SCRIPT = """
import {{ readFileSync }} from "fs";
const {{ loadPyodide }} = await import("{dir}/pyodide.mjs");
const py = await loadPyodide({{ indexURL: "{dir}/" }});
await py.loadPackage(["{numpy}", "{wheel}"]);
py.globals.set("body", readFileSync("{body}", "utf8"));
console.log(py.runPython("exec(body)\\nresult"));
"""

PYODIDE_BODY = """
import os, numpy as np
from nnlab.core import data
from nnlab.engine import yolo as Y
os.makedirs("/w", exist_ok=True)
os.chdir("/w")
np.savez("digits.npz", images=np.zeros((1, 8, 8), np.uint8), labels=np.array([99]))
Y.write_labels("/w/a.txt", [(0, 0.5, 0.5, 4e-7, 0.1)])
result = " | ".join([str(data.data_path("digits.npz")), str(data.load("digits.npz")["images"].shape),
                     str(len(data.load("linreg.csv"))), open("/w/a.txt").read().strip(),
                     str(Y.read_labels("/w/a.txt")[0].width)])
"""


@pytest.mark.slow
def test_in_pyodide_the_wheel_finds_its_data(wheel, tmp_path):
    """Pyodide (the JupyterLite site's, under node) installs the wheel and finds the files."""
    numpy = sorted(PYODIDE.glob("numpy-*.whl")) if PYODIDE.is_dir() else []
    node = subprocess.run(["which", "node"], capture_output=True, text=True).stdout.strip()
    if not numpy or not node:
        pytest.skip("no Pyodide of the site (make site) or no node")
    (tmp_path / "body.py").write_text(PYODIDE_BODY)
    script = tmp_path / "run.mjs"
    script.write_text(PYODIDE_SCRIPT.format(dir=PYODIDE, numpy=numpy[0], wheel=wheel,
                                            body=tmp_path / "body.py"))
    out = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    found, *rest = out.stdout.strip().splitlines()[-1].split(" | ")
    assert found.endswith("/site-packages/nnlab/data/digits.npz"), found   # not /w/digits.npz
    assert rest == ["(1797, 8, 8)", "200", "0 0.500000 0.500000 0.0000004 0.100000", "4e-07"], rest
