"""The two latent-space pages, run headless with AppTest.

Each test opens its own session straight on its page with a drawing as the current input (the
models are cached per process, so a fresh session costs one script run).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_helpers import (
    assert_no_problems,
    drawing_input,
    open_app,
    replace_model_lookup,
    trace_numbers,
)
from streamlit.testing.v1 import AppTest

import ui.model_cache

CHART_KEY = "l2d_chart"
LATENT_2D = "app_pages/latent_2d.py"
LATENT_3D = "app_pages/latent_3d.py"


def open_with_drawing(page: str, query_params: dict | None = None, **session) -> AppTest:
    """`page` in a new session whose current input is a drawn digit (plus any other state)."""
    return open_app(page, query_params=query_params,
                    session_state={"current_input": drawing_input(), **session})


def _click(x: float, y: float, index: int) -> dict:
    """A Plotly point selection in the shape the browser sends it."""
    return {"selection": {"points": [{"point_index": index, "curve_number": 0, "x": x, "y": y}],
                          "point_indices": [index], "box": [], "lasso": []}}


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _shows_the_pca_note(at: AppTest) -> bool:
    """The box that says a wide code is shown as its PCA shadow, decoded approximately (the
    page's explanation mentions the PCA view too, so the box itself is looked for)."""
    return any("PCA view" in i.value and "approximate" in i.value for i in at.info)


def _decoded_image(at: AppTest) -> str:
    return at.image[0].value[0]  # the probe's decoding is the first image of the page


def drawn(*code: float) -> list[float]:
    """Where ae_2d's map draws a code (its axes are asinh-compressed: ae_models.map_scale)."""
    from ae_models import latent_maps
    from ae_models.artifacts import read_latents
    from ae_models.map_scale import map_scale

    scale = map_scale(latent_maps.plot_points(read_latents("ae_2d"), 2))
    assert not scale.linear, "ae_2d's heavy-tailed codes are drawn compressed"
    return [float(v) for v in scale.to_display(np.array(code))]


def test_2d_click_decodes_that_point_and_sliders_take_over() -> None:
    """The chart reports where a dot is drawn; the probe goes to the code drawn there."""
    at = open_with_drawing(LATENT_2D, **{CHART_KEY: _click(*drawn(1.0, -0.5), 2)})
    assert_no_problems(at)
    assert "Decoded at z1 = 1.00, z2 = -0.50" in _markdown(at)
    assert at.slider(key="l2d_x_ae_2d").value == pytest.approx(1.0)
    assert at.slider(key="l2d_y_ae_2d").value == pytest.approx(-0.5)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t.get("name") for t in spec["data"]]
    assert {"Probe", "Your drawing"} <= set(names) and "0" in names
    probe = spec["data"][names.index("Probe")]
    assert trace_numbers(probe["x"]) + trace_numbers(probe["y"]) == pytest.approx(drawn(1.0, -0.5))
    assert len(at.image) >= 3  # decoded probe, the user's input, its reconstruction
    first = _decoded_image(at)

    # Moving a slider decodes any point, and the old click does not snap the probe back.
    at.slider(key="l2d_x_ae_2d").set_value(3.0).run()
    assert_no_problems(at)
    assert "Decoded at z1 = 3.00, z2 = -0.50" in _markdown(at)

    # A second click elsewhere decodes a different image.
    at.session_state[CHART_KEY] = _click(*drawn(20.0, -30.0), 7)
    at.run()
    assert "Decoded at z1 = 20.00, z2 = -30.00" in _markdown(at)
    assert _decoded_image(at) != first


def test_2d_grid_and_pca_view() -> None:
    at = open_with_drawing(LATENT_2D)
    assert not json.loads(at.get("plotly_chart")[0].proto.spec)["layout"].get("images")
    assert not _shows_the_pca_note(at)  # ae_2d's own code is the map
    at.toggle(key="l2d_grid").set_value(True).run()
    assert_no_problems(at)
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    assert layout.get("images"), "the decoded grid should sit behind the points"

    at.selectbox(key="l2d_model").set_value("vae").run()
    assert_no_problems(at)
    assert _shows_the_pca_note(at)
    assert "Decoded at PC1 = " in _markdown(at)


def test_3d_sliders_move_the_decoded_probe() -> None:
    at = open_with_drawing(LATENT_3D)
    assert_no_problems(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {t["type"] for t in spec["data"]} == {"scatter3d"}
    before_text, before_image = _markdown(at), _decoded_image(at)
    assert "Decoded at z1 = " in before_text
    slider = at.slider(key="l3d_x_ae_3d")
    target = slider.min if slider.value - slider.min > slider.max - slider.value else slider.max
    slider.set_value(target).run()
    assert_no_problems(at)
    assert f"z1 = {target:.2f}" in _markdown(at)
    assert _decoded_image(at) != before_image


def test_broken_model_shows_an_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = ui.model_cache.ModelStatus(None, "the weight file is missing (test)")
    replace_model_lookup(monkeypatch, lambda key: broken)
    at = open_with_drawing(LATENT_3D)
    assert not at.exception
    assert any("unavailable" in e.value for e in at.error)
    assert at.title[0].value == "Latent space 3-D"  # the rest of the page still renders


@pytest.mark.parametrize("value", ["nan", "1e308", "-inf", "twelve"])
def test_a_link_with_no_number_for_the_probe_says_so(value: str) -> None:
    at = open_with_drawing(LATENT_2D, query_params={"l2d_x_ae_2d": value})
    assert not at.exception
    assert any("not a point of this map" in w.value for w in at.warning)
    low, high = at.slider(key="l2d_x_ae_2d").min, at.slider(key="l2d_x_ae_2d").max
    assert low <= at.slider(key="l2d_x_ae_2d").value <= high


def test_a_probe_at_the_edge_of_the_map_decodes() -> None:
    at = open_with_drawing(LATENT_2D)
    slider = at.slider(key="l2d_x_ae_2d")
    slider.set_value(slider.max).run()
    assert_no_problems(at)
    assert f"Decoded at z1 = {slider.max:.2f}" in _markdown(at)
    assert not at.warning


def test_2d_rerun_marks_the_cached_map_without_building_its_clouds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A probe move reruns the explorer: the model's clouds come from the cache (building them
    cost ~150 ms a rerun), and the probe is drawn where it moved."""
    import ui.latent

    at = open_with_drawing(LATENT_2D)
    assert_no_problems(at)
    built = []
    real = ui.latent.latent_map_2d
    monkeypatch.setattr(ui.latent, "latent_map_2d",
                        lambda *args, **kwargs: built.append(1) or real(*args, **kwargs))
    y = at.slider(key="l2d_y_ae_2d").value
    at.slider(key="l2d_x_ae_2d").set_value(3.0).run()
    assert_no_problems(at)
    assert built == []
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t.get("name") for t in spec["data"]]
    assert names.count("Probe") == 1 and names[-1] == "Your drawing"
    probe = spec["data"][names.index("Probe")]
    assert trace_numbers(probe["x"]) + trace_numbers(probe["y"]) == pytest.approx(drawn(3.0, y))
