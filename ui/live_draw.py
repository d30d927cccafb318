"""The Draw page's pictures, repainted in the browser while the pen moves and a slider slides.

Two parts of one component (`static/live/draw_reconstruct.js`): `inputs` (the input the models
see and its corrupted copy) and `models` (each chosen model's reconstruction, error map, MSE and
PSNR). The browser makes the drawing MNIST-style, corrupts it and runs every model with
TensorFlow.js at each frame of a stroke, sending nothing, with every number and picture the
server's path shows (MSE, PSNR, SSIM, the code's heat map). After the stroke the canvas sends
its drawing as before; the server makes its own 28x28 input, which the browser adopts, and runs
no model (a stroke's model work was about half of the server's part: 22 of 44 ms). The noise
field and crosshair come from `ae_models.corruption`, so the live sigma slider shows the
server's picture.

Until the browser has loaded the models, the page shows the server's pictures. If it cannot run
one of them (no TensorFlow.js, a model without a browser form), it says so once, quietly, and
reports `ready: 'server'`: the server then runs the models and sends its pictures and numbers in
the component's data, painted like the live ones (`server_pictures`). That was a third of the
server path's stroke: some 40 elements and 12 PNG files made, sent and fetched per stroke.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import numpy as np
import streamlit as st

from ae_models.corruption import CorruptionSettings, crosshair, unit_noise
from classroom.http_api import encode_image
from ui.browser_models import browser_urls, loader_js, preload_urls
from ui.images import INFERNO_LUT
from ui.model_cache import spec_of

HTML = """
<div class="live-draw" data-live="loading">
  <div class="live-empty"></div>
  <div class="live-tiles"></div>
  <div class="live-note"
       data-off="Live drawing is off in this browser: the pictures update when you lift the pen."></div>
</div>
"""
CSS = """
.live-draw { font-family: var(--st-font); color: var(--st-text-color); }
.live-draw[data-live="loading"] .live-tiles, .live-draw[data-live="off"] .live-tiles,
.live-draw.empty .live-tiles { display: none; }
.live-tiles { display: flex; flex-wrap: wrap; gap: 1rem; }
/* Nothing drawn yet, said where the pictures will be (the models part; the server says it
   until the browser runs the models). */
