"""The 2-D latent map (issue #17): drawn by the browser (ui/latent_plane.py), decoded live.

Hover, touch, pins, zoom, the legend, offline and the fallback. The browser's decoding is read
through the page's test hook `window.aeLive.latent` and compared with the Keras decoder in this
process; the map's drawing through `window.aeLive.plane`, compared with the stored codes. "No
rerun" is checked on the WebSocket: the page sends no frame while the pointer moves. A pin is
checked against the server's probe after the rerun (the sliders' values, in the URL).
"""

from __future__ import annotations

import numpy as np
import pytest

from browser_actions import assert_clean, map_axes, open_page, wait_idle

pytestmark = pytest.mark.browser
HOOK = "window.aeLive?.latent"
PLANE = "window.aeLive.plane"
TOLERANCE = 1e-4
PROBE_KEYS = ("l2d_x_ae_2d", "l2d_y_ae_2d")


def open_live_map(page, app_url: str) -> dict:
    """The 2-D map with live decoding ready; returns the box between its axes, in view."""
    open_page(page, app_url, "latent-2d")
    page.wait_for_function(f"() => {HOOK}?.ready === true", timeout=60_000)
    wait_idle(page)
    return map_axes(page)


def shown_codes() -> tuple[np.ndarray, np.ndarray, object]:
    """The codes the server plots for ae_2d (ui.latent's subsample), their labels, its scale."""
    from ae_models import latent_maps
    from ae_models.artifacts import read_latents
    from ae_models.map_scale import map_scale
    from ui.latent import MAX_POINTS

    data = read_latents("ae_2d")
    rows = latent_maps.subsample(data["labels"], MAX_POINTS)
    scale = map_scale(latent_maps.plot_points(data, 2))
    return data["codes"][rows].astype(np.float64), np.asarray(data["labels"])[rows], scale


def probe_after_rerun(page) -> list[float]:
    """The server's probe once the click's rerun is done: its sliders' values, in the URL."""
    page.wait_for_function("() => location.search.includes('l2d_x_ae_2d')", timeout=60_000)
    wait_idle(page)
    return page.evaluate("(keys) => keys.map((k) => Number(new URLSearchParams(location.search)"
                         ".get(k)))", list(PROBE_KEYS))


def empty_spot(page, box: dict) -> tuple[float, float]:
    """A point between the axes with no dot within 12 px (a click there is no dot's)."""
    return tuple(page.evaluate(f"""(box) => {{
      const dots = Array.from({{length: 4000}}, (_, i) => {PLANE}.dot(i));
      for (let fy = 0.15; fy < 0.9; fy += 0.05) for (let fx = 0.15; fx < 0.9; fx += 0.05) {{
        const [x, y] = [box.x + fx * box.width, box.y + fy * box.height];
        if (dots.every(([dx, dy]) => Math.hypot(dx - x, dy - y) > 12)) return [x, y];
      }}
      return null;
    }}""", box))


def lone_dot(page, among: range | list[int] = range(4000)) -> int:
    """The first dot of `among` with no other dot within 10 px (a click there is its own)."""
    return page.evaluate(f"""(among) => {{
      const dots = Array.from({{length: 4000}}, (_, i) => {PLANE}.dot(i));
      return among.find((i) => dots.every(
        ([u, v], j) => i === j || Math.hypot(u - dots[i][0], v - dots[i][1]) > 10));
    }}""", list(among))


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
        ranges = page.evaluate(f"() => {PLANE}.ranges()")
        scrolled = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop")
        x0, y = at(box, 0.3, 0.5)
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                                "touchPoints": [{"x": x0, "y": y}]})
        for step in range(1, 11):
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                {"x": x0 + step * 0.04 * box["width"], "y": y}]})
            page.wait_for_timeout(30)
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        assert hook(page)["decodes"] - start >= 3, "a touch drag did not decode along the way"
        assert page.evaluate(f"() => {PLANE}.ranges()") == ranges, "the finger panned the map"
        assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop") \
            == scrolled, "the page scrolled under the finger"
    finally:
        context.close()


def test_a_click_on_empty_space_pins_the_code_there(page, app_url):
    """The server's probe lands on the code under the click (compressed axes: sinh back)."""
    box = open_live_map(page, app_url)
    x, y = empty_spot(page, box)
    x0, x1, y0, y1 = page.evaluate(f"() => {PLANE}.ranges()")
    _, _, scale = shown_codes()
    near = [scale.from_display(np.array([x0 + (x + dx - box["x"]) / box["width"] * (x1 - x0),
                                         y1 - (y + dy - box["y"]) / box["height"] * (y1 - y0)]))
            for dx, dy in ((-1, -1), (1, 1))]  # the code a pixel either side
    page.mouse.click(x, y)
    pinned = probe_after_rerun(page)
    for axis in range(2):
        low, high = sorted(p[axis] for p in near)
        assert low <= pinned[axis] <= high, (pinned, near)
    page.mouse.move(0, 0)  # off the map: the panel shows the pinned point again
    title = page.locator(".live-title").first
    page.wait_for_function("(el) => el.innerText.startsWith('Decoded at')",
                           arg=title.element_handle())
    assert f"z1 = {pinned[0]:.2f}" in title.inner_text()
    assert_clean(page)


