"""A class behind nginx (deploy/serve.py): two app processes, sticky sessions, WebSocket upgrade."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PIL import Image

from browser_actions import (assert_clean, draw_digit, image_sources, map_axes, open_page,
                             server_path_only, wait_for_change, wait_idle)
from server import REPO

sys.path.insert(0, str(REPO / "deploy"))
import serve  # noqa: E402

pytestmark = pytest.mark.browser
N_DEFAULT_MODELS = 4


def test_rendered_config_upgrades_websockets_and_sticks_by_cookie(tmp_path) -> None:
    text = serve.render_config("127.0.0.1:9000", [8601, 8602], tmp_path)
    assert "server 127.0.0.1:8601" in text and "server 127.0.0.1:8602" in text
    assert "proxy_set_header Upgrade $http_upgrade" in text
    assert "hash $aelab_route consistent" in text and "Set-Cookie" in text
    assert "__" not in text  # every placeholder filled


def test_two_pupils_draw_and_upload_through_nginx(cluster, browser, tmp_path) -> None:
    tabs = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        server_path_only(tab)  # the server's pictures, through nginx (live map: test below)
        tabs.append(tab)
    try:
        for tab in tabs:
            open_page(tab, cluster.url, "draw")
        for tab, digit in zip(tabs, (1, 7)):
            draw_digit(tab, digit)
        results = [wait_for_change(tab, "Reconstruction", [], count=N_DEFAULT_MODELS)
                   for tab in tabs]
        assert results[0] != results[1]
        for tab, sources in zip(tabs, results):
            # media come from the process holding this browser's session: the cookie keeps it there
            cookies = {c["name"]: c["value"] for c in tab.context.cookies()}
            assert cookies.get("aelab_route")
            for src in sources:
                assert tab.request.get(src).status == 200
        keys = {c["value"] for tab in tabs for c in tab.context.cookies() if c["name"] == "aelab_route"}
        assert len(keys) == 2, "each browser gets its own route"

        digit = np.full((120, 90), 255, np.uint8)
        digit[20:100, 40:52] = 0
        path = tmp_path / "one.png"
        Image.fromarray(digit).save(path)
        tab = tabs[0]
        tab.get_by_text("Upload", exact=True).click()
        wait_idle(tab)
        tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
        wait_for_change(tab, "Reconstruction", results[0], count=N_DEFAULT_MODELS)
        assert "upload: one.png" in tab.inner_text("body")  # XSRF-checked upload via the proxy
        for tab in tabs:
            assert_clean(tab)
            assert len(image_sources(tab, "What the models see")) == 1
    finally:
        for tab in tabs:
            tab.context.close()


def test_the_live_map_works_through_nginx(cluster, browser) -> None:
    """TensorFlow.js and the models' browser form come through the proxy (app/static/)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    try:
        open_page(tab, cluster.url, "latent-2d")
        tab.wait_for_function("() => window.aeLive?.latent?.ready === true", timeout=60_000)
        script = tab.request.get(f"{cluster.url}/app/static/vendor/tfjs/tf.min.js")
        assert script.status == 200 and "javascript" in script.headers["content-type"]
        area = map_axes(tab)
        count = tab.evaluate("() => window.aeLive.latent.decodes")
        tab.mouse.move(area["x"] + 0.7 * area["width"], area["y"] + 0.3 * area["height"])
        tab.wait_for_function("(n) => window.aeLive.latent.decodes > n", arg=count)
        assert_clean(tab)
    finally:
        context.close()
