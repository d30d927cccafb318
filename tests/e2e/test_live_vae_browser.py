"""The VAE explorer's interpolation redrawn in the browser while its Steps slider is dragged
(issue #17): no message to the server until release, and the same pixels Keras and NumPy give."""

from __future__ import annotations

import numpy as np
import pytest

from browser_actions import assert_clean, open_page, wait_idle

pytestmark = pytest.mark.browser
HOOK = "window.aeLive?.vaeInterpolation"
STEPS = '.st-key-vae_interp_steps [data-testid="stSlider"] [data-orientation="horizontal"]'


def open_interpolation(page, app_url: str) -> None:
    open_page(page, app_url, "vae?vae_section=Interpolation")
    page.wait_for_function(f"() => {HOOK}?.ready === true", timeout=60_000)
    wait_idle(page)


def hook(page) -> dict:
    return page.evaluate(f"""() => ({{...{HOOK}, latentPixels: Array.from({HOOK}.latentPixels),
                                     blendPixels: Array.from({HOOK}.blendPixels)}})""")


def test_dragging_steps_redraws_both_strips_before_release(page, app_url):
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1)))
    open_interpolation(page, app_url)
    assert page.locator('[data-testid="stImage"] img').count() == 2, "only A and B from the server"
    track = page.locator(STEPS).nth(1).bounding_box()
    y = track["y"] + track["height"] / 2
    page.mouse.move(track["x"] + 0.4 * track["width"], y)
    sent.clear()
    page.mouse.down()
    seen = []
    for step in range(1, 5):
        page.mouse.move(track["x"] + (0.4 + 0.12 * step) * track["width"], y, steps=2)
        page.wait_for_function(f"(n) => {HOOK}.steps > n", arg=seen[-1] if seen else 9)
        seen.append(hook(page)["steps"])
    assert sent == [], "a rerun was sent before the slider was released"
    assert seen == sorted(set(seen)), "more steps as the thumb moved right"
    page.mouse.up()
    wait_idle(page)
    assert_clean(page)


def test_the_browser_strips_equal_keras_and_numpy(page, app_url):
    from ae_models import latent_walks
    from ae_models.loading import load

    open_interpolation(page, app_url)
    assert page.locator('.vae-strips[data-live="ready"]').count() == 1
    state = hook(page)
    steps = state["steps"]
    inputs = page.evaluate("""() => window.aeLive.vaeInterpolationInputs""")
    vae = load("vae")
    codes = latent_walks.interpolate_codes(np.array(inputs["codeA"]), np.array(inputs["codeB"]),
                                           steps, inputs["spherical"])
    np.testing.assert_allclose(state["latentPixels"], vae.decode(codes).ravel(), atol=1e-4)
    blend = latent_walks.pixel_blend(np.reshape(inputs["imageA"], (28, 28)),
                                     np.reshape(inputs["imageB"], (28, 28)), steps)
    np.testing.assert_allclose(state["blendPixels"], blend.ravel(), atol=1e-6)


def test_without_the_browser_runtime_the_server_draws_the_strips(page, app_url):
    page.route("**/tf.min.js", lambda route: route.abort())
    open_page(page, app_url, "vae?vae_section=Interpolation")
    page.locator('.vae-strips[data-live="off"]').wait_for(state="attached", timeout=60_000)
    wait_idle(page)
    assert page.locator('[data-testid="stImage"] img').count() == 4, "A, B and the two strips"
    assert_clean(page)


TRAVERSAL = "window.aeLive?.vaeTraversal"


def open_traversals(page, app_url: str) -> None:
    open_page(page, app_url, "vae?vae_section=Traversals")
    page.wait_for_function(f"() => {TRAVERSAL}?.ready === true", timeout=60_000)
    wait_idle(page)


def test_dragging_rows_redraws_the_traversals_before_release(page, app_url):
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1)))
    open_traversals(page, app_url)
    before = page.evaluate(f"() => {TRAVERSAL}.rows")
    track = page.locator('.st-key-vae_trav_k [data-testid="stSlider"] '
                         '[data-orientation="horizontal"]').nth(1).bounding_box()
    y = track["y"] + track["height"] / 2
    start_x = track["x"] + track["width"] * (before - 1) / 15  # the thumb (1..16 rows)
    page.mouse.move(start_x, y)
    sent.clear()
    page.mouse.down()
    page.mouse.move(track["x"] + 0.15 * track["width"], y, steps=4)
    page.wait_for_function(f"(n) => {TRAVERSAL}.rows < n", arg=before)
    assert sent == [], "a rerun was sent before the slider was released"
    rows = page.evaluate(f"() => {TRAVERSAL}.rows")
    assert page.locator(".vae-traversal .rows .vae-row").count() == rows
    page.mouse.up()
    wait_idle(page)
    assert_clean(page)


def test_the_browser_traversals_equal_keras(page, app_url):
    from ae_models import latent_walks
    from ae_models.loading import load

    open_traversals(page, app_url)
    state = page.evaluate(f"() => ({{...{TRAVERSAL}, pixels: Array.from({TRAVERSAL}.pixels)}})")
    inputs = page.evaluate("() => window.aeLive.vaeTraversalInputs")
    codes = latent_walks.traversal_codes(np.array(inputs["start"]), inputs["order"][:state["rows"]],
                                         state["steps"], inputs["span"])
    expected = load("vae").decode(codes.reshape(-1, codes.shape[-1]))
    np.testing.assert_allclose(state["pixels"], expected.ravel(), atol=1e-4)
