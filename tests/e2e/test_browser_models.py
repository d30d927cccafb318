"""Every shipped model runs in the browser with TensorFlow.js and agrees with Keras.

Each model is converted by `ae_models.browser_export` into a scratch folder; a throw-away HTTP
server serves it beside the app's `static/` folder (at /app/static/, the URL Streamlit gives
it), and `static/live/parity.html` loads the vendored TensorFlow.js and exposes
`window.parityHook`. Every request to anything but that server is aborted: the browser path
works offline. The site, the harness tab and the inputs live in `model_site`, shared with
`bench/browser_models.py` (which also times the models: speed is the benchmark's job).

Inputs need no data set: synthetic digits for the encoders, codes sampled around the stored
latents (`weights/<key>/latents.npz`) for the decoders. A freshly built model of the kind
*Train it live* trains (untrained: only its form matters) takes the same path as the shipped
ones. Max differences go to test-output/browser_models.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from model_site import (SAMPLES, ExportedModel, ParityHarness, expected_threads,
                        export_models, open_harness, parity_diffs, serve_site, write_models)
from server import REPO

from ae_models.registry import LIVE_KEY, model_keys

TOLERANCE = 1e-4  # max abs difference per pixel (issue #17), codes and pixels alike
MODELS = [*model_keys(None), LIVE_KEY]
# The backend a page tries first (wasm) runs every model; the CPU fallback the small dense ones
# (the convolutions take up to 23 s each on it here). WebGL is software-only in headless
# Chromium here, so its parity and speed are measured by a benchmark, not in the suite.
CPU_MODELS = ["dense", "ae_2d", "ae_3d", "vae_2d", LIVE_KEY]
# WASM twice: in a cross-origin-isolated tab (lab.py's pages: the threaded build) and not
# (`streamlit run app.py`, a browser without SharedArrayBuffer: the single-threaded one).
THREADED = "wasm threads"
CASES = ([(THREADED, key) for key in MODELS] + [("wasm", key) for key in MODELS]
         + [("cpu", key) for key in CPU_MODELS])
RESULTS = REPO / "test-output" / "browser_models.json"


@pytest.fixture(scope="module")
def models() -> dict[str, ExportedModel]:
    """key -> the loaded model and its browser form (encoder and decoder)."""
    return export_models(MODELS)


@pytest.fixture(scope="module")
def site(models, tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser_models")
    write_models(models, folder)
    with serve_site(folder) as url:
        yield url


@pytest.fixture(scope="module")
def measurements() -> Iterator[dict]:
    found: dict = {"tolerance": TOLERANCE, "samples": SAMPLES, "max_abs_diff": {}}
    yield found
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(found, indent=1, sort_keys=True))


@pytest.fixture(scope="module")
def harness(browser, site) -> Iterator[ParityHarness]:
    """One tab on the harness for the whole module, offline but for the local server."""
    with open_harness(browser, site) as tab:
        yield tab


@pytest.fixture(scope="module")
def threaded_harness(browser, site) -> Iterator[ParityHarness]:
    """The same, cross-origin isolated as lab.py serves the app's pages."""
    with open_harness(browser, site, isolated=True) as tab:
        yield tab


@pytest.mark.browser
def test_an_isolated_page_runs_the_threaded_build_on_several_threads(harness, threaded_harness):
    cores = threaded_harness.page.evaluate("() => navigator.hardwareConcurrency")
    threaded_harness.use_backend("wasm")
    harness.use_backend("wasm")
    assert threaded_harness.wasm_threads() == expected_threads(cores)
    assert harness.wasm_threads() == 1
    # The browser's own core count is back once the backend has started.
    assert threaded_harness.page.evaluate(
        "() => Object.getOwnPropertyDescriptor(navigator, 'hardwareConcurrency')") is None


@pytest.mark.browser
@pytest.mark.parametrize("backend, key", CASES)  # grouped by backend: one switch per backend
def test_browser_matches_keras(key, backend, models, harness, threaded_harness, measurements):
    """Encoder, decoder and the two in a row, on 100 inputs: max abs difference <= 1e-4."""
    tab = threaded_harness if backend == THREADED else harness
    tab.use_backend("wasm" if backend == THREADED else backend)
    diffs = parity_diffs(tab, key, models[key].ae)
    measurements["max_abs_diff"].setdefault(backend, {})[key] = diffs
    assert max(diffs.values()) <= TOLERANCE, diffs
