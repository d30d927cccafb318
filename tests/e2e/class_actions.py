"""What a pupil does in class mode in a real browser (the class tests and the README's
screenshots share it): join by the link, draw with the mouse or a finger, press Send."""

from __future__ import annotations

import re
import time

from browser_actions import CANVAS, STROKES, draw_digit, open_page, wait_idle

SENT = re.compile(r"drawing #(\d+) is on the wall")


def centre_canvas(page):
    """The canvas in the middle of the screen: a stroke that starts under Streamlit's header
    (the join form pushes the canvas up) would draw nothing."""
    canvas = page.locator(CANVAS).first
    canvas.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    return canvas


def finger_digit(page, digit: int) -> None:
    """Draw a digit with one finger (CDP touch events: Playwright's mouse makes no touches)."""
    box = centre_canvas(page).bounding_box()
    points = [(box["x"] + x * box["width"], box["y"] + y * box["height"])
              for x, y in STROKES[digit]]
    touch = page.context.new_cdp_session(page)

    def at(x: float, y: float, kind: str) -> None:
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})

    at(*points[0], "touchStart")
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        for step in range(1, 9):
            at(x0 + (x1 - x0) * step / 8, y0 + (y1 - y0) * step / 8, "touchMove")
            page.wait_for_timeout(25)
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def join(page, url: str, code: str, name: str) -> None:
    open_page(page, url, f"draw?class={code}")
    page.get_by_role("textbox", name="Your first name or a nickname").fill(name)
    page.get_by_role("button", name="Join the class").click()
    page.get_by_text(f"In class {code} as {name}").wait_for()
    wait_idle(page)


def sent_ids(page) -> list[int]:
    """The drawing the Send component last reported on the wall (ui/class_send.py)."""
    texts = page.locator('.class-send .status[data-kind="sent"]').all_inner_texts()
    return [int(m.group(1)) for t in texts if (m := SENT.search(t))]


def draw_and_send(page, digit: int, finger: bool = False) -> int:
    """Draw `digit`, say which digit it is, press Send; returns the drawing's id on the wall."""
    if finger:
        finger_digit(page, digit)
    else:
        centre_canvas(page)
        draw_digit(page, digit)
    wait_idle(page)
    panel = page.locator(".st-key-class_panel")
    panel.locator('[data-testid="stButtonGroup"] button').filter(
        has_text=re.compile(rf"^{digit}$")).click()
    wait_idle(page)
    before = sent_ids(page)
    send = panel.get_by_role("button", name="Send to the class")
    try:
        send.click(timeout=30_000)
    except Exception as exc:
        raise AssertionError(f"Send stayed disabled; the page says: {panel.inner_text()}") from exc
    deadline = time.time() + 60
    while time.time() < deadline:
        if new := [i for i in sent_ids(page) if i not in before]:
            return new[0]
        time.sleep(0.1)
    raise TimeoutError(f"no new drawing sent; the page says: {panel.inner_text()}")
