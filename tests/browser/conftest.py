"""Fixtures of the real-browser tests: the Lotse server and Debian's Chromium (see browser_harness)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_harness import Browser, LotseServer, require_chromium, running_server  # noqa: E402


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is marked ``browser``: ``pytest -m "not browser"`` is the fast tier.
    Under pytest-xdist, scripts/test.sh sends a file at a time to a worker (``--dist loadfile``), so
    the tests of one module run in their order on one server, as without xdist."""
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test shows the end of the server log (tracebacks of the app land there)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, LotseServer):
                report.sections.append(("Lotse server log", value.log_tail(60)))


@pytest.fixture(scope="module")
def lotse_server() -> Iterator[LotseServer]:
    """Lotse on a free port with an empty temporary database, for the tests of one module."""
    with running_server() as server:
        yield server


@pytest.fixture(scope="session")
def playwright_driver():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright_driver) -> Iterator[Browser]:
    """Opens Chromium windows with fresh profiles; all are closed after the test."""
    opened = Browser(playwright_driver)
    yield opened
    opened.close()
