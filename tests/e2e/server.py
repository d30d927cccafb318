"""Start and stop a Streamlit server of the app on a loopback port (tests and benchmarks share it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "deploy"))
from serve import free_port, start_app, wait_healthy  # noqa: E402,F401  (one launcher for tests, benches, deploy)

CHROMIUM = os.environ.get("AE_CHROMIUM", "/usr/bin/chromium")
# Chromium 156 opens every page Playwright makes in a window of its own, and each window loads
# two WebUI pages of its own for the address bar's suggestion popups (chrome://omnibox-popup.
# top-chrome): 1.5-2.5 s of CPU on this 2-core machine during each page load we measure, work a
# pupil's browser, whose window is open before the link is, does not do then. Off here.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup"]


def start_server(port: int, extra_env: dict[str, str] | None = None,
                 script: Path | None = None) -> subprocess.Popen:
    """The app (or another script) on a loopback port, logging under test-output/."""
    (REPO / "test-output").mkdir(exist_ok=True)
    return start_app(port, REPO / "test-output" / f"streamlit-{port}.log", extra_env, script)


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
