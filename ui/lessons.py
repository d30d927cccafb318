"""Lessons: a teacher's thread through the app, read from small TOML files.

A lesson is a title and a list of steps. Each step names a page (its URL path; `home` for
Home), the settings the page opens with (the keys of a link, listed in `ui.url_keys`), a
talking point, and may ask a question the class answers before the results are revealed.
Every problem of a file is found when it is opened, each named by its step and field, so a
teacher fixes the file before the class sees it; nothing here touches Streamlit's state.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ui.navigation import HOME, PAGES, PageInfo
from ui.setting_values import PROBE, SettingError, dataset_of, settable, widget_value
from ui.url_keys import BY_KEY, LATENT_2D, LATENT_3D, URL_KEYS

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "lessons"
FOLDER_ENV = "AE_LESSONS_DIR"  # a teacher's own folder of lesson files
MAX_BYTES = 64_000  # a lesson of 40 steps is about 20 kB
MAX_STEPS = 40
MAX_TITLE = 80
MAX_TEXT = 1_000  # characters of a talking point or a question
LESSON_FIELDS = ("title", "about", "steps")
STEP_FIELDS = ("title", "page", "talk", "question", "settings")
SIDEBAR = "app.py"
NOT_IN_A_STEP = {"presenter"}  # the teacher's choice for the whole lesson, not one step's
# A short lesson, shown on the Lessons page as an example of the format.
EXAMPLE = '''title = "Noise in five minutes"

[[steps]]
title = "Denoising"
page = "denoise"
talk = "The top line was trained on noisy digits. The dashed ones are filters."
question = "Who wins at strong noise: the autoencoder or the median filter?"
settings = { dn_source = "Test digits", dn_sigma = 0.8 }
'''


@dataclass(frozen=True)
class Step:
    title: str
    page: PageInfo
    talk: str  # what the teacher says, two or three sentences (Markdown)
    question: str | None  # asked before the results are shown
    settings: dict[str, object] = field(default_factory=dict)  # widget key -> its value


@dataclass(frozen=True)
class Lesson:
    id: str  # in links: ?lesson=<id>
    title: str
    steps: tuple[Step, ...]
    about: str = ""
    origin: str = "shipped"  # "shipped", "your folder" or "uploaded"


class LessonError(ValueError):
    """A lesson file that cannot be used; `problems` says what, step by step."""

    def __init__(self, name: str, problems: list[str]):
        super().__init__(f"{name}: " + "; ".join(problems))
        self.name = name
        self.problems = problems


PAGE_NAMES: dict[str, PageInfo] = {(page.url_path or "home"): page for page in PAGES}


def parse_lesson(text: bytes | str, lesson_id: str, origin: str = "shipped",
                 name: str | None = None) -> Lesson:
    """The lesson in `text` (TOML), or `LessonError` listing every problem found."""
    name = name or lesson_id
    if len(text) > MAX_BYTES:
        raise LessonError(name, [f"the file is {len(text):,} bytes; a lesson file may have at "
                                 f"most {MAX_BYTES:,}"])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LessonError(name, ["the file is not text (UTF-8): is it a lesson file?"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(name, [toml_problem(text, exc)]) from None
    problems: list[str] = []
    title = _text(data, "title", "The lesson", problems, MAX_TITLE)
    about = _text(data, "about", "The lesson", problems, MAX_TEXT, required=False) or ""
    problems += [f"The lesson, field `{key}`: not a field of a lesson (its fields: "
                 f"{', '.join(LESSON_FIELDS)})" for key in data if key not in LESSON_FIELDS]
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        problems.append("The lesson, field `steps`: missing; each step is a [[steps]] table")
        steps = []
    elif len(steps) > MAX_STEPS:
        problems.append(f"The lesson, field `steps`: {len(steps)} steps; at most {MAX_STEPS}")
    parsed = [_step(raw, number, problems) for number, raw in enumerate(steps, start=1)]
    if problems:
        raise LessonError(name, problems)
    return Lesson(lesson_id, title, tuple(parsed), about, origin)


def toml_problem(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """A TOML syntax error with its line, and the step it is in (the last [[steps]] above)."""
    found = re.search(r"at line (\d+)", str(exc))  # Python 3.11's error has no lineno field
    where = ""
    if found:
        above = text.splitlines()[:int(found.group(1))]
        count = sum(1 for row in above if row.strip().startswith("[[steps]]"))
        where = f", in step {count}" if count else ", before the first step"
    return f"the file is not valid TOML: {exc}{where}"


def _label(number: int, raw: dict) -> str:
    title = raw.get("title")
    return f"Step {number} (\"{title[:MAX_TITLE]}\")" if isinstance(title, str) else \
        f"Step {number}"


def _text(data: dict, key: str, where: str, problems: list[str], limit: int,
          required: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.append(f"{where}, field `{key}`: missing")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}, field `{key}`: should be text, not {value!r:.40}")
        return None
    if len(value) > limit:
        problems.append(f"{where}, field `{key}`: {len(value)} characters; at most {limit}")
        return None
    return value.strip()


def _step(raw: dict, number: int, problems: list[str]) -> Step | None:
    where = _label(number, raw)
    title = _text(raw, "title", where, problems, MAX_TITLE)
    talk = _text(raw, "talk", where, problems, MAX_TEXT)
    question = _text(raw, "question", where, problems, MAX_TEXT, required=False)
    problems += [f"{where}, field `{key}`: not a field of a step (its fields: "
                 f"{', '.join(STEP_FIELDS)})" for key in raw if key not in STEP_FIELDS]
    page = _page(raw.get("page"), where, problems)
    settings = raw.get("settings", {})
    if not isinstance(settings, dict):
        problems.append(f"{where}, field `settings`: should be a table of settings, "
                        "e.g. settings = { dn_sigma = 0.5 }")
        settings = {}
    values = _settings(settings, page, where, problems) if page else {}
    if title is None or talk is None or page is None:
        return None
    return Step(title, page, talk, question, values)


def _page(value: object, where: str, problems: list[str]) -> PageInfo | None:
    if value is None:
        problems.append(f"{where}, field `page`: missing")
    elif not isinstance(value, str) or value.strip().lower() not in PAGE_NAMES:
        problems.append(f"{where}, field `page`: {value!r:.40} is not a page; the pages are "
                        f"{', '.join(PAGE_NAMES)}")
    else:
        return PAGE_NAMES[value.strip().lower()]
    return None


def page_of(key: str) -> str | None:
    """The page script that binds setting `key` (`SIDEBAR` for every page), or None."""
    match = PROBE.match(key)
    if match:
        return LATENT_2D if match.group(1) else LATENT_3D
    entry = BY_KEY.get(key.removesuffix("_fashion_mnist"))
    return entry.page if entry else None


def settings_of(page: PageInfo) -> list[str]:
    """The settings a step on `page` may give (the keys its links carry)."""
    return [entry.key for entry in URL_KEYS
            if entry.page in (page.script, SIDEBAR) and entry.key not in NOT_IN_A_STEP
            and settable(entry.key)]


def _settings(settings: dict, page: PageInfo, where: str, problems: list[str]) -> dict[str, object]:
    """The widgets' values; a problem for each setting the page would not take."""
    dataset = "mnist"
    if "dataset" in settings:
        try:
            dataset = dataset_of(settings["dataset"])
        except SettingError as exc:
            problems.append(f"{where}, field `settings.dataset`: {exc}")
    values: dict[str, object] = {}
    for key, value in settings.items():
        home = page_of(key)
        if home is None or key in NOT_IN_A_STEP or home not in (page.script, SIDEBAR):
            problems.append(f"{where}, field `settings.{key}`: {_unknown(key, home, page)}")
            continue
        try:
            widget_key, widget = widget_value(key, value, dataset)
        except KeyError:
            problems.append(f"{where}, field `settings.{key}`: {_unknown(key, None, page)}")
        except SettingError as exc:
            problems.append(f"{where}, field `settings.{key}`: {exc}")
        else:
            values[widget_key] = widget
    values.setdefault("dataset", dataset)  # a step's view is on one data set, MNIST unless said
    return values


