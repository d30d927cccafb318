"""The exported models on a local site, driven through static/live/parity.html in Chromium.

Shared by the parity test (tests/e2e/test_browser_models.py) and the benchmark
(bench/browser_models.py), so both compare and time the very same thing:

* `export_models` / `write_models`: each model converted by `ae_models.browser_export`, then
  written into a scratch folder as model.json + weights.bin per half;
* `serve_site`: a throw-away HTTP server with the app's `static/` folder at /app/static/ (the URL
  Streamlit gives it) and that folder at /models/;
* `open_harness`: one tab on parity.html with every request to anything but that server aborted
  (the browser path works offline), wrapped in a `ParityHarness`; `isolated=True` serves it
  cross-origin isolated, as lab.py serves the app (TensorFlow.js's threaded WASM build);
* inputs that need no data set (`sample_images`, `sample_codes`) and `parity_diffs`, the three
  max abs differences against Keras.

Imported as `model_site` by the tests (tests/e2e is on their path) and as
`tests.e2e.model_site` by the bench; so it imports nothing of tests/e2e itself.
"""

from __future__ import annotations

import functools
import http.server
import posixpath
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ae_models.artifacts import read_latents
from ae_models.data import synthetic_digits
from ae_models.registry import LIVE_KEY
from lab import ISOLATION_HEADERS

if TYPE_CHECKING:
    from ae_models.browser_export import BrowserModel
    from ae_models.loading import Autoencoder

REPO = Path(__file__).resolve().parents[2]
SAMPLES = 100  # inputs per comparison (issue #17: 100 test inputs)
HARNESS = "/app/static/live/parity.html"
ISOLATED = "isolated"  # in a page's query: served cross-origin isolated, as lab.py serves pages


