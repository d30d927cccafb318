"""The VAE explorer page, run headless with AppTest: grid, traversals, interpolation, samples.

AppTest runs are slow here (TensorFlow), so one app is shared by the module and each test walks
it a little further; the broken-model test uses a second app.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import ui.model_cache
from ae_models.data import canvas_style_digits
from ui.state import CurrentInput

from apptest_helpers import REPO  # noqa: E402
PAGE = "app_pages/vae.py"


@pytest.fixture(scope="module")
def media() -> dict[str, bytes]:
    """Bytes of every image the app hands to the browser, by file id (AppTest keeps only URLs)."""
    store: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        store[file_id] = self._files_by_id[file_id].content
        return file_id

    patch = pytest.MonkeyPatch()
    patch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    yield store
    patch.undo()


def image_urls(at: AppTest) -> list[str]:
    return [url for element in at.get("image") for url in element.value]


def image_size(media: dict[str, bytes], url: str) -> tuple[int, int]:
    file_id = url.rsplit("/", 1)[-1].split(".")[0]
    return Image.open(io.BytesIO(media[file_id])).size


def captions(at: AppTest) -> list[str]:
    return [c for element in at.get("image") for c in element.captions]


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def open_page() -> AppTest:
    """The app opened straight on this page (its url_path matches the file name), skipping Home."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    at.switch_page(PAGE)
    at.run()
    return at


def show_section(at: AppTest, name: str) -> None:
    at.session_state["vae_section"] = name
    at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture(scope="module")
def app(media: dict[str, bytes]) -> AppTest:
    st.cache_data.clear()
    at = open_page()
    return at


def test_renders_without_input_on_an_example_digit(app: AppTest, media: dict[str, bytes]) -> None:
    assert_clean(app)
    assert app.title[0].value == "VAE explorer"
    assert any("No drawing yet" in c.value for c in app.caption)
    grid = [c for c in captions(app) if "decodings" in c]
    assert grid == ["15 x 15 = 225 decodings · z1 → right, z2 → up"]
    assert any(": **z = (" in m for m in markdown(app))


def test_grid_size_changes_the_grid(app: AppTest, media: dict[str, bytes]) -> None:
    image = (canvas_style_digits(1, seed=3)[0][0] / 255).astype(np.float32)
    app.session_state["current_input"] = CurrentInput(image, "drawing")
    app.run()
    assert_clean(app)
    assert not any("No drawing yet" in c.value for c in app.caption)
    assert any(m.startswith("Your drawing: **z = (") for m in markdown(app))

    def grid_image() -> tuple[str, tuple[int, int]]:
        url = next(u for element in app.get("image") for u, c in
                   zip(element.value, element.captions) if "decodings" in c)
        return url, image_size(media, url)

    url_15, (w15, h15) = grid_image()
    assert w15 == h15 == 15 * 44  # tiles of 44 px fill about 660 px
    app.slider(key="vae_grid_n").set_value(25).run()
    assert_clean(app)
    url_25, (w25, h25) = grid_image()
    assert url_25 != url_15
    assert w25 == h25 == 25 * 28  # never smaller than the digits themselves
    assert any("25 x 25 = 625 decodings" in c for c in captions(app))


def test_traversal_rows_follow_the_controls(app: AppTest) -> None:
    show_section(app, "Traversals")
    assert_clean(app)
    rows = [m for m in markdown(app) if m.startswith("#### z")]
    assert len(rows) == 8
    # Rows are ordered by KL, highest first.
    kls = [float(m.split("KL ")[1].split(" nats")[0]) for m in rows]
    assert kls == sorted(kls, reverse=True) and kls[0] > 0.5
    strips = len(app.get("image"))
    app.slider(key="vae_trav_k").set_value(3).run()
    assert len([m for m in markdown(app) if m.startswith("#### z")]) == 3
    assert len(app.get("image")) == strips - 5
    assert len(app.get("plotly_chart")) == 1

    before = image_urls(app)
    app.radio(key="vae_trav_start").set_value("A prior sample").run()
    assert_clean(app)
    assert any("drawn from N(0, I)" in c for c in captions(app))
    assert image_urls(app) != before


def test_interpolation_shows_latent_and_pixel_rows(app: AppTest) -> None:
    show_section(app, "Interpolation")
    assert_clean(app)
    labels = [m for m in markdown(app) if m.startswith("####")]
    assert [label.splitlines()[0] for label in labels] == ["#### Through the latent space",
                                                           "#### Straight pixel blend"]
    before = image_urls(app)
    app.selectbox(key="vae_interp_digit").set_value(3).run()
    assert_clean(app)
    assert any("B: an example 3" in c for c in captions(app))
    assert image_urls(app) != before


def test_resample_draws_new_samples(app: AppTest) -> None:
    show_section(app, "Samples")
    assert_clean(app)

    def samples() -> tuple[str, str]:
        return next((u, c) for element in app.get("image")
                    for u, c in zip(element.value, element.captions) if "samples of" in c)

    url, caption = samples()
    assert "VAE, 16-D latent (seed 0)" in caption
    app.button(key="vae_resample").click().run()
    assert_clean(app)
    new_url, new_caption = samples()
    assert new_url != url and "(seed 1)" in new_caption
    app.radio(key="vae_sample_model").set_value("vae_2d").run()
    assert "VAE, 2-D latent (seed 1)" in samples()[1]


def test_a_broken_model_shows_an_error_and_the_rest_still_works(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = ui.model_cache.get_model

    def broken_2d(key: str) -> ui.model_cache.ModelStatus:
        if key == "vae_2d":
            return ui.model_cache.ModelStatus(None, "weights/vae_2d/decoder.keras is missing (test).")
        return real(key)

    monkeypatch.setattr(ui.model_cache, "get_model", broken_2d)
    st.cache_data.clear()
    at = open_page()
    assert not at.exception
    assert len(at.error) == 1 and "VAE, 2-D latent" in at.error[0].value
    show_section(at, "Samples")
    assert not at.exception and not at.error
    assert any("samples of VAE, 16-D latent" in c for c in captions(at))
