"""The Draw page live in the browser (issue #17): tiles follow the pen and the corruption sliders.

The browser's pictures are read through the page's test hook `window.aeLive.draw` and compared
with the Keras models, `ae_models.corruption` and `ae_models.metrics` in this process. "No
rerun" is checked on the WebSocket: the page sends no frame while the pen or a thumb moves.
"""

from __future__ import annotations

import numpy as np
import pytest
from browser_actions import (
    CANVAS,
    STROKES,
    assert_clean,
    draw_digit,
    open_page,
    wait_idle,
)
from model_site import expected_threads

pytestmark = pytest.mark.browser
HOOK = "window.aeLive?.draw"
DEFAULTS = ["dense", "conv", "conv_denoise", "vae"]
MODEL_TOLERANCE = 1e-4  # the same input through TensorFlow.js and Keras, max per pixel
PREPROCESS_TOLERANCE = 0.01  # the browser's and the server's preprocessing, mean per pixel
PHONE_SCREEN = 844 - 60  # a 390x844 phone's height under Streamlit's header bar


def open_live_draw(page, app_url: str, query: str = "") -> None:
    open_page(page, app_url, f"draw{query}")
    page.wait_for_function(f"() => {HOOK}?.ready === true", timeout=90_000)
    wait_idle(page)


def hook(page) -> dict:
    """The hook's state with its typed arrays as lists."""
    return page.evaluate(f"""() => {{
        const h = {HOOK};
        const list = (a) => a ? Array.from(a) : null;
        const outputs = Object.fromEntries(Object.entries(h.outputs).map(([k, v]) => [k, list(v)]));
        return {{...h, input: list(h.input), corrupted: list(h.corrupted), outputs}};
    }}""")


def frames_sent(page) -> list[float]:
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1.0)))
    return sent


def stroke_points(page, digit: int) -> list[tuple[float, float]]:
    box = page.locator(CANVAS).first.bounding_box()
    return [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in STROKES[digit]]


def draw_until_last_point(page, digit: int) -> None:
    """A stroke with the mouse still down at its end."""
    points = stroke_points(page, digit)
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y, steps=8)
    page.wait_for_timeout(200)


def wait_for_server_input(page) -> dict:
    page.wait_for_function(f"() => {HOOK}.source === 'server'", timeout=60_000)
    wait_idle(page)
    return hook(page)


def keras_outputs(image: np.ndarray, keys: list[str], corrupted: np.ndarray | None = None) -> dict:
    from ae_models.loading import load

    given = image if corrupted is None else corrupted
    return {key: np.ravel(load(key).reconstruct(given.reshape(28, 28))) for key in keys}


def test_tiles_follow_the_pen_before_it_is_lifted_and_match_the_server_after(page, app_url):
    sent = frames_sent(page)
    open_live_draw(page, app_url)
    assert hook(page)["source"] is None, "nothing drawn yet"
    sent.clear()
    draw_until_last_point(page, 7)
    mid = hook(page)
    assert mid["source"] == "canvas" and mid["passes"] >= 3, "no live pass during the stroke"
    assert sorted(mid["outputs"]) == sorted(DEFAULTS)
    assert np.max(mid["input"]) > 0.5, "the stroke in progress is in the input"
    ssim_shown = page.locator('.live-draw [data-model="dense"] .metric-ssim .metric-value')
    assert ssim_shown.inner_text() != "…", "SSIM follows the pen too"
    assert sent == [], "the page sent the server a message while the pen moved"

    page.mouse.up()
    page.wait_for_timeout(100)
    lifted = hook(page)  # the finished stroke, still the browser's own preprocessing
    server = wait_for_server_input(page)
    live_input, server_input = np.array(lifted["input"]), np.array(server["input"])
    assert np.abs(live_input - server_input).mean() <= PREPROCESS_TOLERANCE
    expected = keras_outputs(server_input, DEFAULTS)
    for key in DEFAULTS:
        after = np.array(server["outputs"][key])
        assert np.abs(after - expected[key]).max() <= MODEL_TOLERANCE, key
        before = np.array(lifted["outputs"][key])
        assert np.abs(before - expected[key]).mean() <= PREPROCESS_TOLERANCE, key
    assert_clean(page)


