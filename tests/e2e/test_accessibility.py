"""Accessibility in a real browser (issue 19): axe-core finds no critical or serious problem on any
page, in normal and presenter mode; the keyboard reaches and works the main controls; a finger
explores the 2-D map without panning it; nothing is fetched from outside the app.

axe-core comes with `axe-playwright-python` (requirements-dev.txt), so this runs offline. What
axe still reports inside Streamlit's own markup, that the app cannot change, is listed in
STREAMLIT_OWN with the reason; anything else fails the test.

What the keyboard cannot do, because Streamlit or the component cannot: draw on the canvas (the
Upload and Example inputs can be used instead), pick a point on a Plotly map (the probe sliders
reach every point), and rotate the 3-D cloud.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from browser_actions import assert_clean, draw_digit, map_axes, open_page, wait_idle
from ui import navigation

pytestmark = pytest.mark.browser

MODES = {"normal": ({"width": 1400, "height": 1000}, ""),
         "presenter": ({"width": 1280, "height": 720}, "?presenter=true")}
BLOCKING = ("critical", "serious")
TABS = '[data-testid="stMain"] [role="tab"]'


@dataclass(frozen=True)
class Allowed:
    rule: str
    selector: str  # the node, or an element around it, matches this CSS selector
    reason: str


STREAMLIT_OWN = (
    Allowed("color-contrast",
            '[data-testid="stSlider"]:has(input[type="range"]:disabled) '
            '[data-testid="stWidgetLabel"]',
            "the label of a disabled slider (the 2-D map's Grid size while the grid is off): "
            "Streamlit greys it to show the slider is off, and WCAG 1.4.3 exempts the text of "
            "inactive controls from the contrast minimum"),
)

# Finds the node axe names (a selector per shadow root on the way) and says whether it, or an
# element around it, matches the allowed selector.
MATCHES = """([path, selector]) => {
    let node = document;
    for (const step of path) { node = (node.shadowRoot ?? node).querySelector(step); if (!node) return false; }
    return node.closest(selector) !== null;
}"""


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def blocking_violations(page, axe) -> list[str]:
    """Critical and serious axe findings on the page as it is now, less STREAMLIT_OWN's."""
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            excused = any(allowed.rule == violation["id"] and
                          page.evaluate(MATCHES, [node["target"], allowed.selector])
                          for allowed in STREAMLIT_OWN)
            if not excused:
                found.append(f"{violation['id']} ({violation['impact']}): {node['target']} "
                             f"{node['html'][:120]} | {node.get('failureSummary', '')[:200]}")
    return found


def outside_requests(page, app_url: str) -> list[str]:
    """A list that grows with every request the page makes to anywhere but the app."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if not request.url.startswith(
        (app_url, "data:", "blob:")) else None)
    return seen


def open_settled(page, app_url: str, path: str) -> None:
    """The page once its script has finished: the title is there and nothing is running."""
    open_page(page, app_url, path)
    page.wait_for_selector('[data-testid="stMain"] h1')
    wait_idle(page)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("info", navigation.PAGES, ids=lambda info: info.url_path or "home")
def test_axe_finds_nothing_serious_on_any_page(browser, app_url, axe, info, mode):
    viewport, query = MODES[mode]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        outside = outside_requests(page, app_url)
        open_settled(page, app_url, info.url_path + query)
        problems = blocking_violations(page, axe)
        tabs = page.locator(TABS)
        for index in range(1, tabs.count()):  # every tab's content, not only the first one's
            tabs.nth(index).click()
            wait_idle(page)
            problems += [f"tab {index + 1}: {p}" for p in blocking_violations(page, axe)]
        assert problems == [], "\n".join(problems)
        assert outside == [], f"fetched from outside the app: {outside}"
        assert_clean(page)
    finally:
        context.close()


def test_axe_finds_nothing_serious_on_the_draw_page_with_a_drawing(page, app_url, axe):
    """The reconstructions, error maps and codes only appear once something is drawn."""
    open_settled(page, app_url, "draw")
    draw_digit(page, 3)
    page.get_by_text("Error map", exact=True).first.wait_for()
    wait_idle(page)
    problems = blocking_violations(page, axe)
    assert problems == [], "\n".join(problems)


def focus_order(page, presses: int) -> list[str]:
    """What Tab reaches, in order: each focused element's role and accessible name."""
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("""() => {
            const el = document.activeElement;
            const role = el.getAttribute('role') || (el.type === 'range' ? 'slider' : el.tagName.toLowerCase());
            const name = el.getAttribute('aria-label') || el.labels?.[0]?.innerText || el.innerText || '';
            return `${role}: ${name.replace(/\\s+/g, ' ').trim()}`;
        }"""))
    return reached


def slider_value(slider) -> float:
    return float(slider.evaluate("(el) => el.getAttribute('aria-valuenow') ?? el.value"))


