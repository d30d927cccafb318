"""Real-browser fixtures: a Streamlit server on a free port and Debian's Chromium driven by Playwright,
and `cluster`: deploy/serve.py's nginx in front of two app processes.

Without /usr/bin/chromium (or nginx, for `cluster`) the browser tests are skipped with a reason,
unless AE_REQUIRE_BROWSER=1 (set by .ci/run), which turns a missing program into a failure.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from browser_actions import report_failure
from server import CHROMIUM, CHROMIUM_ARGS, REPO, free_port, start_server, stop_server, wait_healthy

SHOTS = REPO / "test-output" / "screenshots"

sys.path.insert(0, str(REPO / "deploy"))
import serve  # noqa: E402


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep whether the test itself failed, for `report_failure` when a tab closes."""
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        if os.environ.get("AE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"AE_REQUIRE_BROWSER=1 but no browser at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium to run browser tests")
    try:
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("AE_REQUIRE_BROWSER") == "1":
            pytest.fail("AE_REQUIRE_BROWSER=1 but the playwright package is missing")
        pytest.skip("the playwright package is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def app_url(chromium_path) -> str:
    """One server for the whole browser session; stopped by PID at the end."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def cluster(chromium_path, tmp_path_factory):
    """deploy/serve.py for one test module: nginx on a free port in front of two app processes,
    whose ports are `cluster.app_ports`, sharing a class database of their own (a SQLite file in
    a fresh folder; `ClassStore()` in the test finds it while the fixture lives)."""
    if not Path(serve.NGINX).exists():
        if os.environ.get("AE_REQUIRE_BROWSER") == "1":
            pytest.fail("AE_REQUIRE_BROWSER=1 but nginx is missing (apt-get install nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    ports = [free_port(), free_port()]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AE_CLASS_DIR", str(tmp_path_factory.mktemp("class")))
        patch.delenv("AE_CLASS_DB_URL", raising=False)
        running = serve.start(port=free_port(), app_ports=ports,
                              prefix=tmp_path_factory.mktemp("nginx"))
        running.app_ports = ports
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    """A fresh tab (own Streamlit session); a screenshot of it is saved after each test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    try:
        report_failure(request, tab)
        tab.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
