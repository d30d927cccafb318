"""Seven changes to Streamlit 1.67's runtime, installed by `app.py` before the first page runs.

All are monkeypatches of private functions: `tests/test_streamlit_fixes.py` shows each one's
effect, and fails if a Streamlit upgrade moves what they replace.
"""

from __future__ import annotations

import os
import socket
import sys
from asyncio import base_events
from dataclasses import replace

from streamlit import delta_generator
from streamlit.components.v2.bidi_component import serialization as component_data
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner_utils.script_requests import (
    RerunData, ScriptRequests, ScriptRequestType, _is_full_app_rerun)
from streamlit.web.server.starlette import starlette_gzip_middleware as gzip_routes

_request_rerun = AppSession.request_rerun
_fold_rerun = ScriptRequests._request_rerun_locked
_bypass_gzip = gzip_routes._should_bypass_gzip
_set_nodelay = base_events._set_nodelay
_is_dataframe_like = component_data.is_dataframe_like
APP_STATIC = "/app/static/"  # where Streamlit serves static/ (server.enableStaticServing)


def install() -> None:
    """Apply the fixes (idempotent: app.py runs at every rerun)."""
    # After every script run Streamlit calls keras.backend.clear_session() (plus a full garbage
    # collection) for apps that import Keras. Our models are loaded once per process and only
    # read, so there is nothing to clear (and no matplotlib to close), while the call made each
    # stroke 4x slower (4.7 s -> 1.1 s per run of the Draw page, bench/script_run.py).
    script_runner._clean_problem_modules = lambda: None
    AppSession.request_rerun = request_rerun_of_this_page
    ScriptRequests._request_rerun_locked = fold_keeping_the_pending_page
    gzip_routes._should_bypass_gzip = serve_app_static_as_is
    component_data.is_dataframe_like = is_data_frame_without_importing_pandas
    # The first element a process draws asks whether it runs in a Python REPL, to warn that
    # Streamlit apps need `streamlit run`: `inspect.stack()`, reading the source file of each of
    # the 30 frames under it, 0.1-0.2 s of a fresh server's first page. Here the answer is known.
    delta_generator._use_warning_has_been_displayed = True
    if base_events._set_nodelay is not send_at_once:
        base_events._set_nodelay = send_at_once  # each connection from now on
        send_open_sockets_at_once()  # the server's own, and the first browser's


def send_at_once(sock: socket.socket) -> None:
    """Turn Nagle's algorithm off on a TCP socket, as asyncio means to do for every connection.

    asyncio sets TCP_NODELAY only on sockets made with `proto=IPPROTO_TCP`, and Streamlit
    binds its listening socket with `socket.socket(family)`, proto 0: every connection to the
    app kept Nagle's algorithm. On a connection kept alive, a response's body then waited for
    the browser to acknowledge its headers, which a browser delays by 40 ms: each request after
    a connection's first took 44 ms instead of 1 (a script, a model file, a health check).
    A new browser's load of the Draw page, 120 files: 1.93 -> 1.61 s (bench/RESULTS.md).
    """
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def send_open_sockets_at_once() -> None:
    """`send_at_once` on each TCP socket this process has open now (Linux's /proc/self/fd).

    `app.py` runs once the server already listens and the first browser is connected: the
    listening socket (whose options Linux copies to each connection it accepts) and those first
    connections were made before `send_at_once` was installed.
    """
    fds = "/proc/self/fd"
    for name in os.listdir(fds) if os.path.isdir(fds) else []:
        try:
            sock = socket.socket(fileno=int(name))
        except OSError:  # not a socket, or closed meanwhile
            continue
        try:
            send_at_once(sock)
        except OSError:
            pass
        finally:
            sock.detach()  # the descriptor is not this function's to close


def serve_app_static_as_is(path: str, base_url: str = "") -> bool:
    """Streamlit's list of paths it serves without gzip (its own bundles), plus the app's
    static files.

    Starlette compresses a response again on every request, at level 9, in the server's own
    process. Streamlit spares its own bundles that, but not `static/`: TensorFlow.js (1.5 MB)
    and the models' weights, floats that gzip shrinks by under 10 %, were compressed for every
    new browser: about 0.13 s of the server's CPU for the 2-D page's files, 0.33 s for the Draw
    page's (4 models, 8 MB), on the cores that the page itself and a class's strokes need.
    """
    return (_bypass_gzip(path, base_url)
            or gzip_routes._strip_base_url(path, base_url).startswith(APP_STATIC))


def is_data_frame_without_importing_pandas(value: object) -> bool:
    """Streamlit's `is_dataframe_like`, answered at once for a list or a dict while pandas is
    not imported.

    Components v2 asks it of each value of a component's data, and Streamlit's answer imports
    pandas and pyarrow first, even for a list or a dict: on a fresh server the drawing canvas
    waited 0.4-0.8 s for them in the first page's run. A list is never a data frame to Streamlit,
    and a dict only when its values are pandas Series, which cannot exist before pandas is
    imported.
    """
    if type(value) in (list, dict) and "pandas" not in sys.modules:
        return False
    return _is_dataframe_like(value)


def request_rerun_of_this_page(session: AppSession, client_state) -> None:
    """`AppSession.request_rerun`, except a rerun of a fragment of a page the session has left.

    A component of the page being left (the Draw page's live models saying "ready") may ask for
    a rerun of its fragment while the next page runs. Streamlit ran it after that page, with the
    old page's id: the browser took it for a page change, cleared the new page, and the fragment,
    gone, drew nothing. The class saw an empty page (seen once in 20 lesson runs on a busy
    machine). Such a rerun has nothing left to redraw, so it is dropped. (A rerun naming no
    page, or the main script, is left to Streamlit: `app.py` has no fragment to lose.)
    """
    pages = session._pages_manager
    named = client_state.page_script_hash if client_state is not None else ""
    if (client_state is not None and client_state.fragment_id and pages.current_page_script_hash
            and named not in ("", pages.current_page_script_hash, pages.main_script_hash)):
        return
    _request_rerun(session, client_state)


def fold_keeping_the_pending_page(requests: ScriptRequests, new_data: RerunData) -> bool:
    """`ScriptRequests._request_rerun_locked`, except that a fragment's rerun folded into a
    pending full rerun keeps that rerun's page and URL.

    Streamlit merges the two into one full rerun but takes the newer request's page and query
    string. When a lesson's Page Down had just asked for the next page (`st.switch_page`) and the
    old page's fragment rerun came in before it started, the merged run went back to the old page
    and its old step: the key press seemed lost (seen in the lesson test on a busy machine).
    """
    pending = requests._rerun_data if requests._state == ScriptRequestType.RERUN else None
    folded = _fold_rerun(requests, new_data)
    if (folded and pending is not None and _is_full_app_rerun(pending)
            and not _is_full_app_rerun(new_data)):
        requests._rerun_data = replace(requests._rerun_data,
                                       page_script_hash=pending.page_script_hash,
                                       page_name=pending.page_name,
                                       query_string=pending.query_string)
    return folded
