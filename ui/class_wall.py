"""The teacher's wall: the class's drawings, where they land in the latent space, which ones fool
the autoencoder. It refreshes by itself, without anyone touching it.

A small fragment asks the store for the room's version every `POLL_S` seconds (one indexed
query) and reruns the page only when it changed; the model runs in one batch on new drawings
only (`ui.class_results`), so a refresh of a 500-drawing wall stays cheap
(bench/class_wall_bench.py).
"""

from __future__ import annotations

import threading
import time

import numpy as np
import streamlit as st

from classroom.store import Drawing
from ui import class_results as cr, class_session as cs, class_teacher as ct, latent, state, widgets
from ui.class_figures import add_drawings_2d, add_drawings_3d, tile_png
from ui.figures import DIGIT_COLORS, latent_scatter_2d, latent_scatter_3d
from ui.images import error_heatmap
from ui.model_cache import class_names, get_model, title_of

VIEWS = ("Drawings", "2-D map", "3-D space", "Hardest to rebuild")
ORDERS = ("Newest first", "By digit")
MAP_KEY = "class_map"
GRID = {"columns": (5, 6), "rows": (4, 3), "scale": (3, 3)}  # (normal, presenter)
MAP_HEIGHT = (640, 470)
HARDEST = (12, 6)
# The wall's styles, once per page: a <style> inside each tile or count line was parsed again at
# every refresh, restyling the whole page (the teacher's browser: 0.46 of a core while 30 sends
# a second came in, measured with 20 tiles).
WALL_CSS = """<style>
.ae-summary { font-size: 1.15rem; margin: 0; } .ae-chips { margin-left: 1rem; }
.ae-chip { display: inline-block; min-width: 1.5em; text-align: center; border-radius: .3em;
  margin: 0 .15em 0 .45em; color: #000; font-weight: 700; }
.ae-group { margin: 0; font-size: 1.1rem; }
.ae-tile { margin: 0; font-size: .85rem; line-height: 1.2; }
[class*='st-key-class_tile_'] button { min-height: 0; padding: 0; }
</style>"""
TILES_KEPT = 2048  # tile PNGs (about 1 kB each) shared by every wall of this process
_TILES: dict[tuple, bytes] = {}
_TILES_LOCK = threading.Lock()
CLOUD_POINTS = 2000  # test digits under the class's drawings (the latent pages show 4,000):
# the figure dominates a refresh of the map (500 drawings: 71 -> 62 ms, bench/class_wall_bench.py)


def wall(teaching: ct.Teaching) -> None:
    """The whole wall: the join panel and controls on the left, the class's pictures on the
    right."""
    st.html(WALL_CSS)
    code, shown_at = teaching.room.code, time.monotonic()
    version, problem = cs.call(cs.store().version, code)
    drawings, problem = (None, problem) if problem else cs.call(cs.store().drawings, code)
    pupils, _ = cs.call(cs.store().pupil_count, code)
    st.session_state[cs.SHOWN_VERSION], st.session_state[cs.SHOWN_AT] = version, shown_at
    side, main = st.columns(widgets.by_mode([1, 3], [1, 3.4]), gap="medium")
    with side:
        ct.join_panel(teaching)
    with main:
        cs.show_flash()
        if problem is not None:
            st.warning(cs.RECONNECTING if problem == cs.BUSY else cs.escape_markdown(problem),
                       icon=":material/sync_problem:")
        else:
            _summary(drawings, pupils, teaching)
            _views(teaching, drawings)
    with side:
        _controls(teaching, drawings or [])
    watch(code)


@st.fragment(run_every=cs.POLL_S)
def watch(code: str) -> None:
    """Rerun the page when the room changed (a send, a withdrawal, a join, a pause...).

    Not in the run that drew the wall (its first call): a failing store cannot make it loop.
    """
    if time.monotonic() - st.session_state.get(cs.SHOWN_AT, 0.0) < cs.POLL_S / 2:
        return
    version, problem = cs.call(cs.store().version, code)
    if problem == cs.BUSY:
        st.caption(cs.RECONNECTING)
        return
    if version != st.session_state.get(cs.SHOWN_VERSION):
        st.rerun()


