"""The models' browser form is published under static/models/, or the page hears why not."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import ui.browser_models as browser_models
from ui.model_cache import ModelStatus


@pytest.fixture
def static_folder(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setattr(browser_models, "STATIC", tmp_path)
    monkeypatch.setattr(browser_models, "PUBLISHED", tmp_path / "models")
    monkeypatch.setattr(browser_models, "INDEX", tmp_path / "models" / "index.json")
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


def refuse_to_load(key):
    raise AssertionError(f"{key} was loaded: the index should have answered")


def test_a_restarted_server_hands_out_the_earlier_export_without_loading(static_folder,
                                                                          monkeypatch) -> None:
    urls = browser_models.browser_urls("ae_2d")
    browser_models._publish.clear()  # what a new process starts with
    monkeypatch.setattr(browser_models, "get_model", refuse_to_load)
    assert browser_models.browser_urls("ae_2d") == urls


def test_an_altered_weights_file_or_a_deleted_export_is_not_reused(static_folder, tmp_path,
                                                                    monkeypatch) -> None:
    import shutil

    from ae_models.artifacts import weights_dir

    scratch = tmp_path / "weights"
    shutil.copytree(weights_dir("ae_2d"), scratch / "ae_2d")
    monkeypatch.setenv("AE_WEIGHTS_DIR", str(scratch))
    urls = browser_models.browser_urls("ae_2d")
    browser_models._publish.clear()
    asked = []
    monkeypatch.setattr(browser_models, "get_model",
                        lambda key: asked.append(key) or ModelStatus(None, "altered (test)"))
    shutil.rmtree(static_folder / urls.decoder.removeprefix("app/static/").rsplit("/", 1)[0])
    assert browser_models.browser_urls("ae_2d").problem == "altered (test)"
    with open(scratch / "ae_2d" / "decoder.keras", "ab") as f:
        f.write(b"\0")
    assert browser_models.browser_urls("ae_2d").problem == "altered (test)"
    assert asked == ["ae_2d", "ae_2d"]


@pytest.mark.parametrize("exporter", ["browser_export.py", "sub_pixel.py"])
def test_a_changed_exporter_exports_again(static_folder, tmp_path, monkeypatch,
                                          exporter) -> None:
    """A new version of the code that makes browser forms (a faster layer, say) reaches a
    restarted server's pages instead of the forms the old code wrote."""
    copies = []
    for path in browser_models.EXPORTER_FILES:
        copy = tmp_path / "exporter" / path.name
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    monkeypatch.setattr(browser_models, "EXPORTER_FILES", tuple(copies))
    browser_models.browser_urls("ae_2d")
    browser_models._publish.clear()
    monkeypatch.setattr(browser_models, "get_model", refuse_to_load)
    browser_models.browser_urls("ae_2d")  # unchanged: the earlier export, nothing loaded
    with open(tmp_path / "exporter" / exporter, "a") as f:
        f.write("\n# changed\n")
    with pytest.raises(AssertionError, match="was loaded"):
        browser_models.browser_urls("ae_2d")


def test_live_models_browser_forms_are_deleted_after_a_lesson_and_shipped_ones_kept(
        static_folder) -> None:
    hours = browser_models.LIVE_EXPORT_HOURS
    folders = {"live-old-decoder-1": hours + 1, "live-new-decoder-2": hours - 1,
               "ae_2d-decoder-3": hours + 100}
    for name, age in folders.items():
        folder = static_folder / "models" / name
        folder.mkdir(parents=True)
        (folder / "model.json").write_text("{}")
        then = time.time() - age * 3600
        os.utime(folder, (then, then))
    assert browser_models.remove_old_live_exports() == ["live-old-decoder-1"]
    assert sorted(p.name for p in (static_folder / "models").iterdir()) == [
        "ae_2d-decoder-3", "live-new-decoder-2"]
