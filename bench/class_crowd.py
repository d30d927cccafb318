"""A class through nginx for bench/class_wall_bench.py: simulated pupils, one real teacher's wall.

A pupil is a `protocol_client.ProtocolSession` of the Draw page opened with the join link (the
browser sends the link's query string with every rerun; `ClassPupil` adds it), which presses
*Send to the class* after each stroke: as `static/live/class_send.js` does, it posts the drawing
the page last handed its Send component to the class server's endpoint (`classroom.http_api`). The teacher is Chromium on the wall (the Class page,
opened with the teacher link); a script in that page notes when each drawing's label first shows.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import tempfile
import time
import http.client
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg

from bench.common import DIGITS, Figure, REPO, machine, percentile
from bench.protocol_client import ProtocolSession, drawing_value

SEND_COMPONENT = "class_send"  # ui.class_send
SEND_PATH = "api/class/send"  # classroom.http_api
POSTERS = ThreadPoolExecutor(max_workers=64)  # a send blocks a thread for its round trip only
PERIOD = 2.0
BLOCKS = 6  # the load phase, with and without class mode, in this many alternating blocks
# (2 blocks of 30 s gave ratios from 1.06 to 1.40 on one machine in one session)
SATURATED_MS = 1000.0  # a stroke answered later than this: the class is past what the server holds
LATENCY = "Class: a pupil's send to visible on the wall, 2 processes behind nginx, p95"
LOST = "Class: 60 pupils sending every 2 s for 60 s through nginx, drawings lost"
STROKES = "Class: 60 pupils' stroke p95 while sending, against the same pupils without class mode"
LATENCY_S = float(__import__("os").environ.get("AE_CLASS_LATENCY_S", "30"))
# In the teacher's page: first time (ms since the epoch) each drawing's label was on the wall.
WATCH_WALL = """() => {
    window.aeSeen = window.aeSeen || {};
    setInterval(() => {
        for (const el of document.querySelectorAll('.ae-tile')) {
            const id = (el.textContent.match(/^#(\\d+)/) || [])[1];
            if (id && !(id in window.aeSeen)) window.aeSeen[id] = Date.now();
        }
    }, 50);
}"""
MARKERS = """() => {
    const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const trace = plot && plot.data.find(t => t.name === 'Class drawings');
    return trace ? trace.text.length : -1;
}"""


class _WithQuery:
    """The session's WebSocket, adding the page's query string to every rerun request."""

    def __init__(self, ws, query: str) -> None:
        self._ws, self._query = ws, query

    def __getattr__(self, name: str):
        return getattr(self._ws, name)

    async def send(self, data: bytes) -> None:
        msg = BackMsg.FromString(data)
        if msg.WhichOneof("type") == "rerun_script":
            msg.rerun_script.query_string = self._query
            data = msg.SerializeToString()
        await self._ws.send(data)


@dataclass
class SendResult:
    sent_at: float  # time.time() when the click left
    ms: float | None = None
    drawing_id: int | None = None
    refused: str | None = None


class ClassPupil(ProtocolSession):
    """A pupil on the Draw page of class `code` (a room that asks for no name and no digit)."""

    def __init__(self, base_url: str, code: str, **kwargs) -> None:
        self.query = f"class={code}"
        self.send_data: dict | None = None  # what the page last handed its Send component
        self.poster = _Poster(base_url)
        super().__init__(base_url, **kwargs)

    @property
    def ws(self):
        return self._ws

    @ws.setter
    def ws(self, connection) -> None:
        self._ws = None if connection is None else _WithQuery(connection, self.query)

    async def close(self) -> None:
        if self.poster.connection is not None:
            self.poster.connection.close()
        await super().close()

    def _on_delta(self, delta, log) -> None:
        element = delta.new_element if delta.WhichOneof("type") == "new_element" else None
        if element is not None and element.WhichOneof("type") == "bidi_component" \
                and element.bidi_component.component_name == SEND_COMPONENT:
            self.send_data = json.loads(element.bidi_component.json)
        super()._on_delta(delta, log)

    async def send(self, timeout: float = 20.0) -> SendResult:
        """Press *Send to the class*: what `static/live/class_send.js` posts, the page's current
        drawing to the class server's endpoint; the drawing's id, or the refusal."""
        data = self.send_data or {}
        body = json.dumps({key: data.get(key) for key in ("code", "pupil", "image", "digit")})
        result = SendResult(time.time())
        t0 = time.perf_counter()
        try:
            status, answer = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
                POSTERS, self.poster.post, SEND_PATH, body.encode()), timeout)
        except (TimeoutError, OSError, ValueError) as exc:
            result.refused = f"no answer: {exc}"[:200]
            return result
        result.ms = (time.perf_counter() - t0) * 1000
        if status == 200:
            result.drawing_id = int(answer["id"])
        else:
            result.refused = str(answer.get("error"))[:200]
        return result


class _Poster:
    """A pupil's JSON POSTs on one connection, kept open between sends as the pupil's browser
    keeps its connection to the app (a new connection per send cost the bench, on the same
    2 cores as the server, a thread and a TCP handshake each: 30 a second)."""

    def __init__(self, base_url: str) -> None:
        url = urllib.parse.urlsplit(base_url)
        self.host, self.port, self.root = url.hostname, url.port, url.path.rstrip("/")
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, body: bytes) -> tuple[int, dict]:
        try:
            return self._post_once(path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()  # the kept connection was closed: once more on a new one
            self.connection = None
            return self._post_once(path, body)

    def _post_once(self, path: str, body: bytes) -> tuple[int, dict]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        self.connection.request("POST", f"{self.root}/{path}", body,
                                {"Content-Type": "application/json"})
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")


@dataclass
class Crowd:
    sends: list[SendResult] = field(default_factory=list)
    stroke_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _open(url: str, pupils: int, live: bool, code: str | None = None) -> list:
    """`pupils` sessions of the Draw page, ten page loads at a time: class pupils (they join
    the room `code` as their page loads) or, without a code, pupils without class mode."""
    sessions = [ClassPupil(url, code, fetch_media=False, live=live, route=f"pupil-{i}")
                if code else ProtocolSession(url, fetch_media=False, live=live, route=f"pupil-{i}")
                for i in range(pupils)]
    for batch in range(0, pupils, 10):
        await asyncio.gather(*(s.open() for s in sessions[batch:batch + 10]))
    return sessions


async def _pupil(pupil, index: int, until: float, crowd: Crowd) -> None:
    """Every PERIOD s a new drawing; a class pupil then presses Send (never two sends closer
    than PERIOD, even after a slow stroke: the room would refuse the second)."""
    await asyncio.sleep(index * PERIOD / 10 % PERIOD)  # staggered, as in protocol_bench
    n, last_send = 0, -PERIOD
    while time.perf_counter() < until:
        started = time.perf_counter()
        digit = DIGITS[(index + n) % len(DIGITS)]
        stroke = await pupil.stroke(drawing_value(digit, seed=1000 * index + n))
        n += 1
        if stroke.ms is None:
            crowd.errors.append(f"pupil {index}: stroke: {stroke.error}")
            continue
        crowd.stroke_ms.append(stroke.ms)
        if isinstance(pupil, ClassPupil):
            await asyncio.sleep(max(0.0, last_send + PERIOD - time.perf_counter()))
            last_send = time.perf_counter()
            crowd.sends.append(await pupil.send())
        await asyncio.sleep(max(0.0, PERIOD - (time.perf_counter() - started)))


async def _draw(sessions: list, seconds: float, crowd: Crowd) -> Crowd:
    """The sessions draw (and send, if in the class) for `seconds`; their results in `crowd`."""
    until = time.perf_counter() + seconds
    await asyncio.gather(*(_pupil(s, i, until, crowd) for i, s in enumerate(sessions)))
    return crowd


async def _close(sessions: list) -> None:
    await asyncio.gather(*(s.close() for s in sessions))


def _latencies(crowd: Crowd, seen: dict[str, float]) -> tuple[list[float], int]:
    """Send click -> label on the wall, ms, for every drawing sent; and how many never showed."""
    out, missing = [], 0
    for s in crowd.sends:
        if s.drawing_id is None:
            continue
        if str(s.drawing_id) in seen:
            out.append(seen[str(s.drawing_id)] - s.sent_at * 1000)
        else:
            missing += 1
    return out, missing


async def _class(url: str, code: str, key: str, pupils: int, seconds: float,
                 latency_pupils: int, store, live: bool) -> dict:
    from playwright.async_api import async_playwright

    from tests.e2e.browser_actions import RELOADED
    from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        await page.goto(f"{url}/class?class={code}&teacher={key}")
        await page.wait_for_function(RELOADED, timeout=180_000)  # on the wall's process
        await page.wait_for_selector(".ae-room-code", timeout=180_000)
        await page.evaluate(WATCH_WALL)
        warm = await _open(url, 10, live)  # models loaded in both processes, not counted
        await _draw(warm, 8, Crowd())
        await _close(warm)
        latency_sessions = await _open(url, latency_pupils, live, code)
        first = await _draw(latency_sessions, LATENCY_S, Crowd())
        await _close(latency_sessions)
        await asyncio.sleep(3)
        seen = await page.evaluate("() => window.aeSeen")
        # Each pupil opens two pages once, as a lesson would: a plain Draw page and one in the
        # class. The blocks alternate which of them draws, so that a drift of the machine weighs
        # on both alike; the class's pupils join once, before the first block.
        plain, in_class = await _open(url, pupils, live), await _open(url, pupils, live, code)
        without, second = Crowd(), Crowd()
        for _ in range(BLOCKS):
            await _draw(plain, seconds / BLOCKS, without)
            await _draw(in_class, seconds / BLOCKS, second)
        await _close(plain + in_class)
        baseline = without.stroke_ms
        sent = len([s for s in first.sends + second.sends if s.drawing_id is not None])
        stored = len(store.drawings(code))
        deadline = time.time() + 30
        shown = -1
        while time.time() < deadline:
            text = await page.inner_text(".ae-summary")
            shown = int(re.search(r"(\d+) drawings?", text).group(1))
            if shown >= stored:
                break
            await asyncio.sleep(0.5)
        await page.get_by_text("2-D map", exact=True).click()
        await page.wait_for_function(f"() => ({MARKERS})() >= 0", timeout=60_000)
        markers = await page.evaluate(f"({MARKERS})()")
        await browser.close()
    return {"baseline": baseline, "first": first, "second": second, "seen": seen, "sent": sent,
            "stored": stored,
            "shown": shown, "markers": markers}


def run_class(pupils: int, seconds: float, latency_pupils: int, live: bool = False
              ) -> tuple[str, list[Figure], bool]:
    """Start deploy/serve.py on one SQLite file, run both phases, report."""
    import os

    sys.path.insert(0, str(REPO / "deploy"))
    import serve
    from classroom.store import ClassStore, RoomSettings
    from tests.e2e.server import free_port

    os.environ["AE_CLASS_DIR"] = tempfile.mkdtemp(prefix="aelab-class-bench-")
    store = ClassStore()
    room, key = store.create_room(RoomSettings(ask_nickname=False, ask_digit=False,
                                               max_drawings=20_000, min_send_interval_s=1.0))
    cluster = serve.start(port=free_port(), app_ports=[free_port(), free_port()],
                          prefix=Path(tempfile.mkdtemp(prefix="aelab-nginx-")))
    try:
        got = asyncio.run(_class(cluster.url, room.code, key, pupils, seconds, latency_pupils,
                                 store, live))
    finally:
        cluster.stop()
        store.dispose()
    return _report(got, pupils, seconds, latency_pupils, live)


def _report(got: dict, pupils: int, seconds: float, latency_pupils: int, live: bool
            ) -> tuple[str, list[Figure], bool]:
    latencies, missing = _latencies(got["first"], got["seen"])
    p95 = percentile(latencies, 95) / 1000
    refused = [s.refused for c in (got["first"], got["second"]) for s in c.sends if s.refused]
    errors = got["first"].errors + got["second"].errors
    lost = got["sent"] - min(got["stored"], got["shown"], got["markers"])
    strokes, plain = got["second"].stroke_ms, got["baseline"]
    ratio = percentile(strokes, 95) / percentile(plain, 95)
    # Past capacity without class mode, both runs queue and their ratio says nothing of it.
    saturated = percentile(plain, 95) > SATURATED_MS
    verdict = ("no verdict: without class mode the server is already past capacity (p95 > "
               f"{SATURATED_MS / 1000:.0f} s)" if saturated else
               "met" if ratio <= 1.2 else "**missed**")
    load_sends = len([s for s in got["second"].sends if s.drawing_id is not None])
    body = (f"`python -m bench.class_wall_bench class{' --live' if live else ''}`. "
            f"Machine: {machine()}.\n\n"
            f"`deploy/serve.py`: nginx, 2 app processes, the send server and the wall's process "
            f"(both lowered in CPU priority, autogroup included) sharing one SQLite file; one "
            f"Chromium teacher on the wall (teacher "
            f"link, moved to the wall's process), pupils simulated at the WebSocket level "
            f"(`bench/class_crowd.py`); the bench's room asks for no name and no digit and "
            f"allows a send a second. Pupils' strokes: "
            + ("the live path (each pupil's browser runs the models, as a phone with "
               "TensorFlow.js: the server runs no model, it sends its 28x28 input only)"
               if live else
               "the server path (the server sends every reconstruction: no TensorFlow.js)")
            + ". A send: the drawing posted to `api/class/send`, as the page's Send button. "
            "Pupil i has the route cookie `pupil-i` in every phase, so nginx gives each pupil the "
            "same app process with and without class mode (its own random cookie split the "
            "pupils differently from one phase to the next, 36/24 and worse: one process "
            "saturated, and the ratio measured the split).\n\n"
            f"- Latency, {latency_pupils} pupils sending every {PERIOD:.0f} s for "
            f"{LATENCY_S:.0f} s: {len(latencies)} drawings, send click to label on the wall "
            f"median {statistics_median(latencies) / 1000:.2f} s, p95 {p95:.2f} s, max "
            f"{max(latencies, default=float('nan')) / 1000:.2f} s; never shown: {missing} "
            f"(target p95 <= 2 s: {'met' if p95 <= 2 and not missing else '**missed**'}).\n"
            f"- Load, {pupils} pupils sending every {PERIOD:.0f} s for {seconds:.0f} s (after "
            f"the latency phase, same room; {BLOCKS} blocks of {seconds / BLOCKS:.0f} s, each "
            f"after {seconds / BLOCKS:.0f} s of the same pupils without class mode; each pupil "
            "has a plain Draw page and one in the class open throughout, joined once): sent "
            f"{got['sent']} (both phases), stored "
            f"{got['stored']}, shown on the wall {got['shown']}, markers on its map "
            f"{got['markers']}: lost {lost} (target 0: {'met' if lost == 0 else '**missed**'}). "
            f"Sends refused or unanswered: {len(refused)}"
            + (f" (first: {refused[0]})" if refused else "") + f"; stroke errors: {len(errors)}"
            + (f" (first: {errors[0]})" if errors else "") + ".\n"
            f"The load phase's pupils sent {load_sends} drawings, "
            f"{load_sends / pupils / seconds * PERIOD:.0%} of one every {PERIOD:.0f} s each "
            f"(a pupil waits for each answer before the next stroke).\n"
            f"- The same pupils' strokes meanwhile (server, request to script_finished): p50 "
            f"{percentile(strokes, 50):.0f} ms, p95 {percentile(strokes, 95):.0f} ms; the same "
            f"{pupils} pupils drawing for {seconds:.0f} s without class mode (plain Draw page, "
            f"no Send), in the blocks between: p50 {percentile(plain, 50):.0f} ms, p95 "
            f"{percentile(plain, 95):.0f} ms. Ratio of the p95s {ratio:.2f} (target <= 1.20: "
            f"{verdict}).\n")
    figures = [Figure(LATENCY, "≤ 2 s", f"{p95:.2f} s (median "
                      f"{statistics_median(latencies) / 1000:.2f} s, {len(latencies)} sends)"),
               Figure(LOST.replace("60 pupils", f"{pupils} pupils")
                      .replace("60 s", f"{seconds:.0f} s"),
                      "0", f"{lost} (sent {got['sent']} = stored {got['stored']} = shown "
                           f"{got['shown']})"),
               Figure(STROKES.replace("60", str(pupils)) + (", live path" if live else ""),
                      "within 20%",
                      f"{ratio:.2f}x (p95 {percentile(strokes, 95):.0f} "
                      f"vs {percentile(plain, 95):.0f} ms)" + ("; " + verdict if saturated else ""))]
    return body, figures, lost == 0 and p95 <= 2 and not missing


def statistics_median(values: list[float]) -> float:
    return percentile(values, 50)
