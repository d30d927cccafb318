"""The 2-D latent map decoded live in the browser (issue #17): hover, touch, pin, offline, fallback.

The browser's decoding is read through the page's test hook `window.aeLive.latent` and compared
with the Keras decoder in this process. "No rerun" is checked on the WebSocket: the page sends
no frame while the pointer moves.
"""

from __future__ import annotations

import numpy as np
import pytest

from browser_actions import assert_clean, open_page, wait_idle

pytestmark = pytest.mark.browser
CHART = ".st-key-l2d_chart .js-plotly-plot"
PLOT_AREA = ".st-key-l2d_chart .nsewdrag"  # the rectangle between the axes
HOOK = "window.aeLive?.latent"
TOLERANCE = 1e-4


def open_live_map(page, app_url: str) -> dict:
    """The 2-D map with live decoding ready; returns the box between its axes, in view."""
    open_page(page, app_url, "latent-2d")
    page.wait_for_function(f"() => {HOOK}?.ready === true", timeout=60_000)
    wait_idle(page)
    area = page.locator(PLOT_AREA).first
    area.scroll_into_view_if_needed()
    return area.bounding_box()


def frames_sent(page) -> list[float]:
    """A list that grows with every WebSocket frame the page sends from now on."""
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1.0)))
    return sent


def at(box: dict, fx: float, fy: float) -> tuple[float, float]:
    return box["x"] + fx * box["width"], box["y"] + fy * box["height"]


def hook(page) -> dict:
    return page.evaluate(f"() => ({{...{HOOK}, lastPixels: Array.from({HOOK}.lastPixels ?? [])}})")


def test_hovering_empty_space_decodes_in_the_browser_without_a_rerun(page, app_url):
    sent = frames_sent(page)
    box = open_live_map(page, app_url)
    before = hook(page)
    sent.clear()
    page.mouse.move(*at(box, 0.9, 0.1))  # top right: empty space on every shipped map
    page.wait_for_function(f"(n) => {HOOK}.decodes > n", arg=before["decodes"])
    first = hook(page)
    page.mouse.move(*at(box, 0.1, 0.95))
    page.wait_for_function(f"(n) => {HOOK}.decodes > n", arg=first["decodes"])
    second = hook(page)
    assert first["lastPoint"] != second["lastPoint"]
    assert np.abs(np.subtract(first["lastPixels"], second["lastPixels"])).max() > 0.05
    assert "Under the pointer" in page.locator(".live-title").first.inner_text()
    page.wait_for_timeout(300)
    assert sent == [], "the page sent the server a message while the pointer moved"
    assert_clean(page)


def test_the_browser_decodes_what_keras_decodes(page, app_url):
    from ae_models.loading import load

    box = open_live_map(page, app_url)
    decoder = load("ae_2d")
    for fx, fy in ((0.3, 0.3), (0.7, 0.6), (0.5, 0.9)):
        count = hook(page)["decodes"]
        page.mouse.move(*at(box, fx, fy))
        page.wait_for_function(f"(n) => {HOOK}.decodes > n", arg=count)
        state = hook(page)
        expected = decoder.decode(np.asarray(state["lastPoint"], np.float32))
        assert np.abs(np.ravel(expected) - state["lastPixels"]).max() <= TOLERANCE


def test_a_finger_dragged_across_the_map_decodes_as_it_goes(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        box = open_live_map(page, app_url)
        touch = context.new_cdp_session(page)
        start = hook(page)["decodes"]
        x0, y = at(box, 0.3, 0.5)
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                                "touchPoints": [{"x": x0, "y": y}]})
        for step in range(1, 11):
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                {"x": x0 + step * 0.04 * box["width"], "y": y}]})
            page.wait_for_timeout(30)
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        assert hook(page)["decodes"] - start >= 3, "a touch drag did not decode along the way"
    finally:
        context.close()


def test_a_click_on_empty_space_pins_the_point_in_the_url(page, app_url):
    box = open_live_map(page, app_url)
    page.mouse.click(*at(box, 0.9, 0.1))
    page.wait_for_function("() => location.search.includes('l2d_x_ae_2d')", timeout=60_000)
    wait_idle(page)
    page.mouse.move(0, 0)  # off the map: the panel shows the pinned point again
    title = page.locator(".live-title").first
    page.wait_for_function("(el) => el.innerText.startsWith('Decoded at')",
                           arg=title.element_handle())
    x = float(page.evaluate("() => new URLSearchParams(location.search).get('l2d_x_ae_2d')"))
    assert f"z1 = {x:.2f}" in title.inner_text()
    assert_clean(page)