def expected_threads(cores: int) -> int:
    """The threaded WASM build's pool on a cross-origin-isolated page: half the cores, 2 to 4,
    and 1 on a single core (run_model.js shows TensorFlow.js 4 cores where there are 2 or 3: it
    would take one thread there)."""
    return 1 if cores < 2 else min(4, max(2, cores // 2))


# --- models and the site that serves them ------------------------------------------------------

def live_model() -> Autoencoder:
    """A model built the way *Train it live* builds one, with its initial weights."""
    import keras

    from ae_models.architectures import shallow_dense
    from ae_models.live_training import LiveSettings, live_spec
    from ae_models.loading import Autoencoder

    settings = LiveSettings()
    keras.utils.set_random_seed(settings.seed)
    encoder, decoder = shallow_dense(settings.hidden, settings.code_size)
    return Autoencoder(live_spec(settings), encoder, decoder)


@dataclass(frozen=True)
class ExportedModel:
    """A loaded model, its browser form (encoder and decoder) and how long the export took."""

    ae: Autoencoder
    parts: dict[str, BrowserModel]
    export_s: float


def export_models(keys: Iterable[str]) -> dict[str, ExportedModel]:
    """Load each model (LIVE_KEY: a fresh *Train it live* model) and convert both halves."""
    from ae_models.browser_export import export_autoencoder
    from ae_models.loading import load

    exported = {}
    for key in keys:
        ae = live_model() if key == LIVE_KEY else load(key)
        start = time.perf_counter()
        parts = export_autoencoder(ae)
        exported[key] = ExportedModel(ae, parts, time.perf_counter() - start)
    return exported


def write_models(models: dict[str, ExportedModel], folder: Path) -> None:
    """`folder/<key>/<encoder|decoder>/model.json` (+ weights.bin): what /models/ serves."""
    for key, model in models.items():
        for part, browser_model in model.parts.items():
            browser_model.write(folder / key / part)


class _TwoFolderHandler(http.server.SimpleHTTPRequestHandler):
    """/app/static/... from the repository's static/, /models/... from the scratch folder."""

    roots: ClassVar[dict[str, Path]] = {}

    def translate_path(self, path: str) -> str:
        path = posixpath.normpath(urllib.parse.unquote(path.split("?", 1)[0]))
        for prefix, root in self.roots.items():
            if path.startswith(prefix):
                return str(root / path[len(prefix):])
        return str(Path("/nonexistent"))

    def end_headers(self) -> None:
        """A page asked for with ISOLATED in its query gets lab.py's cross-origin isolation
        headers: TensorFlow.js then runs its threaded WASM build, as in the app."""
        if ISOLATED in urllib.parse.urlsplit(self.path).query:
            for name, value in ISOLATION_HEADERS:
                self.send_header(name.decode(), value.decode())
        super().end_headers()

    def log_message(self, *args: Any) -> None:  # quiet test and bench output
        pass


@contextmanager
def serve_site(models_folder: Path) -> Iterator[str]:
    """The site's base URL while the block runs: static/ and the exported models, nothing else."""
    handler = type("Handler", (_TwoFolderHandler,), {
        "roots": {"/app/static/": REPO / "static", "/models/": models_folder}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


# --- the harness tab ---------------------------------------------------------------------------

class ParityHarness:
    """static/live/parity.html in one tab: switch backends, run and time the exported models."""

    def __init__(self, page: Any, site: str):
        self.page = page
        self.site = site
        self.backend: str | None = None

    def use_backend(self, backend: str) -> None:
        """Switch TensorFlow.js's backend (models are reloaded on it); fails if it cannot start."""
        if self.backend == backend:
            return
        self.page.evaluate("name => window.parityHook.useBackend(name)", backend)
        self.backend = backend

    def wasm_threads(self) -> int | None:
        """Threads of the WASM backend now running (1: the single-threaded build)."""
        return self.page.evaluate("() => window.parityHook.wasmThreads()")

    def url(self, key: str, part: str) -> str:
        return f"{self.site}/models/{key}/{part}/model.json"

    def run(self, key: str, part: str, values: np.ndarray) -> np.ndarray:
        """The model's outputs for a batch, one row per input."""
        batch = np.asarray(values, np.float32)
        out = self.page.evaluate(
            "([url, values, shape]) => window.parityHook.run(url, values, shape)",
            [self.url(key, part), batch.ravel().tolist(), list(batch.shape)])
        return np.asarray(out, np.float32).reshape(len(batch), -1)

    def decode_ms(self, key: str, code: np.ndarray, repeats: int = 30) -> list[float]:
        """Milliseconds of each of `repeats` decoder calls on `code` (one row: one hover), output
        read back; timed by the page's clock after warm-up calls."""
        times = self.page.evaluate(
            "([url, values, shape, n]) => window.parityHook.timeRun(url, values, shape, n)",
            [self.url(key, "decoder"), code.ravel().tolist(), list(code.shape), repeats])
        return [float(t) for t in times]

    def reconstruct_all_ms(self, keys: Iterable[str], image: np.ndarray,
                           repeats: int = 30) -> list[float]:
        """Milliseconds of each of `repeats` reconstructions of one image by every model of
        `keys` at once (a pen move on the Draw page), outputs read back."""
        pairs = [[self.url(key, "encoder"), self.url(key, "decoder")] for key in keys]
        times = self.page.evaluate(
            "([pairs, image, n]) => window.parityHook.timeReconstructAll(pairs, image, n)",
            [pairs, image.ravel().tolist(), repeats])
        return [float(t) for t in times]

    def downloaded_bytes(self, prefix: str) -> int:
        """Body bytes of the distinct resources under `site + prefix` this tab has fetched
        (the Resource Timing entries: what the page really asked for)."""
        sizes = self.page.evaluate(
            "() => performance.getEntriesByType('resource').map(e => [e.name, e.encodedBodySize])")
        wanted = self.site + prefix
        return sum({name: size for name, size in sizes if name.startswith(wanted)}.values())


@contextmanager
def offline_tab(browser: Any, site: str, path: str, timeout_ms: int = 120_000) -> Iterator[Any]:
    """One tab on a harness page (`body[data-ready=true]` once loaded), offline but for the
    local site; a page error fails the block."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site)
               else route.abort())
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site}{path}")
    page.wait_for_selector("body[data-ready=true]", state="attached")
    try:
        yield page
    finally:
        context.close()
    if errors:
        raise AssertionError(f"errors in the harness page: {errors}")


@contextmanager
def open_harness(browser: Any, site: str, timeout_ms: int = 120_000,
                 isolated: bool = False) -> Iterator[ParityHarness]:
    """The model parity harness in an offline tab; `isolated`: cross-origin isolated, as the
    app's pages under lab.py (the threaded WASM build), else as under `streamlit run app.py`."""
    path = f"{HARNESS}?{ISOLATED}" if isolated else HARNESS
    with offline_tab(browser, site, path, timeout_ms) as page:
        page.evaluate("() => performance.setResourceTimingBufferSize(10000)")  # > 250 files
        yield ParityHarness(page, site)


# --- inputs and comparisons --------------------------------------------------------------------

@functools.cache
def sample_images() -> np.ndarray:
    """SAMPLES synthetic digits, (n, 28, 28, 1) in [0, 1]: no data set needed."""
    images, _ = synthetic_digits(SAMPLES, seed=17)
    return (images.astype(np.float32) / 255.0)[..., None]


def sample_codes(ae: Autoencoder) -> np.ndarray:
    """Stored test-set codes (the live model: its codes of the sample digits), each moved by a
    quarter of its dimension's spread."""
    if ae.key == LIVE_KEY:
        codes = ae.encode(sample_images()[..., 0])
    else:
        codes = read_latents(ae.key)["codes"].astype(np.float32)
    rng = np.random.default_rng(5)
    picked = codes[rng.choice(len(codes), SAMPLES, replace=False)]
    jitter = rng.standard_normal(picked.shape) * 0.25 * codes.std(axis=0)
    return (picked + jitter).astype(np.float32)


def max_diff(a: np.ndarray, b: np.ndarray) -> float:
    """Largest absolute difference between two batches of the same number of rows."""
    rows = len(b)
    return float(np.max(np.abs(np.reshape(a, (rows, -1)) - np.reshape(b, (rows, -1)))))


def parity_diffs(harness: ParityHarness, key: str, ae: Autoencoder) -> dict[str, float]:
    """Max abs differences from Keras on the harness's current backend: encoder, decoder and the
    two in a row (the browser's own codes decoded), on SAMPLES inputs each."""
    images, codes = sample_images(), sample_codes(ae)
    browser_codes = harness.run(key, "encoder", images)
    return {
        "encode": max_diff(browser_codes, ae.encode(images[..., 0])),
        "decode": max_diff(harness.run(key, "decoder", codes), ae.decode(codes)),
        "reconstruct": max_diff(harness.run(key, "decoder", browser_codes),
                                ae.reconstruct(images[..., 0])),
    }
