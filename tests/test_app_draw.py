"""AppTest of the Draw & reconstruct page: empty, drawn, corrupted, other models, cleared.

Each test opens its own session and builds the state it checks (models are cached per process,
so a fresh session costs one script run).
"""

from __future__ import annotations

import base64

import pytest

from apptest_helpers import canvas_value, drawn_digit, image_urls, images_with_caption, open_app
from ui.widgets import DEFAULT_MODELS

DRAW = "app_pages/draw.py"
NOTHING_DRAWN = "Nothing drawn yet"


@pytest.fixture
def at():
    """The Draw page in a new session: nothing drawn yet."""
    return open_app(DRAW)


def draw(at, digit: int = 3):
    """A stroke on the page's canvas (its key changes on Clear), sent as the browser sends it."""
    canvas_key = f"canvas_{at.session_state['canvas_version']}"
    at.session_state[canvas_key] = canvas_value(drawn_digit(digit))
    return at.run()


def mse_values(at) -> list[str]:
    return [m.value for m in at.metric if m.label == "MSE"]


def says_nothing_drawn(at) -> bool:
    return any(NOTHING_DRAWN in i.value for i in at.info)


def test_empty_canvas_says_nothing_drawn(at):
    assert not at.exception
    assert says_nothing_drawn(at)
    assert not images_with_caption(at, "Reconstruction")


def test_upload_mode_with_no_file_asks_for_an_upload_not_a_drawing(at):
    at.segmented_control(key="input_mode").set_value("Upload").run()
    assert not at.exception
    assert not says_nothing_drawn(at)
    assert any(i.value.startswith("Nothing uploaded yet: upload an image of a digit")
               for i in at.info)


def test_a_drawing_is_reconstructed_by_every_default_model(at):
    draw(at, 3)
    assert not at.exception
    assert not at.error
    assert not says_nothing_drawn(at)
    assert len(images_with_caption(at, "Reconstruction")) == len(DEFAULT_MODELS)
    assert len(images_with_caption(at, "Error map")) == len(DEFAULT_MODELS)
    assert len(mse_values(at)) == len(DEFAULT_MODELS)
    assert len(images_with_caption(at, "Its code")) == len(DEFAULT_MODELS)  # every default code is wide
    assert at.session_state["current_input"].source == "drawing"
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Download the 28x28 input (PNG)", "Download the result grid (PNG)"]


def test_sigma_changes_the_corrupted_image_and_the_metrics(at):
    draw(at, 3)
    assert not image_urls(at, "Corrupted input")  # no corruption by default
    at.button_group(key="draw_kind").set_value("Gaussian noise").run()
    assert not at.exception
    first_image = image_urls(at, "Corrupted input")
    first_mse = mse_values(at)
    assert len(first_image) == 1
    at.slider(key="draw_sigma").set_value(0.9).run()
    assert image_urls(at, "Corrupted input") != first_image
    assert mse_values(at) != first_mse
    at.button_group(key="draw_kind").set_value("Crosshair").run()
    assert at.slider(key="draw_thickness").value == 2
    assert len(image_urls(at, "Corrupted input")) == 1
    at.button_group(key="draw_kind").set_value("None").run()
    assert not image_urls(at, "Corrupted input")


def test_choosing_models_changes_the_rows(at):
    draw(at, 3)
    assert not any("z1 =" in m.value for m in at.markdown)  # the defaults have wide codes
    at.multiselect(key="models").set_value(["ae_2d", "vae_2d"]).run()
    assert not at.exception
    assert len(images_with_caption(at, "Reconstruction")) == 2
    assert any("z1 =" in m.value for m in at.markdown)  # 2-D codes are shown as numbers


def test_clear_empties_the_canvas_input(at):
    draw(at, 3)
    assert at.session_state["current_input"].source == "drawing"
    assert not says_nothing_drawn(at)
    clear = [b for b in at.button if b.label == "Clear"][0]
    clear.click().run()
    assert not at.exception
    assert "current_input" not in at.session_state
    assert says_nothing_drawn(at)
    assert not images_with_caption(at, "Reconstruction")


