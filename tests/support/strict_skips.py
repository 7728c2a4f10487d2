"""A pytest plugin: a strict run (``../shared`` present, as in CI) fails on any non-logical skip.

Loaded by the root conftest. Each skipped test whose reason does not start with
:data:`~tests.support.skips.NOT_APPLICABLE` is remembered; at the end of a strict run that
otherwise passed, they are listed and the exit status becomes "tests failed", so CI never counts
a test that did not run. On a user's machine the same skips stay skips.
"""

from __future__ import annotations

import pytest

from tests.support.skips import is_logical, strict

_UNEXPLAINED_SKIPS: list[str] = []
"""``nodeid: reason`` of each skip that is not logical, gathered for the strict run's verdict."""


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember every skip whose reason is not a logical one."""
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if not is_logical(reason):
            _UNEXPLAINED_SKIPS.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a strict run that skipped a test for anything but a logical reason."""
    if _UNEXPLAINED_SKIPS and strict() and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which skips made a strict run fail, and how to tell a user's run from a strict one."""
    if _UNEXPLAINED_SKIPS and strict():
        terminalreporter.section("skips not allowed in a strict run", sep="=", red=True)
        for line in _UNEXPLAINED_SKIPS:
            terminalreporter.line(line)
        terminalreporter.line(
            f"{len(_UNEXPLAINED_SKIPS)} test(s) skipped for a missing part while ../shared is "
            "present (or ORTHOGRAPH_TESTS_STRICT=1): in CI that is a failure."
        )
