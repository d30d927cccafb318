"""AppTest of the Home and Model zoo pages: they render, show every model, and survive a broken one.

Each test opens its own session (models are cached per process, so a fresh session costs one
script run); the zoo tests replace metrics.json with FAKE_METRICS for their own session only.
"""

from __future__ import annotations

import json
import shutil

import pytest
from apptest_helpers import drawing_input, open_app, replace_in_app
from streamlit.testing.v1 import AppTest

import ui.model_cache
from ae_models.artifacts import WEIGHTS_ENV, weights_root
from ae_models.registry import MODELS, REGISTRY, model_keys
from ui.navigation import PAGES

ZOO = "app_pages/zoo.py"
BROKEN = "conv"  # the model of the home page's picture
DETAIL = "conv"

FAKE_METRICS = {
    "baselines": {"pca_test_mse": {"2": 0.0556, "3": 0.0514, "32": 0.0153, "256": 0.0041}},
    "models": {
        "conv": {"status": "ok", "test_mse": 0.006, "pca_test_mse": 0.0041, "mse_over_pca": 1.46,
                 "test_psnr": 23.0, "test_ssim": 0.93, "drawings_mse": 0.005,
                 "denoising_psnr": {"gaussian_0.5": 14.0, "crosshair": 15.5},
                 "gain_over_input_db": {"gaussian_0.5": 4.6, "crosshair": 3.0},
                 "margin_over_best_classical_db": {"gaussian_0.5": -0.9, "crosshair": 1.0}},
        "ae_2d": {"status": "ok", "test_mse": 0.041, "pca_test_mse": 0.0556, "mse_over_pca": 0.74},
    },
    "targets": [
        {"id": "ae_2d_mse_vs_pca2", "model": "ae_2d", "description": "ae_2d test MSE <= 0.8 x PCA-2",
         "value": 0.041, "op": "<=", "threshold": 0.0445, "passed": True, "detail": "0.74 x PCA-2"},
        {"id": "vae_neg_elbo", "model": "vae", "description": "vae -ELBO <= 108 nats per image",
         "value": None, "op": "<=", "threshold": 108, "passed": False,
         "detail": "vae was not evaluated (missing)"},
    ],
}


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def open_home(**query_params) -> AppTest:
    """Home in a new session with a drawing as the input (and a link's query parameters)."""
    return open_app(query_params=query_params,
                    session_state={"current_input": drawing_input(seed=5)})


def cache_every_home_model() -> None:
    """Load every model Home shows into the process cache (once per process), so that a test that
    then points the weights folder elsewhere changes only the model it clears."""
    for key in model_keys("mnist", include_twins=False):
        assert ui.model_cache.get_model(key).model is not None, key


@pytest.fixture
def home() -> AppTest:
    return open_home()


