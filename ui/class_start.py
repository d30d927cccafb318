"""The Class page before a class: one button starts one; a pupil can type a code to join one."""

from __future__ import annotations

import streamlit as st

from ae_models.registry import LIVE_KEY
from classroom import http_api
from classroom.store import RoomSettings, normalise_code
from ui import class_session as cs, class_teacher as ct, latent
from ui.model_cache import title_of


def sending_check() -> None:
    """Warn the teacher when this server cannot take pupils' drawings (started with
    `streamlit run app.py`, not `lab.py`): better now than when thirty sends fail."""
    if not http_api.serving():
        st.warning("This server cannot take the pupils' drawings: it was started without class "
                   "mode's endpoints. Start the app with `streamlit run lab.py` (or "
                   "`python deploy/serve.py`) before the class.", icon=":material/cloud_off:")


def start_form() -> None:
    """Start a class: a room code, a join link and a QR code, then the wall."""
    with st.form("class_start_form"):
        st.subheader("Start a class")
        with st.popover("Settings", icon=":material/tune:"):  # a control, not an explanation
            # A session's own model lives in that session only: the wall needs a shipped one.
            options = [k for k in latent.latent_2d_options() if k != LIVE_KEY]
            model = st.selectbox("Model the wall uses (its 2-D map)", options,
                                 format_func=lambda k: f"{title_of(k)} ({k})",
                                 key="class_model")
            ask_nickname = st.toggle("Ask each pupil for a first name or nickname", value=True,
                                     key="class_ask_nickname")
            ask_digit = st.toggle("Ask which digit they drew", value=True, key="class_ask_digit")
        started = st.form_submit_button("Start a class", icon=":material/groups:", type="primary",
                                        key="class_start")
    if started:
        settings = RoomSettings(model_key=model, ask_nickname=ask_nickname, ask_digit=ask_digit)
        problem = ct.start_class(settings)
        if problem is None:
            st.rerun()
        st.error(cs.escape_markdown(problem), icon=":material/error:")


def join_form() -> None:
    """For a pupil who was told the code instead of scanning it."""
    with st.form("class_join_code"):
        st.subheader("Join a class")
        typed = st.text_input("Class code", max_chars=12, placeholder="K7QX", key="class_code")
        joined = st.form_submit_button("Join", icon=":material/login:", key="class_join_button")
    if not joined:
        return
    code = normalise_code(typed)
    if code is None:
        st.warning("That is not a class code: codes are 4 letters and digits, such as K7QX.")
        return
    room, problem = cs.find_room(code)
    if problem is not None:
        st.warning(cs.escape_markdown(problem))
    elif room is None:
        st.warning(f"There is no open class with the code {code}: check it with your teacher.")
    else:
        st.switch_page("app_pages/draw.py", query_params={cs.CLASS_KEY: code})
