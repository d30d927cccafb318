"""A person at the Draw page: draw, corrupt, upload; and a tour of every page with nothing broken.

The Draw page's pictures are drawn by the server here (its path when the browser cannot run the
models): TensorFlow.js is blocked. The live path has its own tests (test_live_draw_browser.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from ui import navigation

from browser_actions import (assert_clean, draw_digit, image_sources, metric_values, open_page,
                             server_path_only, wait_for_change, wait_idle)

pytestmark = pytest.mark.browser
N_DEFAULT_MODELS = 4  # ui.widgets.DEFAULT_MODELS


@pytest.fixture(autouse=True)
def server_path(page):
    """No TensorFlow.js: the server draws the reconstructions, as in a browser without it."""
    server_path_only(page)


def test_drawing_shows_a_reconstruction_per_model(page, app_url):
    open_page(page, app_url, "draw")
    assert page.get_by_text("Nothing drawn yet").count() >= 1
    draw_digit(page, 3)
    sources = wait_for_change(page, "Reconstruction", [], count=N_DEFAULT_MODELS)
    assert len(sources) == N_DEFAULT_MODELS
    wait_idle(page)
    assert len(image_sources(page, "What the models see")) == 1
    assert len(metric_values(page, "MSE")) == N_DEFAULT_MODELS
    assert_clean(page)


def test_sigma_slider_changes_corruption_and_metrics(page, app_url):
    open_page(page, app_url, "draw")
    draw_digit(page, 7)
    wait_for_change(page, "Reconstruction", [], count=N_DEFAULT_MODELS)
    page.get_by_text("Gaussian noise", exact=True).click()
    wait_idle(page)
    corrupted = wait_for_change(page, "Corrupted input", [])
    mse_before = metric_values(page, "MSE")
    slider = page.locator('[data-testid="stSlider"]', has_text="Noise sigma").get_by_role("slider")
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # 0.50 -> 0.70
    wait_for_change(page, "Corrupted input", corrupted)
    wait_idle(page)
    assert metric_values(page, "MSE") != mse_before
    assert "draw_sigma=0.7" in page.url  # the setting is in the shareable link

    page.get_by_text("Crosshair", exact=True).click()
    wait_idle(page)
    assert page.locator('[data-testid="stSlider"]', has_text="Line thickness").count() == 1
    assert len(image_sources(page, "Corrupted input")) == 1
    assert_clean(page)


def test_upload_a_png(page, app_url, tmp_path):
    digit = np.full((120, 90), 255, np.uint8)  # dark ink on white paper, as a photo would be
    digit[20:100, 40:52] = 0
    path = tmp_path / "one.png"
    Image.fromarray(digit).save(path)
    open_page(page, app_url, "draw")
    page.get_by_text("Upload", exact=True).click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    wait_for_change(page, "Reconstruction", [], count=N_DEFAULT_MODELS)
    assert any("upload: one.png" in text for text in [page.inner_text("body")])
    assert_clean(page)


def test_broken_upload_shows_a_message(page, app_url, tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"this is not an image at all")
    open_page(page, app_url, "draw")
    page.get_by_text("Upload", exact=True).click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.locator('[data-testid="stAlertContentError"]').first.wait_for()
    assert "broken.png" in page.inner_text('[data-testid="stAlertContentError"]')
    assert_clean(page)


def test_every_page_through_the_navigation(page, app_url):
    open_page(page, app_url, "")
    nav = page.locator('[data-testid="stSidebarNav"] a')
    assert nav.count() == len(navigation.PAGES)
    for i in range(nav.count()):
        nav.nth(i).click()
        wait_idle(page, timeout=120)
        page.wait_for_timeout(500)
        assert_clean(page)
        assert page.locator("h1").count() >= 1, f"page {i} has no heading"


def test_canvas_toolbar_leaves_the_clear_button_free(page, app_url):
    """The canvas's own toolbar rises above it on hover: it must not cover Clear, and Clear
    clicked where a pupil would click it (its centre, the pointer just off the canvas) clears."""
    open_page(page, app_url, "draw")
    draw_digit(page, 1)
    wait_for_change(page, "Reconstruction", [], count=N_DEFAULT_MODELS)
    canvas = page.locator('[data-testid="stBidiComponentIsolated"]').first.bounding_box()
    page.mouse.move(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
    page.wait_for_timeout(600)  # the toolbar's rise on hover
    toolbar = page.locator(".dc-toolbar-card").first.bounding_box()
    clear = page.get_by_role("button", name="Clear", exact=True).bounding_box()
    assert toolbar["y"] >= clear["y"] + clear["height"], (toolbar, clear)
    page.mouse.move(canvas["x"] + canvas["width"] - 5, canvas["y"] + 5)  # past the toolbar
    page.mouse.click(clear["x"] + clear["width"] / 2, clear["y"] + clear["height"] / 2)
    page.get_by_text("Nothing drawn yet").first.wait_for(timeout=30_000)
    assert_clean(page)