def _unknown(key: str, home: str | None, page: PageInfo) -> str:
    if key in NOT_IN_A_STEP:
        return "presenter mode is the teacher's choice (in the sidebar), not a step's setting"
    owner = next((p.title for p in PAGES if p.script == home), None)
    if owner:
        return f"a setting of the {owner} page, not of {page.title}"
    return (f"not a setting of {page.title}; its settings are "
            f"{', '.join(settings_of(page)) or 'only the data set'}")


# --- Where lesson files are found ----------------------------------------------------------------

@dataclass(frozen=True)
class LessonFile:
    id: str
    path: Path
    origin: str


def lesson_id(name: str) -> str:
    """A file name made into the id a link carries: "My lesson.toml" -> "my-lesson"."""
    stem = Path(name).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:60] or "lesson"


def folders() -> list[tuple[Path, str]]:
    """The shipped lessons, then the teacher's folder (`AE_LESSONS_DIR`) if it is set."""
    places = [(SHIPPED_DIR, "shipped")]
    if os.environ.get(FOLDER_ENV):
        places.append((Path(os.environ[FOLDER_ENV]).expanduser(), "your folder"))
    return places


def lesson_files() -> list[LessonFile]:
    """Every *.toml lesson file found, by id; the teacher's folder wins over a shipped id."""
    found: dict[str, LessonFile] = {}
    for folder, origin in folders():
        try:
            paths = sorted(folder.glob("*.toml"))
        except OSError:
            continue
        for path in paths:
            found[lesson_id(path.name)] = LessonFile(lesson_id(path.name), path, origin)
    return list(found.values())


def load(file: LessonFile) -> Lesson:
    """The lesson in `file`, or `LessonError` (also when it cannot be read)."""
    try:
        data = file.path.read_bytes()[:MAX_BYTES + 1]
    except OSError as exc:
        raise LessonError(file.path.name, [f"cannot be read ({exc.strerror})"]) from None
    return parse_lesson(data, file.id, file.origin, file.path.name)


def find(lesson: str) -> LessonFile | None:
    """The lesson file a link names (`?lesson=<id>`), or None."""
    return next((f for f in lesson_files() if f.id == lesson), None)
