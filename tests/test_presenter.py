"""AppTest of presenter mode: a projector view of each page, and a link that opens in it.

Each test opens its own session from a presenter link (`?presenter=true`); models are cached per
process, so a fresh session costs one script run.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from apptest_helpers import (assert_no_problems, canvas_value, drawing_input, drawn_digit,
                             images_with_caption, open_app)
from ui.navigation import PAGES
from ui.widgets import DEFAULT_MODELS

PRESENTER_LINK = {"presenter": "true"}


def open_presenter(page: str, **session) -> AppTest:
    """`page` opened from a link with presenter mode on."""
    return open_app(page, query_params=PRESENTER_LINK, session_state=session)


@pytest.fixture
def presenter() -> AppTest:
    """A session opened from a presenter link on the Draw page, a 3 drawn on its canvas."""
    at = open_presenter("app_pages/draw.py")
    at.session_state["canvas_0"] = canvas_value(drawn_digit(3))
    return at.run()


def test_a_link_opens_presenter_mode(presenter: AppTest) -> None:
    assert_no_problems(presenter)
    assert presenter.sidebar.toggle(key="presenter").value is True


def test_the_draw_page_shows_one_tile_per_model_with_its_scores(presenter: AppTest) -> None:
    at = presenter
    tiles = images_with_caption(at, "PSNR")
    assert len(tiles) == len(DEFAULT_MODELS)
    assert all("SSIM" in str(tile.proto) for tile in tiles)
    assert len(images_with_caption(at, "What the models see")) == 1
    # the detail of the normal view stays off the projector
    assert not at.metric
    assert not images_with_caption(at, "Error map")
    assert not at.expander  # explanations hidden


def test_a_corruption_adds_its_tile_and_changes_the_scores(presenter: AppTest) -> None:
    at = presenter
    assert not images_with_caption(at, "What they are given")  # no corruption by default
    before = [str(tile.proto) for tile in images_with_caption(at, "PSNR")]
    at.button_group(key="draw_kind").set_value("Gaussian noise").run()
    assert_no_problems(at)
    assert len(images_with_caption(at, "What they are given")) == 1
    after = [str(tile.proto) for tile in images_with_caption(at, "PSNR")]
    assert len(after) == len(before) and after != before


def test_switching_it_off_brings_back_the_full_view(presenter: AppTest) -> None:
    at = presenter
    assert not images_with_caption(at, "Error map")  # presenter mode to begin with
    at.sidebar.toggle(key="presenter").set_value(False).run()
    assert_no_problems(at)
    assert len(images_with_caption(at, "Error map")) == len(DEFAULT_MODELS)
    assert [m.label for m in at.metric].count("PSNR") == len(DEFAULT_MODELS)
    assert at.expander  # the explanation is back


OTHER_PAGES = [page for page in PAGES
               if page.script not in ("app_pages/home.py", "app_pages/draw.py")]


@pytest.mark.parametrize("page", OTHER_PAGES, ids=lambda page: page.script)
def test_every_page_renders_in_presenter_mode_without_explanations(page) -> None:
    """Each other page, reached with a drawing as the input (as after drawing on the Draw page)."""
    at = open_presenter(page.script, current_input=drawing_input())
    assert_no_problems(at)
    assert at.sidebar.toggle(key="presenter").value is True
    assert not at.expander, f"{page.script} shows an explanation in presenter mode"
    assert [t.value for t in at.title] == [page.title], page.script
