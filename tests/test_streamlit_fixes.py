"""`ui.streamlit_fixes`: what each change to Streamlit's runtime does, and that what it replaces
is still there (a Streamlit upgrade that renames it would make the fix silently do nothing).
The race the second one closes is played against a real server in
tests/e2e/test_page_change_race.py."""

from __future__ import annotations

import ast
import asyncio
import socket
import subprocess
import sys
from asyncio import base_events
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from apptest_helpers import REPO
from streamlit import delta_generator
from streamlit.components.v2.bidi_component import serialization as component_data
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests
from streamlit.web.server.starlette import starlette_gzip_middleware as gzip_routes

from ui import streamlit_fixes

DRAW, HOME, MAIN = "draw-hash", "home-hash", "app-py-hash"


def test_what_the_fixes_replace_exists_and_app_py_installs_them(monkeypatch) -> None:
    assert callable(getattr(script_runner, "_clean_problem_modules", None))
    assert streamlit_fixes._request_rerun.__qualname__ == "AppSession.request_rerun"
    assert streamlit_fixes._fold_rerun.__qualname__ == "ScriptRequests._request_rerun_locked"
    assert "current_page_script_hash" in dir(type(_session(HOME)._pages_manager))
    assert streamlit_fixes._bypass_gzip.__name__ == "_should_bypass_gzip"
    assert streamlit_fixes._set_nodelay.__module__ == "asyncio.base_events"
    assert streamlit_fixes._is_dataframe_like.__module__ == "streamlit.dataframe_util"
    assert hasattr(delta_generator, "_use_warning_has_been_displayed")
    monkeypatch.setattr(component_data, "is_dataframe_like", component_data.is_dataframe_like)
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    monkeypatch.setattr(base_events, "_set_nodelay", base_events._set_nodelay)
    monkeypatch.setattr(gzip_routes, "_should_bypass_gzip", gzip_routes._should_bypass_gzip)
    monkeypatch.setattr(script_runner, "_clean_problem_modules", script_runner._clean_problem_modules)
    monkeypatch.setattr(AppSession, "request_rerun", AppSession.request_rerun)
    monkeypatch.setattr(ScriptRequests, "_request_rerun_locked",
                        ScriptRequests._request_rerun_locked)
    streamlit_fixes.install()
    assert script_runner._clean_problem_modules() is None  # Keras is left alone
    assert AppSession.request_rerun is streamlit_fixes.request_rerun_of_this_page
    assert ScriptRequests._request_rerun_locked is streamlit_fixes.fold_keeping_the_pending_page
    assert gzip_routes._should_bypass_gzip is streamlit_fixes.serve_app_static_as_is
    assert base_events._set_nodelay is streamlit_fixes.send_at_once
    assert component_data.is_dataframe_like is streamlit_fixes.is_data_frame_without_importing_pandas
    assert delta_generator._use_warning_has_been_displayed  # no stack walk at the first element
    assert "streamlit_fixes.install()" in (REPO / "app.py").read_text()


def _session(current: str):
    """What the fix reads of a session: the page its current run shows."""
    from streamlit.runtime.pages_manager import PagesManager

    manager = PagesManager.__new__(PagesManager)
    manager._current_page_script_hash = current
    manager._main_script_hash = MAIN
    assert manager.main_script_hash == MAIN
    return SimpleNamespace(_pages_manager=manager)


def _state(page: str, fragment: str = "") -> ClientState:
    return ClientState(page_script_hash=page, fragment_id=fragment)


