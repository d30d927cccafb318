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
    component_data,
    drawing_input,
    open_app,
    plane_codes,
    replace_model_lookup,
    send_trigger,
)
from streamlit.testing.v1 import AppTest

import ui.model_cache

PLANE = "latent_plane"  # the 2-D map's component (ui/latent_plane.py)
LATENT_2D = "app_pages/latent_2d.py"
LATENT_3D = "app_pages/latent_3d.py"


def open_with_drawing(page: str, query_params: dict | None = None, **session) -> AppTest:
    """`page` in a new session whose current input is a drawn digit (plus any other state)."""
    return open_app(page, query_params=query_params,
                    session_state={"current_input": drawing_input(), **session})


def click_map(at: AppTest, *code: float) -> AppTest:
    """A click on the 2-D map as latent_plane.js sends it: the code there, its `pin` trigger."""
    return send_trigger(at, PLANE, "pin", list(code))


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
    """The map sends the clicked code; the probe goes there, and the map draws it there."""
    at = open_with_drawing(LATENT_2D)
    first = _decoded_image(at)
    click_map(at, 1.0, -0.5)
    assert_no_problems(at)
    assert "Decoded at z1 = 1.00, z2 = -0.50" in _markdown(at)
    assert at.slider(key="l2d_x_ae_2d").value == pytest.approx(1.0)
    assert at.slider(key="l2d_y_ae_2d").value == pytest.approx(-0.5)
    plane = component_data(at, PLANE)
    assert plane["probe"] == pytest.approx([1.0, -0.5]) and plane["user"] is not None
    assert "the probe, the black x, at z1 = 1.00, z2 = -0.50" in plane["label"]
    assert len(at.image) >= 3  # decoded probe, the user's input, its reconstruction
    assert _decoded_image(at) != first

    # Moving a slider decodes any point; the click (a trigger: one run only) does not snap back.
    at.slider(key="l2d_x_ae_2d").set_value(3.0).run()
    assert_no_problems(at)
    assert "Decoded at z1 = 3.00, z2 = -0.50" in _markdown(at)

    # A click outside the map puts the probe on its edge.
    click_map(at, 1e6, -30.0)
    assert at.slider(key="l2d_x_ae_2d").value == at.slider(key="l2d_x_ae_2d").max
    assert "z2 = -30.00" in _markdown(at)


@pytest.mark.parametrize("pin", [None, "seven", [1.0], [float("nan"), 0.0]])
def test_a_malformed_click_changes_nothing(pin) -> None:
    at = open_with_drawing(LATENT_2D)
    before = at.slider(key="l2d_x_ae_2d").value
    send_trigger(at, PLANE, "pin", pin)
    assert_no_problems(at)
    assert at.slider(key="l2d_x_ae_2d").value == before


def test_2d_map_data_is_the_models_codes_and_no_plotly() -> None:
    """The browser gets every plotted code exactly (float32 of the stored float16), one
    colour and shape per class, and the compressed axes' ticks; no Plotly chart is sent."""
    from ae_models.artifacts import read_latents
    from ui.figures import CLASS_SYMBOLS, DIGIT_COLORS

    at = open_with_drawing(LATENT_2D)
    assert not at.get("plotly_chart")
    plane = component_data(at, PLANE)
    codes, labels = plane_codes(at), np.array(plane["labels"])
    stored = read_latents("ae_2d")
    assert len(codes) == len(labels) == 4000
    for row in (0, 1234, 3999):  # each a stored code, exactly
        assert (np.abs(stored["codes"].astype(np.float64) - codes[row]).sum(axis=1) == 0).any()
    assert [c["color"] for c in plane["classes"]] == list(DIGIT_COLORS)
    assert [c["symbol"] for c in plane["classes"]] == list(CLASS_SYMBOLS)
    assert {n["name"] for n in plane["names"]} == {str(d) for d in range(10)}
    ticks, labels_ = plane["ticks"][1]
    assert "0" in labels_ and drawn(0.0, 50.0)[1] == pytest.approx(ticks[labels_.index("50")])
    x0, _, _, y1 = plane["ranges"]
    assert x0 < drawn(*codes.min(axis=0))[0] and drawn(*codes.max(axis=0))[1] < y1


def test_2d_grid_and_pca_view() -> None:
    at = open_with_drawing(LATENT_2D)
    assert component_data(at, PLANE)["background"] is None
    assert not _shows_the_pca_note(at)  # ae_2d's own code is the map
    at.toggle(key="l2d_grid").set_value(True).run()
    assert_no_problems(at)
    background = component_data(at, PLANE)["background"]
    assert background["png"] and background["opacity"] == 0.35, "the grid behind the points"

    at.selectbox(key="l2d_model").set_value("vae").run()
    assert_no_problems(at)
    assert _shows_the_pca_note(at)
    assert "Decoded at PC1 = " in _markdown(at)
    assert component_data(at, PLANE)["axisNames"] == ["PC1", "PC2"]


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


def test_2d_rerun_reuses_the_maps_clouds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A probe move reruns the explorer: the model's dots and names come from the cache, no
    Plotly figure is built (only the export builds one, when clicked), and the probe moves."""
    import ui.figures
    import ui.latent

    at = open_with_drawing(LATENT_2D)
    assert_no_problems(at)
    built = []
    for module, name in ((ui.latent, "latent_map_2d"), (ui.figures, "labelled_rows")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name,
                            lambda *a, real=real, **k: built.append(1) or real(*a, **k))
    y = at.slider(key="l2d_y_ae_2d").value
    at.slider(key="l2d_x_ae_2d").set_value(3.0).run()
    assert_no_problems(at)
    assert built == []
    assert component_data(at, PLANE)["probe"] == pytest.approx([3.0, y])


def test_2d_export_builds_the_plotly_map_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Download button's file is the Plotly map with this run's probe, made when clicked."""
    import ui.latent
    import ui.widgets

    made, built = [], []
    monkeypatch.setattr(ui.widgets, "download", lambda label, make, *a, **k: made.append(make))
    real = ui.latent.map_2d
    monkeypatch.setattr(ui.latent, "map_2d", lambda *a, **k: built.append(1) or real(*a, **k))
    at = open_with_drawing(LATENT_2D)
    assert_no_problems(at)
    assert built == [] and len(made) == 1
    html = made[0]()
    assert built == [1] and "plotly" in html and '"name":"Probe"' in html
    assert "2-D code: 4,000 of 10,000 test digits" in html
