"""An animated GIF of the live 2-D map for the README: the pointer sweeps across the plane and the
digit under it morphs, decoded in the browser.

    python docs/hover_sweep_gif.py [out.gif]

Screenshots taken in a loop in headless Chromium, joined with Pillow (Playwright's own video
recorder needs a browser build that cannot be downloaded here). No data set is needed: the map
shows the shipped test codes, never dataset images.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script

from tests.e2e.browser_actions import map_axes, open_page, wait_idle  # noqa: E402
from tests.e2e.server import (CHROMIUM, CHROMIUM_ARGS, free_port, start_server,  # noqa: E402
                              stop_server, wait_healthy)

FRAMES = 36
FRAME_MS = 90
WIDTH = 760  # px of the GIF: the map and the live panel, shrunk to stay a small download


def sweep(fx: float) -> tuple[float, float]:
    """A loop through the plane: left to right and back along a wave, so every class is met."""
    return 0.1 + 0.8 * fx, 0.5 + 0.35 * math.sin(2 * math.pi * fx)


def frames(page) -> list[Image.Image]:
    box = map_axes(page)  # the box between the map's axes
    panel = page.locator('[data-testid="stMain"]').first.bounding_box()
    clip = {"x": box["x"] - 90, "y": box["y"] - 90, "width": panel["x"] + panel["width"]
            - (box["x"] - 90), "height": box["height"] + 160}
    shots = []
    for i in range(FRAMES):
        fx, fy = sweep(i / FRAMES)
        x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
        page.mouse.move(x, y)
        page.wait_for_function("(n) => window.aeLive.latent.decodes >= n", arg=i + 1)
        page.wait_for_timeout(40)  # the decoded digit is painted
        picture = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
        pointer(picture, x - clip["x"], y - clip["y"])
        shots.append(picture.resize((WIDTH, round(picture.height * WIDTH / picture.width))))
    return shots


def pointer(picture: Image.Image, x: float, y: float) -> None:
    """Headless Chromium draws no mouse pointer: a red ring shows where it is."""
    ImageDraw.Draw(picture).ellipse((x - 11, y - 11, x + 11, y + 11), outline=(214, 39, 40),
                                    width=4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(REPO / "docs/screenshots/latent-2d-live.gif"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port, extra_env={"AE_DATA_DIR": "/nonexistent"})
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_page(page, url, "latent-2d")
            page.wait_for_function("() => window.aeLive?.latent?.ready === true",
                                   timeout=120_000)
            wait_idle(page)
            page.evaluate("() => { window.aeLive.latent.decodes = 0; }")
            shots = frames(page)
            browser.close()
    finally:
        stop_server(server)
    palette = [shot.quantize(colors=128, dither=Image.Dither.NONE) for shot in shots]
    palette[0].save(args.out, save_all=True, append_images=palette[1:], duration=FRAME_MS,
                    loop=0, optimize=True)
    print(f"wrote {args.out}: {len(shots)} frames, {Path(args.out).stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