@pytest.mark.parametrize(("current", "state", "passed"), [
    (HOME, _state(DRAW, fragment="canvas"), False),  # a fragment of the page just left
    (DRAW, _state(DRAW, fragment="canvas"), True),  # a stroke on the page shown
    (DRAW, _state(HOME), True),  # going to another page
    (HOME, _state(DRAW), True),  # a full run asked for from the old page: Streamlit's to judge
    ("", _state(DRAW, fragment="canvas"), True),  # before any run
    (HOME, _state(MAIN, fragment="canvas"), True),  # named by app.py's id: Streamlit's to judge
    (HOME, None, True),  # a rerun with the previous client state
])
def test_only_a_fragment_rerun_of_another_page_is_dropped(monkeypatch, current, state,
                                                          passed) -> None:
    seen = []
    monkeypatch.setattr(streamlit_fixes, "_request_rerun", lambda _, asked: seen.append(asked))
    streamlit_fixes.request_rerun_of_this_page(_session(current), state)
    assert seen == ([state] if passed else [])


@pytest.mark.parametrize("fixed", [True, False])
def test_a_fragment_rerun_folded_into_a_page_change_keeps_the_new_page(monkeypatch, fixed) -> None:
    """Page Down asked for Home, step 3 (pending); the Draw page's fragment rerun comes in before
    it starts. Streamlit alone merges them into a full rerun of the Draw page at step 2."""
    monkeypatch.setattr(ScriptRequests, "_request_rerun_locked",
                        streamlit_fixes.fold_keeping_the_pending_page if fixed
                        else streamlit_fixes._fold_rerun)
    requests = ScriptRequests()
    assert requests.request_rerun(RerunData(page_script_hash=HOME, query_string="step=3"))
    assert requests.request_rerun(RerunData(page_script_hash=DRAW, query_string="step=2",
                                            fragment_id="canvas"))
    merged = requests._rerun_data
    assert merged.fragment_id_queue == []  # one full rerun, as Streamlit makes it
    assert (merged.page_script_hash, merged.query_string) == (
        (HOME, "step=3") if fixed else (DRAW, "step=2"))
    again = ScriptRequests()  # two fragment reruns: the newer one's page, as before
    again.request_rerun(RerunData(page_script_hash=DRAW, fragment_id="a"))
    again.request_rerun(RerunData(page_script_hash=DRAW, query_string="x=1", fragment_id="b"))
    assert again._rerun_data.fragment_id_queue == ["a", "b"]
    assert again._rerun_data.query_string == "x=1"


