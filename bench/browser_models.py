"""In-browser models (issue #17): TensorFlow.js against Keras, and how fast it answers, per backend.

    python -m bench.browser_models                      # every model, every backend; Markdown
    python -m bench.browser_models --write              # ... and bench/RESULTS.md
    python -m bench.browser_models --backends wasm --models ae_2d vae_2d --repeats 50

Every model is exported by `ae_models.browser_export` (timed) and served with the app's static/
folder by the site of `tests/e2e/model_site.py`, the one the parity test uses; one headless
Chromium tab on static/live/parity.html, offline but for that site (and a cross-origin-isolated
one, as lab.py serves the app's pages, for wasm-threads: TensorFlow.js's threaded WASM build),
then, per backend:

* parity: the largest max abs difference per pixel from Keras of encoder, decoder and the two in
  a row, 100 inputs each, as the parity test computes it (target <= 1e-4);
* hover: one decoder call on one code for each 2-D/3-D model, the call a pointer move on the
  latent plane makes (targets: median <= 16 ms, p95 <= 33 ms);
* pen move: one image reconstructed by the Draw page's four default models at once (target:
  median <= 33 ms).

Times are the page's own clock (`performance.now`) around a call and the read-back of its output,
after warm-up calls; painting is not included. A fresh isolated tab first loads the four
defaults on the WASM backend and reads the Resource Timing entries: the model bytes it
downloaded (target <= 10 MB) and, apart, the TensorFlow.js runtime's. Headless Chromium here
renders WebGL in software (SwiftShader): its WebGL figures say nothing about a real GPU.
`--write` records the current figures only when every model was measured (no `--models`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import Figure, command_line, load_average, machine_name, percentile, record
from tests.e2e.model_site import (SAMPLES, ExportedModel, ParityHarness, export_models,
                                  open_harness, parity_diffs, sample_codes, sample_images,
                                  serve_site, write_models)
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS

TITLE = "In-browser models (TensorFlow.js)"
# WASM in a cross-origin-isolated tab, as lab.py serves the app's pages: the threaded build.
THREADED = "wasm-threads"
BACKENDS = (THREADED, "wasm", "cpu", "webgl")  # WASM: what the pages try first
DRAW_DEFAULTS = ("dense", "conv", "conv_denoise", "vae")  # ui/widgets.py DEFAULT_MODELS
TOLERANCE, TOLERANCE_TEXT = 1e-4, "1e-4"
HOVER_MEDIAN_MS, HOVER_P95_MS, PEN_MEDIAN_MS = 16.0, 33.0, 33.0
MAX_BYTES = 10_000_000
SOFTWARE_NOTE = ("Headless Chromium here renders WebGL in software (SwiftShader, see the renderer "
                 "above): the WebGL figures say nothing about a real GPU.")
PARITY = "Browser vs Keras (TensorFlow.js), largest max abs difference per pixel, every model"
HOVER = "In-browser decode of one 2-D/3-D code (hover), slowest model, median / p95"
PEN = "In-browser reconstruction of one image by the 4 default models (pen move), median"
BYTES = "Model bytes the browser downloads for the Draw page's 4 defaults"


@dataclass
class BackendRun:
    """One backend's measurements; times in milliseconds, one entry per call."""

    backend: str
    renderer: str = ""
    threads: int | None = None  # the WASM backend's
    diffs: dict[str, float] = field(default_factory=dict)  # key -> worst of its three
    decode_ms: dict[str, list[float]] = field(default_factory=dict)
    pen_ms: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The backend as the tables name it: the threaded one with its thread count."""
        return f"{self.backend} ({self.threads})" if self.backend == THREADED else self.backend

    def worst_diff(self) -> tuple[float, str]:
        key = max(self.diffs, key=self.diffs.get)
        return self.diffs[key], key


@dataclass
class Downloads:
    """Bytes one fresh tab fetched to reconstruct with the four defaults (WASM backend)."""

    models: int
    runtime: int


def low_dimensional(models: dict[str, ExportedModel]) -> list[str]:
    """The models whose codes a pointer sets: the 2-D/3-D planes and spaces."""
    return [key for key, m in models.items() if m.ae.spec.code_size <= 3]


def has_defaults(models: dict[str, ExportedModel]) -> bool:
    return all(key in models for key in DRAW_DEFAULTS)


def measure_backend(harness: ParityHarness, models: dict[str, ExportedModel], backend: str,
                    repeats: int) -> BackendRun:
    """Parity of every model, then the hover and pen-move timings, on one backend."""
    harness.use_backend("wasm" if backend == THREADED else backend)
    run = BackendRun(backend, threads=harness.wasm_threads())
    if backend == "webgl":
        run.renderer = harness.page.evaluate("() => window.parityHook.webglRenderer()") or ""
    for key, model in models.items():
        run.diffs[key] = max(parity_diffs(harness, key, model.ae).values())
        print(f"[{backend}] {key}: max abs diff {run.diffs[key]:.1e}", file=sys.stderr, flush=True)
    for key in low_dimensional(models):
        run.decode_ms[key] = harness.decode_ms(key, sample_codes(models[key].ae)[:1], repeats)
    if has_defaults(models):
        run.pen_ms = harness.reconstruct_all_ms(DRAW_DEFAULTS, sample_images()[0], repeats)
    print(f"[{backend}] timed", file=sys.stderr, flush=True)
    return run


def measure_downloads(browser, site: str) -> Downloads:
    """A fresh tab (empty cache), cross-origin isolated as the app's pages, reconstructs once
    with the four defaults on WASM."""
    with open_harness(browser, site, isolated=True) as harness:
        harness.use_backend("wasm")
        harness.reconstruct_all_ms(DRAW_DEFAULTS, sample_images()[0], repeats=1)
        return Downloads(models=harness.downloaded_bytes("/models/"),
                         runtime=harness.downloaded_bytes("/app/static/vendor/tfjs/"))


def measure(models: dict[str, ExportedModel], backends: list[str],
            repeats: int) -> tuple[list[BackendRun], Downloads | None, str]:
    """Serve the exported models and run the harness in headless Chromium; also its version."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="browser_models_") as folder:
        write_models(models, Path(folder))
        with serve_site(Path(folder)) as site, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            try:
                downloads = measure_downloads(browser, site) if has_defaults(models) else None
                with (open_harness(browser, site) as harness,
                      open_harness(browser, site, isolated=True) as isolated):
                    runs = [measure_backend(isolated if b == THREADED else harness, models, b,
                                            repeats) for b in backends]
                return runs, downloads, f"Chromium {browser.version}"
            finally:
                browser.close()


