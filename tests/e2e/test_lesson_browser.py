"""A teacher runs the shipped lesson on a projector with a presentation clicker: presenter mode at
1280x720, Page Down only. Each step opens its page with its settings; a step with a question
shows the question and no results until the next Page Down reveals them. A malformed lesson
uploaded on the Lessons page gets its message, naming the step and the field."""

from __future__ import annotations

import pytest

from browser_actions import assert_clean, open_page, report_failure, wait_idle
from server import REPO

from ui import lessons

pytestmark = pytest.mark.browser
SHIPPED = "autoencoders-in-15-minutes"
SLIDER_VALUE = '[data-testid="stSliderThumbValue"]'
SELECTED_TAB = '[role="tab"][aria-selected="true"]'
ACTIVE_SEGMENT = '[role="radio"][aria-checked="true"]'

# One setting per step, as the page shows it: (CSS selector, the text it holds).
SHOWN_SETTING = {
    1: (".st-key-home_model", "Convolutional"),
    2: (f".st-key-draw_kind {ACTIVE_SEGMENT}", "None"),
    3: (".st-key-home_model", "Shallow dense"),
    4: (".st-key-dn_models", "Shallow dense (dense)"),
    5: (f".st-key-dn_thickness {SLIDER_VALUE}", "3"),
    6: (".st-key-l2d_model", "2-D code (ae_2d)"),
    7: (f".st-key-l3d_z_ae_3d {SLIDER_VALUE}", "29.50"),
    8: (SELECTED_TAB, "Manifold grid"),
    9: (f".st-key-vae_interp_steps {SLIDER_VALUE}", "11"),
    10: (f".st-key-live_epochs {SLIDER_VALUE}", "5"),
}
# A question hides what the class is to guess: these are not on the page until it is revealed.
HIDDEN_RESULT = {4: '[data-testid="stPlotlyChart"]', 5: '[data-testid="stPlotlyChart"]',
                 6: '.st-key-l2d_map', 9: '[data-testid="stImage"], canvas'}


@pytest.fixture
def projector(browser, request):
    """A 1280x720 tab, as a projector shows it."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    try:
        report_failure(request, tab)
    finally:
        context.close()


def bar_text(page) -> str:
    return page.locator(".st-key-lesson_where").inner_text()


def shown_text(locator) -> str:
    """What a widget shows: its text and the values in its inputs (a select box's choice)."""
    return locator.evaluate("(el) => el.innerText + ' ' + "
                            "[...el.querySelectorAll('input')].map((i) => i.value).join(' ')")


def press(page, key: str) -> None:
    page.keyboard.press(key)
    wait_idle(page, timeout=120)


def test_the_shipped_lesson_runs_with_the_clicker_keys_alone(projector, app_url):
    lesson = lessons.load(lessons.find(SHIPPED))
    page = projector
    open_page(page, app_url, f"?lesson={SHIPPED}&step=1&presenter=true")
    for number, step in enumerate(lesson.steps, start=1):
        page.wait_for_function("(n) => document.querySelector('.st-key-lesson_where')"
                               "?.innerText.includes(`Step ${n} of 10`)", arg=number)
        wait_idle(page, timeout=120)
        assert page.locator("h1").first.inner_text() == (
            "Autoencoder Lab" if step.page.url_path == "" else step.page.title)
        assert f"/{step.page.url_path}?" in page.url and f"step={number}" in page.url
        if step.question:
            assert page.get_by_text(step.question[:40]).first.is_visible()
            if number in HIDDEN_RESULT:
                assert page.locator(HIDDEN_RESULT[number]).count() == 0, f"step {number} peeks"
            press(page, "PageDown")  # the first press reveals
            assert page.get_by_role("button", name="Next").count() == 1
        selector, text = SHOWN_SETTING[number]
        shown = page.locator(selector).first
        shown.wait_for()
        assert text in shown_text(shown), f"step {number}: {selector}"
        if number in HIDDEN_RESULT:
            assert page.locator(HIDDEN_RESULT[number]).count() > 0, f"step {number}: no results"
        assert_clean(page)
        page.screenshot(path=str(REPO / "test-output" / "screenshots" / f"lesson-step-{number}.png"))
        if number < len(lesson.steps):
            press(page, "PageDown")
    press(page, "PageDown")  # past the last step: nothing happens
    assert "Step 10 of 10" in bar_text(page)
    press(page, "PageUp")
    page.wait_for_function("() => document.querySelector('.st-key-lesson_where')"
                           "?.innerText.includes('Step 9 of 10')")


def test_keys_typed_into_a_slider_stay_with_the_slider(projector, app_url):
    page = projector
    open_page(page, app_url, f"?lesson={SHIPPED}&step=7&presenter=true")
    page.wait_for_function("() => document.querySelector('.st-key-lesson_where')"
                           "?.innerText.includes('Step 7 of 10')")
    wait_idle(page, timeout=120)
    page.locator(".st-key-l3d_x_ae_3d").get_by_role("slider").focus()
    press(page, "ArrowRight")
    assert "Step 7 of 10" in bar_text(page)
    assert page.locator(f".st-key-l3d_x_ae_3d {SLIDER_VALUE}").inner_text() != "-52.00"


def test_a_malformed_uploaded_lesson_shows_its_message(page, app_url):
    open_page(page, app_url, "lessons")
    broken = ('title = "Mine"\n[[steps]]\ntitle = "Noise"\npage = "denoise"\ntalk = "Look."\n'
              'settings = { dn_sigma = 7 }\n')
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "mine.toml", "mimeType": "text/plain", "buffer": broken.encode()}])
    error = page.locator('[data-testid="stAlertContentError"]').first
    error.wait_for()
    said = error.inner_text()
    assert "mine.toml" in said and 'Step 1 ("Noise")' in said and "settings.dn_sigma" in said
    assert "out of range" in said
    assert page.get_by_role("button", name="Start").count() >= 1  # the shipped lesson still there
    assert_clean(page)
