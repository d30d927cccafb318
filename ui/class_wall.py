"""The teacher's wall: the class's drawings, where they land in the latent space, which ones fool
the autoencoder. It refreshes by itself, without anyone touching it.

Every `POLL_S` seconds a fragment asks the store for the room's version (one indexed query).
The tiles (drawings and their reconstructions, the hardest ones) are a fragment of their own,
drawn by the teacher's browser (`ui.class_tiles`): when the room changed, only that fragment
runs, and the browser adds the new tiles. The maps are Plotly figures, redrawn whole by a page
rerun when the room changed. The model runs in one batch on new drawings only
(`ui.class_results`), so a refresh of a 500-drawing wall stays cheap
(bench/class_wall_bench.py).
"""

from __future__ import annotations

import time

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from classroom.store import Drawing
from ui import (class_results as cr, class_session as cs, class_teacher as ct, class_tiles,
                latent, state, widgets)
from ui.class_figures import add_drawings_2d, add_drawings_3d
from ui.figures import DIGIT_COLORS, latent_scatter_3d
from ui.model_cache import class_names, get_model, title_of, weights_id

VIEWS = ("Drawings", "2-D map", "3-D space", "Hardest to rebuild")
TILE_VIEWS = ("Drawings", "Hardest to rebuild")  # drawn by the browser (ui.class_tiles)
ORDERS = ("Newest first", "By digit")
MAP_KEY = "class_map"
GRID = {"columns": (5, 6), "rows": (4, 3), "scale": (3, 3)}  # (normal, presenter)
MAP_HEIGHT = (640, 470)
HARDEST = (12, 6)
# The wall's styles, once per page: a <style> inside each count line was parsed again at every
# refresh, restyling the whole page.
WALL_CSS = """<style>
.ae-summary { font-size: 1.15rem; margin: 0; } .ae-chips { margin-left: 1rem; }
.ae-chip { display: inline-block; min-width: 1.5em; text-align: center; border-radius: .3em;
  margin: 0 .15em 0 .45em; color: #000; font-weight: 700; }
</style>"""
CLOUD_POINTS = 2000  # test digits under the class's drawings (the latent pages show 4,000):
# the figure dominates a refresh of the map (500 drawings: 71 -> 62 ms, bench/class_wall_bench.py)
EMPTY = ("No drawings yet. Pupils scan the code, draw a digit on the Draw page and press "
         "Send to the class: their drawings appear here by themselves.")


def wall(teaching: ct.Teaching) -> None:
    """The whole wall: the join panel and controls on the left, the class's pictures on the
    right. The tiles refresh themselves (a fragment); the maps rerun the page when the room
    changed (Plotly draws a new figure either way)."""
    st.html(WALL_CSS)
    side, main = st.columns(widgets.by_mode([1, 3], [1, 3.4]), gap="medium")
    with side:
        ct.join_panel(teaching)
        _controls(teaching)
    with main:
        cs.show_flash()
        choice, order = _pickers()
        if choice == "Hardest to rebuild":
            widgets.note("The drawings the model rebuilds worst (drawing, reconstruction, error "
                         "map): the ones that fool the autoencoder. Is the digit unusual, or is "
                         "the model?")
        if choice in TILE_VIEWS:
            live_tiles(teaching, choice, order)
        else:
            _figure_view(teaching, choice)


def _pickers() -> tuple[str, str]:
    pick, order_col = st.columns([3, 1.3], vertical_alignment="center")
    with pick:
        choice = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="class_view",
                                      label_visibility="collapsed") or VIEWS[0]
    order = ORDERS[0]
    if choice == "Drawings":
        with order_col:
            order = st.segmented_control("Order", ORDERS, default=ORDERS[0], key="class_order",
                                         label_visibility="collapsed") or ORDERS[0]
    return choice, order


def _room_now(code: str) -> tuple[list[Drawing] | None, int | None, str | None]:
    """The room's drawings and pupil count, or the problem that stopped the store. Drawings
    this session has already read are not read again (ClassStore.drawings' `known`)."""
    known = st.session_state.get(cs.WALL_DRAWINGS) or {}
    drawings, problem = cs.call(cs.store().drawings, code, known)
    pupils, _ = cs.call(cs.store().pupil_count, code) if problem is None else (None, None)
    if drawings is not None:
        st.session_state[cs.WALL_DRAWINGS] = {d.id: d for d in drawings}
    return drawings, pupils, problem


def _show_problem(problem: str) -> None:
    st.warning(cs.RECONNECTING if problem == cs.BUSY else cs.escape_markdown(problem),
               icon=":material/sync_problem:")


