"""The 2-D latent page's map, drawn by the browser on a canvas (`static/live/latent_plane.js`).

An `st.plotly_chart` of the same 4,000 SVG points held the page's main thread for 2.1 s of
every load (Plotly's 4.7 MB chunk, then two full draws), and the live decoder's module waited
behind it: the page went live 4.2 s after a reload (bench/RESULTS.md). This component draws the
map in a few milliseconds and keeps its look: colours, marker shapes, class names, the star and
the probe all come from `ui.figures`, the compressed axes from `ae_models.map_scale`. The
"Download" export and the class wall still use the Plotly figure (`ui.latent.map_2d`).

A click on the plane is its `pin` trigger value: the code there (a dot's own code when the
click is on a dot), which the page turns into a probe move. It needs no TensorFlow.js.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence

import numpy as np
import streamlit as st

from ui.browser_models import loader_js
from ui.figures import (
    CLASS_LABEL_FONT,
    MAP_MARKER,
    PROBE_MARKER,
    USER_MARKER,
    background_source,
    class_name,
    class_symbol,
    digit_color,
    fitted_range,
    name_rows,
    true_bounds,
    widened_range,
)
from ui.model_cache import weights_id

BACKGROUND_OPACITY = 0.35  # as the Plotly map's layout image
HTML = """
<figure class="latent-plane">
  <div class="plane-box">
    <canvas class="plane" role="img" aria-label="A map of the latent space"></canvas>
    <div class="plane-tip" hidden></div>
    <div class="plane-zoom">
      <button type="button" data-zoom="in" aria-label="Zoom in" title="Zoom in">+</button>
      <button type="button" data-zoom="out" aria-label="Zoom out" title="Zoom out">&minus;</button>
      <button type="button" data-zoom="reset" aria-label="Reset the zoom"
              title="Reset the zoom (or double-click the map)">&#x21BA;</button>
    </div>
  </div>
  <div class="plane-legend" role="group" aria-label="Classes: press one to hide or show it"></div>
</figure>
"""
CSS = """
.latent-plane { margin: 0; font-family: var(--st-font); color: #111111; }
.plane-box { position: relative; width: 100%; height: 600px; }
/* A finger on the map explores it: no scrolling or browser zoom under it. */
.plane-box canvas { display: block; width: 100%; height: 100%; touch-action: none;
  cursor: crosshair; }
.plane-tip { position: absolute; pointer-events: none; background: #fff; color: #111111;
  border: 1px solid #777; border-radius: 0.3rem; padding: 0.15rem 0.45rem; font-size: 16px;
  white-space: nowrap; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.2); }
.plane-zoom { position: absolute; top: 12px; right: 0; display: flex; flex-direction: column;
  gap: 4px; }