def test_a_click_on_a_dot_pins_its_own_code(page, app_url):
    codes, _, _ = shown_codes()
    open_live_map(page, app_url)
    dot = lone_dot(page, range(100, 4000))
    page.mouse.click(*page.evaluate(f"(i) => {PLANE}.dot(i)", dot))
    assert probe_after_rerun(page) == pytest.approx(codes[dot].tolist(), abs=1e-6)
    assert page.evaluate(f"() => {HOOK}.lastPoint") == pytest.approx(codes[dot].tolist(), abs=1e-6)
    assert_clean(page)


def test_the_dots_are_drawn_where_their_codes_are(page, app_url):
    """Dot i sits where the compressed axes put its stored code; hovering it names its class
    and its true code values."""
    codes, labels, scale = shown_codes()
    box = open_live_map(page, app_url)
    x0, x1, y0, y1 = page.evaluate(f"() => {PLANE}.ranges()")
    for i in (0, 17, 1234, 2500, 3999):
        drawn = scale.to_display(codes[i])
        expected = (box["x"] + (drawn[0] - x0) / (x1 - x0) * box["width"],
                    box["y"] + (y1 - drawn[1]) / (y1 - y0) * box["height"])
        assert page.evaluate(f"(i) => {PLANE}.dot(i)", i) == pytest.approx(expected, abs=0.05)
    dot = lone_dot(page)
    page.mouse.move(*page.evaluate(f"(i) => {PLANE}.dot(i)", dot))
    tip = page.locator(".plane-tip")
    tip.wait_for(state="visible")
    assert page.evaluate(f"() => {PLANE}.drawMs") < 50, "4,000 dots are drawn in a few ms"
    name, values = tip.inner_text().split(" · ")
    assert name == f"class {labels[dot]}"
    shown = [float(part.split("=")[1]) for part in values.split(", ")]
    assert values.startswith("z1=") and shown == pytest.approx(codes[dot].tolist(), abs=0.0051)


def test_wheel_zoom_survives_a_rerun_and_resets(page, app_url):
    box = open_live_map(page, app_url)
    home = page.evaluate(f"() => {PLANE}.ranges()")
    page.mouse.move(*at(box, 0.5, 0.5))
    page.mouse.wheel(0, -300)  # towards the screen: in
    page.wait_for_function(f"(home) => {PLANE}.ranges()[1] - {PLANE}.ranges()[0] < "
                           "0.8 * (home[1] - home[0])", arg=home)
    zoomed = page.evaluate(f"() => {PLANE}.ranges()")
    page.mouse.click(*empty_spot(page, map_axes(page)))  # a pin: a rerun of the page
    probe_after_rerun(page)
    assert page.evaluate(f"() => {PLANE}.ranges()") == pytest.approx(zoomed)
    page.get_by_role("button", name="Reset the zoom").click()
    page.wait_for_function(f"(home) => {PLANE}.ranges()[0] === home[0]", arg=home)
    assert_clean(page)


def test_the_legend_hides_and_shows_a_class(page, app_url):
    _, labels, _ = shown_codes()
    open_live_map(page, app_url)
    dot = lone_dot(page, [i for i in range(len(labels)) if labels[i] == 1])
    key = page.locator(".plane-legend button", has_text="1")
    assert key.get_attribute("aria-pressed") == "true"
    key.click()
    assert key.get_attribute("aria-pressed") == "false"
    page.mouse.move(*page.evaluate(f"(i) => {PLANE}.dot(i)", dot))
    page.wait_for_timeout(200)
    assert not page.locator(".plane-tip").is_visible(), "a hidden dot was found under the pointer"
    key.click()
    page.mouse.move(*page.evaluate(f"(i) => {PLANE}.dot(i).map((v) => v + 1)", dot))
    page.locator(".plane-tip").wait_for(state="visible")
    assert page.locator(".plane-tip").inner_text().startswith("class 1 ·")


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
    """TensorFlow.js made to fail: one quiet note; a click on a dot and one on empty space
    still pin (the map needs no TensorFlow.js), and the server decodes them."""
    codes, _, _ = shown_codes()
    page.route("**/tf.min.js", lambda route: route.abort())
    open_page(page, app_url, "latent-2d")
    note = page.get_by_text("Live decoding is off in this browser")
    note.first.wait_for(timeout=60_000)
    map_axes(page)
    caption = page.get_by_text("Decoded at").first
    before = caption.inner_text()
    dot = lone_dot(page, range(2000, 4000))
    page.mouse.click(*page.evaluate(f"(i) => {PLANE}.dot(i)", dot))
    assert probe_after_rerun(page) == pytest.approx(codes[dot].tolist(), abs=1e-6)
    page.wait_for_function("(before) => !document.body.innerText.includes(before)", arg=before,
                           timeout=60_000)
    assert page.locator('[data-testid="stImage"]').count() >= 1, "the server's decoded digit"
    pinned = probe_after_rerun(page)
    page.mouse.click(*empty_spot(page, map_axes(page)))
    page.wait_for_function("(x) => Number(new URLSearchParams(location.search).get("
                           "'l2d_x_ae_2d')) !== x", arg=pinned[0], timeout=60_000)
    wait_idle(page)
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
    box = map_axes(page)
    count = hook(page)["decodes"]
    page.mouse.move(*at(box, 0.6, 0.4))
    page.wait_for_function(f"(n) => {HOOK}.decodes > n", arg=count)
    state = hook(page)
    code = latent_maps.to_code(np.array(state["lastPoint"]), read_latents(key))
    expected = load(key).decode(np.asarray(code, np.float32))
    assert np.abs(np.ravel(expected) - state["lastPixels"]).max() <= TOLERANCE