def run_in_a_loop_of_its_own(coroutine):
    """`asyncio.run` in a thread of its own: after a browser test, Playwright's loop is running
    in this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _encoding(path: str) -> str | None:
    """The Content-Encoding Streamlit's own gzip middleware gives a 4 KB script at `path`
    for a browser that accepts gzip."""
    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/javascript")]})
        await send({"type": "http.response.body", "body": b"tf.add(a, b);\n" * 300})

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "root_path": "",
             "headers": [(b"accept-encoding", b"gzip")]}
    run_in_a_loop_of_its_own(gzip_routes.SelectiveGZipMiddleware(app)(scope, receive, send))
    headers = dict(sent[0]["headers"])
    return headers[b"content-encoding"].decode() if b"content-encoding" in headers else None


def test_the_apps_static_files_are_sent_as_they_are(monkeypatch) -> None:
    tfjs = "/app/static/vendor/tfjs/tf.min.js"
    monkeypatch.setattr(gzip_routes, "_should_bypass_gzip", streamlit_fixes._bypass_gzip)
    assert _encoding(tfjs) == "gzip"  # Streamlit's own choice: compressed on every request
    monkeypatch.setattr(gzip_routes, "_should_bypass_gzip", streamlit_fixes.serve_app_static_as_is)
    assert _encoding(tfjs) is None
    assert _encoding("/static/js/index.js") is None  # Streamlit's bundles, as before
    assert _encoding("/_stcore/host-config") == "gzip"  # the rest, as before
    assert _encoding("/application/static/x.js") == "gzip"  # only the static/ folder's own path


def _bound_as_streamlit_binds() -> socket.socket:
    """A listening socket made as Streamlit 1.67 makes its own (starlette_server._bind_socket):
    no proto given, so its `proto` is 0, not IPPROTO_TCP."""
    listener = socket.socket(family=socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    assert listener.proto == 0
    return listener


def _nodelay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


async def _served_connection_nodelay() -> bool:
    """TCP_NODELAY of the server's side of one connection, as asyncio's server sets it up."""
    accepted = asyncio.get_running_loop().create_future()

    class Answer(asyncio.Protocol):
        def connection_made(self, transport) -> None:
            accepted.set_result(_nodelay(transport.get_extra_info("socket")))

    with _bound_as_streamlit_binds() as listener:
        server = await asyncio.get_running_loop().create_server(Answer, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        nodelay = await accepted
        writer.close()
        server.close()
    return nodelay


def test_connections_to_streamlits_socket_send_at_once(monkeypatch) -> None:
    monkeypatch.setattr(base_events, "_set_nodelay", streamlit_fixes._set_nodelay)
    assert run_in_a_loop_of_its_own(_served_connection_nodelay()) is False  # as shipped: Nagle's
    monkeypatch.setattr(base_events, "_set_nodelay", streamlit_fixes.send_at_once)
    assert run_in_a_loop_of_its_own(_served_connection_nodelay()) is True


def test_sockets_open_before_the_fix_send_at_once_too() -> None:
    with _bound_as_streamlit_binds() as listener, socket.create_connection(
            listener.getsockname()) as first_browser:
        listener.setblocking(True)
        served, _ = listener.accept()
        with served:
            assert not _nodelay(listener) and not _nodelay(served)
            streamlit_fixes.send_open_sockets_at_once()
            assert _nodelay(listener) and _nodelay(served) and _nodelay(first_browser)
            with socket.create_connection(listener.getsockname()):
                later, _ = listener.accept()
                with later:
                    assert _nodelay(later)  # Linux copies the listener's options


# A fresh interpreter: a component's data (lists and dicts, as the drawing canvas and the live
# modules send) serialised as Streamlit does, with and without the fix.
COMPONENT_DATA = """
import sys
from streamlit.components.v2.bidi_component import serialization
from streamlit.proto.BidiComponent_pb2 import BidiComponent
from ui import streamlit_fixes
if sys.argv[1] == "fixed":
    streamlit_fixes.install()
serialization.serialize_mixed_data({"models": [{"key": "dense"}], "size": {"w": 280}, "n": 3},
                                   BidiComponent())
print("pandas" in sys.modules, "pyarrow" in sys.modules)
"""


@pytest.mark.parametrize(("how", "imported"), [("shipped", "True True"), ("fixed", "False False")])
def test_a_components_lists_and_dicts_do_not_import_pandas(how, imported) -> None:
    out = subprocess.run([sys.executable, "-c", COMPONENT_DATA, how], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout.split()
    assert " ".join(out) == imported


def test_data_frames_are_still_data_frames_to_components() -> None:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2]})
    assert streamlit_fixes.is_data_frame_without_importing_pandas(frame)
    assert streamlit_fixes.is_data_frame_without_importing_pandas({"a": pd.Series([1, 2])})
    assert streamlit_fixes.is_data_frame_without_importing_pandas(np.zeros((2, 2)))
    assert not streamlit_fixes.is_data_frame_without_importing_pandas([{"a": 1}])


def test_no_page_needs_streamlits_magic() -> None:
    """`magicEnabled = false` (.streamlit/config.toml): a bare expression on a page would show
    nothing, so no page has one (a docstring is not one)."""
    assert "magicEnabled = false" in (REPO / ".streamlit" / "config.toml").read_text()
    for script in [REPO / "app.py", *sorted((REPO / "app_pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(script.read_text())):
            body = getattr(node, "body", None)
            for i, statement in enumerate(body if isinstance(body, list) else []):
                if not isinstance(statement, ast.Expr):
                    continue
                value = statement.value
                docstring = i == 0 and isinstance(value, ast.Constant) and isinstance(value.value, str)
                assert docstring or isinstance(value, (ast.Call, ast.Await)), (
                    f"{script.name}:{statement.lineno} is written by magic only")