def test_guess_first_hides_the_results_until_reveal_and_asks_again_for_a_new_drawing(at):
    at.toggle(key="draw_guess_first").set_value(True).run()
    draw(at, 3)
    assert not at.exception
    assert not images_with_caption(at, "Reconstruction") and not mse_values(at)
    assert any(b.label == "Reveal" for b in at.button)
    at.button(key="draw_reveal").click().run()
    assert len(images_with_caption(at, "Reconstruction")) == len(DEFAULT_MODELS)
    draw(at, 7)  # a new drawing is a new question
    assert not images_with_caption(at, "Reconstruction") and not mse_values(at)


def models_data(at) -> dict:
    """What the page hands the browser's live models (ui.live_draw)."""
    import json

    datas = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    return next(d for d in datas if isinstance(d, dict) and d.get("part") == "models")


def test_while_the_browser_runs_the_models_the_server_runs_none(at, monkeypatch):
    """The live path (issue #17): after the browser says it runs the chosen models, a stroke
    costs the server its 28x28 input only; the pictures, scores and code maps are the browser's,
    and the exports still work."""
    from ae_models.loading import Autoencoder

    draw(at, 3)
    signature = models_data(at)["signature"]
    at.session_state["live_draw_models"] = {"ready": signature}  # as draw_reconstruct.js says
    calls = []
    for name in ("encode", "decode"):
        original = getattr(Autoencoder, name)
        monkeypatch.setattr(Autoencoder, name,
                            lambda self, x, _o=original, _n=name: calls.append(_n) or _o(self, x))
    draw(at, 7)
    assert not at.exception and not at.error
    assert calls == [], "the server ran a model on the live path"
    assert not images_with_caption(at, "Reconstruction"), "the browser shows them"
    data = models_data(at)
    assert len(base64.b64decode(data["image"])) == 784 * 4  # this stroke's input (float32)
    assert all(m["codeShape"] for m in data["models"])
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Download the 28x28 input (PNG)", "Download the result grid (PNG)"]


def test_where_the_browser_cannot_run_the_models_it_paints_the_servers_results(at):
    """The server path when the page's scripts run but not the models (no TensorFlow.js, a
    model without a browser form): the server's pictures and numbers go to the browser as
    data, equal to what the server path draws itself, and no image files are made."""
    import numpy as np

    from ae_models.loading import load
    from ae_models.metrics import mse, psnr, ssim

    draw(at, 3)
    assert models_data(at)["server"] is None, "not before the browser says it paints"
    at.session_state["live_draw_models"] = {"ready": "server"}  # as draw_reconstruct.js says
    draw(at, 7)
    assert not at.exception and not at.error
    assert not images_with_caption(at, "Reconstruction"), "the browser paints them"
    data = models_data(at)
    server = data["server"]
    floats = lambda text: np.frombuffer(base64.b64decode(text), np.float32)  # noqa: E731
    clean = floats(data["image"]).reshape(28, 28)
    assert data["corruption"]["kind"] == "none"
    assert np.array_equal(floats(server["corrupted"]).reshape(28, 28), clean)
    keys = [m["key"] for m in data["models"]]
    assert keys == list(DEFAULT_MODELS)
    for key, image, code, scores in zip(keys, server["images"], server["codes"], server["metrics"]):
        model = load(key)
        expected_code = np.ravel(model.encode(clean))
        rebuilt = model.decode(model.encode(clean))
        np.testing.assert_allclose(floats(code), expected_code, atol=1e-5)
        np.testing.assert_allclose(floats(image).reshape(28, 28), rebuilt, atol=1e-5)
        assert scores["mse"] == pytest.approx(float(mse(clean[None], rebuilt[None])[0]), abs=1e-6)
        assert scores["psnr"] == pytest.approx(float(psnr(clean[None], rebuilt[None])[0]), abs=1e-3)
        assert scores["ssim"] == pytest.approx(float(ssim(clean[None], rebuilt[None])[0]), abs=1e-4)
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Download the 28x28 input (PNG)", "Download the result grid (PNG)"]
