"""A class in real browsers through deploy/serve.py (nginx, 2 app processes, the wall's process,
one SQLite file).

A teacher starts a class (their page moves to the wall's process); three pupils (one on a phone,
drawing with a finger) join by the link, draw, and press *Send to the class*; their drawings
appear on the teacher's wall with no one touching it, and the teacher removes one and uses
another with the tiles' buttons (axe checks the wall). Then an app process is killed mid-class:
the pupils' browsers reconnect to the other process, keep their seats and send again, and no
drawing is lost.
"""

from __future__ import annotations

import io
import os
import re
import signal
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_actions import RELOADED, assert_clean, open_page, wait_idle
from class_actions import draw_and_send, join
from PIL import Image
from server import REPO
from test_accessibility import blocking_violations

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1200, "height": 900}}
SHOTS = REPO / "test-output" / "screenshots"


@pytest.fixture
def store(cluster):
    from classroom.store import ClassStore

    made = ClassStore()  # the environment still names the cluster's folder
    yield made
    made.dispose()


def tab(browser, **options):
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(90_000)
    return page


def start_class(teacher, cluster) -> str:
    """Start a class; the teacher's page moves to the wall's own process by itself."""
    open_page(teacher, cluster.url, "class")
    teacher.get_by_role("button", name="Start a class").click()
    teacher.wait_for_function(RELOADED)
    teacher.locator(".ae-room-code").wait_for()
    wait_idle(teacher)
    assert connections_to(cluster.wall_port) >= 1, "the teacher is not on the wall's process"
    return teacher.locator(".ae-room-code").inner_text().strip()


def connections_to(port: int) -> int:
    """Open TCP connections to a loopback `port`: nginx's to that process, one per browser
    holding a WebSocket there."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        count += state == "01" and int(local.split(":")[1], 16) == port
    return count


def wall_ids(teacher) -> set[int]:
    texts = teacher.locator(".ae-tile").all_inner_texts()
    return {int(re.match(r"#(\d+)", t).group(1)) for t in texts if re.match(r"#(\d+)", t)}


def wait_for_wall(teacher, ids: set[int], timeout: float = 60) -> None:
    """Wait, hands off, until every drawing in `ids` is on the wall."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if ids <= wall_ids(teacher):
            return
        time.sleep(0.2)
    raise TimeoutError(f"the wall shows {sorted(wall_ids(teacher))}, expected {sorted(ids)}")


def test_pupils_drawings_reach_the_wall_by_themselves(cluster, browser, store) -> None:
    teacher = tab(browser, viewport={"width": 1400, "height": 1000})
    pupils = [tab(browser, **DESKTOP), tab(browser, **DESKTOP), tab(browser, **PHONE)]
    try:
        code = start_class(teacher, cluster)
        link = teacher.locator('[data-testid="stCode"]').first.inner_text().strip()
        assert link.endswith(f":{cluster.url.rsplit(':', 1)[1]}/draw?class={code}"), link
        cookie = {c["name"]: c["value"] for c in teacher.context.cookies()}["aelab_teacher"]
        key = cookie.split(".")[1]
        assert key not in teacher.inner_text("body"), "the teacher key is on the wall"

        names = ["Ana", "Ben", "<b>Cy</b>"]
        for page, name in zip(pupils, names):
            join(page, cluster.url, code, name)
        ids = {draw_and_send(page, digit, finger=page is pupils[2])
               for page, digit in zip(pupils, (1, 7, 3))}
        assert len(ids) == 3
        wait_for_wall(teacher, ids)
        assert "3 pupils · 3 drawings" in teacher.inner_text(".ae-summary")
        tile = teacher.locator(".ae-tile", has_text="Cy").inner_html()
        assert "&lt;b&gt;Cy&lt;/b&gt;" in tile and "<b>" not in tile  # shown as typed

        with teacher.expect_download() as download:
            teacher.get_by_role("button", name=re.compile("Export")).click()
        archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
        csv_rows = archive.read(f"class-{code}.csv").decode().splitlines()[1:]
        assert sorted(int(r.split(",")[0]) for r in csv_rows) == sorted(ids)
        for drawing in store.drawings(code):
            png = archive.read(f"drawings/drawing-{drawing.id:05d}.png")
            pixels = np.asarray(Image.open(io.BytesIO(png)), np.float32) / 255
            np.testing.assert_allclose(pixels, drawing.image, atol=0.5 / 255)
        # The tiles' own buttons (class_tiles.js, handled by the wall's fragment).
        kept, removed = min(ids), max(ids)
        teacher.get_by_role("button", name=f"Remove drawing #{removed}").click()
        teacher.get_by_text(f"Drawing #{removed} is off the wall.").wait_for()
        assert removed not in {d.id for d in store.drawings(code)}
        deadline = time.time() + 30
        while removed in wall_ids(teacher) and time.time() < deadline:
            time.sleep(0.2)
        assert wall_ids(teacher) == ids - {removed}
        teacher.get_by_role("button", name=f"Use drawing #{kept}").click()
        teacher.get_by_text(f"Drawing #{kept} is now the input").wait_for()
        assert blocking_violations(teacher, Axe()) == []
        for page in (teacher, *pupils):
            assert_clean(page)
        teacher.screenshot(path=str(SHOTS / "class-wall.png"))
        pupils[2].screenshot(path=str(SHOTS / "class-phone.png"))
    finally:
        for page in (teacher, *pupils):
            page.context.close()


