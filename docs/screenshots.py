"""Screenshots of every page with a drawn digit, for the README: `python docs/screenshots.py [OUT]`.

Starts the app on a free port, draws a 3 on the Draw page with the mouse, then visits every page
through the sidebar (so the drawing follows) and saves one PNG per page. `--presenter` takes them at
1280x720 with presenter mode on, to check that each page's key figure fits one projector screen.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: `python docs/screenshots.py`

from tests.e2e.browser_actions import draw_digit, open_page, wait_idle  # noqa: E402
from tests.e2e.server import (CHROMIUM, CHROMIUM_ARGS, free_port, start_server,  # noqa: E402
                              stop_server, wait_healthy)
from ui import navigation  # noqa: E402

# (file name, sidebar title) of every page, from the app's one table of pages.
PAGES = [(page.url_path or "home", page.title) for page in navigation.PAGES]


def go_to(page, title: str, fold_sidebar: bool) -> None:
    """Through the sidebar, as a person would (a new URL would start a new session, without the
    drawing); presenter mode folds the sidebar, so open it first and fold it again after."""
    link = page.locator('[data-testid="stSidebarNav"] a', has_text=title).first
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.is_visible():  # a folded sidebar's links still count as visible, off-screen
        expand.click()
    link.click()
    if fold_sidebar:
        page.locator('[data-testid="stSidebar"]').hover()
        page.locator('[data-testid="stSidebarCollapseButton"] button').click()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--presenter", action="store_true", help="1280x720, presenter mode on")
    parser.add_argument("--pages", nargs="*", help="only these url paths (e.g. draw vae)")
    parser.add_argument("--fashion", action="store_true",
                        help="switch the sidebar to Fashion-MNIST and use an example garment")
    parser.add_argument("--real-data", action="store_true",
                        help="serve ../shared/data's MNIST (for looking only: never commit these)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    viewport = {"width": 1280, "height": 720} if args.presenter else {"width": 1400, "height": 1000}

    from playwright.sync_api import sync_playwright

    port = free_port()
    # The committed screenshots must not show images from the data sets (Train it live shows its
    # validation digits), so the server gets no data set and uses synthetic digits, unless asked.
    shared_data = REPO.parent / "shared" / "data"
    use_real = args.real_data and shared_data.is_dir()
    server = start_server(port, {"AE_DATA_DIR": str(shared_data) if use_real else ""})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=viewport)
            page.set_default_timeout(120_000)
            open_page(page, url, "draw")
            if args.presenter:
                page.get_by_text("Presenter mode").click()
                wait_idle(page)
            if args.fashion:
                page.get_by_text("Fashion-MNIST clothes").click()
                wait_idle(page, timeout=180)
                page.get_by_text("Example", exact=True).first.click()  # no drawing: a test garment
            else:
                draw_digit(page, 3)
            # presenter tiles are captioned with their scores, the full view's rows have an error
            # map (text: the browser paints the tiles on canvases, not as images)
            page.get_by_text("PSNR" if args.presenter else "Error map", exact=not args.presenter
                             ).first.wait_for(timeout=180_000)
            wait_idle(page)
            for path, title in PAGES:
                if args.pages and path not in args.pages:
                    continue
                go_to(page, title, fold_sidebar=args.presenter)
                wait_idle(page, timeout=180)
                if path == "train":  # a trained model is the interesting view
                    page.get_by_role("button", name="Train").click()
                    page.get_by_text("Trained in").first.wait_for(timeout=180_000)
                    wait_idle(page, timeout=60)
                page.wait_for_timeout(1500)  # plotly and images finish painting
                suffix = ("-fashion" if args.fashion else "") + ("-presenter" if args.presenter else "")
                target = out / f"{path}{suffix}.png"
                page.screenshot(path=str(target), full_page=not args.presenter)
                print("wrote", target)
            browser.close()
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
