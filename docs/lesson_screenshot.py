"""The README's lesson screenshot: `python docs/lesson_screenshot.py [STEP] [OUT]`.

Starts the app on a free port without a data set (synthetic digits: no data set image in the
repository), opens the shipped lesson in presenter mode at 1280x720, draws a 3 at step 2 and
walks to STEP (default 6) with Page Down alone, as a presentation clicker would, revealing the
answers on the way; then opens the talking point and saves the screen.
"""

from __future__ import annotations

import argparse

from screenshot_tools import SCREENSHOTS, app_and_browser, new_tab

from browser_actions import draw_digit, open_page, wait_idle

LESSON = "autoencoders-in-15-minutes"


def step_shown(page) -> str:
    return page.locator(".st-key-lesson_where").inner_text()


def walk_to(page, step: int) -> None:
    """Page Down until `step` is open and its answer revealed; draw a 3 on the Draw step."""
    drawn = False
    while True:
        wait_idle(page, timeout=180)
        here = int(step_shown(page).split(" of ")[0].split()[-1])
        if not drawn and page.locator('[data-testid="stBidiComponentIsolated"] canvas').count():
            draw_digit(page, 3)
            wait_idle(page, timeout=180)
            drawn = True
        revealed = page.get_by_role("button", name="Next").count() > 0
        if here == step and revealed:
            return
        page.keyboard.press("PageDown")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", nargs="?", type=int, default=6)
    parser.add_argument("out", nargs="?", default=str(SCREENSHOTS / "lesson-presenter.png"))
    args = parser.parse_args()

    with app_and_browser() as (url, browser):
        page = new_tab(browser, 1280, 720)
        open_page(page, url, f"?lesson={LESSON}&step=1&presenter=true")
        walk_to(page, args.step)
        page.get_by_role("button", name="Talking point").click()
        page.wait_for_timeout(1500)  # plotly and the popover finish painting
        page.screenshot(path=args.out)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
