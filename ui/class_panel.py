"""Class mode on the Draw page: the pupil's banner and the *Send to the class* button.

A join link (`/draw?class=K7QX`) puts this session in a class. Nothing is sent until the pupil
clicks *Send to the class*; each send is the current 28x28 input, as the models see it. The
button and the pupil's own drawings, each with a way to take it back, are one component
(`ui.class_send`) that talks to the class server without rerunning this script.
"""

from __future__ import annotations

import streamlit as st

from ui import class_cookies, state
from ui.class_send import send_panel

CLASS_PARAM = "class"  # ui.url_keys; the same name as ui.class_session.CLASS_KEY
CODE_HELP = "Codes are 4 letters and digits, such as K7QX: ask your teacher for yours."


def pupil_panel(current: state.CurrentInput | None) -> None:
    """In a class: a banner saying so, and a button that sends `current` to the teacher's wall.

    Outside a class (no join link in this session) it draws nothing and touches no database.
    """
    requested = _requested_code()
    class_cookies.flush()  # a seat just taken, or just forgotten by "Leave the class"
    if requested is not None:
        _panel(requested, current)


def _panel(requested: str, current: state.CurrentInput | None) -> None:
    """The class's part of the page. It runs with every stroke (the Draw page's fragment), so it
    is kept lean: as a fragment of its own (joining, the digit question and leaving rerunning
    only it) it cost every stroke 0.5 ms more of the server's CPU, and a class pupil's stroke
    cost 13 % more than a plain one (bench/RESULTS.md); those clicks are rare."""
    from classroom.store import normalise_code

    from ui import class_session as cs

    code = normalise_code(requested)
    with st.container(border=True, key="class_panel"):
        if code is None:
            st.warning(f"This link's class code is not a code. {CODE_HELP}",
                       icon=":material/link_off:")
            _leave_button(cs)
            return
        room, problem = cs.pupil_room(code)
        if problem == cs.TOO_MANY_CODES:
            st.warning(problem, icon=":material/timer:")
            _leave_button(cs)
            return
        if problem is not None:
            st.warning(cs.RECONNECTING + " Your drawing stays here; try again in a moment.",
                       icon=":material/sync_problem:")
            return
        if room is None:
            st.warning(f"There is no open class with the code {code}: it was closed, it "
                       f"expired, or the code is mistyped. {CODE_HELP}", icon=":material/link_off:")
            _leave_button(cs)
            return
        seat = _seat(cs, room)
        if seat is not None:
            _in_class(cs, room, seat, current)


def _requested_code() -> str | None:
    """The code a join link asked for (kept in the session, and put back in the URL so a reload
    or a reconnection to another app process lands in the same class)."""
    linked = st.query_params.get(CLASS_PARAM)
    if linked is not None:
        st.session_state[CLASS_PARAM] = linked[:32]
    code = st.session_state.get(CLASS_PARAM)
    if code and linked is None:
        st.query_params[CLASS_PARAM] = code
    return code or None


def _seat(cs, room):
    """This session's seat in `room`: joined now when no nickname is asked, else by the form."""
    seat = st.session_state.get(cs.SEAT_KEY)
    if seat is not None and seat.code == room.code:
        return seat
    if (seat := _seat_from_cookie(cs, room.code)) is not None:
        return seat
    if not room.settings.ask_nickname:
        return _join(cs, room.code, None)
    with st.form("class_join", border=False):
        st.markdown(f"**Join class {room.code}**")
        st.text_input("Your first name or a nickname", max_chars=24, key="class_nickname",
                      help="Shown beside your drawings on the teacher's wall.")
        st.form_submit_button("Join the class", icon=":material/login:", type="primary",
                              on_click=_join_form, args=(cs, room.code))
    cs.show_flash()
    return None


def _join_form(cs, code: str) -> None:
    nickname = (st.session_state.get("class_nickname") or "").strip()
    if not nickname:
        cs.flash("Type a name first: it is shown beside your drawings.", "warning")
        return
    _join(cs, code, nickname)


def _join(cs, code: str, nickname: str | None):
    """Take a seat in the class (the store counts the pupil); None after a flash saying why not."""
    pupil_id, problem = cs.call(cs.store().join, code, nickname)
    if problem == cs.BUSY:
        cs.flash("Not in the class yet: the class server is busy, try again.", "error")
        return None
    if problem is not None:
        cs.flash(problem, "warning")
        return None
    seat = cs.Seat(code, pupil_id, (nickname or "")[:24] or None)
    st.session_state[cs.SEAT_KEY] = seat
    st.session_state[cs.SENT_KEY] = []
    class_cookies.write(class_cookies.PUPIL, [code, pupil_id,
                                              class_cookies.encode_text(seat.nickname)],
                        class_cookies.KEEP_S)
    return seat


def _seat_from_cookie(cs, code: str):
    """The seat this browser had in the class before a reload or a reconnection (its drawings
    on the wall are listed again); None when it had none."""
    parts = class_cookies.read(class_cookies.PUPIL)
    if not parts or len(parts) != 3 or parts[0] != code:
        return None
    drawings, problem = cs.call(cs.store().drawings, code)
    if problem is not None:
        return None
    seat = cs.Seat(code, parts[1], class_cookies.decode_text(parts[2]))
    st.session_state[cs.SEAT_KEY] = seat
    st.session_state[cs.SENT_KEY] = [cs.Sent(d.id, d.image, d.digit) for d in drawings
                                     if d.pupil_id == seat.pupil_id]
    return seat


def _in_class(cs, room, seat, current) -> None:
    """The banner, the digit question, Send, and the pupil's own drawings."""
    who = f" as {seat.nickname}" if seat.nickname else ""
    st.html(cs.plain_html(f"In class {room.code}{who}", "ae-class-banner", "p")
            + "<style>.ae-class-banner{font-size:1.15rem;font-weight:600;margin:0}</style>")
    if room.paused:
        st.info("Your teacher has paused sending for now.", icon=":material/pause_circle:")
    digit = None
    if room.settings.ask_digit:
        digit = st.pills("Which digit did you draw?", list(range(10)), key="class_digit")
    blocked = ("Draw a digit first." if current is None
               else "Choose the digit you drew." if room.settings.ask_digit and digit is None
               else None)
    send_panel(room.code, seat.pupil_id, None if current is None else current.image, digit,
               blocked, st.session_state.get(cs.SENT_KEY) or [])
    cs.show_flash()
    _leave_button(cs)


def _leave_button(cs) -> None:
    st.button("Leave the class", icon=":material/logout:", key="class_leave", on_click=_leave,
              args=(cs,))


def _leave(cs) -> None:
    for key in (CLASS_PARAM, cs.SEAT_KEY, cs.SENT_KEY, cs.PUPIL_ROOM):
        st.session_state.pop(key, None)
    st.query_params.pop(CLASS_PARAM, None)
    class_cookies.forget(class_cookies.PUPIL)
