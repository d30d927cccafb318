"""The Draw page's live scores (static/live/ssim.js, static/live/code_heatmap.js) agree with
the server's: SSIM with `ae_models.metrics.ssim` (tf.image.ssim) on 100 pairs, within 1e-4, and
the code's heat map with `ui.images.code_image` pixel for pixel, for every code shape the zoo
has. On the live path the server runs no model: these numbers and pictures are the browser's.

The pairs are synthetic digits against each shipped model's reconstruction of them (and a few
against themselves, a blank, and noise); served offline by the model parity test's throw-away
site through the harness page static/live/parity.html (its scoresHook), on the WASM backend.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from model_site import HARNESS, offline_tab, sample_images, serve_site

from ae_models.loading import load
from ae_models.metrics import ssim
from ae_models.registry import get_spec, model_keys
from ui.images import INFERNO_LUT, code_image
from ui.live_draw import LUT, TILE_PX

pytestmark = pytest.mark.browser

SSIM_LIMIT = 1e-4
PAIRS = 100
# Models whose code the page draws as a heat map (a code of 2 or 3 numbers is written out).
HEAT_MAPPED = [k for k in model_keys() if int(np.prod(get_spec(k).code_shape)) > 3]


@pytest.fixture(scope="module")
def harness(browser, tmp_path_factory) -> Iterator[Any]:
    with serve_site(tmp_path_factory.mktemp("no-models")) as site, \
            offline_tab(browser, site, HARNESS, timeout_ms=60_000) as page:
        page.evaluate("name => window.preprocessHook.useBackend(name)", "wasm")
        yield page


@functools.cache
def pairs() -> tuple[np.ndarray, np.ndarray]:
    """PAIRS (clean, other) images: reconstructions by each shipped model, and edge cases."""
    clean = sample_images()[..., 0]
    keys = model_keys()
    rebuilt = [load(keys[i % len(keys)]).reconstruct(clean[i]) for i in range(PAIRS - 4)]
    rng = np.random.default_rng(3)
    others = [*rebuilt, clean[0], np.zeros((28, 28)), rng.random((28, 28)),
              np.clip(clean[1] + rng.normal(0, 0.3, (28, 28)), 0, 1)]
    return clean[:PAIRS], np.asarray(others, np.float32).reshape(PAIRS, 28, 28)


def test_ssim_matches_tf_image_ssim(harness) -> None:
    clean, others = pairs()
    browser = harness.evaluate("([c, o]) => window.scoresHook.ssim(c, o)",
                               [clean.ravel().tolist(), others.reshape(PAIRS, -1).tolist()])
    server = ssim(clean, others)
    worst = float(np.max(np.abs(np.asarray(browser) - server)))
    assert worst <= SSIM_LIMIT, f"largest difference {worst:.2e}"


def test_ssim_of_a_batch_is_each_ones(harness) -> None:
    """The page scores every model in one batch: each row as if alone."""
    clean, others = pairs()
    batch = harness.evaluate("([c, o]) => window.scoresHook.ssim(c, o)",
                             [clean[5].ravel().tolist(), others[:4].reshape(4, -1).tolist()])
    assert len(batch) == 4
    alone = [float(ssim(clean[5], o)) for o in others[:4]]
    assert batch == pytest.approx(alone, abs=SSIM_LIMIT)


def test_the_lut_the_page_gets_is_the_servers() -> None:
    assert LUT == np.ravel(INFERNO_LUT).astype(int).tolist()


@pytest.mark.parametrize("key", HEAT_MAPPED)
def test_code_heat_map_matches_code_image(harness, key) -> None:
    shape = get_spec(key).code_shape
    codes = load(key).encode(sample_images()[:10, ..., 0])
    codes = np.concatenate([codes.reshape(10, -1), np.full((1, codes[0].size), 0.7)])  # flat
    for code in codes.astype(np.float32):
        width, height, rgba = harness.evaluate(
            "([c, s, n, l]) => window.scoresHook.codeHeatmap(c, s, n, l)",
            [code.astype(float).tolist(), list(shape), TILE_PX, LUT])
        browser = np.frombuffer(base64.b64decode(rgba), np.uint8).reshape(height, width, 4)
        np.testing.assert_array_equal(browser[..., :3], code_image(code, shape, size=TILE_PX))
        assert (browser[..., 3] == 255).all()
