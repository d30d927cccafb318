"""Lessons: open a lesson (shipped, from the teacher's folder, or uploaded) and start it."""

import streamlit as st

from ui import lesson_panel, lessons, state, widgets
from ui.lessons import Lesson, LessonError

widgets.page_header("Lessons",
                    "A lesson walks a class through the app one step at a time: each step opens "
                    "a page with its settings and gives the teacher a talking point, and may ask "
                    "the class to guess before the results are revealed.")


def lesson_card(lesson: Lesson) -> None:
    """A lesson's title, its steps, and a button that opens one of them."""
    st.markdown(f"### {lesson.title}")
    if lesson.about:
        widgets.note(lesson.about)
    steps = [f"{n}. {step.title} ({step.page.title})" for n, step in enumerate(lesson.steps, 1)]
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    first = pick.selectbox("Start at", range(1, len(steps) + 1), key=f"lesson_start_{lesson.id}",
                           format_func=lambda n: steps[n - 1])
    if go.button("Start", icon=":material/play_arrow:", type="primary", width="stretch",
                 key=f"lesson_go_{lesson.id}"):
        lesson_panel.start(lesson, first)
    if lesson.origin != "uploaded":
        st.caption(f"A link to a step, for a slide: `?lesson={lesson.id}&step={first}` "
                   "(add `&presenter=true` for the projector).")


def shipped_and_folder_lessons() -> None:
    for file in lessons.lesson_files():
        with st.container(border=True):
            try:
                lesson_card(lessons.load(file))
            except LessonError as exc:
                lesson_panel.lesson_problems(exc)


def uploaded_lesson() -> None:
    st.subheader("Your own lesson")
    upload = st.file_uploader("A lesson file (TOML)", type=["toml"], key="lesson_upload")
    if upload is not None:
        lesson_id = "upload-" + lessons.lesson_id(upload.name)
        try:
            lesson = lessons.parse_lesson(upload.getvalue(), lesson_id, "uploaded", upload.name)
        except LessonError as exc:
            lesson_panel.lesson_problems(exc)
        else:
            with st.container(border=True):
                lesson_card(lesson)
    widgets.note(f"Or put your lesson files in a folder and start the app with "
                 f"`{lessons.FOLDER_ENV}=<that folder>`: they are listed above. A lesson file "
                 f"looks like this (the README has every field):")
    if not state.presenter_mode():
        st.code(lessons.EXAMPLE, language="toml")


shipped_and_folder_lessons()
uploaded_lesson()
