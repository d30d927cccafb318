"""AppTest of presenter mode: a projector view of each page, and a link that opens in it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from apptest_helpers import REPO, TIMEOUT, canvas_value, drawn_digit, images_with_caption
from ui.widgets import DEFAULT_MODELS

PAGES = ["app_pages/draw.py", "app_pages/denoise.py", "app_pages/latent_2d.py",
         "app_pages/latent_3d.py", "app_pages/vae.py", "app_pages/train_live.py", "app_pages/zoo.py"]


@pytest.fixture(scope="module")
def presenter() -> AppTest:
    """A session opened from a link with presenter mode on, a 3 drawn on the Draw page."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.query_params["presenter"] = "true"
    at.switch_page("app_pages/draw.py")
    at.run()
    at.session_state["canvas_0"] = canvas_value(drawn_digit(3))
    at.run()
    return at


def _no_problems(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_a_link_opens_presenter_mode(presenter: AppTest) -> None:
    _no_problems(presenter)
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
    before = [str(tile.proto) for tile in images_with_caption(at, "PSNR")]
    at.button_group(key="draw_kind").set_value("Gaussian noise").run()
    _no_problems(at)
    assert len(images_with_caption(at, "What they are given")) == 1
    after = [str(tile.proto) for tile in images_with_caption(at, "PSNR")]
    assert len(after) == len(before) and after != before
    at.button_group(key="draw_kind").set_value("None").run()


def test_switching_it_off_brings_back_the_full_view(presenter: AppTest) -> None:
    at = presenter
    at.sidebar.toggle(key="presenter").set_value(False).run()
    _no_problems(at)
    assert len(images_with_caption(at, "Error map")) == len(DEFAULT_MODELS)
    assert [m.label for m in at.metric].count("PSNR") == len(DEFAULT_MODELS)
    assert at.expander  # the explanation is back
    at.sidebar.toggle(key="presenter").set_value(True).run()


@pytest.mark.parametrize("page", PAGES[1:])
def test_every_page_renders_in_presenter_mode_without_explanations(presenter: AppTest,
                                                                   page: str) -> None:
    at = presenter
    at.switch_page(page).run()
    _no_problems(at)
    assert not at.expander, f"{page} shows an explanation in presenter mode"
    assert at.title, page
