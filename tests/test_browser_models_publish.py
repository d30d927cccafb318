"""The models' browser form is published under static/models/, or the page hears why not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ui.browser_models as browser_models
from ui.model_cache import ModelStatus


@pytest.fixture
def static_folder(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setattr(browser_models, "STATIC", tmp_path)
    monkeypatch.setattr(browser_models, "PUBLISHED", tmp_path / "models")
    browser_models._publish.clear()
    yield tmp_path
    browser_models._publish.clear()


def test_a_shipped_model_is_written_once_under_content_hashed_folders(static_folder) -> None:
    urls = browser_models.browser_urls("ae_2d")
    assert urls.problem is None
    for url in (urls.encoder, urls.decoder):
        assert url.startswith("app/static/models/ae_2d-") and url.endswith("/model.json")
        model_json = static_folder / url.removeprefix("app/static/")
        assert json.loads(model_json.read_text())["format"] == "layers-model"
        assert (model_json.parent / "weights.bin").stat().st_size > 0
    assert browser_models.browser_urls("ae_2d") == urls  # cached: same files, same URLs
    assert not list(static_folder.glob("models/*.tmp"))


def test_a_model_the_browser_cannot_run_leaves_the_page_on_the_server(static_folder,
                                                                       monkeypatch) -> None:
    class Unconvertible:
        spec = None  # export_autoencoder fails on it, as on a layer TensorFlow.js lacks

    monkeypatch.setattr(browser_models, "get_model", lambda key: ModelStatus(Unconvertible(), None))
    urls = browser_models.browser_urls("dense")
    assert urls.encoder is None and urls.decoder is None and urls.problem


def test_a_model_that_does_not_load_says_why(static_folder, monkeypatch) -> None:
    monkeypatch.setattr(browser_models, "get_model",
                        lambda key: ModelStatus(None, "weights missing (test)"))
    assert browser_models.browser_urls("dense").problem == "weights missing (test)"