def code_picture(page, key: str) -> np.ndarray:
    """The RGB pixels of a model's code heat map as the live row paints it."""
    width, height, values = page.locator(f'.live-draw [data-model="{key}"] .code-picture'
                                         ).evaluate("""(canvas) => [canvas.width, canvas.height,
        Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data)]""")
    return np.array(values, np.uint8).reshape(height, width, 4)[..., :3]


def notes_shown(page) -> int:
    """The "Nothing drawn yet" notes on screen (the server's, or the live part's)."""
    return page.get_by_text("Nothing drawn yet").locator("visible=true").count()


def test_a_fresh_page_runs_its_models_before_the_first_stroke_and_shows_nothing(page, app_url):
    """The models' first run (TensorFlow.js setting their layers up, several passes' time) is
    not left to the pen's first stroke: it is made on a blank image, and nothing is painted.
    Where the pictures will be, the page says that nothing is drawn yet, once, until the pen
    moves, and again after Clear."""
    open_live_draw(page, app_url)
    page.wait_for_function(f"() => {HOOK}.blankRuns === 1", timeout=30_000)
    state = hook(page)
    assert state["source"] is None and state["outputs"] == {} and state["input"] is None
    assert notes_shown(page) == 1 and page.locator(".live-draw [role=status]").is_visible()
    draw_until_last_point(page, 7)
    assert hook(page)["source"] == "canvas"
    assert notes_shown(page) == 0, "the note stays over the live pictures"
    page.mouse.up()
    assert wait_for_server_input(page)["blankRuns"] == 1
    assert notes_shown(page) == 0
    page.get_by_role("button", name="Clear", exact=True).click()
    page.wait_for_function(f"() => {HOOK}.input === null", timeout=30_000)
    wait_idle(page)
    assert notes_shown(page) == 1
    assert_clean(page)


FRAMES_TO_NEXT_PASS = """async (lastPassMs) => {
    // Frames from schedule() to the pass it starts, after a pass that took lastPassMs.
    const engine = globalThis.aeLive.drawEngine;
    const run = engine.run;
    let frame = 0;
    let counting = true;
    const tick = () => { frame += 1; if (counting) requestAnimationFrame(tick); };
    await new Promise((resolve) => requestAnimationFrame(resolve));
    requestAnimationFrame(tick);
    const started = await new Promise((resolve) => {
        engine.run = (...args) => { engine.run = run; resolve(frame); return run.apply(engine, args); };
        engine.lastPassMs = lastPassMs;
        engine.schedule();
    });
    counting = false;
    return started;
}"""


def test_after_a_slow_pass_the_pen_gets_a_frame_of_its_own(page, app_url):
    """Passes slower than two frames (a slow machine or phone) leave every other frame to the
    pen's line; quicker ones run every frame."""
    open_live_draw(page, app_url)
    page.wait_for_function(f"() => {HOOK}.blankRuns === 1", timeout=30_000)
    quick = [page.evaluate(FRAMES_TO_NEXT_PASS, 5) for _ in range(3)]
    slow = [page.evaluate(FRAMES_TO_NEXT_PASS, 100) for _ in range(3)]
    assert [s - q for q, s in zip(quick, slow)] == [1, 1, 1], (quick, slow)


def test_live_scores_match_ae_models_metrics(page, app_url):
    """MSE, PSNR, SSIM and the code's heat map, all from the browser (the server runs no model
    on the live path), against ae_models.metrics and ui.images.code_image."""
    from ae_models.metrics import mse, psnr, ssim
    from ui.images import code_image
    from ui.live_draw import TILE_PX
    from ui.model_cache import spec_of

    open_live_draw(page, app_url)
    draw_digit(page, 3, steps=6)
    state = wait_for_server_input(page)
    clean = np.array(state["input"]).reshape(28, 28)
    for key in DEFAULTS:
        rebuilt = np.array(state["outputs"][key]).reshape(28, 28)
        assert state["metrics"][key]["mse"] == pytest.approx(mse(clean, rebuilt), rel=1e-4)
        assert state["metrics"][key]["psnr"] == pytest.approx(psnr(clean, rebuilt), abs=1e-3)
        assert state["metrics"][key]["ssim"] == pytest.approx(ssim(clean, rebuilt), abs=1e-4)
        row = page.locator(f'.live-draw [data-model="{key}"]')
        shown = float(row.locator(".metric-ssim .metric-value").inner_text())
        assert shown == pytest.approx(state["metrics"][key]["ssim"], abs=5e-4)
        spec = spec_of(key)
        if spec.code_size > 3:  # the browser's code, drawn as the server draws a code
            expected = code_image(np.array(state["codes"][key], np.float32), spec.code_shape,
                                  size=TILE_PX)
            np.testing.assert_array_equal(code_picture(page, key), expected)
    assert "dB" in page.locator('.live-draw [data-model="dense"] .metric-psnr .metric-value'
                                ).inner_text()


