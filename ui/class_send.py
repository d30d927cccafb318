"""The pupil's *Send to the class* button and own drawings: one component, no script reruns.

A click posts the drawing straight to the class server's endpoint (`classroom.http_api`, served
by `lab.py`) from the browser (`static/live/class_send.js`), which shows the answer and the
pupil's drawings itself. A Streamlit button here cost a rerun of the pupil's session per send,
and its thumbnails and *Take back* buttons were redrawn with every stroke (together about 20 ms
of the server's CPU per stroke and send, measured: see bench/RESULTS.md).
"""

from __future__ import annotations

import base64

import numpy as np
import streamlit as st

from classroom.http_api import encode_image
from ui.browser_models import loader_js
from ui.images import to_uint8

HTML = """
<div class="class-send" data-live="loading">
  <button type="button" class="send" disabled>Send to the class</button>
  <p class="hint"></p>
  <p class="status" role="status" aria-live="polite"></p>
  <div class="mine"></div>
  <p class="note" data-off="Sending does not work in this browser: reload the page."></p>
</div>
"""
CSS = """
.class-send { font-family: var(--st-font); color: var(--st-text-color); }
.class-send p { margin: 0.3rem 0 0 0; }
.class-send button { font: inherit; cursor: pointer; border-radius: 0.5rem; }
.send { width: 100%; min-height: 2.75rem; border: 1px solid var(--st-primary-color);
  background: var(--st-primary-color); color: #fff; font-weight: 600; }
.send::before { content: "\\27A4\\00A0\\00A0" / ""; }  /* an arrow (not read aloud), as the other
  buttons' icons */
.send:disabled { opacity: 0.45; cursor: not-allowed; }
.hint:empty, .status:empty { display: none; }
.hint { font-size: 0.875rem; opacity: 0.8; }
.status[data-kind="sent"] { color: #0A6B2E; font-weight: 600; }
.status[data-kind="refused"] { color: #9C4100; font-weight: 600; }
.mine-title { font-weight: 600; margin-top: 0.8rem !important; }
.mine-row { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.3rem; }
.mine-row figure { margin: 0; display: flex; flex-direction: column; gap: 0.25rem;
  align-items: center; }
.mine-row canvas { width: 56px; height: 56px; image-rendering: pixelated; background: #000; }
.back { font-size: 0.8rem; min-height: 2.75rem; padding: 0 0.5rem;
  border: 1px solid var(--st-border-color, #ccc); background: transparent; color: inherit; }
.mine-more { font-size: 0.875rem; opacity: 0.8; }
.note:empty { display: none; }
.class-send[data-live="off"] .send { display: none; }
"""
send_to_class = st.components.v2.component("class_send", html=HTML, css=CSS,
                                           js=loader_js("class_send.js"))


def send_panel(code: str, pupil_id: str, image: np.ndarray | None, digit: int | None,
               blocked: str | None, earlier: list) -> None:
    """Mount the button for `image` (None: nothing to send yet); `blocked` says why it is off,
    `earlier` are the pupil's drawings the server knows of (a page from before a reload)."""
    data = {"code": code, "pupil": pupil_id, "digit": digit, "blocked": blocked,
            "image": None if image is None else encode_image(image),
            "sent": [{"id": d.id, "pixels": _thumbnail(d.image)} for d in earlier]}
    send_to_class(data=data, key="class_send")


def _thumbnail(image: np.ndarray) -> str:
    """A stored drawing as 784 bytes (base64): all a 56-px thumbnail needs."""
    return base64.b64encode(to_uint8(image).tobytes()).decode()