def _summary(drawings: list[Drawing], pupils: int | None, teaching: ct.Teaching) -> None:
    """Pupils, drawings, and how many of each digit: one line the back row can read."""
    counts = cr.digit_counts(drawings)
    chips = "".join(
        f'<span class="ae-chip" style="background:{DIGIT_COLORS[d] if d is not None else "#ddd"}">'
        f'{"?" if d is None else d}</span><b>{n}</b>' for d, n in counts.items())
    paused = ' · <b style="color:#b00">sending paused</b>' if teaching.room.paused else ""
    st.html(f'<div class="ae-summary">{pupils or 0} pupils · {len(drawings)} drawings{paused}'
            f'<span class="ae-chips">{chips}</span></div>')


def _controls(teaching: ct.Teaching, drawings: list[Drawing]) -> None:
    ct.pause_button(teaching)
    widgets.download("Export: PNGs and CSV (ZIP)", lambda: _export(teaching, drawings),
                     f"class-{teaching.room.code}.zip", "application/zip", key="class_export")
    ct.danger_zone(teaching)


def _export(teaching: ct.Teaching, drawings: list[Drawing]) -> bytes:
    key = teaching.room.settings.model_key
    status = get_model(key)
    if status.model is None:
        empty = [cr.Result(np.zeros(0, np.float32), d.image, float("nan")) for d in drawings]
        return cr.export_zip(drawings, empty, key, teaching.room.code)
    return cr.export_zip(drawings, _results(status.model, drawings), key, teaching.room.code)


def _cache() -> dict:
    return st.session_state.setdefault(cs.WALL_CACHE, {})


def _results(model, drawings: list[Drawing]) -> list[cr.Result]:
    return cr.per_drawing(_cache(), f"rebuilt:{model.key}", drawings, cr.reconstructions(model))


def _views(teaching: ct.Teaching, drawings: list[Drawing]) -> None:
    pick, order_col = st.columns([3, 1.3], vertical_alignment="center")
    with pick:
        choice = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="class_view",
                                      label_visibility="collapsed") or VIEWS[0]
    if choice == "Drawings":
        with order_col:
            order = st.segmented_control("Order", ORDERS, default=ORDERS[0], key="class_order",
                                         label_visibility="collapsed") or ORDERS[0]
    if not drawings:
        st.info("No drawings yet. Pupils scan the code, draw a digit on the Draw page and press "
                "**Send to the class**: their drawings appear here by themselves.",
                icon=":material/hourglass_empty:")
        return
    key = teaching.room.settings.model_key
    status = get_model(key)
    if status.model is None:
        st.error(f"The wall's model ({key}) is unavailable. {status.error}",
                 icon=":material/error:")
        return
    if choice == "3-D space":
        _space_3d(drawings)
        return
    results = _results(status.model, drawings)
    if choice == "2-D map":
        _map_2d(key, drawings, results)
    elif choice == "Hardest to rebuild":
        _hardest(teaching, drawings, results)
    else:
        _grid(teaching, drawings, results, order)


# --- the drawings, each beside its reconstruction ---------------------------------------------