# --- the report --------------------------------------------------------------------------------

def ms(times: list[float], median_target: float, p95_target: float | None = None) -> str:
    """'median / p95' of per-call times, in bold when it misses a target."""
    median, p95 = statistics.median(times), percentile(times, 95)
    missed = median > median_target or (p95_target is not None and p95 > p95_target)
    text = f"{median:.2f} / {p95:.2f}"
    return f"**{text}**" if missed else text


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def model_table(models: dict[str, ExportedModel], runs: list[BackendRun]) -> list[str]:
    """Per model: code, export time, bytes, and its max abs difference on each backend."""
    head = "| model | code | export (ms) | browser form (encoder + decoder) | " + " | ".join(
        f"max abs diff, {r.label}" for r in runs) + " |"
    lines = [head, "|---|---|---:|---:|" + "---:|" * len(runs)]
    for key, m in models.items():
        size = sum(part.size_bytes for part in m.parts.values())
        diffs = [f"{r.diffs[key]:.1e}" if r.diffs[key] <= TOLERANCE else f"**{r.diffs[key]:.1e}**"
                 for r in runs]
        lines.append(f"| {key} | {m.ae.spec.code_label} | {m.export_s * 1000:.0f} | "
                     f"{size / 1e3:,.0f} kB | " + " | ".join(diffs) + " |")
    return lines


def timing_table(models: dict[str, ExportedModel], runs: list[BackendRun]) -> list[str]:
    """Per timed call (rows) and backend (columns): median / p95 milliseconds."""
    lines = ["| call, median / p95 (ms) | target | " + " | ".join(r.label for r in runs) + " |",
             "|---|---|" + "---:|" * len(runs)]
    hover_target = f"≤ {HOVER_MEDIAN_MS:g} / ≤ {HOVER_P95_MS:g}"
    for key in low_dimensional(models):
        cells = [ms(r.decode_ms[key], HOVER_MEDIAN_MS, HOVER_P95_MS) for r in runs]
        lines.append(f"| decode one code, {key} ({models[key].ae.spec.code_label}) | "
                     f"{hover_target} | " + " | ".join(cells) + " |")
    if has_defaults(models):
        cells = [ms(r.pen_ms, PEN_MEDIAN_MS) for r in runs]
        lines.append(f"| reconstruct one image, {' + '.join(DRAW_DEFAULTS)} | "
                     f"≤ {PEN_MEDIAN_MS:g} (median) | " + " | ".join(cells) + " |")
    return lines