.live-empty { display: none; }
.live-draw.empty[data-live="ready"] .live-empty:not(:empty) { display: block; padding: 1rem;
  border-radius: var(--st-base-radius, 0.5rem); background: var(--st-blue-background-color, #EDF5FF);
  color: var(--st-blue-text-color, #244FB4); }
.live-tiles.full { display: block; }
.live-tiles.presenter { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); }
figure.tile { margin: 0; flex: 0 1 var(--tile-size, 196px); }
figure.tile[hidden] { display: none !important; }
.tile canvas { width: min(var(--tile-size, 196px), 100%); height: auto; aspect-ratio: 1;
  image-rendering: pixelated; display: block; background: #000; }
.tile-title { font-weight: 600; margin-bottom: 0.25rem; }
.caption { font-size: 0.875rem; opacity: 0.8; margin-top: 0.3rem; }
.model-title { font-size: 1.5rem; font-weight: 600; margin: 1.2rem 0 0.6rem 0;
  padding-bottom: 0.4rem; border-bottom: 2px solid rgba(128, 128, 128, 0.35); }
.row-grid { display: grid; gap: 1rem; align-items: start;
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) minmax(0, 1.3fr) minmax(0, 2.2fr); }
.scores { display: flex; flex-direction: column; gap: 0.6rem; }
.metric-label { font-size: 0.875rem; }
.metric-value { font-size: 2.25rem; line-height: 1.2; }
.code-picture { max-width: 100%; image-rendering: pixelated; }
.code-text { margin: 0; }
.live-note { font-size: 0.875rem; opacity: 0.75; }
/* A phone: the canvas and the first reconstructions on one screen. Small input tiles; each
   model a title and its reconstruction beside its scores (error map and code left out). */
@media (max-width: 640px) {
  .live-tiles { gap: 0.5rem; }
  .live-tiles.presenter { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .live-tiles figure.tile { flex: 1 1 45%; display: flex; align-items: flex-end; gap: 0.5rem; }
  .live-tiles figure.tile canvas { width: 5rem; flex: none; }
  .live-tiles.full .tile canvas, .live-tiles.presenter .tile canvas { width: 100%; }
  .live-tiles.full figure.tile, .live-tiles.presenter figure.tile { display: block; }
  .model-title { font-size: 1.05rem; margin: 0.5rem 0 0.3rem 0; padding-bottom: 0.2rem; }
  .row-grid { grid-template-columns: 8rem minmax(0, 1fr); gap: 0.75rem; }
  .row-grid figure.tile.error, .row-grid .code, .row-grid .caption { display: none !important; }
  .scores { flex-direction: row; flex-wrap: wrap; gap: 0.3rem 1rem; }
  .metric-label { font-size: 0.8rem; }
  .metric-value { font-size: 1.2rem; }
}
"""
live_draw = st.components.v2.component("live_draw", html=HTML, css=CSS,
                                       js=loader_js("draw_reconstruct.js"))
TILE_PX = 196  # 7 screen pixels per MNIST pixel, as the server's tiles (the CSS's --tile-size);
# also the width of the code's heat map (ui.images.code_image's size)
LUT = np.ravel(INFERNO_LUT).astype(int).tolist()  # the error map's colours, as ui.images draws them
MODELS_KEY = "live_draw_models"  # the models part: its state `ready` is the models' signature


def live_inputs(layout: str, caption: str) -> None:
    """Mount the input and corrupted tiles (the models part paints them)."""
    live_draw(data={"part": "inputs", "layout": layout, "inputCaption": caption},
              key="live_draw_inputs")


class BrowserModels(NamedTuple):
    """The chosen models as the browser gets them, and a signature of their browser forms."""

    models: list[dict]
    signature: str


def browser_models(keys: list[str]) -> BrowserModels:
    """What the browser needs of each model (made once per run: it looks at the model files)."""
    models = [_model_data(key) for key in keys]
    signature = hashlib.sha256("|".join(f"{m['encoder']}>{m['decoder']}" for m in models)
                               .encode()).hexdigest()[:16]
    return BrowserModels(models, signature)


def live_models(browser: BrowserModels, image: np.ndarray | None, settings: CorruptionSettings,
                layout: str, controls: str, canvas_key: str | None, center: bool,
                server: dict | None = None, empty_note: str = "") -> None:
    """Mount the models part (the page leaves its own pictures out once `browser_runs`, or
    `browser_paints` with the `server_pictures` given here). The corruption sliders are keyed
    `<controls>_sigma`... inside a container keyed `<controls>_panel`. `empty_note` is shown
    where the pictures will be while nothing is drawn."""
    models, signature = browser
    data = {"part": "models", "layout": layout, "models": models, "signature": signature,
            "image": None if image is None else encode_image(image),
            "corruption": _corruption(settings), "controls": controls,
            "canvasKey": canvas_key, "center": center, "codePx": TILE_PX,
            "lut": LUT, "server": server, "emptyNote": empty_note,
            **_corruption_fields(settings)}
    live_draw(data=data, key=MODELS_KEY, on_ready_change=lambda: None)


def browser_runs(browser: BrowserModels) -> bool:
    """The browser has said it runs these models itself (in this rerun's request or before):
    the server then computes none of their pictures or numbers."""
    return _usable(browser.models) and _reported() == browser.signature


def browser_paints() -> bool:
    """The browser has said it cannot run the models but paints the server's results."""
    return _reported() == "server"


def _reported() -> object:
    return (st.session_state.get(MODELS_KEY) or {}).get("ready")


def server_pictures(results: dict, corrupted: np.ndarray) -> dict | None:
    """The server's results (`{model: (code, reconstruction, scores)}`, in the tiles' order)
    as the models part paints them; None if a model has none (the page draws its own then).
    Codes travel as images do: base64 of their float32 values."""
    if any(result is None for result in results.values()):
        return None
    return {"corrupted": encode_image(corrupted),
            "images": [encode_image(rebuilt) for _, rebuilt, _ in results.values()],
            "codes": [encode_image(np.ravel(code)) for code, _, _ in results.values()],
            "metrics": [{name: scores[name] for name in ("mse", "psnr", "ssim")}
                        for _, _, scores in results.values()]}


def _usable(models: list[dict]) -> bool:
    return all(m["encoder"] for m in models)


def _model_data(key: str) -> dict:
    spec = spec_of(key)
    urls = browser_urls(key)
    return {"key": key, "title": spec.title, "codeLabel": spec.code_label,
            "codeSize": spec.code_size, "codeShape": [int(d) for d in spec.code_shape],
            "encoder": urls.encoder, "decoder": urls.decoder,
            "preload": preload_urls(urls), "problem": urls.problem,
            "codeCaption": f"Its code: {spec.code_size} numbers (dark low, yellow high)"}


def _corruption(settings: CorruptionSettings) -> dict:
    return {"kind": settings.kind, "sigma": settings.sigma, "intensity": settings.intensity,
            "thickness": settings.thickness, "row": settings.row, "col": settings.col,
            "random": settings.random_position}


def _corruption_fields(settings: CorruptionSettings) -> dict:
    """The server's noise field for the seed, and the crosshair where the server placed it at
    random (a fixed one the browser draws itself, as its sliders move). Pictures travel as
    base64 of their float32 bytes (`encode_image`; page_tools.js `floats`): exact, and the
    data is JSON-encoded and hashed on every stroke (784 floats as JSON were 16 kB of it)."""
    noise = mask = None
    if settings.kind in ("gaussian", "both"):
        noise = encode_image(unit_noise((28, 28), settings.seed))
    if settings.kind in ("crosshair", "both") and settings.random_position:
        mask = encode_image(crosshair(np.zeros((28, 28), np.float32),
                                      thickness=settings.thickness, intensity=1.0,
                                      random_position=True, seed=settings.seed))
    return {"noise": noise, "mask": mask}
