"""The server settings a classroom demo relies on (Streamlit enforces them; we check they are set)."""

from __future__ import annotations

import tomllib

from apptest_helpers import REPO

CONFIG = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())


def test_uploads_are_capped_small_and_xsrf_stays_on() -> None:
    server = CONFIG["server"]
    assert 1 <= server["maxUploadSize"] <= 10  # MB: a digit photo needs far less
    assert server["enableXsrfProtection"] is True


def test_no_traceback_reaches_the_page() -> None:
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_no_forced_full_collection_after_each_run() -> None:
    # measured: 0.8-2.8 s per stroke with TensorFlow in the heap (see .streamlit/config.toml)
    assert CONFIG["runner"]["postScriptGC"] is False
