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

from screenshot_tools import SCREENSHOTS, app_and_browser, new_tab

from browser_actions import CANVAS, open_page, wait_idle
from class_actions import draw_and_send, join

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
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else SCREENSHOTS
    out.mkdir(parents=True, exist_ok=True)
    # The app's processes and this one (seed_drawings) share a class store of their own.
    os.environ["AE_CLASS_DIR"] = tempfile.mkdtemp(prefix="aelab-class-shots-")
    with app_and_browser() as (url, browser):
        teacher = new_tab(browser, 1400, 1000)
        code = wall(teacher, url, out)
        link = teacher_link(teacher)
        projector = new_tab(browser, 1280, 720)
        open_page(projector, url, "class?" + link.split("?", 1)[1] + "&presenter=true")
        projector.locator(".ae-tile").first.wait_for()
        wait_idle(projector)
        projector.screenshot(path=str(out / "class-wall-presenter.png"))
        phone = new_tab(browser, 390, 844, has_touch=True, is_mobile=True)
        pupil_phone(phone, url, code, out)
    print(f"class screenshots in {out}")


def wall(teacher, url: str, out: Path) -> str:
    """Start a class, fill its wall, save the grid and the 2-D map; returns the room code."""
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
    return code


def teacher_link(teacher) -> str:
    teacher.get_by_text("Teacher link (keep it private)").click()
    return next(text for text in teacher.locator('[data-testid="stCode"]').all_inner_texts()
                if "teacher=" in text).strip()


def pupil_phone(phone, url: str, code: str, out: Path) -> None:
    """Join by the link, draw a 3 with a finger, send it; save the canvas and the class panel."""
    join(phone, url, code, "Zoé")
    draw_and_send(phone, 3, finger=True)
    phone.locator(CANVAS).first.evaluate(  # the canvas, then the class's panel
        "el => { el.scrollIntoView({block: 'start'}); "
        "document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, -70); }")
    phone.wait_for_timeout(500)
    phone.screenshot(path=str(out / "class-phone.png"))


if __name__ == "__main__":
    main()