def _grid(teaching: ct.Teaching, drawings: list[Drawing], results: list[cr.Result],
          order: str) -> None:
    columns, rows = widgets.by_mode(*GRID["columns"]), widgets.by_mode(*GRID["rows"])
    result_of = {d.id: r for d, r in zip(drawings, results)}
    if order == "By digit":
        groups = cr.by_digit(drawings)
        per_group = max(columns, columns * rows // max(len(groups), 1))
        for digit, group in groups.items():
            st.html(f'<p class="ae-group"><b>{"digit not said" if digit is None else digit}</b>'
                    f" · {len(group)}</p>")
            _tiles(teaching, group[:per_group], result_of, columns)
        return
    shown = drawings[:columns * rows]
    _tiles(teaching, shown, result_of, columns)
    if len(drawings) > len(shown):
        st.caption(f"The newest {len(shown)} of {len(drawings)}: every drawing is on the map, "
                   "in the ranking and in the export.")


def _tiles(teaching: ct.Teaching, drawings: list[Drawing], result_of: dict, columns: int,
           with_error: bool = False) -> None:
    scale = widgets.by_mode(*GRID["scale"])
    for drawing, cell in zip(drawings, widgets.grid_cells(columns)):
        result = result_of[drawing.id]
        with cell, st.container(gap=None, key=f"class_tile_{drawing.id}"):
            st.image(_tile(drawing, result, teaching.room.settings.model_key, scale, with_error),
                     output_format="PNG")
            label = cr.drawing_label(drawing) + (f" · error {result.error:.3f}" if with_error
                                                 else "")
            st.html(cs.plain_html(label, "ae-tile", "p"))
            use, remove = st.columns(2, gap=None)
            with use:
                st.button("Use", key=f"class_use_{drawing.id}",
                          type="tertiary", on_click=ct.use_drawing, args=(drawing,),
                          help="Make this drawing the input of the Draw, Denoising and "
                               "latent pages.")
            with remove:
                ct.remove_button(teaching, drawing.id)


def _tile(drawing: Drawing, result: cr.Result, model_key: str, scale: int,
          with_error: bool) -> bytes:
    """The drawing beside its reconstruction (and error map) as a PNG, made once per drawing:
    a busy wall redraws its 20 tiles every second (about 1 ms of PNG encoding each)."""
    key = (drawing.id, model_key, scale, with_error)
    with _TILES_LOCK:
        png = _TILES.get(key)
    if png is None:
        pictures = [drawing.image, result.rebuilt]
        if with_error:
            pictures.append(error_heatmap(drawing.image, result.rebuilt, scale=1))
        png = tile_png(pictures, scale)
        with _TILES_LOCK:
            _TILES[key] = png
            while len(_TILES) > TILES_KEPT:
                del _TILES[next(iter(_TILES))]  # the oldest
    return png


def _hardest(teaching: ct.Teaching, drawings: list[Drawing], results: list[cr.Result]) -> None:
    widgets.note("The drawings the model rebuilds worst (drawing, reconstruction, error map): "
                 "the ones that fool the autoencoder. Is the digit unusual, or is the model?")
    ranked = cr.hardest(drawings, results, widgets.by_mode(*HARDEST))
    result_of = {d.id: r for d, r in ranked}
    _tiles(teaching, [d for d, _ in ranked], result_of, widgets.by_mode(4, 3), with_error=True)


# --- where the class's digits land --------------------------------------------------------------

def _map_2d(key: str, drawings: list[Drawing], results: list[cr.Result]) -> None:
    view = latent.latent_view(key, dims=2, max_points=CLOUD_POINTS)
    if view is None:
        return
    points = view.scale.to_display(view.to_plot(np.stack([r.code for r in results])))
    fig = latent_scatter_2d(view.points, view.labels, class_names(key),
                            title=f"{title_of(key)}: the class's {len(drawings)} drawings",
                            axis_titles=view.axis_names, scale=view.scale)
    trace = add_drawings_2d(fig, points, [d.digit for d in drawings],
                            [cr.drawing_label(d) for d in drawings])
    fig.update_layout(height=widgets.by_mode(*MAP_HEIGHT),
                      legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0})
    _use_clicked(drawings, trace)
    st.plotly_chart(fig, key=MAP_KEY, on_select="rerun", selection_mode="points", theme=None,
                    config={"displayModeBar": False, "scrollZoom": True})
    widgets.note("Diamonds: the class's drawings, in the colour of the digit the pupil named, "
                 "over the test digits' codes. Click one to make it your input.")


def _use_clicked(drawings: list[Drawing], trace: int) -> None:
    """A click on a class marker makes that drawing the input (each click once)."""
    event = st.session_state.get(MAP_KEY)
    try:
        point = event["selection"]["points"][0]
        clicked = (int(point["curve_number"]), int(point["point_index"]))
    except (KeyError, IndexError, TypeError, ValueError):
        clicked = None
    if clicked == st.session_state.get("class_map_last"):
        return
    st.session_state["class_map_last"] = clicked
    if clicked is not None and clicked[0] == trace and 0 <= clicked[1] < len(drawings):
        ct.use_drawing(drawings[clicked[1]])
        cs.show_flash()


def _space_3d(drawings: list[Drawing]) -> None:
    key = state.model_for("ae_3d") or "ae_3d"
    status = get_model(key)
    view = latent.latent_view(key, dims=3, max_points=CLOUD_POINTS) if status.model else None
    if view is None:
        st.warning(f"The 3-D model is unavailable. {status.error or ''}", icon=":material/error:")
        return
    codes = cr.per_drawing(_cache(), f"code:{key}", drawings, cr.codes_of(status.model))
    fig = latent_scatter_3d(view.points, view.labels, class_names(key),
                            title=f"{title_of(key)}: the class's {len(drawings)} drawings")
    add_drawings_3d(fig, view.to_plot(np.stack(codes)), [d.digit for d in drawings],
                    [cr.drawing_label(d) for d in drawings])
    fig.update_layout(height=widgets.by_mode(*MAP_HEIGHT))
    st.plotly_chart(fig, key="class_space", theme=None, config={"displayModeBar": False})
    widgets.note("Drag to rotate. Diamonds: the class's drawings, coded by the 3-D model.")