def markdown(models: dict[str, ExportedModel], runs: list[BackendRun], downloads: Downloads | None,
             context: str, repeats: int, started: dt.datetime) -> str:
    """The section: set-up line, the two tables, worst differences, bytes and the WebGL note."""
    renderer = next((r.renderer for r in runs if r.renderer), "")
    setup = (f"`{command_line()}`, {started:%Y-%m-%d %H:%M}. Machine: {machine_name()}, "
             f"{load_average()}. {context}"
             + (f"; WebGL renderer: {renderer}." if renderer else "."))
    how = (f"Parity: {SAMPLES} inputs per model and part (encoder, decoder, the two in a row), "
           f"largest max abs difference per pixel from Keras (target ≤ {TOLERANCE_TEXT}). Times: "
           f"{repeats} calls after 3 warm-up calls, the page's clock around the call and the "
           "read-back of its output (painting not included; Chromium's clock ticks in 0.1 ms "
           f"steps on a page that is not cross-origin isolated). {THREADED} (threads in "
           "brackets): WASM in a cross-origin-isolated tab, as `lab.py` serves the app's pages, "
           "where TensorFlow.js runs its threaded build. Export: `export_autoencoder` of "
           "both halves, in Python, once per model (the first includes one-time set-up).")
    lines = [setup, "", how, "", *model_table(models, runs), "", *timing_table(models, runs), "",
             "Worst max abs difference: " + "; ".join(
                 "{} {:.1e} ({})".format(r.label, *r.worst_diff()) for r in runs) + "."]
    if downloads is not None:
        lines += ["", (f"Downloads of a fresh tab reconstructing with the four defaults (WASM): "
                       f"models {mb(downloads.models)} (target ≤ {MAX_BYTES / 1e6:g} MB), "
                       f"TensorFlow.js runtime {mb(downloads.runtime)} (scripts and WebAssembly, "
                       "once for every model); both cacheable.")]
    if "webgl" in {r.backend for r in runs}:
        lines += ["", SOFTWARE_NOTE]
    return "\n".join(lines) + "\n"


# --- current figures and the command -----------------------------------------------------------

def per_backend(runs: list[BackendRun], value: Callable[[BackendRun], str]) -> str:
    """'wasm X; cpu Y; webgl (software) Z': one figure's value on every backend measured."""
    return "; ".join(f"{r.label}{' (software)' if r.backend == 'webgl' else ''} {value(r)}"
                     for r in runs)


def slowest_decode(run: BackendRun) -> str:
    key = max(run.decode_ms, key=lambda k: statistics.median(run.decode_ms[k]))
    times = run.decode_ms[key]
    return f"{statistics.median(times):.2f} / {percentile(times, 95):.2f} ms ({key})"


def figures(runs: list[BackendRun], downloads: Downloads) -> list[Figure]:
    """The four rows of the current figures; each value names every backend measured."""
    return [
        Figure(PARITY, f"≤ {TOLERANCE_TEXT}",
               per_backend(runs, lambda r: "{:.1e} ({})".format(*r.worst_diff()))),
        Figure(HOVER, f"≤ {HOVER_MEDIAN_MS:g} / {HOVER_P95_MS:g} ms",
               per_backend(runs, slowest_decode)),
        Figure(PEN, f"≤ {PEN_MEDIAN_MS:g} ms",
               per_backend(runs, lambda r: f"{statistics.median(r.pen_ms):.1f} ms")),
        Figure(BYTES, f"≤ {MAX_BYTES / 1e6:g} MB",
               f"{mb(downloads.models)} (+ {mb(downloads.runtime)} TensorFlow.js runtime)"),
    ]


def main(argv: list[str] | None = None) -> int:
    from ae_models.registry import LIVE_KEY, model_keys

    parser = argparse.ArgumentParser(prog="python -m bench.browser_models", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS),
                        help="TensorFlow.js backends, in this order (default: all four)")
    parser.add_argument("--models", nargs="+",
                        help=f"default: every shipped model and a *Train it live* one ({LIVE_KEY})")
    parser.add_argument("--repeats", type=int, default=100, help="timed calls per figure (100)")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args(argv)

    started = dt.datetime.now()
    models = export_models(args.models or [*model_keys(None), LIVE_KEY])
    print(f"exported {len(models)} models", file=sys.stderr, flush=True)
    runs, downloads, context = measure(models, args.backends, args.repeats)
    text = markdown(models, runs, downloads, context, args.repeats, started)
    print(text)
    if args.write:
        record(TITLE, text, figures(runs, downloads) if downloads and not args.models else [])
    return 0


if __name__ == "__main__":
    sys.exit(main())
