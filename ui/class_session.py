"""What a session keeps of class mode, and the one way the pages reach the class store.

A pupil's seat (room code, pupil id, nickname) and a teacher's key live in this session's state;
the rooms and drawings live only in the store (`classroom.store`), which every app process
shares. Pupils' nicknames are shown as plain text only: `plain_html` escapes them for `st.html`,
`safe_label` keeps the letters and digits of one for captions that Streamlit reads as Markdown.
"""

from __future__ import annotations

import html
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from classroom.errors import BUSY
from classroom.guesses import GuessLimiter
from classroom.store import ClassStore, Refused, Room, StoreUnavailable, default_store

RECONNECTING = "Reconnecting to the class server..."
TOO_MANY_CODES = ("Too many wrong class codes from here: wait a minute, then check the code with "
                  "your teacher.")

# Session keys. "class" and "teacher" are also URL keys (ui.url_keys): a join link sets the first
# on the Draw page, a teacher link both on the Class page.
CLASS_KEY = "class"  # the code this session was asked to join as a pupil (as the link wrote it)
TEACHER_KEY = "teacher"  # the teacher key this session holds
TEACHING_KEY = "class_teaching"  # the code of the room that key opens
SEAT_KEY = "class_seat"
SENT_KEY = "class_sent"
FLASH_KEY = "class_flash"  # a message for the next run (set by a button's callback)
WALL_CACHE = "class_wall_cache"  # per-drawing model results (ui.class_results.per_drawing)
WALL_DRAWINGS = "class_wall_drawings"  # the room's drawings the wall has read, by id
SHOWN_VERSION = "class_shown_version"  # the room's version the wall shows
SHOWN_AT = "class_shown_at"  # when the wall was drawn (time.monotonic())
SHOWN_TILES = "class_shown_tiles"  # the wall's tiles, and the room's state they were made from
DONE_ACTION = "class_done_action"  # the last *Use* or *Remove* of a tile handled (each once)
PUPIL_ROOM = "class_pupil_room"  # (code, room, when read): the room a pupil's strokes show
ROOM_FRESH_S = 10.0  # a pupil's page reads its room again after this long (a pause shows
# then; a send in between is refused by the endpoint, which says why). Pupils draw every 2 s.
POLL_S = 1.0  # how often a wall asks the store whether the room changed (0.1 ms a time)
GUESSER_KEY = "class_guesser"  # this session's name for the limit on wrong codes

# Wrong room codes a minute, per session and per network address (this process's counts). An
# address gets more: pupils behind one school router share it, and a new session is one reload.
CODE_GUESSES = GuessLimiter({"session": 10, "address": 30})


@dataclass(frozen=True)
class Seat:
    """A pupil's place in one room: the store's token for them, and the name they gave."""

    code: str
    pupil_id: str
    nickname: str | None


@dataclass(frozen=True)
class Sent:
    """One of this pupil's drawings on the wall, found again after a reload (the Send component
    lists it with the ones sent from the page since)."""

    id: int
    image: np.ndarray
    digit: int | None


def store() -> ClassStore:
    """This process's store (a connection pool), one per database the environment names; the
    same one the HTTP endpoints use (`classroom.http_api`)."""
    return default_store()


def call(action: Callable[..., Any], *args: Any) -> tuple[Any, str | None]:
    """(result, None), or (None, the sentence to show) when the store refuses or is unreachable."""
    try:
        return action(*args), None
    except Refused as exc:
        return None, str(exc)
    except StoreUnavailable:
        return None, BUSY


def find_room(code: str) -> tuple[Room | None, str | None]:
    """`call(store().room, code)` for a code someone gave (typed, or in a link they opened),
    refused with TOO_MANY_CODES once this client has tried too many unknown codes a minute."""
    client = {"session": st.session_state.setdefault(GUESSER_KEY, secrets.token_hex(8))}
    if (address := st.context.ip_address) is not None:  # None on localhost
        client["address"] = address
    if not CODE_GUESSES.take(code, client):
        return None, TOO_MANY_CODES
    room, problem = call(store().room, code)
    if room is not None or problem is not None:  # only a code that names no class counts
        CODE_GUESSES.right(code, client)
    return room, problem


def pupil_room(code: str) -> tuple[Room | None, str | None]:
    """`find_room` for a pupil's Draw page, which runs with every stroke: the room as read less
    than ROOM_FRESH_S ago. Reading it each time was 2-3 ms of a stroke's 6 ms in class mode
    (60 pupils: 0.15 of a core); the endpoints check pauses and closings on every send."""
    seen, now = st.session_state.get(PUPIL_ROOM), time.monotonic()
    if seen is not None and seen[0] == code and now - seen[2] < ROOM_FRESH_S:
        return seen[1], None
    room, problem = find_room(code)
    st.session_state[PUPIL_ROOM] = (code, room, now) if room is not None else None
    return room, problem


@st.fragment(run_every=POLL_S)
def retry_soon() -> None:
    """While the store is unreachable: try again every POLL_S seconds, and rerun once it answers."""
    if call(store().room, "2222")[1] is None:
        st.rerun()


def flash(message: str, kind: str = "success") -> None:
    """Say `message` on the next run (callbacks run before the page is drawn)."""
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    if (pending := st.session_state.pop(FLASH_KEY, None)) is not None:
        kind, message = pending
        {"success": st.success, "warning": st.warning, "error": st.error}[kind](
            escape_markdown(message))


# --- text a pupil wrote -------------------------------------------------------------------------

_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: str) -> str:
    """Every ASCII punctuation mark backslash-escaped: Markdown shows the text as it is."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def plain_html(text: str, css_class: str = "", tag: str = "span") -> str:
    """`text` as inert HTML: escaped, so a nickname like "<b>x</b>" is shown as written."""
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<{tag}{attribute}>{html.escape(text)}</{tag}>"


def safe_label(text: str | None) -> str:
    """Letters, digits, spaces and .'- of a nickname: safe in any Markdown or HTML caption
    (e.g. the input's source, which the other pages show in captions)."""
    kept = "".join(ch for ch in (text or "") if ch.isalnum() or ch in " .'-")
    return " ".join(kept.split())
