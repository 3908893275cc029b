"""Packaging beside pyproject.toml (which holds everything else): the package list.

The course's data files live in the top-level data/ and travel inside the package as
`nnlab.data` (found with importlib.resources: in an editable install, a wheel and Pyodide
alike). A folder mapped by package_dir cannot be found by pyproject's `packages.find`, and a
list written out in pyproject.toml would miss every subpackage added later; so the list is
found here: every package under nnlab/, plus nnlab.data from data/.
"""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["nnlab", "nnlab.*"]) + ["nnlab.data"],
      package_dir={"nnlab.data": "data"})
