"""*Your model* (trained live) on every page that offers the model picker.

A session's live model must work wherever the picker offers it, be measured like the shipped
models, stay out of every other session, and never reach another session through a cache (the
Denoising lab once cached its curves under the bare word "live").
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from ae_models.registry import LIVE_KEY
from ui.state import CurrentInput

from apptest_helpers import (assert_no_problems, images_with_caption, open_app, plane_codes,
                             train_live_model)

LIVE_TITLE = "Your model (trained live)"
# Every page with widgets.model_picker, and the key of its picker (MNIST).
PICKER_PAGES = {"app_pages/draw.py": "models", "app_pages/denoise.py": "dn_models"}


def a_one(at) -> None:
    """The same input in every session: a plain vertical bar, a "1"."""
    image = np.zeros((28, 28), np.float32)
    image[6:22, 12:16] = 1.0
    at.session_state["current_input"] = CurrentInput(image, "drawing")


def open_with_live(at, page: str):
    """`at` on `page` with a shipped model and the live one picked."""
    at.switch_page(page).run()
    a_one(at)
    picker = at.multiselect(key=PICKER_PAGES[page])
    assert any(f"({LIVE_KEY})" in option for option in picker.options)
    picker.set_value(["dense", LIVE_KEY]).run()
    assert_no_problems(at)
    return at


def sweep_curves(at) -> dict[str, list[float]]:
    """The Denoising lab's PSNR-against-sigma chart, as {trace name: PSNR per sigma}."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return {trace["name"]: trace["y"] for trace in spec["data"]}


@pytest.fixture
def first() -> object:
    return train_live_model(code_size=4)


def test_the_draw_page_reconstructs_with_the_live_model(first) -> None:
    at = open_with_live(first, "app_pages/draw.py")
    assert len(images_with_caption(at, "Reconstruction")) == 2
    assert len([m for m in at.metric if m.label == "PSNR"]) == 2  # measured like dense
    assert any(LIVE_TITLE in s.value for s in at.header)


def test_the_denoising_lab_measures_the_live_model_like_the_others(first) -> None:
    at = open_with_live(first, "app_pages/denoise.py")
    curves = sweep_curves(at)
    assert set(curves) >= {"Shallow dense", LIVE_TITLE}
    live = np.array(curves[LIVE_TITLE], dtype=float)
    assert len(live) == len(curves["Shallow dense"]) and np.isfinite(live).all()
    crosshair_rows = [str(table.value.index.tolist()) for table in at.table]
    assert any(LIVE_TITLE in rows for rows in crosshair_rows), "a row in the crosshair table"


@pytest.mark.parametrize("page", sorted(PICKER_PAGES))
def test_another_session_is_not_offered_the_live_model(first, page: str) -> None:
    assert first.session_state["live_model"] is not None
    other = open_app(page)
    assert_no_problems(other)
    options = other.multiselect(key=PICKER_PAGES[page]).options
    assert options and not any(f"({LIVE_KEY})" in option for option in options)


def test_two_sessions_live_models_never_share_cached_curves(first) -> None:
    """Same page, same input, same picker value "live": two different models, two curves."""
    mine = sweep_curves(open_with_live(first, "app_pages/denoise.py"))[LIVE_TITLE]
    other = open_with_live(train_live_model(code_size=2), "app_pages/denoise.py")
    theirs = sweep_curves(other)[LIVE_TITLE]
    assert not np.allclose(mine, theirs), "the second session was served the first one's curve"


def test_retraining_replaces_the_cached_curve(first) -> None:
    """A session that trains again gets its new model's curve, not its old one's."""
    at = train_live_model(code_size=4)
    before = sweep_curves(open_with_live(at, "app_pages/denoise.py"))[LIVE_TITLE]
    train_live_model(code_size=32, at=at)
    after = sweep_curves(open_with_live(at, "app_pages/denoise.py"))[LIVE_TITLE]
    assert not np.allclose(before, after)


def open_map_with_live(at):
    at.switch_page("app_pages/latent_2d.py").run()
    picker = at.selectbox(key="l2d_model")
    labels = [o for o in picker.options if LIVE_TITLE in o]
    assert len(labels) == 1, picker.options
    picker.select_index(picker.options.index(labels[0])).run()
    assert_no_problems(at)
    return at


@pytest.mark.parametrize("code_size", [2, 4])
def test_the_2d_map_shows_the_live_models_own_codes(code_size: int) -> None:
    at = open_map_with_live(train_live_model(code_size=code_size))
    assert any(LIVE_TITLE in m.value for m in at.markdown), "the map's title names the model"
    points = plane_codes(at)
    assert len(points) > 100 and np.isfinite(points).all()
    pca_notes = [i.value for i in at.info if "PCA view" in i.value]
    assert bool(pca_notes) == (code_size > 2)


def test_two_sessions_live_models_draw_their_own_maps() -> None:
    """Both pick "live"; each map is its own model's (the codes are cached per trained model)."""
    mine = plane_codes(open_map_with_live(train_live_model(code_size=2)))
    theirs = plane_codes(open_map_with_live(train_live_model(code_size=4)))
    assert mine.shape == theirs.shape and not np.allclose(mine, theirs)
