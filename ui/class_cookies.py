"""What this browser remembers of a class, so that a reload, or a reconnection to another app
process after one stopped, finds the class again: the teacher's key, a pupil's seat.

Streamlit keeps a session in the memory of one process; when that process goes, the browser
reconnects (through nginx, to another process) with a new, empty session. A cookie, set by a
line of script in the page and sent back with the new connection (`st.context.cookies`), is what
survives. Values are dot-separated URL-safe tokens, checked before they are written or read.
"""

from __future__ import annotations

import base64
import re

import streamlit as st

TEACHER, PUPIL = "aelab_teacher", "aelab_pupil"
KEEP_S = 12 * 3600  # a class's default lifetime; a cookie naming a closed class is ignored
_PENDING = "class_cookie_writes"
_WRITTEN = "class_cookie_written"  # what this session wrote (st.context.cookies is from its start)
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]*$")


def read(name: str) -> list[str] | None:
    """The cookie's parts, or None when it is absent or not made of tokens."""
    value = st.context.cookies.get(name)
    if not isinstance(value, str) or len(value) > 200:
        return None
    parts = value.split(".")
    return parts if all(_TOKEN.match(part) for part in parts) else None


def write(name: str, parts: list[str], seconds: float) -> None:
    """Set the cookie with the page's next `flush` (for a class: its lifetime), unless the
    browser holds it already."""
    if not all(_TOKEN.match(part) for part in parts):
        raise ValueError("cookie parts must be URL-safe tokens")
    written = st.session_state.setdefault(_WRITTEN, {})
    if written.get(name, read(name)) == parts:
        return
    written[name] = parts
    st.session_state.setdefault(_PENDING, {})[name] = (".".join(parts), int(seconds))


def forget(name: str) -> None:
    st.session_state.setdefault(_WRITTEN, {})[name] = None
    st.session_state.setdefault(_PENDING, {})[name] = ("", 0)


def flush(reload_with: str | None = None) -> bool:
    """Hand the pending cookies to the browser (a script of a few bytes, once per change).

    With `reload_with`, a cookie this flush sets: the page then reloads, if the browser kept the
    cookie, so that its new connection carries it (nginx routes by it). True when it will.
    """
    pending = st.session_state.pop(_PENDING, None)
    if not pending:
        return False
    lines = "".join(f"document.cookie = '{name}={value}; path=/; max-age={seconds}; "
                    "SameSite=Lax';" for name, (value, seconds) in pending.items())
    reloads = reload_with is not None and pending.get(reload_with, ("", 0))[1] > 0
    if reloads:  # a browser that refuses cookies stays (no loop of reloads)
        lines += (f"if (document.cookie.split('; ').some((c) => c.startsWith('{reload_with}=')))"
                  " { location.reload(); }")
    st.html(f"<script>{lines}</script>", unsafe_allow_javascript=True)
    return reloads


def encode_text(text: str | None) -> str:
    """A nickname as a token (base64url of its UTF-8)."""
    return base64.urlsafe_b64encode((text or "").encode()).decode().rstrip("=")


def decode_text(token: str) -> str | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return text[:24] or None
