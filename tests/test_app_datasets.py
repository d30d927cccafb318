"""AppTest of the data-set switch (MNIST / Fashion-MNIST) and of the "Train it live" page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ae_models.data import DATASETS
from ae_models.registry import REGISTRY, model_keys

from apptest_helpers import assert_no_problems, images_with_caption, open_app, train_live_model

FASHION = "fashion_mnist"


@pytest.fixture
def fashion() -> AppTest:
    """A session switched to Fashion-MNIST in the sidebar, on the Draw page with an example."""
    at = open_app(run=False)
    at.run()
    at.sidebar.radio(key="dataset").set_value(FASHION).run()
    at.switch_page("app_pages/draw.py")
    at.run()
    return at


def test_the_switch_puts_the_fashion_models_on_the_draw_page(fashion: AppTest) -> None:
    at = fashion
    assert_no_problems(at)
    picker = at.multiselect(key=f"models_{FASHION}")
    assert set(picker.options) == {f"{REGISTRY[k].title} ({k})"
                                   for k in model_keys(FASHION, include_twins=False)}
    assert picker.value == ["fashion_conv", "fashion_conv_denoise"]  # the roles of the defaults
    at.button_group(key="input_mode").set_value("Example").run()
    assert_no_problems(at)
    current = at.session_state["current_input"]
    assert DATASETS[FASHION].class_names[current.label] in current.source  # "example #0 (an Ankle boot)"
    assert len(images_with_caption(at, "Reconstruction")) == 2
    titles = [s.value for s in at.header]
    assert any(REGISTRY["fashion_conv"].title in t for t in titles)


def test_the_switch_reaches_the_latent_vae_and_zoo_pages(fashion: AppTest) -> None:
    at = fashion
    at.switch_page("app_pages/latent_3d.py").run()
    assert_no_problems(at)
    figure = at.get("plotly_chart")[0].proto.spec
    assert any(REGISTRY["fashion_ae_3d"].title in m.value for m in at.markdown)  # the map's title
    assert "Sneaker" in figure and "Ankle boot" in figure  # coloured by clothing class
    at.switch_page("app_pages/latent_2d.py").run()
    assert_no_problems(at)
    assert at.selectbox(key=f"l2d_model_{FASHION}").value == "fashion_vae_2d"
    at.switch_page("app_pages/vae.py").run()
    assert_no_problems(at)
    at.switch_page("app_pages/zoo.py").run()
    assert_no_problems(at)
    assert list(at.dataframe[0].value["Key"]) == model_keys(FASHION)


def test_a_link_restores_the_data_set() -> None:
    at = open_app(run=False)
    at.query_params["dataset"] = "Fashion-MNIST clothes"  # a bound radio puts its label in the URL
    at.run()
    assert at.sidebar.radio(key="dataset").value == FASHION
    assert at.session_state["dataset"] == FASHION


def test_training_live_reports_every_epoch_and_keeps_the_model() -> None:
    """(Your model on the pages with a model picker: tests/test_live_model_pages.py.)"""
    at = train_live_model(code_size=4)
    model = at.session_state["live_model"]
    assert model.spec.code_shape == (4,) and model.spec.training.epochs == 3
    reports = at.session_state["live_reports"]
    assert [r.epoch for r in reports] == [1, 2, 3]
    assert reports[-1].val_loss < reports[0].val_loss
    assert any("Trained in" in s.value for s in at.success)
    assert images_with_caption(at, "reconstructions after epoch 3")
    assert at.get("plotly_chart"), "the loss curve"
