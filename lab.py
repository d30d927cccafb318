"""Autoencoder Lab's web server: the Streamlit app (`app.py`) and class mode's two HTTP endpoints.

    streamlit run lab.py

Streamlit finds `app` below and serves `app.py`'s pages as usual, plus a pupil's *Send to the
class* and *Take back* (`classroom.http_api`): those answer in a couple of milliseconds without a
script rerun. Every response is cross-origin isolated (`CrossOriginIsolation`), so the pages run
TensorFlow.js's threaded WebAssembly build. `streamlit run app.py` still serves every page, with
the single-threaded build; only class sends need this file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config

from classroom import http_api

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from classroom.store import ClassStore


# Cross-origin isolation: with these on every response, a page may use SharedArrayBuffer, and
# TensorFlow.js's WASM backend runs its threaded build (static/vendor/tfjs/), which spreads a
# convolution over several cores: the Draw page's four models 17.5 -> 10.6 ms on a 2-core
# machine (bench/RESULTS.md). The app itself loads nothing from another origin; "credentialless"
# (not "require-corp") still lets a lesson's text show a picture from the web, fetched without
# cookies. A browser without it (Safari) leaves the page unisolated: the single-threaded build.
ISOLATION_HEADERS = ((b"cross-origin-opener-policy", b"same-origin"),
                     (b"cross-origin-embedder-policy", b"credentialless"))


class CrossOriginIsolation:
    """ASGI middleware: ISOLATION_HEADERS on every HTTP response (WebSockets pass as they are)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_isolated(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message,
                           "headers": [*message.get("headers", []), *ISOLATION_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_isolated)


def class_store() -> ClassStore:
    """The process's class store, imported at the first class send: its database library
    (SQLAlchemy) took 0.3 s of a fresh server's start, and the Draw page does without it."""
    from classroom.store import default_store
    return default_store()


app = st.App("app.py", routes=http_api.serve(class_store,
                                             config.get_option("server.baseUrlPath") or ""),
             middleware=[Middleware(CrossOriginIsolation)])