@pytest.fixture
def zoo(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Model zoo in a new session, its numbers read from FAKE_METRICS."""
    replace_in_app(monkeypatch, "metrics", lambda dataset="mnist": FAKE_METRICS)
    return open_app(ZOO)


def test_home_shows_the_picture_cards_and_links(home):
    assert not home.exception
    assert not home.error, _texts(home.error)
    assert home.title[0].value == "Autoencoder Lab"
    # The one picture: input, code and output embedded, with their sizes, from the conv model.
    picture = home.html[0].value
    assert picture.count("data:image/png;base64,") == 3
    assert "784 pixels" in picture and "256 numbers" in picture
    assert "Convolutional on drawing" in picture
    # One card per model shown in the app, the twin left out, each with its rebuild.
    titles = [t.removeprefix("### ") for t in _texts(home.markdown) if t.startswith("### ")]
    shown = model_keys("mnist", include_twins=False)
    assert titles == [REGISTRY[k].title for k in shown]
    assert REGISTRY["sparse_twin"].title not in titles
    facts = [t for t in _texts(home.markdown) if t.startswith("Code: **")]
    assert len(facts) == len(shown) and all("Test MSE" in f for f in facts)
    # Links to every other page.
    links = [link.proto.page for link in home.page_link]
    assert len(links) == len(PAGES) - 1 and any("zoo" in link for link in links)
    assert any("train" in link for link in links)


def test_home_picture_follows_the_model_choice(home):
    assert "Shallow dense on drawing" not in home.html[0].value  # the conv model to begin with
    home.selectbox(key="home_model").set_value("dense").run()
    assert not home.exception
    picture = home.html[0].value
    assert "32 numbers" in picture and "Shallow dense on drawing" in picture


def test_a_link_restores_the_home_model():
    at = open_home(home_model=REGISTRY["vae"].title)  # a bound selectbox puts its label in the URL
    assert not at.exception
    assert at.selectbox(key="home_model").value == "vae"
    assert "16 numbers" in at.html[0].value


def test_home_with_a_missing_weight_file_keeps_the_other_cards(tmp_path, monkeypatch):
    cache_every_home_model()
    broken = tmp_path / "weights"
    broken.mkdir()
    shutil.copy(weights_root() / "manifest.json", broken / "manifest.json")
    shutil.copytree(weights_root() / BROKEN, broken / BROKEN)
    (broken / BROKEN / "encoder.keras").unlink()
    monkeypatch.setenv(WEIGHTS_ENV, str(broken))
    ui.model_cache._load.clear(BROKEN)  # the others stay cached: only this one is looked up again
    try:
        at = open_home()
        assert not at.exception
        errors = _texts(at.error)
        assert len(errors) == 1, errors
        assert REGISTRY[BROKEN].title in errors[0] and "encoder.keras" in errors[0]
        assert "python -m ae_models.train" in errors[0]  # the command that rebuilds it
        pictures = [h for h in at.html if "data:image/png" in h.value]  # not app.py's <style>
        assert not pictures, "no picture from a model that did not load"
        titles = [t for t in _texts(at.markdown) if t.startswith("### ")]
        assert len(titles) == len(model_keys("mnist", include_twins=False))
        assert len(at.page_link) == len(PAGES) - 1  # the rest of the page still works
    finally:
        ui.model_cache._load.clear(BROKEN)


def test_zoo_table_has_every_registry_entry(zoo):
    assert not zoo.exception and not zoo.error, _texts(zoo.error)
    table = zoo.dataframe[0].value
    assert list(table["Key"]) == model_keys("mnist")  # the sidebar's data set: MNIST by default
    assert "sparse_twin" in list(table["Key"])
    row = table.set_index("Key").loc["conv"]
    assert row["Test MSE"] == pytest.approx(0.006) and row["PCA MSE"] == pytest.approx(0.0041)
    assert row["Recipe"] == "R3" and row["Code size"] == 256
    # Targets as badges, with the numbers.
    badges = [m for m in _texts(zoo.markdown) if "-badge[" in m]
    assert len(badges) == 2
    assert any(":green-badge[" in b and "0.041" in b for b in badges)
    assert any(":red-badge[" in b for b in badges)
    assert zoo.selectbox(key="zoo_model").value == MODELS[0].key


def test_zoo_details_of_the_selected_model(zoo):
    assert zoo.selectbox(key="zoo_model").value != DETAIL  # so the choice below changes the page
    zoo.selectbox(key="zoo_model").set_value(DETAIL).run()
    assert not zoo.exception
    assert not zoo.error, _texts(zoo.error)
    assert any(f"`{DETAIL}`" in m for m in _texts(zoo.markdown))
    card = ui.model_cache.card(DETAIL)
    tables = [d.value for d in zoo.dataframe]
    layers = [t for t in tables if list(t.columns) == ["Layer", "Type", "Output shape", "Params"]]
    assert len(layers) == 2, "encoder and decoder tables"
    for part, table in zip(("encoder", "decoder"), layers):
        assert list(table["Layer"]) == [layer["name"] for layer in card["architecture"][part]]
        assert int(table["Params"].sum()) == card["parameters"][part]
    # The PCA bar chart, the loss curves and the learning-rate schedule, each titled in the page
    # (where a title wraps on a phone), not inside the figure (where it was cut off).
    charts = zoo.get("plotly_chart")
    assert len(charts) == 3
    assert all("text" not in json.loads(c.proto.spec)["layout"].get("title", {}) for c in charts)
    texts = _texts(zoo.markdown)
    for title in ("Test MSE relative to PCA", "Loss per epoch", "Learning rate"):
        assert any(t.startswith(f"**{title}") for t in texts), title
    denoise = [t for t in tables if "Corruption" in t.columns]
    assert len(denoise) == 1 and list(denoise[0]["Corruption"]) == ["σ 0.5", "crosshair"]