def test_tab_reaches_the_draw_page_controls_and_keys_work_them(page, app_url):
    open_settled(page, app_url, "draw")
    reached = focus_order(page, 40)
    for role, name in (("a", "Draw & reconstruct"), ("radio", "Draw"), ("slider", "Pen width"),
                       ("button", "Clear"), ("radio", "None"), ("combobox", "Models to compare")):
        assert any(r.startswith(f"{role}: ") and r.endswith(name) for r in reached), \
            f"Tab never reached the {role} {name!r}:\n" + "\n".join(reached)
    # The pen width moves with the arrow keys.
    pen = page.get_by_role("slider", name="Pen width")
    pen.focus()
    before = slider_value(pen)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert slider_value(pen) == before + 3
    # The corruption's options are a radio group: an arrow key moves to the next and picks it.
    page.get_by_role("radio", name="None").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    page.get_by_role("slider", name="Noise sigma").wait_for()
    wait_idle(page)
    assert page.get_by_role("radio", name="Gaussian noise").is_checked()
    assert_clean(page)


def test_the_page_picker_and_a_select_box_work_from_the_keyboard(page, app_url):
    """Presenter mode folds the sidebar: the keyboard opens it and follows a page link; then
    the 2-D map's model picker opens and chooses with the arrow keys."""
    open_settled(page, app_url, "?presenter=true")
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    expand.focus()
    page.keyboard.press("Enter")
    link = page.locator('[data-testid="stSidebarNav"] a', has_text="Latent space 2-D")
    link.wait_for(state="visible")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/latent-2d**")
    wait_idle(page)
    picker = page.get_by_role("combobox", name="Model")
    picker.focus()
    page.keyboard.press("ArrowDown")
    page.get_by_role("listbox").wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).has('l2d_model')")
    wait_idle(page)
    assert page.get_by_role("listbox").count() == 0
    assert_clean(page)


def test_a_finger_on_the_2d_map_explores_it_without_panning(browser, app_url):
    """On a phone the map stays put under the finger while the probe is decoded, and its title
    fits the 390-px screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        open_settled(page, app_url, "latent-2d")
        page.wait_for_function("() => window.aeLive?.latent?.ready === true")
        box = map_axes(page)
        ranges = "() => window.aeLive.plane.ranges()"
        before, decodes = page.evaluate(ranges), page.evaluate("() => window.aeLive.latent.decodes")
        touch = context.new_cdp_session(page)
        x, y = box["x"] + 0.3 * box["width"], box["y"] + 0.5 * box["height"]
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for step in range(1, 9):
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                {"x": x + step * 0.05 * box["width"], "y": y + step * 0.02 * box["height"]}]})
            page.wait_for_timeout(40)
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(300)
        assert page.evaluate(ranges) == before, "the finger panned the map"
        assert page.evaluate("() => window.aeLive.latent.decodes") - decodes >= 3
        title = page.get_by_text("test digits", exact=False).first
        title_box = title.bounding_box()
        assert title_box["x"] >= 0 and title_box["x"] + title_box["width"] <= 390
        assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", title.element_handle())
    finally:
        context.close()


SCENE_SIZE = """() => { const plot = document.querySelector('.js-plotly-plot');
  const box = plot.getBoundingClientRect();
  return {left: box.left, right: box.right, width: box.width, height: box.height,
          drawnWidth: plot._fullLayout.width, drawnHeight: plot._fullLayout.height}; }"""


@pytest.mark.parametrize("screen", [{"width": 390, "height": 844}, {"width": 1400, "height": 1000}],
                         ids=["phone", "desktop"])
def test_the_3d_cloud_fits_the_screen(browser, app_url, screen):
    """Plotly scales a 3-D scene to its plot's height: on a phone a plot as tall as the desktop's
    showed the cube's left side and its z3 labels cut off. There the plot is about as tall as it
    is wide, and Plotly draws to that box; a desktop keeps the figure's own height."""
    phone = screen["width"] < 640
    context = browser.new_context(viewport=screen, has_touch=phone, is_mobile=phone)
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        open_settled(page, app_url, "latent-3d")
        page.wait_for_function("() => document.querySelector('.js-plotly-plot')?._fullLayout")
        scene = page.evaluate(SCENE_SIZE)
        assert scene["left"] >= 0 and scene["right"] <= screen["width"]
        assert scene["drawnHeight"] == pytest.approx(scene["height"], abs=1), "drawn to its box"
        assert scene["drawnWidth"] == pytest.approx(scene["width"], abs=1)
        if phone:
            # the legend's rows (~110 px) under a scene about as tall as the plot is wide
            assert scene["height"] <= screen["width"] + 60 + 1, scene
        else:
            assert scene["height"] == 650, scene
        assert_clean(page)
    finally:
        context.close()
