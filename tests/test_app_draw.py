"""AppTest of the Draw & reconstruct page: empty, drawn, corrupted, uploaded, broken models."""

from __future__ import annotations

import numpy as np
import pytest

from apptest_helpers import canvas_value, drawn_digit, image_urls, images_with_caption, open_app
from ui.widgets import DEFAULT_MODELS

DRAW = "app_pages/draw.py"


@pytest.fixture(scope="module")
def at():
    return open_app(DRAW)


def mse_values(at) -> list[str]:
    return [m.value for m in at.metric if m.label == "MSE"]


def test_empty_canvas_says_nothing_drawn(at):
    assert not at.exception
    assert any("Nothing drawn yet" in i.value for i in at.info)
    assert not images_with_caption(at, "Reconstruction")


def test_a_drawing_is_reconstructed_by_every_default_model(at):
    at.session_state["canvas_0"] = canvas_value(drawn_digit(3))
    at.run()
    assert not at.exception
    assert not at.error
    assert len(images_with_caption(at, "Reconstruction")) == len(DEFAULT_MODELS)
    assert len(images_with_caption(at, "Error map")) == len(DEFAULT_MODELS)
    assert len(mse_values(at)) == len(DEFAULT_MODELS)
    assert len(images_with_caption(at, "Its code")) == len(DEFAULT_MODELS)  # every default code is wide
    assert at.session_state["current_input"].source == "drawing"
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Download the 28x28 input (PNG)", "Download the result grid (PNG)"]


def test_sigma_changes_the_corrupted_image_and_the_metrics(at):
    at.button_group(key="draw_kind").set_value("Gaussian noise").run()
    assert not at.exception
    first_image = image_urls(at, "Corrupted input")
    first_mse = mse_values(at)
    assert len(first_image) == 1
    at.slider(key="draw_sigma").set_value(0.9).run()
    assert image_urls(at, "Corrupted input") != first_image
    assert mse_values(at) != first_mse
    at.button_group(key="draw_kind").set_value("Crosshair").run()
    assert at.slider(key="draw_thickness").value == 2
    assert len(image_urls(at, "Corrupted input")) == 1
    at.button_group(key="draw_kind").set_value("None").run()
    assert not image_urls(at, "Corrupted input")


def test_choosing_models_changes_the_rows(at):
    at.multiselect(key="models").set_value(["ae_2d", "vae_2d"]).run()
    assert not at.exception
    assert len(images_with_caption(at, "Reconstruction")) == 2
    assert any("z1 =" in m.value for m in at.markdown)  # 2-D codes are shown as numbers
    at.multiselect(key="models").set_value(DEFAULT_MODELS).run()


def test_clear_empties_the_canvas_input(at):
    clear = [b for b in at.button if b.label == "Clear"][0]
    clear.click().run()
    assert "current_input" not in at.session_state
    assert any("Nothing drawn yet" in i.value for i in at.info)
