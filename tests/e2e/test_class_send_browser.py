"""A pupil's *Send to the class* and *Take back* in Chromium (`ui/class_send.py`,
`static/live/class_send.js`): the drawing goes to the class server's endpoint, not through a
script rerun, and every answer (sent, refused, unreachable) is said in the panel.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from browser_actions import assert_clean, draw_digit, open_page, wait_idle
from class_actions import centre_canvas
from server import free_port, start_server, stop_server, wait_healthy

STATUS = ".class-send .status"


@pytest.fixture(scope="module")
def class_server(chromium_path, tmp_path_factory):
    """`lab.py` with a class database of its own; (url, the same store in this process)."""
    from classroom.store import ClassStore

    folder = tmp_path_factory.mktemp("class-send")
    port = free_port()
    proc = start_server(port, {"AE_CLASS_DIR": str(folder), "AE_CLASS_DB_URL": ""})
    url = f"http://127.0.0.1:{port}"
    store = ClassStore(f"sqlite:///{folder / 'class.sqlite3'}")
    try:
        wait_healthy(url)
        yield url, store
    finally:
        store.dispose()
        stop_server(proc)


def pupil_with_a_drawing(page, url: str, store, **settings):
    """A pupil of a new room (no names, no digit asked) who has drawn a 3; (room, teacher key,
    the frames the page sends over its WebSocket from now on)."""
    from classroom.store import RoomSettings

    room, key = store.create_room(RoomSettings(ask_nickname=False, ask_digit=False,
                                               min_send_interval_s=0, **settings))
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: frames.append(1)))
    open_page(page, url, f"draw?class={room.code}")
    centre_canvas(page)
    draw_digit(page, 3)
    wait_idle(page)
    frames.clear()
    return room, key, frames


def status(page, kind: str, pattern: str) -> re.Match:
    """The panel's answer once it says `pattern` (an earlier answer may still be showing)."""
    from playwright.sync_api import expect

    locator = page.locator(f'{STATUS}[data-kind="{kind}"]')
    expect(locator).to_contain_text(re.compile(pattern), timeout=30_000)
    found = re.search(pattern, locator.inner_text())
    assert found, locator.inner_text()
    return found


def test_a_send_and_a_take_back_need_no_rerun(class_server, page) -> None:
    url, store = class_server
    room, _, frames = pupil_with_a_drawing(page, url, store)
    with page.expect_request("**/api/class/send") as request:
        page.get_by_role("button", name="Send to the class").click()
    drawing_id = int(status(page, "sent", r"drawing #(\d+) is on the wall").group(1))
    [stored] = store.drawings(room.code)
    posted = json.loads(request.value.post_data)
    from classroom.http_api import decode_image

    assert stored.id == drawing_id
    np.testing.assert_array_equal(stored.image, decode_image(posted["image"]))
    assert stored.image.max() > 0.5, "the drawing, not a blank picture"
    thumbnail = page.get_by_role("img", name=f"Your drawing #{drawing_id}")
    assert thumbnail.is_visible()
    page.get_by_role("button", name=f"Take back drawing #{drawing_id}").click()
    status(page, "sent", rf"Drawing #{drawing_id} is off the wall")
    assert store.drawings(room.code) == [] and not thumbnail.count()
    assert frames == [], "the page reran its script for a send or a take-back"
    assert_clean(page)


def test_a_refused_send_says_why(class_server, page) -> None:
    url, store = class_server
    room, key, _ = pupil_with_a_drawing(page, url, store)
    store.set_paused(room.code, key, True)
    page.get_by_role("button", name="Send to the class").click()
    status(page, "refused", r"paused sending")
    assert store.drawings(room.code) == []


def test_an_unreachable_class_server_says_not_sent(class_server, page) -> None:
    url, store = class_server
    room, _, _ = pupil_with_a_drawing(page, url, store)
    page.route("**/api/class/send", lambda route: route.abort())
    page.get_by_role("button", name="Send to the class").click()
    status(page, "refused", r"Not sent: the class server cannot be reached")
    page.unroute("**/api/class/send")
    page.get_by_role("button", name="Send to the class").click()
    status(page, "sent", r"drawing #\d+ is on the wall")
    assert len(store.drawings(room.code)) == 1


def test_a_server_without_the_endpoints_says_so(class_server, page) -> None:
    """`streamlit run app.py` answers a POST to a page route with 405: the pupil is told to ask
    the teacher, not to try again."""
    url, store = class_server
    room, _, _ = pupil_with_a_drawing(page, url, store)
    page.route("**/api/class/send",
               lambda route: route.fulfill(status=405, body="Method Not Allowed"))
    page.get_by_role("button", name="Send to the class").click()
    status(page, "refused", r"started without class sending\. Tell your teacher")
    assert store.drawings(room.code) == []


def test_the_send_panel_passes_the_accessibility_audit(class_server, page) -> None:
    """The button, its answer and the pupil's thumbnails with their Take back buttons (axe)."""
    from axe_playwright_python.sync_playwright import Axe

    from test_accessibility import blocking_violations

    url, store = class_server
    pupil_with_a_drawing(page, url, store)
    page.get_by_role("button", name="Send to the class").click()
    status(page, "sent", r"drawing #\d+ is on the wall")
    assert blocking_violations(page, Axe()) == []
    box = page.get_by_role("button", name="Send to the class").bounding_box()
    assert box["height"] >= 44, "a finger-sized button"
