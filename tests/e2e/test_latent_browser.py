"""A person on the latent pages: their drawing follows them, a click on the map decodes that point,
and the 3-D probe sliders change the decoding."""

from __future__ import annotations

import pytest
from browser_actions import assert_clean, draw_digit, go_to, map_axes, open_page, wait_idle

pytestmark = pytest.mark.browser
NO_DRAWING = "No drawing yet"


def decoded_caption(page) -> str:
    return page.get_by_text("Decoded at").first.inner_text()


def test_drawing_follows_to_the_latent_pages(page, app_url):
    open_page(page, app_url, "draw")
    page.wait_for_function("() => window.aeLive?.draw?.ready === true", timeout=90_000)
    draw_digit(page, 7)
    page.wait_for_function("() => window.aeLive.draw.source === 'server'", timeout=60_000)
    for title in ("Latent space 2-D", "Latent space 3-D"):
        go_to(page, title)
        page.get_by_text("Your digit").first.wait_for()
        assert page.get_by_text(NO_DRAWING).count() == 0, f"{title} lost the drawing"
        assert_clean(page)


def test_click_on_a_dot_of_the_2d_map_decodes_that_point(page, app_url):
    """The map's click moves the probe (server); the live panel then shows it decoded (the
    server-only path: test_live_latent_browser.py, runtime made to fail)."""
    open_page(page, app_url, "latent-2d")
    page.wait_for_function("() => window.aeLive?.latent?.ready === true", timeout=60_000)
    map_axes(page)
    before_text = decoded_caption(page)
    page.mouse.click(*page.evaluate("() => window.aeLive.plane.dot(2000)"))
    page.wait_for_function("() => location.search.includes('l2d_x_ae_2d')", timeout=60_000)
    wait_idle(page)
    page.mouse.move(0, 0)  # off the map: the panel shows the pinned point
    page.wait_for_function("(before) => !document.body.innerText.includes(before)", arg=before_text,
                           timeout=60_000)
    pinned = page.evaluate("() => ['l2d_x_ae_2d', 'l2d_y_ae_2d'].map("
                           "k => Number(new URLSearchParams(location.search).get(k)))")
    shown = page.evaluate("() => window.aeLive.latent.lastPoint")
    assert shown == pytest.approx(pinned, abs=1e-6), "the live panel decodes the pinned dot"
    assert_clean(page)


def test_3d_probe_sliders_change_the_decoding(page, app_url):
    """Keyboard steps on a probe slider move the probe (server) and the live panel decodes it."""
    open_page(page, app_url, "latent-3d")
    page.wait_for_function("() => window.aeLive?.latent?.ready === true", timeout=60_000)
    before_text = decoded_caption(page)
    slider = page.locator('[data-testid="stSlider"]').first.get_by_role("slider")
    slider.focus()
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("(before) => !document.body.innerText.includes(before)", arg=before_text,
                           timeout=60_000)
    page.wait_for_function("() => location.search.includes('l3d_x_ae_3d')", timeout=60_000)
    wait_idle(page)
    assert decoded_caption(page) != before_text
    x = float(page.evaluate("() => new URLSearchParams(location.search).get('l3d_x_ae_3d')"))
    assert page.evaluate("() => window.aeLive.latent.lastPoint[0]") == pytest.approx(x, abs=0.005)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
    assert_clean(page)
