"""Autoencoder Lab's web server: the Streamlit app (`app.py`) and class mode's two HTTP endpoints.

    streamlit run lab.py

Streamlit finds `app` below and serves `app.py`'s pages as usual, plus a pupil's *Send to the
class* and *Take back* (`classroom.http_api`): those answer in a couple of milliseconds without a
script rerun. `streamlit run app.py` still serves every page; only class sends need this file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st
from streamlit import config

from classroom import http_api

if TYPE_CHECKING:
    from classroom.store import ClassStore


def class_store() -> ClassStore:
    """The process's class store, imported at the first class send: its database library
    (SQLAlchemy) took 0.3 s of a fresh server's start, and the Draw page does without it."""
    from classroom.store import default_store
    return default_store()


app = st.App("app.py", routes=http_api.serve(class_store,
                                             config.get_option("server.baseUrlPath") or ""))
