"""What a person does in the browser, as functions shared by the end-to-end tests and the benchmarks."""

from __future__ import annotations

import time

CANVAS = '[data-testid="stBidiComponentIsolated"] canvas.upper-canvas'
LATENT_MAP = ".st-key-l2d_map"  # the 2-D latent page's map (ui/latent_plane.py)
EXCEPTION = '[data-testid="stException"]'
# Behind deploy/serve.py a teacher's page reloads once it holds the teacher cookie, to reach the
# wall's own process (ui.class_teacher.hand_over_cookies): true in the page after that reload.
RELOADED = "() => performance.getEntriesByType('navigation')[0]?.type === 'reload'"

# Pen paths in a unit box: how a person draws these digits on the canvas.
STROKES = {
    3: [(0.25, 0.18), (0.5, 0.1), (0.72, 0.22), (0.52, 0.47), (0.75, 0.68), (0.5, 0.9), (0.25, 0.8)],
    7: [(0.22, 0.15), (0.78, 0.15), (0.42, 0.88)],
    1: [(0.4, 0.25), (0.55, 0.12), (0.55, 0.88)],
    0: [(0.5, 0.1), (0.28, 0.3), (0.3, 0.75), (0.5, 0.9), (0.72, 0.72), (0.7, 0.28), (0.5, 0.1)],
}


def failure_evidence(page, path) -> str:
    """What a tab showed when its test failed, for the test's report: its address, how many
    headings, exceptions and running indicators it had, the start of its main area's text; and
    a full-page screenshot at `path` (a failure on another machine is otherwise a guess)."""
    try:
        page.screenshot(path=str(path), full_page=True, timeout=15_000)
        seen = page.evaluate("""() => ({
            h1: document.querySelectorAll('h1').length,
            exceptions: document.querySelectorAll('[data-testid="stException"]').length,
            running: document.querySelectorAll('[data-testid="stStatusWidget"]').length,
            main: (document.querySelector('[data-testid="stMain"]')?.innerText ?? '').slice(0, 600),
        })""")
    except Exception as problem:  # the tab itself may be what broke
        return f"{page.url}: no evidence ({problem})"
    return f"{page.url}: {seen} (screenshot: {path})"


def report_failure(request, tab) -> None:
    """After a failed test (conftest's report hook), print what its tab showed, which lands in
    the test's report (on CI too), and save a screenshot under test-output/failures."""
    if getattr(request.node, "call_failed", False):
        from server import REPO

        folder = REPO / "test-output" / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        print("the tab at the failure:", failure_evidence(tab, folder / f"{request.node.name}.png"))


def open_page(page, base_url: str, path: str = "") -> None:
    page.goto(f"{base_url}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stApp"]')
    wait_idle(page)


def wait_idle(page, timeout: float = 60, settle: float = 0.8) -> None:
    """Wait until Streamlit has finished running the script.

    Streamlit shows its running indicator only after 0.5 s of running, so "idle" means: no
    status widget, spinner or skeleton on the page, and the page's markup unchanged for `settle` s.
    """
    deadline = time.time() + timeout
    busy = ('[data-testid="stStatusWidget"], [data-testid="stSpinner"], '
            '[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')
    last, stable_since = None, time.time()
    while time.time() < deadline:
        markup = page.evaluate("() => document.body.innerHTML.length + ':' + "
                               "document.querySelectorAll('img').length")
        if page.locator(busy).count() or markup != last:
            last, stable_since = markup, time.time()
        elif time.time() - stable_since >= settle:
            return
        time.sleep(0.1)
    raise TimeoutError("the app was still running after %.0f s" % timeout)


def draw_digit(page, digit: int = 3, steps: int = 12) -> None:
    """Draw one stroke on the canvas with the mouse, as a person would."""
    canvas = page.locator(CANVAS).first
    canvas.wait_for()
    box = canvas.bounding_box()
    points = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in STROKES[digit]]
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y, steps=steps)
    page.mouse.up()


def image_sources(page, caption: str) -> list[str]:
    """The src of every st.image whose caption contains `caption` (they change when images do)."""
    return page.evaluate(
        """(caption) => Array.from(document.querySelectorAll('[data-testid="stImage"]'))
            .filter(el => (el.innerText || '').includes(caption))
            .map(el => { const img = el.querySelector('img'); return img ? img.src : ''; })""",
        caption)


def metric_values(page, label: str) -> list[str]:
    return page.evaluate(
        """(label) => Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
            .filter(el => el.querySelector('[data-testid="stMetricLabel"]').innerText.trim() === label)
            .map(el => el.querySelector('[data-testid="stMetricValue"]').innerText.trim())""",
        label)


def assert_clean(page) -> None:
    """No exception element and no traceback text anywhere on the page."""
    assert page.locator(EXCEPTION).count() == 0, "an exception element is on the page"
    assert "Traceback" not in page.inner_text("body"), "a traceback is on the page"


def wait_for_change(page, caption: str, before: list[str], count: int | None = None,
                    timeout: float = 120) -> list[str]:
    """Poll until every image with `caption` differs from `before` (and there are `count` of them)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = image_sources(page, caption)
        enough = len(now) >= (count or 1)
        if enough and all(src and src not in before for src in now):
            return now
        time.sleep(0.02)
    raise TimeoutError(f"images captioned {caption!r} did not update within {timeout:.0f} s")


def go_to(page, title: str) -> None:
    """Follow the sidebar link to a page (same session, so the current input comes along)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    wait_idle(page, timeout=120)


def server_path_only(page) -> None:
    """Block TensorFlow.js and the Draw page's live module in this tab: the pages fall back to
    the server's own pictures, as in a browser that cannot run the page's scripts (the server
    path keeps its own tests; with the module but no TensorFlow.js, the Draw page paints the
    server's results, tested in test_live_draw_browser.py)."""
    page.route("**/tf.min.js", lambda route: route.abort())
    page.route("**/static/live/draw_reconstruct.js", lambda route: route.abort())


def map_axes(page) -> dict:
    """The 2-D latent map scrolled into view, drawn; the box between its axes (client x, y,
    width, height), from the map's test hook (static/live/latent_plane.js)."""
    page.wait_for_function("() => window.aeLive?.plane?.draws > 0", timeout=60_000)
    page.locator(LATENT_MAP).first.scroll_into_view_if_needed()
    return page.evaluate("() => window.aeLive.plane.axes()")
