"""Shared test helpers, and the rule that no oracle test may skip in CI.

PyTorch is an optional oracle: without it, the tests marked `torch` skip. With the environment
variable NNLAB_REQUIRE_ORACLE=1 (set by .ci/run, which installs torch), every skip of such a
test is turned into a failure, so CI cannot pass with the comparisons silently left out.
A test that takes the `torch` fixture is marked `torch` automatically.
"""
import os

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

REQUIRE_ORACLE_VARIABLE = "NNLAB_REQUIRE_ORACLE"


def oracle_required() -> bool:
    return os.environ.get(REQUIRE_ORACLE_VARIABLE, "") not in ("", "0")


def torch_or_skip():
    """The torch module, or skip the test (PyTorch is an optional oracle, never a dependency).
    Under NNLAB_REQUIRE_ORACLE=1 a missing torch fails the test, marked `torch` or not."""
    if oracle_required():
        try:
            import torch
        except ImportError as e:
            pytest.fail(f"{REQUIRE_ORACLE_VARIABLE}=1 but PyTorch cannot be imported: {e}")
    torch = pytest.importorskip("torch", reason="PyTorch not installed: comparison skipped")
    torch.set_default_dtype(torch.float64)
    return torch


@pytest.fixture
def torch():
    return torch_or_skip()


def pytest_collection_modifyitems(items):
    for item in items:
        if "torch" in getattr(item, "fixturenames", ()) and item.get_closest_marker("torch") is None:
            item.add_marker(pytest.mark.torch)


def skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if (oracle_required() and report.skipped and not hasattr(report, "wasxfail")
            and item.get_closest_marker("torch") is not None):
        report.outcome = "failed"
        report.longrepr = (f"{REQUIRE_ORACLE_VARIABLE}=1: this PyTorch oracle test must run, but it "
                           f"was skipped ({skip_reason(report)})")


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A whole test file skipped because torch is missing (a module-level importorskip) fails too."""
    outcome = yield
    report = outcome.get_result()
    if oracle_required() and report.skipped and "torch" in skip_reason(report).lower():
        report.outcome = "failed"
        report.longrepr = (f"{REQUIRE_ORACLE_VARIABLE}=1: {collector.nodeid} was skipped for want of "
                           f"PyTorch ({skip_reason(report)})")
