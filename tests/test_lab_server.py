"""lab.py's own middleware: every HTTP response says the page is cross-origin isolated.

That the app's pages are isolated under `streamlit run lab.py`, and run the threaded WASM build,
is tests/e2e/test_live_draw_browser.py's.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient

import lab

ISOLATION = {"cross-origin-opener-policy": "same-origin",
             "cross-origin-embedder-policy": "credentialless"}


async def hello(request):
    return PlainTextResponse("hello", headers={"x-kept": "yes"})


async def echo(websocket):
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


def isolated_site() -> TestClient:
    return TestClient(Starlette(routes=[Route("/", hello), WebSocketRoute("/ws", echo)],
                                middleware=[Middleware(lab.CrossOriginIsolation)]))


def test_every_response_carries_the_isolation_headers_once_and_keeps_its_own() -> None:
    with isolated_site() as client:
        for path in ("/", "/missing"):
            response = client.get(path)
            for name, value in ISOLATION.items():
                assert response.headers.get_list(name) == [value], (path, name)
        assert client.get("/").headers["x-kept"] == "yes"
        assert client.get("/").text == "hello"


def test_websockets_pass_through() -> None:
    with isolated_site() as client, client.websocket_connect("/ws") as socket:
        socket.send_text("ping")
        assert socket.receive_text() == "ping"
