"""The VAE explorer's strips, redrawn in the browser while their sliders move.

Interpolation (`static/live/vae_interpolation.js`) follows *Steps*; traversals
(`static/live/vae_traversal.js`) follow *Rows* and *Steps per row*. The server still computes
the strips (they are what a browser without the live path sees), but once the browser shows
them itself the page leaves the server's copies out. The browser gets the codes and images it
needs once, and sends nothing while a slider is dragged.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui.browser_models import loader_js, show_live

HTML = """
<div class="vae-strips" data-live="loading">
  <div class="vae-row vae-latent"><div class="label"></div><canvas role="img"
    aria-label="Digits decoded along the path between the two codes"></canvas></div>
  <div class="vae-row vae-blend"><div class="label">Straight pixel blend, for contrast</div>
    <canvas role="img" aria-label="The two images faded into each other"></canvas></div>
  <div class="live-note" data-off=""></div>
</div>
"""
CSS = """
.vae-strips, .vae-traversal { font-family: var(--st-font); }
[data-live="loading"], [data-live="off"] { display: none; }
.vae-row { display: flex; align-items: center; gap: 1rem; margin: 0.6rem 0; }
.vae-row .label { flex: 0 0 10rem; font-weight: 600; }
.vae-row canvas { flex: 1 1 auto; min-width: 0; max-width: 760px; image-rendering: pixelated; }
@media (max-width: 640px) {  /* a phone: the label above its strip, the strip full width */
  .vae-row { flex-direction: column; align-items: stretch; gap: 0.2rem; }
  .vae-row .label { flex: none; }
}
"""
interpolation_strips = st.components.v2.component("vae_interpolation_strips", html=HTML,
                                                  css=CSS, js=loader_js("vae_interpolation.js"))


def live_interpolation(key: str, code_a: np.ndarray, code_b: np.ndarray, image_a: np.ndarray,
                       image_b: np.ndarray, steps: int, spherical: bool, slider_key: str,
                       latent_label: str) -> bool:
    """Mount the live strips; True once the browser shows them (the page then leaves its own
    strips out)."""
    data = {"codeA": np.ravel(code_a).astype(float).tolist(),
            "codeB": np.ravel(code_b).astype(float).tolist(),
            "imageA": np.ravel(image_a).astype(float).tolist(),
            "imageB": np.ravel(image_b).astype(float).tolist(), "steps": int(steps),
            "spherical": bool(spherical), "sliderKey": slider_key, "latentLabel": latent_label}
    return show_live(interpolation_strips, key, "vae_interp_live", data)


TRAVERSAL_HTML = """
<div class="vae-traversal" data-live="loading"><div class="rows"></div>
  <div class="live-note" data-off=""></div></div>
"""
traversal_rows = st.components.v2.component("vae_traversal_rows", html=TRAVERSAL_HTML, css=CSS,
                                            js=loader_js("vae_traversal.js"))


def live_traversal(key: str, start: np.ndarray, order: np.ndarray, kl: np.ndarray, span: float,
                   unused_kl: float, rows_key: str, steps_key: str, rows: int,
                   steps: int) -> bool:
    """Mount the live traversal rows; True once the browser shows them (the page then leaves
    its own rows out)."""
    data = {"start": np.ravel(start).astype(float).tolist(),
            "order": [int(d) for d in order], "kl": np.ravel(kl).astype(float).tolist(),
            "span": float(span), "unusedKl": float(unused_kl), "rowsKey": rows_key,
            "stepsKey": steps_key, "rows": int(rows), "steps": int(steps)}
    return show_live(traversal_rows, key, "vae_trav_live", data)