.plane-zoom button { width: 2.2rem; height: 2.2rem; font-size: 1.2rem; line-height: 1; padding: 0;
  border: 1px solid #777; border-radius: 0.4rem; background: rgba(255, 255, 255, 0.9);
  color: #111111; cursor: pointer; }
.plane-zoom button:focus-visible, .plane-legend button:focus-visible
  { outline: 2px solid var(--st-primary-color); outline-offset: 1px; }
.plane-legend { display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; padding-top: 0.4rem;
  font-size: 16px; }
.plane-legend button, .plane-legend .mark-key { display: inline-flex; align-items: center;
  gap: 0.3rem; font: inherit; color: inherit; background: none; border: none; padding: 0.1rem;
  min-height: 1.75rem; }
.plane-legend button { cursor: pointer; }
.plane-legend button[aria-pressed="false"] span { text-decoration: line-through; }
.plane-legend button[aria-pressed="false"] .swatch { opacity: 0.25; }
.plane-legend .swatch { width: 24px; height: 24px; }
"""
plane_component = st.components.v2.component("latent_plane", html=HTML, css=CSS,
                                             js=loader_js("latent_plane.js"))


def latent_plane(view, class_names: Sequence[str], user_point: np.ndarray | None,
                 probe_point: np.ndarray | None, background: np.ndarray | None, *,
                 title: str, height: int, key: str, on_pin: Callable[[], None]) -> None:
    """Mount the map of `view` (a `ui.latent.LatentView`) with this run's star, probe and
    background; `on_pin` runs when the plane was clicked (read the point with `pinned`)."""
    weights = weights_id(view.key)  # a new model (or a retrained live one): zoom and pan reset
    clouds, drawn_range = _clouds(weights, view.shown, tuple(class_names), view)
    data = {**clouds, **_axes(view, drawn_range, background, user_point, probe_point),
            "revision": weights, "height": height,
            "user": _listed(user_point), "probe": _listed(probe_point),
            "label": _description(view, title, user_point, probe_point)}
    plane_component(data=data, key=key, on_pin_change=on_pin)


def pinned(key: str) -> np.ndarray | None:
    """The code the plane was clicked at (in this run only: a trigger value), or None."""
    pin = (st.session_state.get(key) or {}).get("pin")
    try:
        point = np.asarray(pin, dtype=np.float64).reshape(2)
    except (TypeError, ValueError):
        return None
    return point if np.isfinite(point).all() else None


@st.cache_resource(show_spinner=False, max_entries=32)
def _clouds(weights: str, shown: str, class_names: tuple[str, ...], _view
            ) -> tuple[dict, tuple[list[float], list[float]]]:
    """One model's dots and class names (shared by every session: only ever read), and the
    drawn ranges that hold them. The codes go as float32 bytes (exact: they are stored as
    float16), 43 kB of base64 for 4,000 points; placing the names is the costly part."""
    view = _view
    drawn = view.scale.to_display(view.points)
    labels = np.asarray(view.labels).astype(int)
    present = [int(label) for label in np.unique(labels)]
    classes = [{"label": label, "name": class_name(label, class_names), "color": digit_color(label),
                "symbol": class_symbol(label)} for label in present]
    names = [{"label": c["label"], "name": c["name"], "at": view.points[row].tolist()}
             for c in classes
             for row in name_rows(drawn, np.flatnonzero(labels == c["label"]), c["name"])]
    return {"codes": base64.b64encode(view.points.astype("<f4").tobytes()).decode(),
            "labels": labels.tolist(), "classes": classes, "names": names,
            "widths": list(view.scale.widths), "axisNames": list(view.axis_names),
            "marker": MAP_MARKER, "userMarker": USER_MARKER, "probeMarker": PROBE_MARKER,
            "nameFont": CLASS_LABEL_FONT}, fitted_range(drawn)


def _axes(view, drawn_range, background: np.ndarray | None, *marks: np.ndarray | None) -> dict:
    """Drawn ranges, ticks and background of this run's map, as the Plotly map has them: every
    dot (and the background's corners) with a 2 % margin, widened for the star and the probe;
    a compressed axis's ticks at round code values (`MapScale.ticks`)."""
    extent = view.extent if background is not None else None
    xrange, yrange = drawn_range
    corners = None
    if extent is not None:
        corners = view.scale.to_display(np.reshape(extent, (2, 2)).T)  # rows: low, high corner
        xrange, yrange = fitted_range(np.vstack([view.scale.to_display(view.points), corners]))
    drawn_marks = [view.scale.to_display(p) for p in marks if p is not None]
    xrange, yrange = widened_range(xrange, yrange, drawn_marks)
    low, high = true_bounds(view.points, extent)
    return {"ranges": [float(v) for v in (*xrange, *yrange)],
            "ticks": [view.scale.ticks(axis, float(low[axis]), float(high[axis]))
                      for axis in range(2)],
            "background": None if corners is None else {
                "png": _png(background), "opacity": BACKGROUND_OPACITY,
                "extent": [float(v) for v in (*corners[:, 0], *corners[:, 1])]}}


@st.cache_data(show_spinner=False, max_entries=8)
def _png(background: np.ndarray) -> str:
    """The decoded grid as a base64 PNG, dark digits on white (made once per grid)."""
    buffer = io.BytesIO()
    background_source(background).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _description(view, title: str, user_point, probe_point) -> str:
    """The canvas's text for a screen reader: what the map shows and where the marks are."""
    parts = [f"Map of {title}, one dot each, coloured and shaped by its class"]
    if user_point is not None:
        parts.append(f"your digit, the gold star, at {view.describe(user_point)}")
    if probe_point is not None:
        parts.append(f"the probe, the black x, at {view.describe(probe_point)}")
    return "; ".join(parts) + "."


def _listed(point: np.ndarray | None) -> list[float] | None:
    return None if point is None else [float(v) for v in np.ravel(point)]
