"""A lesson's thread on every page: the step counter, the talking point, Previous and Next.

`lesson_bar` runs on every page before the page itself (see `app.py`). It opens the step a link
names (`?lesson=<id>&step=4`): the view's settings are forgotten, the step's own put in the URL
and the step's page opened, so its widgets start from the step's settings. While a lesson is
open a slim bar sits in the header strip, out of the figures' way; in presenter mode the keys
a presentation clicker sends (Page Down / Page Up, the arrow keys) step through it too.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import guess_first, lessons
from ui.browser_models import loader_js
from ui.lessons import Lesson, LessonError, Step
from ui.state import PRESENTER_KEY, presenter_mode

PLACE_KEY = "lesson_place"  # the open lesson and step (a `Place`)
PENDING_KEY = "lesson_pending"  # True: the next run starts from the open step's settings
LESSON_KEY, STEP_KEY = "lesson", "step"  # in links, and their values once opened
KEEP = {PRESENTER_KEY}  # settings a step leaves as they are
REPO = Path(__file__).resolve().parents[1]

# The header strip is free but for the sidebar's arrow (left) and the menu (right): the bar sits
# in its middle, fixed, so no page moves down for it (a 1280x720 page keeps its figure in view).
BAR_CSS = """<style>
.st-key-lesson_bar { position: fixed; top: 0.3rem; left: 50%; transform: translateX(-50%);
  z-index: 999991; width: max-content; max-width: calc(100vw - 7rem); flex-wrap: nowrap;
  align-items: center; gap: 0.4rem; padding: 0 0.4rem 0 0.8rem; background: #fff;
  border: 1px solid #c9ced6; border-radius: 0.6rem; box-shadow: 0 1px 6px rgba(0, 0, 0, 0.12); }
.st-key-lesson_bar > div { width: auto; flex: 0 0 auto; }
.st-key-lesson_bar > .st-key-lesson_where { flex: 0 1 auto; min-width: 0; }
.st-key-lesson_bar button { min-height: 2rem; padding: 0 0.55rem; }
.st-key-lesson_where, .st-key-lesson_where * { margin: 0 !important; }
.st-key-lesson_where p { line-height: 2rem; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
div:has(> .st-key-lesson_bar) { position: absolute; }  /* out of the page's flow: no gap */
.st-key-lesson_bar .stElementContainer:has(style), .st-key-lesson_keys { display: none; }
@media (max-width: 640px) {  /* a phone: the counter and the buttons' icons only */
  .st-key-lesson_where .lesson-title, .st-key-lesson_where .lesson-word,
  .st-key-lesson_bar button [data-testid="stMarkdownContainer"] { display: none; }
  .st-key-lesson_bar { gap: 0.2rem; padding-left: 0.5rem; max-width: calc(100vw - 6rem); }
}
</style>"""

clicker_keys = st.components.v2.component("lesson_keys", js=loader_js("lesson_keys.js"))


@dataclass(frozen=True)
class Place:
    lesson: Lesson
    number: int  # 1-based

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.number - 1]

    @property
    def question(self) -> guess_first.Question | None:
        if not self.step.question:
            return None
        context = ("lesson", self.lesson.id, self.lesson.title, self.number)
        return guess_first.Question(context, self.step.question, self.step.page.script)


def place() -> Place | None:
    """Where the class is in the open lesson (None: no lesson open)."""
    return st.session_state.get(PLACE_KEY)


def go_to(lesson: Lesson, number: int) -> NoReturn:
    """Open step `number` of `lesson`: its page, starting from its settings (applied by
    `open_pending_step` at the top of the next run, before any widget is made)."""
    st.session_state[PLACE_KEY] = Place(lesson, number)
    st.session_state[PENDING_KEY] = True
    st.switch_page(lesson.steps[number - 1].page.script,
                   query_params={LESSON_KEY: lesson.id, STEP_KEY: str(number)})


def start(lesson: Lesson, number: int = 1) -> NoReturn:
    """Start `lesson` afresh at step `number`: its questions hidden again, even if revealed in
    a rehearsal earlier in this session."""
    guess_first.hide_again(lambda context: context[:2] == ("lesson", lesson.id))
    go_to(lesson, number)


def open_pending_step() -> None:
    """Give the widgets the step's settings, and every other setting its default, before any
    widget is made (`app.py` calls this first; widgets made already cannot be set)."""
    if not st.session_state.pop(PENDING_KEY, False) or (here := place()) is None:
        return
    for key in list(st.session_state.keys()):
        if key not in KEEP and lessons.page_of(key) is not None:
            del st.session_state[key]  # a widget made afresh starts from its default
    for key, value in here.step.settings.items():
        st.session_state[key] = value
    st.session_state[LESSON_KEY], st.session_state[STEP_KEY] = here.lesson.id, here.number


def close() -> None:
    for key in (PLACE_KEY, LESSON_KEY, STEP_KEY):
        st.session_state.pop(key, None)
        st.query_params.pop(key, None)


def lesson_bar() -> None:
    """When a lesson is open: where the class is in it, and the way to the next step."""
    open_pending_step()  # in case app.py did not (the sidebar's data set then stays as it is)
    _follow_link()
    here = place()
    current = _current_page()
    question = here.question if here else None
    guess_first.ask(question)
    if here is None:
        return
    hidden = question is not None and question.page == current \
        and not guess_first.revealed(question.context)
    _bar(here, hidden)
    if hidden and current not in guess_first.GATED_PAGES:
        # This page has no gate of its own: all of it waits behind the question.
        st.title(here.step.page.title)
        guess_first.hidden_panel(question.text, question.context, "lesson")
        st.stop()


def _follow_link() -> None:
    """Open the step the URL names, unless it is the one open already."""
    wanted, number = st.query_params.get(LESSON_KEY), st.query_params.get(STEP_KEY, "1")
    here = place()
    if not wanted or (here and (here.lesson.id, str(here.number)) == (wanted, number)):
        return
    try:
        lesson = here.lesson if here and here.lesson.id == wanted else _load(wanted)
    except LessonError as exc:
        lesson_problems(exc)
        return
    if lesson is None:
        st.warning(f"The link opens a lesson called `{_shown(wanted)}`, which is not here (is its "
                   "file in the lessons folder? An uploaded lesson must be uploaded again on "
                   "the *Lessons* page).", icon=":material/link_off:")
        return
    if not number.isdigit() or not 1 <= int(number) <= len(lesson.steps):
        st.warning(f"The link asks for step `{_shown(number)}` of *{lesson.title}*, which has "
                   f"steps 1 to {len(lesson.steps)}.", icon=":material/link_off:")
        return
    go_to(lesson, int(number))


def _shown(text: str) -> str:
    """Part of a link, safe to show: no Markdown or HTML of a stranger's making."""
    return re.sub(r"[^\w.-]", "?", text[:60])


def _load(lesson_id: str) -> Lesson | None:
    file = lessons.find(lesson_id)
    return None if file is None else lessons.load(file)


def lesson_problems(exc: LessonError) -> None:
    """A lesson file's problems, one per line, each naming its step and field."""
    st.error(f"**{exc.name}** cannot be opened as a lesson:\n\n"
             + "\n".join(f"- {problem}" for problem in exc.problems), icon=":material/error:")


def _current_page() -> str | None:
    """The script of the page this run shows, as `ui.navigation.PAGES` names it."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    info = ctx.pages_manager.get_pages().get(ctx.pages_manager.current_page_script_hash)
    if not info:
        return None
    try:
        return Path(info["script_path"]).resolve().relative_to(REPO).as_posix()
    except ValueError:
        return None


def _bar(here: Place, hidden: bool) -> None:
    """The slim bar: step counter, talking point, Previous, Next (or Reveal), close."""
    lesson, number, total = here.lesson, here.number, len(here.lesson.steps)
    with st.container(key="lesson_bar", horizontal=True, wrap=False, width="content",
                      vertical_alignment="center"):
        st.html(BAR_CSS)  # inside the bar: no gap in the page's flow
        with st.container(key="lesson_where"):
            st.markdown(f"**<span class='lesson-word'>Step </span>{number} of {total}**"
                        f"<span class='lesson-title'> · {html.escape(here.step.title)}</span>",
                        unsafe_allow_html=True)
        back = st.button("Back", icon=":material/chevron_left:", key="lesson_prev",
                         disabled=number == 1, help="Previous step (Page Up)")
        if hidden:
            forward = st.button("Reveal", icon=":material/visibility:", key="lesson_next",
                                type="primary", help="Show the results (Page Down)")
        else:
            forward = st.button("Next", icon=":material/chevron_right:", key="lesson_next",
                                icon_position="right",
                                disabled=number == total, help="Next step (Page Down)")
        with st.popover("Talking point", icon=":material/record_voice_over:"):
            talking_point(here)
        if st.button("", icon=":material/close:", key="lesson_close", help="Close the lesson"):
            close()
            st.rerun()
        move = clicker_keys(key="lesson_keys", on_move_change=lambda: None).move \
            if presenter_mode() else None
    if back or move == -1:
        _step_by(here, -1, hidden)
    elif forward or move == 1:
        _step_by(here, 1, hidden)


def talking_point(here: Place) -> None:
    st.markdown(f"**{here.lesson.title}** · step {here.number} of {len(here.lesson.steps)}\n\n"
                f"#### {here.step.title}\n\n{here.step.talk}")
    if here.step.question:
        st.markdown(f"**Guess first:** {here.step.question}")


def _step_by(here: Place, delta: int, hidden: bool) -> None:
    """Forward reveals a hidden answer first, then moves on; nothing beyond either end."""
    if delta == 1 and hidden:
        guess_first.reveal(here.question.context)
        st.rerun()
    target = here.number + delta
    if 1 <= target <= len(here.lesson.steps):
        go_to(here.lesson, target)
