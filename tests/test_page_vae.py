"""The VAE explorer page, run headless with AppTest: grid, traversals, interpolation, samples.

Each test opens its own session on the section it checks (models and decoded grids are cached per
process, so a fresh session costs one script run); the broken-model test patches the model lookup.
"""

from __future__ import annotations

import io

import pytest
import streamlit as st
from PIL import Image
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import ui.model_cache

from apptest_helpers import assert_no_problems, drawing_input, open_app, replace_model_lookup

PAGE = "app_pages/vae.py"


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Bytes of every image the app hands to the browser, by file id (AppTest keeps only URLs)."""
    store: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        store[file_id] = self._files_by_id[file_id].content
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return store


def image_urls(at: AppTest) -> list[str]:
    return [url for element in at.get("image") for url in element.value]


def image_size(media: dict[str, bytes], url: str) -> tuple[int, int]:
    file_id = url.rsplit("/", 1)[-1].split(".")[0]
    return Image.open(io.BytesIO(media[file_id])).size


def captions(at: AppTest) -> list[str]:
    return [c for element in at.get("image") for c in element.captions]


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def open_vae(section: str | None = None, drawn: bool = False) -> AppTest:
    """The app opened straight on this page, on `section` (None: the first tab), with a drawing
    as the current input when `drawn` (else the page falls back to an example digit)."""
    session = {"vae_section": section} if section else {}
    if drawn:
        session["current_input"] = drawing_input()
    return open_app(PAGE, session_state=session)


def test_renders_without_input_on_an_example_digit() -> None:
    app = open_vae()
    assert_no_problems(app)
    assert app.title[0].value == "VAE explorer"
    assert any("No drawing yet" in c.value for c in app.caption)
    grid = [c for c in captions(app) if "decodings" in c]
    assert grid == ["15 x 15 = 225 decodings · z1 → right, z2 → up"]
    assert any(": **z = (" in m for m in markdown(app))


def test_grid_size_changes_the_grid(media: dict[str, bytes]) -> None:
    app = open_vae(drawn=True)
    assert_no_problems(app)
    assert not any("No drawing yet" in c.value for c in app.caption)
    assert any(m.startswith("Your drawing: **z = (") for m in markdown(app))

    def grid_image() -> tuple[str, tuple[int, int]]:
        url = next(u for element in app.get("image") for u, c in
                   zip(element.value, element.captions) if "decodings" in c)
        return url, image_size(media, url)

    url_15, (w15, h15) = grid_image()
    assert w15 == h15 == 15 * 44  # tiles of 44 px fill about 660 px
    app.slider(key="vae_grid_n").set_value(25).run()
    assert_no_problems(app)
    url_25, (w25, h25) = grid_image()
    assert url_25 != url_15
    assert w25 == h25 == 25 * 28  # never smaller than the digits themselves
    assert any("25 x 25 = 625 decodings" in c for c in captions(app))


def test_traversal_rows_follow_the_controls() -> None:
    app = open_vae("Traversals", drawn=True)
    assert_no_problems(app)
    rows = [m for m in markdown(app) if m.startswith("## z")]
    assert len(rows) == 8
    # Rows are ordered by KL, highest first.
    kls = [float(m.split("KL ")[1].split(" nats")[0]) for m in rows]
    assert kls == sorted(kls, reverse=True) and kls[0] > 0.5
    strips = len(app.get("image"))
    app.slider(key="vae_trav_k").set_value(3).run()
    assert len([m for m in markdown(app) if m.startswith("## z")]) == 3
    assert len(app.get("image")) == strips - 5
    assert len(app.get("plotly_chart")) == 1

    before = image_urls(app)
    app.radio(key="vae_trav_start").set_value("A prior sample").run()
    assert_no_problems(app)
    assert any("drawn from N(0, I)" in c for c in captions(app))
    assert image_urls(app) != before


def test_interpolation_shows_latent_and_pixel_rows() -> None:
    app = open_vae("Interpolation", drawn=True)
    assert_no_problems(app)
    labels = [m for m in markdown(app) if m.startswith("## ")]
    assert [label.splitlines()[0] for label in labels] == ["## Through the latent space",
                                                           "## Straight pixel blend"]
    before = image_urls(app)
    app.selectbox(key="vae_interp_digit").set_value(3).run()
    assert_no_problems(app)
    assert any("B: an example 3" in c for c in captions(app))
    assert image_urls(app) != before


def test_resample_draws_new_samples() -> None:
    app = open_vae("Samples")
    assert_no_problems(app)

    def samples() -> tuple[str, str]:
        return next((u, c) for element in app.get("image")
                    for u, c in zip(element.value, element.captions) if "samples of" in c)

    url, caption = samples()
    assert "VAE, 16-D latent (seed 0)" in caption
    app.button(key="vae_resample").click().run()
    assert_no_problems(app)
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

    replace_model_lookup(monkeypatch, broken_2d)
    st.cache_data.clear()
    at = open_vae()
    assert not at.exception
    assert len(at.error) == 1 and "VAE, 2-D latent" in at.error[0].value
    at.session_state["vae_section"] = "Samples"
    at.run()
    assert not at.exception and not at.error
    assert any("samples of VAE, 16-D latent" in c for c in captions(at))