def test_live_decoding_works_offline(page, app_url):
    """Nothing but the app's own address answers: TensorFlow.js and the model come from it.
    TensorFlow.js's scripts, which the components' loader adds at mount and load_tfjs.js waits
    for, are in the page once each."""
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(app_url)
               else route.abort())
    box = open_live_map(page, app_url)
    count = hook(page)["decodes"]
    page.mouse.move(*at(box, 0.6, 0.4))
    page.wait_for_function(f"(n) => {HOOK}.decodes > n", arg=count)
    for name in ("tf.min.js", "tf-backend-wasm.min.js"):
        assert page.locator(f'script[src$="/vendor/tfjs/{name}"]').count() == 1, name
    assert_clean(page)


def test_without_the_browser_runtime_the_server_decodes_clicks(page, app_url):
    """TensorFlow.js made to fail: one quiet note, and a click on a dot decodes on the server."""
    page.route("**/tf.min.js", lambda route: route.abort())
    open_page(page, app_url, "latent-2d")
    note = page.get_by_text("Live decoding is off in this browser")
    note.first.wait_for(timeout=60_000)
    caption = page.get_by_text("Decoded at").first
    before = caption.inner_text()
    points = page.locator('[data-testid="stPlotlyChart"] .scatterlayer .points path.point')
    target = points.nth(points.count() // 2).bounding_box()
    page.mouse.click(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2)
    page.wait_for_function("(before) => !document.body.innerText.includes(before)", arg=before,
                           timeout=60_000)
    wait_idle(page)
    assert page.locator('[data-testid="stImage"]').count() >= 1, "the server's decoded digit"
    assert note.count() == 1
    assert_clean(page)


def test_dragging_a_3d_probe_slider_decodes_before_it_is_released(page, app_url):
    """Streamlit sends a slider's value on release; the browser decodes it while it moves."""
    sent = frames_sent(page)
    open_page(page, app_url, "latent-3d")
    page.wait_for_function(f"() => {HOOK}?.ready === true", timeout=60_000)
    wait_idle(page)
    track = page.locator('.st-key-l3d_x_ae_3d [data-testid="stSlider"] '
                         '[data-orientation="horizontal"]').nth(1).bounding_box()
    y = track["y"] + track["height"] / 2
    page.mouse.move(track["x"] + 0.5 * track["width"], y)
    sent.clear()
    start = hook(page)["decodes"]
    page.mouse.down()
    seen = []
    for step in range(1, 6):
        page.mouse.move(track["x"] + (0.5 + 0.08 * step) * track["width"], y, steps=2)
        page.wait_for_function(f"(n) => {HOOK}.decodes > n", arg=start + len(seen))
        seen.append(hook(page)["lastPoint"][0])
    assert sent == [], "a rerun was sent before the slider was released"
    assert seen == sorted(seen) and seen[-1] > seen[0], "z1 grew as the thumb moved right"
    page.mouse.up()
    wait_idle(page)
    assert_clean(page)


@pytest.mark.parametrize("label, key", [("VAE, 2-D latent (vae_2d)", "vae_2d"),
                                        ("PCA view: Convolutional (conv, code 4x4x16)", "conv")])
def test_other_maps_decode_live_like_keras(page, app_url, label, key):
    """The VAE's own map, and a wide code's PCA plane (lifted back to a full code in the
    browser), decode what the server would."""
    from urllib.parse import quote_plus

    from ae_models import latent_maps
    from ae_models.artifacts import read_latents
    from ae_models.loading import load

    open_page(page, app_url, f"latent-2d?l2d_model={quote_plus(label)}")
    page.wait_for_function(f"() => {HOOK}?.ready === true", timeout=60_000)
    wait_idle(page)
    box = page.locator(PLOT_AREA).first.bounding_box()
    count = hook(page)["decodes"]
    page.mouse.move(*at(box, 0.6, 0.4))
    page.wait_for_function(f"(n) => {HOOK}.decodes > n", arg=count)
    state = hook(page)
    code = latent_maps.to_code(np.array(state["lastPoint"]), read_latents(key))
    expected = load(key).decode(np.asarray(code, np.float32))
    assert np.abs(np.ravel(expected) - state["lastPixels"]).max() <= TOLERANCE
