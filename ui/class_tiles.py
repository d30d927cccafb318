"""The wall's tiles (each drawing beside its reconstruction), drawn by the teacher's browser.

One component (`static/live/class_tiles.js`) shows the summary line and every tile. The wall's
fragment hands it the tiles each second; the browser makes a tile once per drawing and keeps it,
so a refresh with one new drawing adds one picture and moves the others. A grid of Streamlit
elements (an image, a caption and two buttons per tile) was rebuilt by React at every refresh:
0.36 of a core of the teacher's laptop while 30 drawings a second came in, on the machine that
also serves the class (bench/RESULTS.md). *Use* and *Remove* come back as the component's
`action` state, which the wall handles (`ui.class_wall`).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st

from classroom.store import Drawing
from ui.browser_models import loader_js
from ui.class_figures import tile_png
from ui.class_results import Result
from ui.images import error_heatmap

KEY = "class_tiles"  # the component's key: its `action` state is in the session under it
HTML = """
<div class="class-tiles" data-live="loading">
  <div class="summary"></div>
  <div class="sections"></div>
  <p class="note" data-off="The wall cannot draw its tiles in this browser: reload the page."></p>
</div>
"""
CSS = """
.class-tiles { font-family: var(--st-font); color: var(--st-text-color); }
.class-tiles .summary { margin-bottom: 0.6rem; }
.class-tiles .empty { padding: 1rem; border-radius: 0.5rem; background: #E8F1FB;
  color: #0B3D75; }
.class-tiles .ae-group { margin: 0.6rem 0 0.2rem 0; font-size: 1.1rem; font-weight: 700; }
.class-tiles .grid { display: grid; gap: 0.9rem 0.6rem;
  grid-template-columns: repeat(var(--columns, 5), minmax(0, 1fr)); }
/* A phone: as many tiles a row as fit, each wide enough for its picture and two buttons. */
@media (max-width: 640px) {
  .class-tiles .grid { grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); }
}
.class-tiles figure { margin: 0; min-width: 0; }
.class-tiles img { display: block; max-width: 100%; image-rendering: pixelated; }
.class-tiles .ae-tile { margin: 0.2rem 0 0 0; font-size: .85rem; line-height: 1.2;
  overflow-wrap: anywhere; }
.class-tiles .acts { display: flex; gap: 0.3rem; }
.class-tiles .acts button { font: inherit; font-size: 0.85rem; min-height: 2rem; flex: 1;
  min-width: 0; cursor: pointer; border-radius: 0.4rem; border: 1px solid var(--st-border-color, #ccc);
  background: transparent; color: inherit; }
.class-tiles .acts button:hover { border-color: var(--st-primary-color); }
.class-tiles .acts button:disabled { opacity: 0.45; cursor: progress; }
.class-tiles .more { font-size: 0.875rem; opacity: 0.8; margin: 0.6rem 0 0 0; }
.class-tiles .note:empty { display: none; }
"""
wall_tiles = st.components.v2.component("class_tiles", html=HTML, css=CSS, isolate_styles=False,
                                        js=loader_js("class_tiles.js"))

TILES_KEPT = 2048  # tile PNGs (about 1 kB each) shared by every wall of this process
_PNGS: dict[tuple, str] = {}
_PNGS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Tile:
    drawing: Drawing
    result: Result
    label: str


@dataclass(frozen=True)
class Section:
    title: str | None  # "7 · 12" for a group of one digit; None for the plain grid
    tiles: Sequence[Tile]


def show(summary_html: str, sections: Sequence[Section], *, columns: int, scale: int,
         model_key: str, with_error: bool = False, more: str | None = None,
         empty: str | None = None) -> None:
    """Mount the wall's tiles. `summary_html` is the page's own markup (numbers only); a
    pupil's text goes in as labels, which the browser shows as text."""
    data = {"summary": summary_html, "empty": empty, "more": more, "columns": columns,
            "sections": [{"title": s.title,
                          "tiles": [_tile_data(t, model_key, scale, with_error) for t in s.tiles]}
                         for s in sections]}
    wall_tiles(data=data, key=KEY, on_action_change=lambda: None)


def action() -> dict | None:
    """The *Use* or *Remove* the teacher last clicked: {"do": "use" | "remove", "id", "n"}."""
    value = (st.session_state.get(KEY) or {}).get("action")
    return value if isinstance(value, dict) else None


def _tile_data(tile: Tile, model_key: str, scale: int, with_error: bool) -> dict:
    drawing = tile.drawing
    return {"id": drawing.id, "label": tile.label,
            "key": f"{drawing.id}:{model_key}:{scale}:{int(with_error)}",
            "png": _png(drawing, tile.result, model_key, scale, with_error)}


def _png(drawing: Drawing, result: Result, model_key: str, scale: int, with_error: bool) -> str:
    """The drawing beside its reconstruction (and error map) as a base64 PNG, made once per
    drawing (about 1 ms of encoding each; a busy wall shows 20 new ones a second)."""
    key = (drawing.id, model_key, scale, with_error)
    with _PNGS_LOCK:
        png = _PNGS.get(key)
    if png is None:
        pictures: list[np.ndarray] = [drawing.image, result.rebuilt]
        if with_error:
            pictures.append(error_heatmap(drawing.image, result.rebuilt, scale=1))
        png = base64.b64encode(tile_png(pictures, scale)).decode()
        with _PNGS_LOCK:
            _PNGS[key] = png
            while len(_PNGS) > TILES_KEPT:
                del _PNGS[next(iter(_PNGS))]  # the oldest
    return png
