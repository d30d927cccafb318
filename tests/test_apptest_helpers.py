"""The AppTest helper is the one way tests open the app, and it opens the page it is asked for."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from apptest_helpers import TIMEOUT, open_app
from ui.navigation import HOME, PAGES

TESTS = Path(__file__).resolve().parent
HELPER = TESTS / "apptest_helpers.py"
HOME_TITLE = "Autoencoder Lab"


def apptest_constructors(source: str) -> list[int]:
    """Lines that build an AppTest directly (`AppTest.from_file(...)`, `from_string`, ...)."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and node.attr.startswith("from_")
            and isinstance(node.value, ast.Name) and node.value.id == "AppTest"]


def test_the_check_finds_a_direct_from_file_call() -> None:
    source = ("from streamlit.testing.v1 import AppTest\n\n"
              "def test_x():\n    at = AppTest.from_file('app.py', default_timeout=600)\n")
    assert apptest_constructors(source) == [4]
    assert apptest_constructors("at = open_app('app_pages/draw.py')\n") == []


def test_only_the_helper_builds_an_apptest() -> None:
    """One timeout and one way to set up a session: every other module calls open_app."""
    offenders = {path.name: lines for path in sorted(TESTS.glob("*.py")) if path != HELPER
                 if (lines := apptest_constructors(path.read_text()))}
    assert not offenders, f"use apptest_helpers.open_app instead (file: lines): {offenders}"
    assert apptest_constructors(HELPER.read_text()), "the helper itself builds the AppTest"


def test_open_app_without_running_leaves_the_session_to_set_up() -> None:
    at = open_app("app_pages/zoo.py", session_state={"zoo_model": "conv"}, run=False)
    assert at.default_timeout == TIMEOUT
    at.session_state["presenter"] = True  # more setup before the first run
    at.run()
    assert at.sidebar.toggle(key="presenter").value is True
    assert at.title[0].value == "Model zoo"
    assert at.selectbox(key="zoo_model").value == "conv"


@pytest.mark.parametrize("page", [info for info in PAGES if info is not HOME],
                         ids=lambda info: info.script)
def test_open_app_lands_on_the_page_asked_for(page) -> None:
    """Also pages whose URL differs from their file name (AppTest.switch_page before the first run
    would silently show Home for those)."""
    at = open_app(page.script)
    assert [t.value for t in at.title][:1] == [page.title]


def test_open_app_without_a_page_shows_home_with_the_link_s_query_params() -> None:
    at = open_app(query_params={"presenter": "true"})
    assert at.title[0].value == HOME_TITLE
    assert at.sidebar.toggle(key="presenter").value is True


def test_open_app_refuses_a_file_that_is_no_page() -> None:
    with pytest.raises(ValueError, match="not a page"):
        open_app("app_pages/missing.py", run=False)