@st.fragment(run_every=cs.POLL_S)
def live_tiles(teaching: ct.Teaching, choice: str, order: str) -> None:
    """The drawings as tiles, refreshed every POLL_S seconds without rerunning the page: one
    indexed query when nothing changed, the room read and new tiles made when it did."""
    code = teaching.room.code
    _take_action(teaching)
    version, problem = cs.call(cs.store().version, code)
    if problem is not None:
        _show_problem(problem)
        return
    made_from = (code, version, choice, order, teaching.room.paused, state.presenter_mode())
    shown = st.session_state.get(cs.SHOWN_TILES)
    if shown is None or shown[0] != made_from:
        drawings, pupils, problem = _room_now(code)
        if problem is not None:
            _show_problem(problem)
            return
        shown = (made_from, _tiles(teaching, drawings, pupils, choice, order))
        st.session_state[cs.SHOWN_TILES] = shown
    class_tiles.show(**shown[1])


def _take_action(teaching: ct.Teaching) -> None:
    """A *Use* or *Remove* clicked on a tile (each click once)."""
    action = class_tiles.action()
    if action is None or action.get("n") == st.session_state.get(cs.DONE_ACTION):
        return
    st.session_state[cs.DONE_ACTION] = action.get("n")
    drawing_id = action.get("id")
    if action.get("do") == "remove":
        ct.remove_drawing(teaching, drawing_id)  # the store checks the id and the key
    elif action.get("do") == "use":
        known = st.session_state.get(cs.WALL_DRAWINGS) or {}
        drawing = known.get(drawing_id) if isinstance(drawing_id, int) else None
        if drawing is not None:
            ct.use_drawing(drawing)
        else:
            cs.flash("That drawing is no longer on the wall.", "error")
    cs.show_flash()


def _figure_view(teaching: ct.Teaching, choice: str) -> None:
    """The 2-D map or the 3-D space: redrawn by a page rerun whenever the room changed."""
    code, shown_at = teaching.room.code, time.monotonic()
    version, problem = cs.call(cs.store().version, code)
    drawings, pupils, problem = (None, None, problem) if problem else _room_now(code)
    st.session_state[cs.SHOWN_VERSION], st.session_state[cs.SHOWN_AT] = version, shown_at
    if problem is not None:
        _show_problem(problem)
    else:
        st.html(_summary(drawings, pupils, teaching))
        _figure(teaching, choice, drawings)
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


def counted(n: int, noun: str) -> str:
    """'1 pupil', '3 pupils': the wall is read aloud from the front of the room."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _summary(drawings: list[Drawing], pupils: int | None, teaching: ct.Teaching) -> str:
    """Pupils, drawings, and how many of each digit: one line the back row can read."""
    counts = cr.digit_counts(drawings)
    chips = "".join(
        f'<span class="ae-chip" style="background:{DIGIT_COLORS[d] if d is not None else "#ddd"}">'
        f'{"?" if d is None else d}</span><b>{n}</b>' for d, n in counts.items())
    paused = ' · <b style="color:#b00">sending paused</b>' if teaching.room.paused else ""
    return (f'<div class="ae-summary">{counted(pupils or 0, "pupil")} · '
            f'{counted(len(drawings), "drawing")}{paused}'
            f'<span class="ae-chips">{chips}</span></div>')


def _controls(teaching: ct.Teaching) -> None:
    ct.pause_button(teaching)
    widgets.download("Export: PNGs and CSV (ZIP)", lambda: _export(teaching),
                     f"class-{teaching.room.code}.zip", "application/zip", key="class_export")
    ct.danger_zone(teaching)


def _export(teaching: ct.Teaching) -> bytes:
    key, code = teaching.room.settings.model_key, teaching.room.code
    drawings, _ = cs.call(cs.store().drawings, code)
    drawings = drawings or []
    status = get_model(key)
    if status.model is None:
        empty = [cr.Result(np.zeros(0, np.float32), d.image, float("nan")) for d in drawings]
        return cr.export_zip(drawings, empty, key, code)
    return cr.export_zip(drawings, _results(status.model, drawings), key, code)


def _cache() -> dict:
    return st.session_state.setdefault(cs.WALL_CACHE, {})


def _results(model, drawings: list[Drawing]) -> list[cr.Result]:
    return cr.per_drawing(_cache(), f"rebuilt:{model.key}", drawings, cr.reconstructions(model))


def _wall_model(teaching: ct.Teaching):
    """The wall's model, or None after saying it is unavailable."""
    key = teaching.room.settings.model_key
    status = get_model(key)
    if status.model is None:
        st.error(f"The wall's model ({key}) is unavailable. {status.error}",
                 icon=":material/error:")
    return status.model


def _figure(teaching: ct.Teaching, choice: str, drawings: list[Drawing]) -> None:
    if not drawings:
        st.info(EMPTY, icon=":material/hourglass_empty:")
    elif choice == "3-D space":
        _space_3d(drawings)
    elif (model := _wall_model(teaching)) is not None:
        _map_2d(teaching.room.settings.model_key, drawings, _results(model, drawings))


