"""Where pupils and the teacher find a class: the join link, the teacher link and the QR code.

The links start from the address the teacher's browser shows (`st.context.url`), so they are
right behind nginx, on another port, or under a path prefix. A teacher who opened the app as
`localhost` gets the laptop's network address instead: a pupil's phone cannot reach "localhost".
"""

from __future__ import annotations

import functools
import io
import socket
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

JOIN_PAGE = "draw"  # pupils land on the Draw page (ui.navigation.PAGES)
CLASS_PAGE = "class"
CLASS_PARAM, TEACHER_PARAM = "class", "teacher"  # ui.url_keys
LOOPBACK = {"localhost", "::1", "0.0.0.0"}
FALLBACK_BASE = "http://localhost:8501"


def app_base(page_url: str, page_path: str = CLASS_PAGE) -> str:
    """The app's root address from a page's address: query, anchor and the page's path removed.

    "http://10.0.0.5:8080/class?x=1" -> "http://10.0.0.5:8080"; a path prefix stays.
    """
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    if page_path and path.endswith("/" + page_path):
        path = path[: -len(page_path) - 1]
    return urlunsplit((parts.scheme or "http", parts.netloc, path, "", ""))


def join_url(base: str, code: str) -> str:
    """What pupils open: the Draw page in the class `code`."""
    return f"{base}/{JOIN_PAGE}?{urlencode({CLASS_PARAM: code})}"


def teacher_url(base: str, code: str, key: str) -> str:
    """What reopens the wall (after a reload, on another computer): never shown on the wall."""
    return f"{base}/{CLASS_PAGE}?{urlencode({CLASS_PARAM: code, TEACHER_PARAM: key})}"


def is_loopback(base: str) -> bool:
    host = (urlsplit(base).hostname or "").lower()
    return host in LOOPBACK or host.startswith("127.")


def lan_address() -> str | None:
    """This machine's address on its network, or None (a UDP connect sends nothing: works
    offline)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def reachable_base(base: str, address: str | None) -> str:
    """`base` with a loopback host replaced by `address` (the port and path are kept)."""
    parts = urlsplit(base)
    if address is None or not is_loopback(base):
        return base
    netloc = address + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@functools.lru_cache(maxsize=16)  # a pure function of the link: 3.6 ms saved on each refresh
def qr_png(text: str, scale: int) -> bytes:
    """A QR code of `text` as PNG bytes: `scale` pixels per module, a 2-module white border.

    Error correction M (15 %): a projector's glare or a dusty screen still scans.
    """
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def page_base() -> str:
    """The app's root as the teacher's browser sees it (headers when the browser has not said)."""
    url = st.context.url
    if not url:
        headers = st.context.headers
        host = headers.get("X-Forwarded-Host") or headers.get("Host")
        scheme = headers.get("X-Forwarded-Proto", "http")
        url = f"{scheme}://{host}/{CLASS_PAGE}" if host else FALLBACK_BASE
    return app_base(url)
