"""Lessons: a file is checked when it is opened (each problem names its step and its field), a
link opens a step on its page with its settings, Next and Back walk the lesson, and Guess first
keeps the results out of the page until Reveal.

The value rules of `ui.setting_values` are compared with the widgets themselves: every page is
opened and each bound widget's range and options must be what the rule says.
"""

from __future__ import annotations

import pytest

from ui import lessons
from ui.lessons import LessonError, parse_lesson
from ui.navigation import PAGES
from ui.setting_values import Choice, Flag, Number, rule_for, settable
from ui.url_keys import URL_KEYS

from apptest_helpers import REPO, assert_no_problems, open_app

SHIPPED = "autoencoders-in-15-minutes"
STEP_LINK = {"lesson": SHIPPED, "step": "4"}


def shipped():
    return lessons.load(lessons.find(SHIPPED))


# --- The shipped lesson -------------------------------------------------------------------------

def test_the_shipped_lesson_is_valid_and_walks_the_whole_app() -> None:
    lesson = shipped()
    assert lesson.title == "Autoencoders in 15 minutes"
    assert len(lesson.steps) == 10
    scripts = {page.script for page in PAGES}
    assert all(step.page.script in scripts for step in lesson.steps)
    shown = {step.page.url_path for step in lesson.steps}
    assert {"draw", "denoise", "latent-2d", "latent-3d", "vae", "train"} <= shown
    for step in lesson.steps:  # a talking point is two or three sentences, as said aloud
        sentences = [s for s in step.talk.replace("?", ".").split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 4, step.title
    assert sum(step.question is not None for step in lesson.steps) >= 3


def test_settings_become_the_values_the_widgets_hold() -> None:
    lesson = parse_lesson('''title = "t"
[[steps]]
title = "Denoise"
page = "denoise"
talk = "Talk."
[steps.settings]
dn_source = "Test digits"
dn_n = "64"
dn_sigma = 0.25
dn_random = "false"
dn_models = ["conv", "Shallow dense (dense)"]
[[steps]]
title = "Clothes"
page = "vae"
talk = "Talk."
settings = { dataset = "Fashion-MNIST clothes", vae_interp_digit = "Dress", vae_trav_k = 2 }
''', "t")
    assert lesson.steps[0].settings == {
        "dn_source": "Test digits", "dn_n": 64, "dn_sigma": 0.25, "dn_random": False,
        "dn_models": ["conv", "dense"], "dataset": "mnist"}
    # On Fashion-MNIST the per-data-set widgets have their own keys, as the pages name them.
    assert lesson.steps[1].settings == {"dataset": "fashion_mnist",
                                        "vae_interp_digit_fashion_mnist": 3,
                                        "vae_trav_k_fashion_mnist": 2}


def test_the_examples_in_the_readme_and_on_the_lessons_page_are_valid_lessons() -> None:
    readme = (REPO / "README.md").read_text()
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    assert len(parse_lesson(example, "readme").steps) == 2
    assert parse_lesson(lessons.EXAMPLE, "page").steps[0].settings["dn_sigma"] == 0.8


# --- Malformed files ----------------------------------------------------------------------------

GOOD_STEP = '''
[[steps]]
title = "Start"
page = "home"
talk = "Hello."
'''

MALFORMED = {
    "unknown page": ('title = "t"\n[[steps]]\ntitle = "Maps"\npage = "latent-4d"\ntalk = "x"',
                     ['Step 1 ("Maps"), field `page`', "'latent-4d' is not a page",
                      "latent-2d"]),
    "unknown setting": (GOOD_STEP + '[[steps]]\ntitle = "Noise"\npage = "denoise"\ntalk = "x"\n'
                        'settings = { dn_sigmaa = 0.5 }',
                        ['Step 2 ("Noise"), field `settings.dn_sigmaa`',
                         "not a setting of Denoising lab", "dn_sigma"]),
    "a setting of another page": ('title = "t"\n[[steps]]\ntitle = "Noise"\npage = "denoise"\n'
                                  'talk = "x"\nsettings = { draw_sigma = 0.5 }',
                                  ["field `settings.draw_sigma`",
                                   "a setting of the Draw & reconstruct page"]),
    "value out of range": ('title = "t"\n[[steps]]\ntitle = "Noise"\npage = "denoise"\n'
                           'talk = "x"\nsettings = { dn_sigma = 7 }',
                           ['Step 1 ("Noise"), field `settings.dn_sigma`', "out of range",
                            "from 0 to 1"]),
    "value between the slider's steps": ('title = "t"\n[[steps]]\ntitle = "N"\npage = "denoise"\n'
                                         'talk = "x"\nsettings = { dn_sigma = 0.33 }',
                                         ["`settings.dn_sigma`", "in steps of 0.05"]),
    "not an option": ('title = "t"\n[[steps]]\ntitle = "N"\npage = "denoise"\ntalk = "x"\n'
                      'settings = { dn_source = "My digits" }',
                      ["`settings.dn_source`", "not one of the options", '"Test digits"']),
    "unknown model": ('title = "t"\n[[steps]]\ntitle = "N"\npage = "draw"\ntalk = "x"\n'
                      'settings = { models = ["conv", "gpt"] }',
                      ["`settings.models`", "'gpt' is not one of the options"]),
    "text for a number": ('title = "t"\n[[steps]]\ntitle = "N"\npage = "train"\ntalk = "x"\n'
                          'settings = { live_epochs = "many" }',
                          ["`settings.live_epochs`", "'many' is not a number"]),
    "not a whole number": ('title = "t"\n[[steps]]\ntitle = "N"\npage = "train"\ntalk = "x"\n'
                           'settings = { live_epochs = 4.5 }',
                           ["`settings.live_epochs`", "not a whole number"]),
    "probe off the map": ('title = "t"\n[[steps]]\ntitle = "N"\npage = "latent-3d"\ntalk = "x"\n'
                          'settings = { l3d_x_ae_3d = 1e9 }',
                          ["`settings.l3d_x_ae_3d`", "out of range"]),
    "missing talking point": ('title = "t"\n[[steps]]\ntitle = "Quiet"\npage = "home"',
                              ['Step 1 ("Quiet"), field `talk`: missing']),
    "missing page": ('title = "t"\n' + GOOD_STEP + '[[steps]]\ntitle = "Lost"\ntalk = "x"',
                     ['Step 2 ("Lost"), field `page`: missing']),
    "missing title": (GOOD_STEP, ["The lesson, field `title`: missing"]),
    "no steps": ('title = "t"', ["The lesson, field `steps`: missing"]),
    "a misspelt field": ('title = "t"\n[[steps]]\ntitle = "Q"\npage = "home"\ntalk = "x"\n'
                         'questoin = "Why?"', ['Step 1 ("Q"), field `questoin`',
                                               "not a field of a step"]),
    "presenter in a step": ('title = "t"\n[[steps]]\ntitle = "Q"\npage = "home"\ntalk = "x"\n'
                            'settings = { presenter = true }',
                            ["`settings.presenter`", "the teacher's choice"]),
    "bad TOML": ('title = "t"\n' + GOOD_STEP + '[[steps]]\ntitle = "Broken"\npage = "home"\n'
                 'talk = "x\nsettings = {}', ["not valid TOML", "line 10", "in step 2"]),
    "not text": (b"\xff\xfe\x00binary", ["not text (UTF-8)"]),
    "too big": ('title = "t"\n' + "# padding\n" * 10_000, ["at most 64,000"]),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_lesson_says_which_step_and_field(case: str) -> None:
    text, expected = MALFORMED[case]
    with pytest.raises(LessonError) as error:
        parse_lesson(text, "teacher", "uploaded", "teacher.toml")
    said = "\n".join(error.value.problems)
    for fragment in expected:
        assert fragment in said, said
    assert error.value.name == "teacher.toml"


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = ('title = "t"\n[[steps]]\ntitle = "A"\npage = "nowhere"\ntalk = "x"\n'
            '[[steps]]\ntitle = "B"\npage = "denoise"\ntalk = "x"\nsettings = { dn_n = 17 }')
    with pytest.raises(LessonError) as error:
        parse_lesson(text, "t")
    assert [p.split(",")[0] for p in error.value.problems] == ['Step 1 ("A")', 'Step 2 ("B")']


# --- The rules are the widgets' own ranges and options -----------------------------------------

VIEWS = [  # (page, link): together they show every widget a lesson can set
    ("app_pages/home.py", {}),
    ("app_pages/draw.py", {"draw_kind": "Both", "draw_random": "false"}),
    ("app_pages/denoise.py", {"dn_source": "Test digits", "dn_n": "16", "dn_random": "false",
                              "dn_models": "Convolutional (conv)"}),
    ("app_pages/latent_2d.py", {"l2d_grid": "true"}),
    ("app_pages/latent_2d.py", {"l2d_model": "VAE, 2-D latent (vae_2d)"}),
    ("app_pages/latent_3d.py", {}),
    ("app_pages/vae.py", {"vae_section": "Manifold grid"}),
    ("app_pages/vae.py", {"vae_section": "Traversals", "vae_trav_start": "A prior sample"}),
    ("app_pages/vae.py", {"vae_section": "Interpolation"}),
    ("app_pages/vae.py", {"vae_section": "Samples"}),
    ("app_pages/train_live.py", {}),
    ("app_pages/zoo.py", {}),
    (None, {}),  # the sidebar
]
SIDEBAR_OR_TABS = {"dataset", "presenter", "vae_section"}


@pytest.fixture(scope="module")
def widgets() -> dict:
    """Every keyed widget the pages above show, by key (the last one seen)."""
    from streamlit.testing.v1.element_tree import Widget

    seen: dict = {}
    for page, link in VIEWS:
        at = open_app(page, query_params=link)
        assert_no_problems(at)
        for node in _walk(at._tree):
            if isinstance(node, Widget) and node.key:
                seen[node.key] = node
        seen["vae_section"] = [tab.label for tab in at.tabs] or seen.get("vae_section")
    return seen


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


NOT_A_VIEW = {"lesson", "step", "class", "teacher"}  # read by pages, bound to no widget


def test_every_bound_widget_has_a_rule(widgets: dict) -> None:
    bound = {entry.key for entry in URL_KEYS} - NOT_A_VIEW
    assert bound <= set(widgets), f"not seen on any page: {sorted(bound - set(widgets))}"
    assert bound == {key for key in bound if settable(key)}
    assert not any(settable(key) for key in NOT_A_VIEW)


@pytest.mark.parametrize("key", [entry.key for entry in URL_KEYS if entry.key not in NOT_A_VIEW])
def test_a_rule_takes_what_its_widget_takes(key: str, widgets: dict) -> None:
    _, rule = rule_for(key, "mnist")
    widget = widgets[key]
    if key == "vae_section":
        assert list(rule.labels) == widget
    elif isinstance(rule, Number):
        proto = widget.proto
        assert (rule.low, rule.high) == pytest.approx((proto.min, proto.max))
        if rule.step is not None:
            assert rule.step == pytest.approx(proto.step)
    elif isinstance(rule, Flag):
        assert type(widget).__name__ in ("Toggle", "Checkbox")
    else:
        assert isinstance(rule, Choice)
        assert list(rule.labels) == list(widget.options)
        assert rule.many == (type(widget).__name__ == "Multiselect")


# --- Opening a step -----------------------------------------------------------------------------

def _reveal_if_asked(at):
    if at.button(key="lesson_next").label == "Reveal":
        at.button(key="lesson_next").click().run()
    return at


def test_a_link_opens_the_step_on_its_page_with_its_settings() -> None:
    at = open_app(query_params=STEP_LINK)  # a link to the app's root, as on a slide
    assert_no_problems(at)
    assert at.title[0].value == "Denoising lab"
    assert "4 of 10" in at.get_by_key("lesson_where").markdown[0].value
    step = shipped().steps[3]
    for key, value in step.settings.items():
        assert at.session_state[key] == value, key
    assert at.multiselect(key="dn_models").value == ["conv_denoise", "conv", "dense"]
    assert at.button_group(key="dn_source").value == "Test digits"


def test_the_whole_lesson_walks_with_next_and_back() -> None:
    lesson = shipped()
    at = open_app(query_params={"lesson": SHIPPED, "step": "1"})
    for number, step in enumerate(lesson.steps, start=1):
        _reveal_if_asked(at)
        assert_no_problems(at)
        assert at.title[0].value == ("Autoencoder Lab" if step.page.url_path == ""
                                     else step.page.title), number
        assert at.session_state["step"] == number
        for key, value in step.settings.items():  # the widget took the value, not a default
            held = at.session_state[key]
            assert held == (pytest.approx(value) if isinstance(value, float) else value), key
        if number < len(lesson.steps):
            at.button(key="lesson_next").click().run()
    at.button(key="lesson_prev").click().run()
    assert at.session_state["step"] == 9 and at.title[0].value == "VAE explorer"


def test_a_step_forgets_the_settings_the_class_changed_before() -> None:
    at = open_app(query_params={"lesson": SHIPPED, "step": "5"})
    _reveal_if_asked(at)
    at.slider(key="dn_sigma").set_value(0.9).run()
    at.button(key="lesson_prev").click().run()  # step 4: the same page, its own settings
    assert at.multiselect(key="dn_models").value == ["conv_denoise", "conv", "dense"]
    _reveal_if_asked(at).button(key="lesson_next").click().run()  # step 5 again
    _reveal_if_asked(at)
    assert at.slider(key="dn_sigma").value == pytest.approx(0.5)
    assert at.multiselect(key="dn_models").value == ["conv_denoise", "conv_crosshair"]


@pytest.mark.parametrize("link, says", [
    ({"lesson": "no-such-lesson", "step": "1"}, "not here"),
    ({"lesson": SHIPPED, "step": "99"}, "steps 1 to 10"),
    ({"lesson": SHIPPED, "step": "-1; drop"}, "steps 1 to 10"),
    ({"lesson": "../../etc/passwd"}, "not here"),
    ({"lesson": "[free prizes](http://example.com)", "step": "1"}, "`?free?prizes??http"),
])
def test_a_bad_link_says_so_and_the_page_still_works(link: dict, says: str) -> None:
    at = open_app(query_params=link)
    assert not at.exception
    assert any(says in w.value for w in at.warning)
    assert at.title[0].value == "Autoencoder Lab"


def test_a_step_title_is_shown_as_text_not_html() -> None:
    text = 'title = "t"\n[[steps]]\ntitle = "<img src=x onerror=alert(1)>"\npage = "home"\n' \
        'talk = "x. y."'
    at = open_app("app_pages/lessons.py", run=False)
    at.run()
    at.file_uploader(key="lesson_upload").upload("x.toml", text.encode(), "text/plain").run()
    at.button(key="lesson_go_upload-x").click().run()
    shown = at.get_by_key("lesson_where").markdown[0].value
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown and "<img" not in shown


def test_a_lesson_in_the_teachers_folder_is_listed_and_opens(tmp_path, monkeypatch) -> None:
    (tmp_path / "My noise lesson.toml").write_text(
        'title = "Noise, quickly"\n' + '[[steps]]\ntitle = "Gallery"\npage = "denoise"\n'
        'talk = "Look. Compare."\nsettings = { dn_source = "Test digits", dn_n = 16 }\n')
    (tmp_path / "broken.toml").write_text('title = "Broken"\n[[steps]]\ntitle = "B"\n'
                                         'page = "denoise"\ntalk = "x"\nsettings = { dn_n = 17 }')
    monkeypatch.setenv(lessons.FOLDER_ENV, str(tmp_path))
    at = open_app("app_pages/lessons.py")
    assert "Noise, quickly" in [m.value.removeprefix("### ") for m in at.markdown]
    assert any("broken.toml" in e.value and "settings.dn_n" in e.value for e in at.error)
    at = open_app(query_params={"lesson": "my-noise-lesson", "step": "1"})
    assert_no_problems(at)
    assert at.select_slider(key="dn_n").value == 16


# --- Guess first --------------------------------------------------------------------------------

def test_a_question_hides_the_results_until_reveal() -> None:
    at = open_app(query_params=STEP_LINK)
    question = shipped().steps[3].question
    assert any(question in m.value for m in at.markdown)
    assert not at.get("plotly_chart") and not at.slider  # the sweep and the galleries: not made
    at.button(key="dn_reveal").click().run()
    assert_no_problems(at)
    assert at.get("plotly_chart")
    assert "Gallery at one noise level" in [h.value for h in [*at.header, *at.subheader]]
    assert at.button(key="lesson_next").label == "Next"


def has_map(at) -> bool:
    """The 2-D page's map (`ui.latent_plane`) is on the page."""
    return any(e.proto.component_name == "latent_plane" for e in at.get("bidi_component"))


def test_a_question_hides_a_page_without_its_own_gate() -> None:
    at = open_app(query_params={"lesson": SHIPPED, "step": "6"})  # the 2-D map
    assert at.title[0].value == "Latent space 2-D"
    assert not at.get("bidi_component") and not at.selectbox  # nothing of the page is made
    at.button(key="lesson_next").click().run()  # Next reveals first, as a clicker's key does
    assert_no_problems(at)
    assert has_map(at) and at.session_state["step"] == 6


def test_the_guess_first_toggle_hides_until_reveal_and_again_for_a_new_question() -> None:
    at = open_app("app_pages/denoise.py", query_params={"dn_source": "Test digits", "dn_n": "16"})
    assert at.get("plotly_chart")
    at.toggle(key="dn_guess_first").set_value(True).run()
    assert not at.get("plotly_chart") and not at.slider
    at.button(key="dn_reveal").click().run()
    assert at.get("plotly_chart")
    at.select_slider(key="dn_n").set_value(32).run()  # other digits: guess again
    assert not at.get("plotly_chart")
    at.toggle(key="dn_guess_first").set_value(False).run()
    assert at.get("plotly_chart")


# --- The Lessons page ---------------------------------------------------------------------------

def test_the_lessons_page_starts_the_shipped_lesson() -> None:
    at = open_app("app_pages/lessons.py")
    assert_no_problems(at)
    start_on_the_lessons_page(at, 3)
    assert at.session_state["step"] == 3 and at.title[0].value == "Autoencoder Lab"
    assert at.selectbox(key="home_model").value == "dense"


def start_on_the_lessons_page(at, number: int):
    """Start the shipped lesson at step `number` with the Lessons page's button."""
    at.selectbox(key=f"lesson_start_{SHIPPED}").set_value(number)
    at.button(key=f"lesson_go_{SHIPPED}").click().run()
    at._page_hash = ""  # later runs ask for the page the app is on, as a browser does
    return at


def test_starting_a_lesson_again_hides_its_answers_again() -> None:
    at = start_on_the_lessons_page(open_app("app_pages/lessons.py"), 6)
    assert not has_map(at)
    at.button(key="lesson_next").click().run()  # revealed in a rehearsal
    assert has_map(at) and at.session_state["step"] == 6
    at.switch_page("app_pages/lessons.py").run()
    start_on_the_lessons_page(at, 6)  # the lesson, for real
    assert not has_map(at) and at.button(key="lesson_next").label == "Reveal"


def test_a_malformed_upload_gets_its_message_and_nothing_else_breaks() -> None:
    at = open_app("app_pages/lessons.py")
    text, _ = MALFORMED["value out of range"]
    at.file_uploader(key="lesson_upload").upload("mine.toml", text.encode(), "text/plain").run()
    assert not at.exception
    [error] = at.error
    assert "mine.toml" in error.value and 'Step 1 ("Noise"), field `settings.dn_sigma`' in error.value
    assert at.button(key=f"lesson_go_{SHIPPED}").label == "Start"  # the rest of the page works


def test_an_uploaded_lesson_starts() -> None:
    at = open_app("app_pages/lessons.py")
    text = 'title = "Mine"\n' + GOOD_STEP + '[[steps]]\ntitle = "Map"\npage = "latent-2d"\n' \
        'talk = "Dots. Clouds."\nsettings = { l2d_model = "vae_2d" }'
    at.file_uploader(key="lesson_upload").upload("Mine.toml", text.encode(), "text/plain").run()
    at.selectbox(key="lesson_start_upload-mine").set_value(2)
    at.button(key="lesson_go_upload-mine").click().run()
    assert_no_problems(at)
    assert at.title[0].value == "Latent space 2-D"
    assert at.selectbox(key="l2d_model").value == "vae_2d"
