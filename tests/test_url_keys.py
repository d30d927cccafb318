"""Links that teachers put in slides keep working: every URL key in `ui.url_keys` is restored.

Each link is opened the way a browser opens it (query parameters before the first run), on the
key's page, and the widget must hold the link's value. A spy on Streamlit's binding records
every key the pages bind meanwhile, so a new bound widget the table does not list fails here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from streamlit.runtime.state.query_params import QueryParams

from ui.url_keys import BY_KEY, URL_KEYS, UrlKey

from apptest_helpers import open_app

NOT_RESTORED = object()


def open_link(entry: UrlKey):
    """The app as a link to the key's page with the key (and what it needs) opens it."""
    page = None if entry.page == "app.py" else entry.page
    return open_app(page, query_params={**entry.needs, entry.key: entry.link})


@dataclass
class Visits:
    restored: dict[str, Any]  # key -> the widget's value after its link (or NOT_RESTORED)
    problems: dict[str, list[str]]  # key -> exceptions on the page
    bound: set[str]  # every parameter any page bound


@pytest.fixture(scope="module")
def visits() -> Visits:
    """Every link in the table opened once, with a spy on Streamlit's query-parameter binding."""
    result = Visits({}, {}, set())
    original = QueryParams.bind_widget

    def spy(self, param_key: str, *args, **kwargs):
        result.bound.add(param_key)
        return original(self, param_key, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QueryParams, "bind_widget", spy)
        for entry in URL_KEYS:
            at = open_link(entry)
            result.problems[entry.key] = [e.value for e in at.exception]
            result.restored[entry.key] = at.session_state[entry.key] \
                if entry.key in at.session_state else NOT_RESTORED
    return result


@pytest.mark.parametrize("entry", URL_KEYS, ids=lambda entry: entry.key)
def test_a_link_restores_the_setting(entry: UrlKey, visits: Visits) -> None:
    assert not visits.problems[entry.key]
    value = visits.restored[entry.key]
    if isinstance(entry.restored, float):
        assert value == pytest.approx(entry.restored)
    else:
        assert value == entry.restored


def test_every_bound_key_is_in_the_table(visits: Visits) -> None:
    assert visits.bound, "the spy saw no binding: has Streamlit's QueryParams.bind_widget moved?"
    unlisted = {key for key in visits.bound
                if key not in BY_KEY and key.removesuffix("_fashion_mnist") not in BY_KEY}
    assert not unlisted, f"bound to the URL but not in ui/url_keys.py: {sorted(unlisted)}"
