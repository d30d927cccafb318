"""AppTest of the data-set switch (MNIST / Fashion-MNIST) and of the "Train it live" page."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ae_models.data import DATASETS
from ae_models.registry import LIVE_KEY, REGISTRY, model_keys
from ui.state import CurrentInput

from apptest_helpers import images_with_caption, open_app

FASHION = "fashion_mnist"


def _no_problems(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture(scope="module")
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
    _no_problems(at)
    picker = at.multiselect(key=f"models_{FASHION}")
    assert set(picker.options) == {f"{REGISTRY[k].title} ({k})"
                                   for k in model_keys(FASHION, include_twins=False)}
    assert picker.value == ["fashion_conv", "fashion_conv_denoise"]  # the roles of the defaults
    at.button_group(key="input_mode").set_value("Example").run()
    _no_problems(at)
    current = at.session_state["current_input"]
    assert DATASETS[FASHION].class_names[current.label] in current.source  # "example #0 (an Ankle boot)"
    assert len(images_with_caption(at, "Reconstruction")) == 2
    titles = [s.value for s in at.subheader]
    assert any(REGISTRY["fashion_conv"].title in t for t in titles)


def test_the_switch_reaches_the_latent_vae_and_zoo_pages(fashion: AppTest) -> None:
    at = fashion
    at.switch_page("app_pages/latent_3d.py").run()
    _no_problems(at)
    figure = at.get("plotly_chart")[0].proto.spec
    assert REGISTRY["fashion_ae_3d"].title in figure
    assert "Sneaker" in figure and "Ankle boot" in figure  # coloured by clothing class
    at.switch_page("app_pages/latent_2d.py").run()
    _no_problems(at)
    assert at.selectbox(key=f"l2d_model_{FASHION}").value == "fashion_vae_2d"
    at.switch_page("app_pages/vae.py").run()
    _no_problems(at)
    at.switch_page("app_pages/zoo.py").run()
    _no_problems(at)
    assert list(at.dataframe[0].value["Key"]) == model_keys(FASHION)


def test_a_link_restores_the_data_set() -> None:
    at = open_app(run=False)
    at.query_params["dataset"] = "Fashion-MNIST clothes"  # a bound radio puts its label in the URL
    at.run()
    assert at.sidebar.radio(key="dataset").value == FASHION
    assert at.session_state["dataset"] == FASHION


@pytest.fixture(scope="module")
def trained() -> AppTest:
    """A session that trained its own small model on the Train-it-live page."""
    at = open_app(run=False)
    at.run()
    at.switch_page("app_pages/train_live.py").run()
    at.select_slider(key="live_code").set_value(4)
    at.select_slider(key="live_n").set_value(1000)
    at.slider(key="live_epochs").set_value(3)
    at.button(key="live_train").click().run()
    return at


def test_training_live_reports_every_epoch_and_keeps_the_model(trained: AppTest) -> None:
    at = trained
    _no_problems(at)
    model = at.session_state["live_model"]
    assert model.spec.code_shape == (4,) and model.spec.training.epochs == 3
    reports = at.session_state["live_reports"]
    assert [r.epoch for r in reports] == [1, 2, 3]
    assert reports[-1].val_loss < reports[0].val_loss
    assert any("Trained in" in s.value for s in at.success)
    assert images_with_caption(at, "reconstructions after epoch 3")
    assert at.get("plotly_chart"), "the loss curve"


def test_the_live_model_joins_the_draw_page_in_its_own_session_only(trained: AppTest) -> None:
    at = trained
    at.switch_page("app_pages/draw.py").run()
    picker = at.multiselect(key="models")
    assert any(f"({LIVE_KEY})" in option for option in picker.options)
    image = np.zeros((28, 28), np.float32)
    image[6:22, 12:16] = 1.0  # a "1"
    at.session_state["current_input"] = CurrentInput(image, "drawing")
    picker.set_value(["dense", LIVE_KEY]).run()
    _no_problems(at)
    assert len(images_with_caption(at, "Reconstruction")) == 2
    assert any("Your model (trained live)" in s.value for s in at.subheader)

    other = open_app(run=False)
    other.run()
    other.switch_page("app_pages/draw.py").run()
    assert not any(f"({LIVE_KEY})" in o for o in other.multiselect(key="models").options)
