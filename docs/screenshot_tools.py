"""What the README's screenshot scripts share: the app on a free port and headless Chromium.

The app runs without a data set (`AE_DATA_DIR` empty): the pictures show synthetic digits, never
the data set's images, which the repository does not hold. Importing this module also puts the
repository and tests/e2e on `sys.path`, so a script run as `python docs/<name>.py` uses the
browser tests' own actions (`browser_actions`, `class_actions`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "docs" / "screenshots"
sys.path[:0] = [str(REPO), str(REPO / "tests" / "e2e")]

from server import (CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server,  # noqa: E402
                    wait_healthy)

TIMEOUT_MS = 120_000  # a busy 2-core machine loads TensorFlow and the models slowly


@contextmanager
def app_and_browser(extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, object]]:
    """(the app's URL, a headless Chromium); both stopped on the way out, even after an error."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port, {"AE_DATA_DIR": "", **(extra_env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            try:
                yield url, browser
            finally:
                browser.close()
    finally:
        stop_server(server)


def new_tab(browser, width: int, height: int, **context_options):
    """A tab in a context of its own (its own cookies, so its own Streamlit session)."""
    page = browser.new_context(viewport={"width": width, "height": height},
                               **context_options).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page