def slider_value(page, slider_key: str) -> float:
    """The value a Streamlit slider's thumb shows (it moves before the slider is released)."""
    return float(page.locator(f'.st-key-{slider_key} input[type="range"]')
                 .get_attribute("aria-valuetext"))


def drag_thumb(page, slider_key: str, start: float, fractions: list[float], check) -> None:
    """Press a slider's thumb (at `start`, a fraction of its track) and move it through
    `fractions` of the track, calling `check` after each move with the mouse still down."""
    track = page.locator(f'.st-key-{slider_key} [data-testid="stSlider"] '
                         '[data-orientation="horizontal"]').nth(1).bounding_box()
    y = track["y"] + track["height"] / 2
    page.mouse.move(track["x"] + start * track["width"], y)
    page.mouse.down()
    for fraction in fractions:
        page.mouse.move(track["x"] + fraction * track["width"], y, steps=3)
        page.wait_for_timeout(150)
        check()
    page.mouse.up()


@pytest.mark.parametrize("query, slider, start, settings_of", [
    ("?draw_kind=Gaussian+noise&draw_seed=7", "draw_sigma", 0.5,
     lambda v: {"kind": "gaussian", "sigma": v, "seed": 7}),
    ("?draw_kind=Crosshair&draw_random=false", "draw_row", 14 / 27,
     lambda v: {"kind": "crosshair", "row": int(v), "col": 14}),
])
def test_a_corruption_slider_updates_the_pictures_while_dragged(page, app_url, query, slider,
                                                                start, settings_of):
    """The corrupted input the browser shows mid-drag is the server's for that slider value
    (the same noise field), and the models rebuild it."""
    from ae_models.corruption import CorruptionSettings, apply_corruption

    sent = frames_sent(page)
    open_live_draw(page, app_url, query)
    page.get_by_text("Example", exact=True).click()  # an example digit is the input
    wait_for_server_input(page)
    seen = []

    def check() -> None:
        state = hook(page)
        value = slider_value(page, slider)
        clean = np.array(state["input"], np.float32).reshape(28, 28)
        expected = apply_corruption(clean, CorruptionSettings(**settings_of(value)))
        assert np.abs(np.ravel(expected) - state["corrupted"]).max() <= 1e-6, value
        rebuilt = keras_outputs(clean, ["conv_denoise"], corrupted=expected)["conv_denoise"]
        assert np.abs(rebuilt - state["outputs"]["conv_denoise"]).max() <= MODEL_TOLERANCE
        seen.append(value)
        assert sent == [], "a rerun was sent before the thumb was released"

    sent.clear()
    drag_thumb(page, slider, start, [0.2, 0.7, 0.9], check)
    assert len(set(seen)) == 3, f"the slider showed {seen}"
    wait_idle(page)
    assert_clean(page)


def test_a_finger_stroke_draws_live_on_a_phone(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        open_live_draw(page, app_url)
        canvas = page.locator(CANVAS).first
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        touch = context.new_cdp_session(page)
        x, y = box["x"] + 0.5 * box["width"], box["y"] + 0.15 * box["height"]
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                                "touchPoints": [{"x": x, "y": y}]})
        for step in range(1, 13):
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                {"x": x, "y": y + step * 0.06 * box["height"]}]})
            page.wait_for_timeout(30)
        state = hook(page)
        assert state["source"] == "canvas" and np.max(state["input"]) > 0.5
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        wait_for_server_input(page)
        assert_clean(page)
        # The canvas and the first two reconstructions on one screen (below Streamlit's header)
        top = canvas.bounding_box()["y"]
        second = page.locator(".live-draw [data-model] canvas.recon").nth(1).bounding_box()
        assert second["height"] >= 80, "a reconstruction too small to read on a phone"
        assert second["y"] + second["height"] - top <= PHONE_SCREEN, "scroll needed to see it"
    finally:
        context.close()


