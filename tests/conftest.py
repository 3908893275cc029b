"""Shared test helpers."""
import os

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


def torch_or_skip():
    """The torch module, or skip the test (PyTorch is an optional oracle, never a dependency)."""
    torch = pytest.importorskip("torch", reason="PyTorch not installed: comparison skipped")
    torch.set_default_dtype(torch.float64)
    return torch


@pytest.fixture
def torch():
    return torch_or_skip()
