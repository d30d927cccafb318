"""Live decoding on the latent pages: the probe decoded in the browser while it moves.

This component sits in the latent pages' side panel and decodes with TensorFlow.js
(`static/live/latent_probe.js`): on the 2-D page the point under the pointer on the map (the
canvas of `ui.latent_plane`, which announces it), on both pages the probe sliders' values while
they are dragged. Neither sends anything to the server. Until the browser is ready, or where it
cannot run the model, the server's decoded probe is shown instead.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui.browser_models import loader_js, show_live

HTML = """
<div class="live-decoder" data-live="loading">
  <div class="live-title"></div>
  <canvas width="28" height="28" aria-label="The digit decoded at the point under the pointer"
          role="img"></canvas>
  <div class="live-note"
       data-off="Live decoding is off in this browser; the server decodes clicks."></div>
</div>
"""
CSS = """
.live-decoder { font-family: var(--st-font); }
.live-title { font-weight: 600; margin-bottom: 0.4rem; }
.live-decoder canvas { width: var(--live-size, 280px); height: var(--live-size, 280px);
  image-rendering: pixelated; display: block; background: #000; }
.live-decoder[data-live="loading"] canvas, .live-decoder[data-live="off"] canvas,
.live-decoder[data-live="loading"] .live-title, .live-decoder[data-live="off"] .live-title
  { display: none; }
.live-note { font-size: 0.875rem; color: var(--st-text-color); opacity: 0.75; }
/* On a phone the panel sits far below the map: while a finger moves the probe (`moving`, set by
   latent_probe.js), it floats in the bottom-left corner, in sight of the finger. */
@media (max-width: 640px) {
  .live-decoder.moving { position: fixed; left: 0.5rem; bottom: 0.5rem;
    z-index: 1000; background: #fff; padding: 0.3rem; border-radius: 0.5rem;
    box-shadow: 0 2px 12px rgba(0, 0, 0, 0.35); max-width: 112px; }
  .live-decoder.moving canvas { width: 104px; height: 104px; }
  .live-decoder.moving .live-title { font-size: 0.7rem; font-weight: 600; }
}
"""
probe_decoder = st.components.v2.component("latent_probe_decoder", html=HTML, css=CSS,
                                           js=loader_js("latent_probe.js"))


def live_probe(key: str, component_key: str, view, pinned: np.ndarray, size_px: int,
               slider_keys: list[str]) -> bool:
    """Mount the live decoder of model `key`'s probe; True once it is showing the probe itself
    (then the page leaves out the server's copy of the same picture)."""
    pca = None
    if view.pca:
        pca = {"mean": np.asarray(view.latents["pca_mean"], float).tolist(),
               "components": np.asarray(view.latents["pca_components"][:view.dims], float).tolist()}
    data = {"sliderKeys": slider_keys, "axisNames": list(view.axis_names),
            "pinned": [float(v) for v in pinned], "pca": pca}
    st.html(f"<style>.st-key-{component_key} {{ --live-size: {size_px}px; }}</style>")
    return show_live(probe_decoder, key, component_key, data)
