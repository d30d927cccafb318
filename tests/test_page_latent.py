"""The two latent-space pages, run headless with AppTest.

One AppTest for the whole module (TensorFlow and the models load once); the tests run in file
order on it and each switches to its page first.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import ui.model_cache
import ui.state
from ae_models.data import canvas_style_digits

from apptest_helpers import REPO  # noqa: E402
TIMEOUT = 600  # the first run imports TensorFlow and loads models; the test machine is shared
CHART_KEY = "l2d_chart"


def _click(x: float, y: float, index: int) -> dict:
    """A Plotly point selection in the shape the browser sends it."""
    return {"selection": {"points": [{"point_index": index, "curve_number": 0, "x": x, "y": y}],
                          "point_indices": [index], "box": [], "lasso": []}}


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _decoded_image(at: AppTest) -> str:
    return at.image[0].value[0]  # the probe's decoding is the first image of the page


def _no_problems(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture(scope="module")
def app() -> AppTest:
    # Load TensorFlow and the models first (cached per process), outside the AppTest timeout:
    # ours, and the home page's, which the first run shows.
    for key in ("ae_2d", "vae", "ae_3d", "conv"):
        assert ui.model_cache.get_model(key).model is not None, key
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.run()
    image = (canvas_style_digits(1, seed=3)[0][0] / 255).astype(np.float32)
    at.session_state["current_input"] = ui.state.CurrentInput(image, "drawing")
    return at


def test_2d_click_decodes_that_point_and_sliders_take_over(app: AppTest) -> None:
    at = app
    at.switch_page("app_pages/latent_2d.py")
    at.session_state[CHART_KEY] = _click(1.0, -0.5, 2)
    at.run()
    _no_problems(at)
    assert "Decoded at z1 = 1.00, z2 = -0.50" in _markdown(at)
    assert at.slider(key="l2d_x_ae_2d").value == pytest.approx(1.0)
    assert at.slider(key="l2d_y_ae_2d").value == pytest.approx(-0.5)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t.get("name") for t in spec["data"]]
    assert {"Probe", "Your drawing"} <= set(names) and "0" in names
    probe = spec["data"][names.index("Probe")]
    assert probe["x"] == [1.0] and probe["y"] == [-0.5]
    assert len(at.image) >= 3  # decoded probe, the user's input, its reconstruction
    first = _decoded_image(at)

    # Moving a slider decodes any point, and the old click does not snap the probe back.
    at.slider(key="l2d_x_ae_2d").set_value(3.0).run()
    _no_problems(at)
    assert "Decoded at z1 = 3.00, z2 = -0.50" in _markdown(at)

    # A second click elsewhere decodes a different image.
    at.session_state[CHART_KEY] = _click(20.0, -30.0, 7)
    at.run()
    assert "Decoded at z1 = 20.00, z2 = -30.00" in _markdown(at)
    assert _decoded_image(at) != first


def test_2d_grid_and_pca_view(app: AppTest) -> None:
    at = app
    at.switch_page("app_pages/latent_2d.py")
    at.toggle(key="l2d_grid").set_value(True).run()
    _no_problems(at)
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    assert layout.get("images"), "the decoded grid should sit behind the points"

    at.selectbox(key="l2d_model").set_value("vae").run()
    _no_problems(at)
    page_text = "\n".join(e.value for e in [*at.markdown, *at.caption, *at.info])
    assert "PCA view" in page_text and "approximate" in page_text
    assert "Decoded at PC1 = " in _markdown(at)


def test_3d_sliders_move_the_decoded_probe(app: AppTest) -> None:
    at = app
    at.switch_page("app_pages/latent_3d.py")
    at.run()
    _no_problems(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {t["type"] for t in spec["data"]} == {"scatter3d"}
    before_text, before_image = _markdown(at), _decoded_image(at)
    assert "Decoded at z1 = " in before_text
    slider = at.slider(key="l3d_x_ae_3d")
    target = slider.min if slider.value - slider.min > slider.max - slider.value else slider.max
    slider.set_value(target).run()
    _no_problems(at)
    assert f"z1 = {target:.2f}" in _markdown(at)
    assert _decoded_image(at) != before_image


def test_broken_model_shows_an_error_not_a_traceback(app: AppTest,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = app
    broken = ui.model_cache.ModelStatus(None, "the weight file is missing (test)")
    monkeypatch.setattr(ui.model_cache, "get_model", lambda key: broken)
    at.switch_page("app_pages/latent_3d.py")
    at.run()
    assert not at.exception
    assert any("unavailable" in e.value for e in at.error)
    assert at.title[0].value == "Latent space 3-D"  # the rest of the page still renders