def busiest_app(cluster) -> int:
    """The index of the app process holding the most connections from nginx (the browsers'
    WebSockets): killing it certainly cuts some of the class off."""
    counts = [connections_to(port) for port in cluster.app_ports]
    assert max(counts) >= 1, "no browser is connected to either app process"
    return counts.index(max(counts))


def test_a_killed_app_process_loses_no_drawing(cluster, browser, store) -> None:
    """Last in this module: it leaves the cluster one process short."""
    teacher = tab(browser, viewport={"width": 1400, "height": 1000})
    pupils = [tab(browser, **DESKTOP), tab(browser, **DESKTOP), tab(browser, **PHONE)]
    try:
        code = start_class(teacher, cluster)
        for page, name in zip(pupils, ("Dee", "Eve", "Fin")):
            join(page, cluster.url, code, name)
        before = {draw_and_send(page, 0, finger=page is pupils[2]) for page in pupils}
        wait_for_wall(teacher, before)

        victim = cluster.processes[1 + busiest_app(cluster)]
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        time.sleep(1)  # the browsers notice the closed WebSocket and start reconnecting
        for page, name in zip(pupils, ("Dee", "Eve", "Fin")):
            # The browser reconnects (to the other process) and the page finds its seat again.
            page.get_by_text(f"In class {code} as {name}").wait_for(timeout=120_000)
            wait_idle(page, timeout=120)
        time.sleep(2.5)  # a send a pupil makes at once is refused: 2 s between two sends
        after = {draw_and_send(page, 7, finger=page is pupils[2]) for page in pupils}
        assert len(before | after) == 6
        stored = {d.id for d in store.drawings(code)}
        assert stored == before | after, "a drawing was lost"
        wait_for_wall(teacher, stored, timeout=120)
        assert "6 drawings" in teacher.inner_text(".ae-summary")
        for page in (teacher, *pupils):
            assert_clean(page)
    finally:
        for page in (teacher, *pupils):
            page.context.close()


def test_sends_go_to_their_own_process_and_to_the_app_when_it_is_down(cluster, store) -> None:
    """nginx passes class sends to classroom/send_server.py (not to the processes that run the
    pupils' strokes); with that process killed, the app processes take the sends over."""
    import json
    import sys
    import urllib.request

    from classroom import send_server
    from classroom.http_api import SEND_PATH, encode_image
    from classroom.store import RoomSettings

    sys.path.insert(0, str(REPO / "deploy"))
    import serve

    assert serve.HEALTH_PATH == send_server.HEALTH_PATH
    with urllib.request.urlopen(cluster.url + send_server.HEALTH_PATH, timeout=10) as answer:
        assert answer.read().decode() == send_server.WHO
    room, _ = store.create_room(RoomSettings(ask_nickname=False, ask_digit=False,
                                             min_send_interval_s=0.0))
    image = np.zeros((28, 28), np.float32)
    image[6:22, 13:15] = 1.0

    def send(pupil: str) -> int:
        seat = store.join(room.code, pupil)
        body = json.dumps({"code": room.code, "pupil": seat, "image": encode_image(image)}).encode()
        request = urllib.request.Request(f"{cluster.url}/{SEND_PATH}", body,
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())["id"]

    first = send("before")
    os.killpg(cluster.send_server.pid, signal.SIGKILL)
    cluster.send_server.wait(timeout=30)
    second = send("after")
    assert {d.id for d in store.drawings(room.code)} == {first, second}
