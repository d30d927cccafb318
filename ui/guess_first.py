"""Guess first: a page's results stay hidden behind a Reveal button until the class has guessed.

Two things ask for it: a lesson step with a question (`ui.lesson_panel` puts the question here
with `ask`), and a page's own *Guess first* toggle (`toggle`). Hidden means never made: `gate`
returns False and the page skips its results, so nothing reaches the browser and nothing can be
found by inspecting the page. A reveal lasts for its question: a new lesson step, a new drawing
(whatever the page passes as `context`) or switching the toggle on again hides the results anew.

Usage in a page:

    guess_first.toggle("dn")                            # beside the page's controls
    if guess_first.gate("dn", context=(source, models)):  # where the results start
        results()
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import streamlit as st

REVEALED_KEY = "guess_revealed"  # the contexts revealed in this session
QUESTION_KEY = "guess_question"  # the open lesson step's question, on its page
GATED_PAGES = ("app_pages/draw.py", "app_pages/denoise.py")  # pages that hide only their results
PROMPT = "What will the results show? Say it out loud, then reveal."


@dataclass(frozen=True)
class Question:
    context: Hashable  # what a reveal answers, e.g. ("lesson", "autoencoders", 4)
    text: str
    page: str  # the page script it is asked on


def revealed(context: Hashable) -> bool:
    return context in st.session_state.get(REVEALED_KEY, ())


def reveal(context: Hashable) -> None:
    st.session_state[REVEALED_KEY] = {*st.session_state.get(REVEALED_KEY, ()), context}


def hide_again(matches) -> None:
    """Forget the reveals whose context `matches` (a rehearsed lesson, started for real)."""
    st.session_state[REVEALED_KEY] = {context for context in st.session_state.get(REVEALED_KEY, ())
                                      if not matches(context)}


def ask(question: Question | None) -> None:
    """The lesson step's question for this run (None: no question)."""
    st.session_state[QUESTION_KEY] = question


def lesson_question(page: str) -> Question | None:
    """The open lesson step's question when it is asked on `page`."""
    question = st.session_state.get(QUESTION_KEY)
    return question if isinstance(question, Question) and question.page == page else None


def _next_round(key: str) -> None:
    st.session_state[f"{key}_guess_round"] = st.session_state.get(f"{key}_guess_round", 0) + 1


def toggle(key: str) -> bool:
    """The page's *Guess first* switch; each time it is switched on, the results hide again."""
    return st.toggle("Guess first", key=f"{key}_guess_first", on_change=_next_round, args=(key,),
                     help="Hide the results behind a Reveal button, so the class can guess "
                          "before it sees.")


def gate(key: str, page: str, context: tuple = ()) -> bool:
    """True when the page may show its results; otherwise draws the question and the Reveal
    button, and the page must leave its results out.

    `key` names the page's widgets, `page` is its script (as in `ui.navigation.PAGES`), and
    `context` holds what makes a new question on this page (the drawing, the models...)."""
    question = lesson_question(page)
    if question is not None:
        text, answer = question.text, question.context
    elif st.session_state.get(f"{key}_guess_first"):
        text = PROMPT
        answer = (key, st.session_state.get(f"{key}_guess_round", 0), *context)
    else:
        return True
    if revealed(answer):
        return True
    hidden_panel(text, answer, key)
    return False


def hidden_panel(text: str, answer: Hashable, key: str) -> None:
    """The question and the Reveal button, where the results will appear."""
    with st.container(border=True, key=f"{key}_guess_panel"):
        st.markdown(f"#### Guess first\n{text}")
        st.button("Reveal", icon=":material/visibility:", type="primary", key=f"{key}_reveal",
                  on_click=reveal, args=(answer,))
