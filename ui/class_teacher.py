"""The teacher's side of a class: the key, the room code pupils read, the QR code, the controls.

The teacher key comes from starting a class, from a teacher link (`/class?class=K7QX&teacher=...`,
taken out of the address bar at once: the projector shows it), or from a cookie this browser got
when the class started, so a reload or a reconnection to another app process finds the wall
again. Every control sends the key to the store, which checks it: a forged key gets the store's
refusal, nothing else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from classroom.store import Room, RoomSettings, normalise_code
from ui import class_cookies, class_links, class_session as cs, state, widgets

# Set by deploy/serve.py in its app processes: there the teacher's wall runs in a process of its
# own, at a lower CPU priority, and nginx sends it the browsers that hold the teacher cookie.
WALL_ELSEWHERE_ENV = "AE_WALL_ELSEWHERE"
WALL_ELSEWHERE = os.environ.get(WALL_ELSEWHERE_ENV) == "1"
QR_SCALE = (7, 8)  # pixels per module (normal, presenter): 231 / 264 px for a 33-module code


@dataclass(frozen=True)
class Teaching:
    room: Room
    key: str


def teacher_room() -> Teaching | None:
    """The room this session teaches, or None (after saying why when a link or key failed)."""
    from_cookie = _take_key()
    code, key = st.session_state.get(cs.TEACHING_KEY), st.session_state.get(cs.TEACHER_KEY)
    if not key:
        return None
    if code is None:
        st.error("This teacher link names no class: the code in it is not a class code.",
                 icon=":material/key_off:")
        return None
    # The room first, through the limit on wrong codes: a link with any key tells whether a
    # code is open ("no such class" or "wrong key"), so it must not try codes faster than pupils.
    room, problem = cs.find_room(code)
    if problem is None and room is None:
        problem = f"There is no open class with the code {code}: it may have been closed."
    if problem is None:
        _, problem = cs.call(cs.store().check_teacher, code, key)
    if problem == cs.BUSY:
        st.warning(cs.RECONNECTING, icon=":material/sync_problem:")
        cs.retry_soon()
        st.stop()
    if problem is not None and from_cookie:  # this browser's earlier class, closed since
        forget_teacher()
        return None
    if problem is not None:
        st.error(cs.escape_markdown(problem), icon=":material/key_off:")
        return None
    class_cookies.write(class_cookies.TEACHER, [code, key], room.settings.ttl_hours * 3600)
    return Teaching(room, key)


def hand_over_cookies(teaching: Teaching | None) -> bool:
    """Give the browser this page's cookies. Where the wall has a process of its own, a teacher's
    browser that has just got the teacher cookie reloads to get there (True). The page is drawn
    here meanwhile: a browser that refuses cookies stays, and its wall works."""
    return class_cookies.flush(class_cookies.TEACHER if teaching and WALL_ELSEWHERE else None)


def _take_key() -> bool:
    """Adopt a teacher link's key, or this browser's cookie (True), and keep the key off the
    screen."""
    from_cookie = False
    linked = st.query_params.get(class_links.TEACHER_PARAM)
    if linked is not None:
        st.session_state[cs.TEACHER_KEY] = linked[:64]
        st.session_state[cs.TEACHING_KEY] = normalise_code(
            st.query_params.get(class_links.CLASS_PARAM, ""))
        del st.query_params[class_links.TEACHER_PARAM]
    elif not st.session_state.get(cs.TEACHER_KEY):
        parts = class_cookies.read(class_cookies.TEACHER) or []
        code, key = (parts + ["", ""])[:2]
        if key and normalise_code(code):
            st.session_state[cs.TEACHER_KEY] = key[:64]
            st.session_state[cs.TEACHING_KEY] = normalise_code(code)
            from_cookie = True
    if code := st.session_state.get(cs.TEACHING_KEY):
        st.query_params[class_links.CLASS_PARAM] = code
    return from_cookie


def start_class(settings: RoomSettings) -> str | None:
    """Make a room and take its key; the refusal or the busy sentence when that failed."""
    made, problem = cs.call(cs.store().create_room, settings)
    if problem is None:
        room, key = made
        st.session_state[cs.TEACHER_KEY] = key
        st.session_state[cs.TEACHING_KEY] = room.code
    return problem


def forget_teacher() -> None:
    """After closing the class: no key in this session, nor in this browser's cookie."""
    for name in (cs.TEACHER_KEY, cs.TEACHING_KEY, cs.WALL_CACHE, cs.SHOWN_VERSION,
                 cs.SHOWN_TILES, cs.WALL_DRAWINGS):
        st.session_state.pop(name, None)
    st.query_params.pop(class_links.CLASS_PARAM, None)
    class_cookies.forget(class_cookies.TEACHER)


