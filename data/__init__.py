"""The course's data files, installed as the package ``nnlab.data``.

This folder is the files' home in the repository; pyproject.toml maps it onto ``nnlab.data``
(package-dir and package-data), so an editable install and a built wheel both carry the files
and `nnlab.core.data` finds them with importlib.resources. data/README.md describes each file.
"""