# --- the drawings, each beside its reconstruction ---------------------------------------------

def _tiles(teaching: ct.Teaching, drawings: list[Drawing], pupils: int | None, choice: str,
           order: str) -> dict:
    """The arguments of `class_tiles.show` for this view of the room."""
    summary = _summary(drawings, pupils, teaching)
    common = {"model_key": teaching.room.settings.model_key,
              "scale": widgets.by_mode(*GRID["scale"])}
    if not drawings:
        return {"summary_html": summary, "sections": [], "columns": 1, "empty": EMPTY, **common}
    model = _wall_model(teaching)
    if model is None:
        return {"summary_html": summary, "sections": [], "columns": 1, **common}
    results = _results(model, drawings)
    if choice == "Hardest to rebuild":
        ranked = cr.hardest(drawings, results, widgets.by_mode(*HARDEST))
        tiles = [class_tiles.Tile(d, r, f"{cr.drawing_label(d)} · error {r.error:.3f}")
                 for d, r in ranked]
        return {"summary_html": summary, "sections": [class_tiles.Section(None, tiles)],
                "columns": widgets.by_mode(4, 3), "with_error": True, **common}
    columns, rows = widgets.by_mode(*GRID["columns"]), widgets.by_mode(*GRID["rows"])
    result_of = {d.id: r for d, r in zip(drawings, results)}

    def tiles(group: list[Drawing]) -> list[class_tiles.Tile]:
        return [class_tiles.Tile(d, result_of[d.id], cr.drawing_label(d)) for d in group]

    if order == "By digit":
        groups = cr.by_digit(drawings)
        per_group = max(columns, columns * rows // max(len(groups), 1))
        sections = [class_tiles.Section(
            f"{'digit not said' if digit is None else digit} · {len(group)}",
            tiles(group[:per_group])) for digit, group in groups.items()]
        return {"summary_html": summary, "sections": sections, "columns": columns, **common}
    shown = drawings[:columns * rows]
    more = None
    if len(drawings) > len(shown):
        more = (f"The newest {len(shown)} of {len(drawings)}: every drawing is on the map, in "
                "the ranking and in the export.")
    return {"summary_html": summary, "sections": [class_tiles.Section(None, tiles(shown))],
            "columns": columns, "more": more, **common}


# --- where the class's digits land --------------------------------------------------------------

def _map_2d(key: str, drawings: list[Drawing], results: list[cr.Result]) -> None:
    view = latent.latent_view(key, dims=2, max_points=CLOUD_POINTS)
    if view is None:
        return
    points = view.scale.to_display(view.to_plot(np.stack([r.code for r in results])))
    st.markdown(f"**{title_of(key)}: the class's {counted(len(drawings), 'drawing')}**")
    fig = latent.map_2d(view, class_names(key), None, None)  # the clouds built once per model
    trace = add_drawings_2d(fig, points, [d.digit for d in drawings],
                            [cr.drawing_label(d) for d in drawings])
    fig.update_layout(height=widgets.by_mode(*MAP_HEIGHT), datarevision=_revision(drawings),
                      legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0})
    _use_clicked(drawings, trace)
    st.plotly_chart(fig, key=MAP_KEY, on_select="rerun", selection_mode="points", theme=None,
                    config={"displayModeBar": False, "scrollZoom": True})
    widgets.note("Diamonds: the class's drawings, in the colour of the digit the pupil named, "
                 "over the test digits' codes. Click one to make it your input.")


def _revision(drawings: list[Drawing]) -> str:
    """Plotly redraws the data when this changes: when the class's drawings did."""
    return f"class:{hash(tuple(d.id for d in drawings))}"


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
    st.markdown(f"**{title_of(key)}: the class's {counted(len(drawings), 'drawing')}**")
    base = _space_3d_clouds(weights_id(key), view.shown, tuple(class_names(key)), view)
    fig = go.Figure(base, _validate=False)  # validated once, when it was built
    add_drawings_3d(fig, view.to_plot(np.stack(codes)), [d.digit for d in drawings],
                    [cr.drawing_label(d) for d in drawings])
    fig.update_layout(height=widgets.by_mode(*MAP_HEIGHT), datarevision=_revision(drawings))
    widgets.scene_chart(fig, key="class_space")
    widgets.note("Drag to rotate. Diamonds: the class's drawings, coded by the 3-D model.")


@st.cache_resource(show_spinner=False, max_entries=8)
def _space_3d_clouds(weights: str, shown: str, names: tuple[str, ...], _view) -> dict:
    """The 3-D model's test-digit clouds, built once per model (most of a refresh of this view)
    and shared by every wall: each refresh adds the class's diamonds to a copy. The teacher's
    rotation survives the refreshes (the revision is the model, not the count)."""
    return latent_scatter_3d(_view.points, _view.labels, names, revision=_view.key).to_dict()