# --- what the class reads off the screen ----------------------------------------------------

def join_panel(teaching: Teaching) -> None:
    """The room code (big, to read aloud), the QR code of the join link, and the link itself."""
    code = teaching.room.code
    page_base = class_links.page_base()
    base = class_links.reachable_base(page_base, class_links.lan_address())
    link = class_links.join_url(base, code)
    st.html(f'<div class="ae-room-label">Class code</div><div class="ae-room-code">{code}</div>'
            "<style>.ae-room-label{font-size:1rem;color:#555;margin:0}"
            ".ae-room-code{font-family:'Source Code Pro',monospace;font-weight:700;"
            "font-size:3.6rem;letter-spacing:.25em;line-height:1.05;margin:0}</style>")
    st.image(class_links.qr_png(link, widgets.by_mode(*QR_SCALE)),
             caption="Scan to join (the corner button enlarges it)", output_format="PNG",
             alt=f"QR code of the link that joins class {code}")
    st.code(link, language=None, wrap_lines=True)
    if class_links.is_loopback(base):
        st.warning("This app is open as localhost, which pupils' phones cannot reach: serve it "
                   "on the network (README, *Running a class*).", icon=":material/wifi_off:")
    elif base != page_base:
        widgets.note("You opened the app as localhost: the link uses this computer's network "
                     "address instead.")
    with st.expander("Teacher link (keep it private)", icon=":material/key:"):
        st.caption("Reopens this wall after a reload or on another computer. Anyone with it "
                   "controls the class: do not show it on the projector.")
        st.code(class_links.teacher_url(base, code, teaching.key), language=None,
                wrap_lines=True)


# --- the teacher's controls -------------------------------------------------------------------

def _act(action, *args, done: str) -> None:
    """A teacher control (a button's callback): the store checks the key; say what happened."""
    _, problem = cs.call(action, *args)
    if problem is None:
        cs.flash(done)
    else:
        cs.flash(problem, "error")


def pause_button(teaching: Teaching) -> None:
    room, store = teaching.room, cs.store()
    if room.paused:
        st.button("Resume sending", icon=":material/play_arrow:", key="class_resume",
                  type="primary", width="stretch", on_click=_act,
                  args=(store.set_paused, room.code, teaching.key, False),
                  kwargs={"done": "Pupils can send again."})
    else:
        st.button("Pause sending", icon=":material/pause:", key="class_pause", width="stretch",
                  on_click=_act, args=(store.set_paused, room.code, teaching.key, True),
                  kwargs={"done": "Sending is paused: the wall stays as it is."})


def remove_drawing(teaching: Teaching, drawing_id: object) -> None:
    """A tile's *Remove* (`ui.class_wall`): the store checks the key and the drawing's room."""
    _act(cs.store().remove, teaching.room.code, teaching.key, drawing_id,
         done=f"Drawing #{drawing_id} is off the wall.")


def _close(teaching: Teaching) -> None:
    _, problem = cs.call(cs.store().close, teaching.room.code, teaching.key)
    if problem is not None:
        cs.flash(problem, "error")
        return
    forget_teacher()
    cs.flash(f"Class {teaching.room.code} is closed: its drawings are deleted.")


def danger_zone(teaching: Teaching) -> None:
    """Clear and close, each behind a second click."""
    code, key = teaching.room.code, teaching.key
    with st.popover("Clear or close", icon=":material/warning:", width="stretch"):
        st.button("Clear the wall: delete every drawing", key="class_clear",
                  icon=":material/delete_sweep:", on_click=_act,
                  args=(cs.store().clear, code, key), kwargs={"done": "The wall is empty."})
        st.caption("Pupils stay in the class and can send again.")
        st.button(f"Close class {code}: delete it and its drawings", key="class_close",
                  icon=":material/door_front:", type="primary", on_click=_close,
                  args=(teaching,))
        st.caption("Pupils' links stop working. Nothing of the class is kept.")


def state_source(drawing) -> str:
    """The current input's source for a wall drawing, e.g. "class drawing #12 by Ana"."""
    who = cs.safe_label(drawing.nickname)
    return f"class drawing #{drawing.id}" + (f" by {who}" if who else "")


def use_drawing(drawing) -> None:
    """Make a wall drawing the teacher's input on Draw, Denoising and the latent pages."""
    state.set_input(drawing.image, state_source(drawing))
    cs.flash(f"Drawing #{drawing.id} is now the input of the Draw, Denoising and latent pages.")
