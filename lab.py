"""Autoencoder Lab's web server: the Streamlit app (`app.py`) and class mode's two HTTP endpoints.

    streamlit run lab.py

Streamlit finds `app` below and serves `app.py`'s pages as usual, plus a pupil's *Send to the
class* and *Take back* (`classroom.http_api`): those answer in a couple of milliseconds without a
script rerun. `streamlit run app.py` still serves every page; only class sends need this file.
"""

import streamlit as st
from streamlit import config

from classroom import http_api
from classroom.store import default_store

app = st.App("app.py", routes=http_api.serve(default_store,
                                             config.get_option("server.baseUrlPath") or ""))
