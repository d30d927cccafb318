"""The Draw page's live preprocessing (static/live/preprocess.js, TensorFlow.js) agrees with the
server's `ae_models.preprocess.preprocess_array(rgba, center=True)` (issue #17: 50 drawings,
mean abs difference per pixel <= 0.01).

The drawings are canvas-like: `ae_models.data.draw_stroke_digit` draws with a round pen on a
280x280 canvas, as a person does; most are flattened onto the canvas's black background (alpha
255 everywhere, what the page reads from the canvas), a few keep the transparent background
the drawing library sends; some are drawn small in a corner, with the thickest or the thinnest
pen the Draw page offers; two blank canvases must give nothing on both sides.

Served offline by the same throw-away site as the model parity test (tests/e2e/model_site.py),
through the harness page static/live/parity.html (its preprocessHook), on the WASM backend.
"""

from __future__ import annotations

import base64
import statistics
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from model_site import HARNESS, offline_tab, serve_site

from ae_models.data import draw_stroke_digit
from ae_models.preprocess import preprocess_array

pytestmark = pytest.mark.browser

CANVAS = 280
MEAN_LIMIT = 0.01  # issue #17's target, per drawing
THIN, THICK = 8, 40  # the Draw page's "Pen width" slider ends
BACKEND = "wasm"

results: dict[str, tuple[float, float]] = {}  # drawing -> (mean, max) abs difference


def on_black(rgba: np.ndarray) -> np.ndarray:
    """The drawing over the canvas's black background, fully opaque."""
    alpha = rgba[..., 3:].astype(np.float32) / 255.0
    rgb = np.round(rgba[..., :3].astype(np.float32) * alpha).astype(np.uint8)
    return np.dstack([rgb, np.full(rgba.shape[:2], 255, np.uint8)])


def in_corner(digit: int, seed: int, side: int, corner: tuple[int, int]) -> np.ndarray:
    """A digit drawn `side` px tall with the thinnest pen, in one corner of a blank canvas."""
    small = draw_stroke_digit(digit, np.random.default_rng(seed), size=side, width=THIN)
    canvas = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    top, left = corner[0] * (CANVAS - side), corner[1] * (CANVAS - side)
    canvas[top:top + side, left:left + side] = small
    return on_black(canvas)


def drawings() -> dict[str, np.ndarray]:
    """50 canvas drawings by name."""
    out = {}
    for digit in range(10):
        for seed in range(3):
            out[f"{digit}-seed{seed}"] = on_black(
                draw_stroke_digit(digit, np.random.default_rng(seed)))
    for digit in range(5):  # as the drawing library sends them: transparent background
        out[f"{digit}-transparent"] = draw_stroke_digit(digit, np.random.default_rng(10 + digit))
    corners = [(0, 0), (0, 1), (1, 0), (1, 1), (1, 1)]
    for i, (digit, side) in enumerate(zip((1, 3, 4, 7, 8), (60, 70, 80, 90, 56))):
        out[f"{digit}-small-corner{corners[i]}"] = in_corner(digit, 20 + i, side, corners[i])
    for digit in (0, 2, 5, 9):
        out[f"{digit}-thick"] = on_black(
            draw_stroke_digit(digit, np.random.default_rng(30 + digit), width=THICK))
        out[f"{digit}-thin"] = on_black(
            draw_stroke_digit(digit, np.random.default_rng(40 + digit), width=THIN))
    out["blank-black"] = on_black(np.zeros((CANVAS, CANVAS, 4), np.uint8))
    out["blank-transparent"] = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    assert len(out) == 50
    return out


DRAWINGS = drawings()


@pytest.fixture(scope="module")
def harness(browser, tmp_path_factory) -> Iterator[Any]:
    """The harness tab on the WASM backend, offline but for the local site."""
    with serve_site(tmp_path_factory.mktemp("no-models")) as site, \
            offline_tab(browser, site, HARNESS, timeout_ms=60_000) as page:
        page.evaluate("name => window.preprocessHook.useBackend(name)", BACKEND)
        yield page


def as_base64(rgba: np.ndarray) -> str:
    """The drawing's bytes as the harness takes them (a JSON list of 313,600 numbers is slow)."""
    return base64.b64encode(np.ascontiguousarray(rgba, np.uint8).tobytes()).decode("ascii")


def browser_preprocess(page: Any, rgba: np.ndarray) -> np.ndarray | None:
    height, width = rgba.shape[:2]
    out = page.evaluate("([pixels, w, h]) => window.preprocessHook(pixels, w, h)",
                        [as_base64(rgba), width, height])
    return None if out is None else np.asarray(out, np.float32).reshape(28, 28)


@pytest.mark.parametrize("name", list(DRAWINGS))
def test_browser_preprocessing_matches_the_server(harness, name):
    rgba = DRAWINGS[name]
    before = harness.evaluate("() => window.preprocessHook.liveTensors()")
    live = browser_preprocess(harness, rgba)
    assert harness.evaluate("() => window.preprocessHook.liveTensors()") == before, "tensor leak"
    server = preprocess_array(rgba, center=True).image
    if server is None or live is None:
        assert live is None and server is None, f"server empty: {server is None}, live: {live is None}"
        assert name.startswith("blank")
        return
    diff = np.abs(live - server)
    results[name] = (float(diff.mean()), float(diff.max()))
    assert diff.mean() <= MEAN_LIMIT, f"{name}: mean {diff.mean():.4f}, max {diff.max():.4f}"


def test_report_differences_and_time(harness, capsys):
    """Summary of the comparisons above and the page's time for one call (median of 50)."""
    times = harness.evaluate(
        "([pixels, w, h, n]) => window.preprocessHook.time(pixels, w, h, n)",
        [as_base64(DRAWINGS["3-seed0"]), CANVAS, CANVAS, 50])
    assert harness.evaluate("() => window.preprocessHook.backend()") == BACKEND
    means = [mean for mean, _ in results.values()]
    with capsys.disabled():
        print(f"\n{'drawing':<24}{'mean abs':>10}{'max abs':>10}")
        for name, (mean, top) in results.items():
            print(f"{name:<24}{mean:>10.2e}{top:>10.2e}")
        if means:
            print(f"{len(means)} drawings: worst mean {max(means):.2e}, median mean "
                  f"{statistics.median(means):.2e}, worst max "
                  f"{max(top for _, top in results.values()):.2e}")
        print(f"preprocess on {BACKEND}: median {statistics.median(times):.2f} ms "
              f"(min {min(times):.2f}, max {max(times):.2f}) over {len(times)} calls")
