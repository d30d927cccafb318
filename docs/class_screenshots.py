"""Screenshots of class mode for the README: `python docs/class_screenshots.py [OUT]`.

Starts the app on a free port with a class store in a temporary folder, starts a class in
headless Chromium, lets 12 pupils send 40 drawings (made the way people draw on the canvas,
straight into the store), and saves the wall at 1400x1000 (grid and 2-D map), the wall in
presenter mode at 1280x720 (opened with the teacher link), and a pupil's Draw page on a
390x844 touch phone after drawing a 3 with a finger and sending it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "e2e")]  # run as a script, beside the tests

from browser_actions import CANVAS, open_page, wait_idle  # noqa: E402
from class_actions import draw_and_send, join  # noqa: E402
from server import (CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server,  # noqa: E402
                    wait_healthy)

NAMES = ["Ana", "Ben", "Chloé", "Dev", "Eli", "Fatou", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lou"]


def seed_drawings(code: str, n: int = 40) -> None:
    """`n` drawings from 12 pupils (a round of sends every 2 s, as the room allows), every
    seventh without a digit named."""
    from ae_models.data import canvas_style_digits
    from classroom.store import ClassStore

    store = ClassStore()
    images, labels = canvas_style_digits(n, seed=5)
    pupils = [store.join(code, name) for name in NAMES]
    for i in range(n):
        if i and i % len(pupils) == 0:
            time.sleep(2.1)
        image = images[i].astype("float32") / 255 if images.dtype == "uint8" else images[i]
        store.send(code, pupils[i % len(pupils)], image,
                   None if i % 7 == 6 else int(labels[i]))
    store.dispose()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    os.environ["AE_CLASS_DIR"] = tempfile.mkdtemp(prefix="aelab-class-shots-")
    from playwright.sync_api import sync_playwright

    port = free_port()
    # No data set: the pictures show our own digits, never the data set's images.
    server = start_server(port, {"AE_DATA_DIR": ""})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            teacher = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            teacher.set_default_timeout(120_000)
            open_page(teacher, url, "class")
            teacher.get_by_role("button", name="Start a class").click()
            teacher.locator(".ae-room-code").wait_for()
            code = teacher.locator(".ae-room-code").inner_text().strip()
            seed_drawings(code)
            teacher.locator(".ae-tile").nth(19).wait_for()  # the wall refreshed by itself
            wait_idle(teacher)
            teacher.screenshot(path=str(out / "class-wall.png"))
            teacher.get_by_text("2-D map", exact=True).click()
            wait_idle(teacher)
            teacher.screenshot(path=str(out / "class-map.png"))

            teacher.get_by_text("Teacher link (keep it private)").click()
            link = next(text for text in teacher.locator('[data-testid="stCode"]').all_inner_texts()
                        if "teacher=" in text).strip()
            projector = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            projector.set_default_timeout(120_000)
            open_page(projector, url, "class?" + link.split("?", 1)[1] + "&presenter=true")
            projector.locator(".ae-tile").first.wait_for()
            wait_idle(projector)
            projector.screenshot(path=str(out / "class-wall-presenter.png"))

            phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                        is_mobile=True).new_page()
            phone.set_default_timeout(120_000)
            join(phone, url, code, "Zoé")
            draw_and_send(phone, 3, finger=True)
            phone.locator(CANVAS).first.evaluate(  # the canvas, then the class's panel
                "el => { el.scrollIntoView({block: 'start'}); "
                "document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, -70); }")
            phone.wait_for_timeout(500)
            phone.screenshot(path=str(out / "class-phone.png"))
            browser.close()
    finally:
        stop_server(server)
    print(f"class screenshots in {out}")


if __name__ == "__main__":
    main()