def test_presenter_tiles_are_live_too(page, app_url):
    open_live_draw(page, app_url, "?presenter=true")
    draw_until_last_point(page, 1)
    assert hook(page)["source"] == "canvas"
    page.mouse.up()
    wait_for_server_input(page)
    captions = page.locator(".live-draw .tile.recon .caption").all_inner_texts()
    assert len(captions) == len(DEFAULTS)
    assert all(c.startswith("PSNR") and "SSIM 0." in c or "SSIM 1." in c for c in captions)
    assert page.locator('[data-testid="stImage"]').count() == 0, "no server copy of the tiles"


def test_the_app_is_cross_origin_isolated_and_its_models_run_on_several_threads(page, app_url):
    """lab.py's headers make the page cross-origin isolated, so TensorFlow.js runs its threaded
    WASM build: two threads or more wherever the browser reports two cores or more."""
    open_live_draw(page, app_url)
    state = page.evaluate(f"""() => ({{isolated: crossOriginIsolated, threads: {HOOK}.threads,
        cores: navigator.hardwareConcurrency, backend: {HOOK}.backend}})""")
    assert state["isolated"] and state["backend"] == "wasm", state
    assert state["threads"] == expected_threads(state["cores"])


def test_live_drawing_works_offline(page, app_url):
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(app_url)
               else route.abort())
    open_live_draw(page, app_url)
    draw_until_last_point(page, 7)
    assert hook(page)["source"] == "canvas", "no live pass offline"
    page.mouse.up()
    wait_for_server_input(page)
    assert_clean(page)


@pytest.mark.parametrize("blocked", ["**/tf.min.js", "**/static/models/**"])
def test_without_the_browser_runtime_the_page_paints_the_servers_results(page, app_url, blocked):
    """TensorFlow.js, or a model, made to fail: one quiet note, and the server's pictures and
    numbers, painted by the page from the data the server sends (equal to Keras's)."""
    page.route(blocked, lambda route: route.abort())
    open_page(page, app_url, "draw")
    note = page.get_by_text("Live drawing is off in this browser")
    note.first.wait_for(timeout=60_000)
    draw_digit(page, 7, steps=6)
    page.wait_for_function(f"() => {HOOK}.source === 'server results'", timeout=60_000)
    wait_idle(page)
    state = hook(page)
    assert state["ready"] is False and state["serverPaints"] >= 1
    clean = np.array(state["input"], np.float32).reshape(28, 28)
    expected = keras_outputs(clean, DEFAULTS)
    for key in DEFAULTS:
        assert np.abs(np.array(state["outputs"][key]) - expected[key]).max() <= MODEL_TOLERANCE
    shown = page.locator(".live-draw[data-live='server'] canvas.recon")
    assert shown.count() == len(DEFAULTS) and all(shown.nth(i).is_visible()
                                                  for i in range(len(DEFAULTS)))
    mse = page.locator(".live-draw .metric-mse .metric-value").all_inner_texts()
    assert [float(v) for v in mse] == pytest.approx(
        [float(np.mean((expected[k] - clean.ravel()) ** 2)) for k in DEFAULTS], abs=1e-4)
    assert page.locator('[data-testid="stImage"]').count() == 0, "no image files"
    assert note.count() == 1
    assert_clean(page)


@pytest.mark.parametrize("query, settings", [
    ("?draw_kind=Both&draw_sigma=1.0&draw_thickness=5&draw_row=0&draw_col=27&draw_random=false"
     "&draw_seed=9999",
     {"kind": "both", "sigma": 1.0, "thickness": 5, "row": 0, "col": 27, "seed": 9999}),
    ("?draw_kind=Both&draw_sigma=0.0&draw_thickness=1&draw_intensity=0.1&draw_random=true"
     "&draw_seed=3",
     {"kind": "both", "sigma": 0.0, "thickness": 1, "intensity": 0.1, "random_position": True,
      "seed": 3}),
])
def test_sliders_at_their_limits_and_a_random_crosshair_match_the_server(page, app_url, query,
                                                                          settings):
    from ae_models.corruption import CorruptionSettings, apply_corruption

    open_live_draw(page, app_url, query)
    page.get_by_text("Example", exact=True).click()
    state = wait_for_server_input(page)
    clean = np.array(state["input"], np.float32).reshape(28, 28)
    expected = apply_corruption(clean, CorruptionSettings(**settings))
    assert np.abs(np.ravel(expected) - state["corrupted"]).max() <= 1e-6
    assert_clean(page)
