"""A light client for one Streamlit session of the Draw page, speaking the browser's WebSocket protocol.

    python -m bench.protocol_client [--url URL] [--strokes 3] [--live]

Without `--url` it starts the app on a free loopback port (set AE_DATA_DIR for real data), opens
one session, draws `--strokes` digits and prints, per stroke, the milliseconds from sending the
rerun request to the run's `script_finished`, the reconstruction images the run produced, and a
check that they are new images computed from this drawing (their pixels are fetched and compared
with the 28x28 input the server shows).

What is simulated, message for message as Chromium sends them for the Draw page (recorded with
Playwright from the real page of this app; Streamlit 1.67):

* the page load: a GET of the page (keeps cookies, e.g. nginx's sticky `aelab_route`), GETs of
  `/_stcore/health` (sets the `_streamlit_xsrf` cookie) and `/_stcore/host-config`, then the
  WebSocket `/_stcore/stream` with subprotocols `streamlit, <xsrf token>`, the cookies and an
  Origin header, and the first `rerun_script` BackMsg (page_name "draw", no widget states,
  context_info);
* a stroke: the `rerun_script` the canvas component triggers on mouse-up: the drawing canvas's
  new JSON value (a PNG data URL of a 280x280 drawing, white ink on opaque black), scoped to the
  canvas's `st.fragment` (fragment_id, page_script_hash), carrying the values of every other
  widget on the page as the browser's widget manager holds them (data set radio, presenter
  toggle, input mode, pen width, corruption, models);
* afterwards, optionally, the HTTP GETs of the run's new images (`/media/...`), as the browser
  fetches them to paint them (up to six at a time, as a browser; one short connection each).

With `live=True` the session is a browser whose TensorFlow.js runtime has loaded the models (the
Draw page's live path, issue #17): after the page load it sets the state of the component keyed
`live_draw_models` to `{"ready": <the signature the server sent in its data>}`, as
`static/live/draw_reconstruct.js` does through `setStateValue`, with the rerun that triggers;
every later rerun carries that state, so the server leaves its pictures out and runs no model
(the browser computes every picture and number itself); the component's data carries the
server's 28x28 input. A stroke's check is then that data: this drawing's input, every model
named, no reconstruction image. `echo_reruns=1` also repeats each stroke's rerun once its run finishes,
as the browser did before ui/browser_models.py's loader stopped re-sending an unchanged state
value (measured: a second, identical rerun 30-70 ms after the first run's `script_finished`).

What is not simulated: rendering, the canvas's own JavaScript (the drawing is made in Python
with `tests/apptest_helpers.drawn_digit`), the static files (JS, CSS, fonts, the component's
bundle) a browser loads once per page, and the Fabric.js path objects in the canvas value (an
empty `objects` list is sent, as the tests do; the app reads only the PNG). The server's work per
stroke is the same as for a browser: it cannot tell the two apart.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import io
import json
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.Delta_pb2 import Delta
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect

from bench.common import DIGITS, N_DEFAULT_MODELS, Server
from tests.apptest_helpers import canvas_value, drawn_digit

CANVAS_COMPONENT = "streamlit-drawable-canvas.streamlit_drawable_canvas"
LIVE_MODELS_KEY = "live_draw_models"  # the Draw page's live component (ui/live_draw.py)
RECONSTRUCTION = "Reconstruction"  # caption of each model's rebuilt digit (app_pages/draw.py)
MODEL_INPUT = "What the models see"  # caption of the 28x28 input
STROKE_TIMEOUT = 20.0
OPEN_TIMEOUT = 180.0  # the first run of a fresh server imports TensorFlow


# --- the drawing ---------------------------------------------------------------------------

def drawing_value(digit: int, seed: int) -> str:
    """The canvas's JSON value after drawing `digit`, as the component sends it (compact JSON).

    The browser's canvas has an opaque black background, so the drawing is made opaque.
    """
    rgba = drawn_digit(digit, seed).copy()
    rgba[..., 3] = 255
    return json.dumps(canvas_value(rgba), separators=(",", ":"))


# --- what the browser's widget manager holds ------------------------------------------------

def _option_values(options, indices) -> list[str]:
    return [options[i] for i in indices]


def shown_value(element: Element) -> WidgetState | None:
    """The value a widget shows right after the server rendered it (no user input).

    The browser's widget manager records it on mount and sends it with every later rerun.
    None for elements without a value to carry (buttons, download buttons, components that have
    sent nothing yet) and for widget types this client does not know (see `WidgetMirror.unknown`).
    """
    kind = element.WhichOneof("type")
    w = getattr(element, kind)
    state = WidgetState(id=getattr(w, "id", ""))
    if kind in ("radio", "selectbox"):
        if w.set_value and w.HasField("raw_value"):
            state.string_value = w.raw_value
        elif w.HasField("default"):
            state.string_value = w.options[w.default]
        else:
            return None  # nothing chosen: nothing carried
    elif kind == "checkbox":
        state.bool_value = w.value if w.set_value else w.default
    elif kind == "slider":
        state.double_array_value.data[:] = w.value if w.set_value else w.default
    elif kind == "multiselect":
        state.string_array_value.data[:] = (w.raw_values if w.set_value
                                            else _option_values(w.options, w.default))
    elif kind == "button_group":
        state.string_array_value.data[:] = (
            w.raw_values if w.set_value else _option_values([o.content for o in w.options], w.default))
    else:
        return None
    return state


MIRRORED = {"radio", "selectbox", "checkbox", "slider", "multiselect", "button_group"}
STATELESS = {"button", "download_button", "bidi_component"}  # nothing carried until clicked/drawn


class WidgetMirror:
    """Every widget's current value, kept as the browser's WidgetStateManager keeps it.

    Widgets of a full run that are not rendered again are dropped when the run finishes; after
    a fragment run only that fragment's widgets are. Values the user gave (the drawing) win over
    what the element shows.
    """

    def __init__(self) -> None:
        self.states: dict[str, WidgetState] = {}
        self.fragment_of: dict[str, str] = {}
        self.user_set: set[str] = set()
        self.unknown: set[str] = set()  # widget types seen whose value is not carried
        self._seen: set[str] = set()

    def start_run(self) -> None:
        self._seen = set()

    def saw(self, element: Element, fragment_id: str) -> None:
        kind = element.WhichOneof("type")
        widget_id = getattr(getattr(element, kind), "id", "")
        if not widget_id:
            return
        self._seen.add(widget_id)
        self.fragment_of[widget_id] = fragment_id
        if kind not in MIRRORED | STATELESS:
            self.unknown.add(kind)
        state = shown_value(element)
        if state is not None and widget_id not in self.user_set:
            self.states[widget_id] = state

    def set_by_user(self, state: WidgetState) -> None:
        self.user_set.add(state.id)
        self.states[state.id] = state

    def finish_run(self, fragment_ids: list[str]) -> None:
        for widget_id in list(self.states):
            in_run = not fragment_ids or self.fragment_of.get(widget_id) in fragment_ids
            if in_run and widget_id not in self._seen:
                del self.states[widget_id]
                self.user_set.discard(widget_id)

    def proto(self) -> WidgetStates:
        return WidgetStates(widgets=list(self.states.values()))


# --- one run's messages ---------------------------------------------------------------------

@dataclass
class RunLog:
    """What one script run sent: its images (caption, media URL) and exception elements."""

    images: list[tuple[str, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    status: int | None = None
    fragment_ids: list[str] = field(default_factory=list)
    live_data: str | None = None  # the JSON data of the live models component, when sent

    def urls(self, caption: str | None = None) -> list[str]:
        return [url for cap, url in self.images if caption is None or cap.startswith(caption)]


@dataclass
class StrokeResult:
    """One stroke: `ms` from sending the rerun to its script_finished (None: no result)."""

    ms: float | None
    reconstructions: list[str] = field(default_factory=list)  # media URLs
    run: RunLog | None = None
    error: str | None = None
    media_ms: float | None = None  # send to the last new image downloaded (when fetched)


@dataclass
class Canvas:
    widget_id: str
    fragment_id: str


@dataclass
class LiveComponent:
    """The Draw page's live models component: its widget id and the signature of its models."""

    widget_id: str
    fragment_id: str
    signature: str


# --- HTTP: cookies first, then the run's images --------------------------------------------

def page_cookies(base_url: str, page: str, route: str | None = None) -> dict[str, str]:
    """GET the page, /_stcore/health and /_stcore/host-config as the browser does; their cookies.

    Behind deploy/nginx.conf.template the first answer sets `aelab_route`, which pins this
    session (WebSocket and /media requests) to one app process; /_stcore/health sets Streamlit's
    `_streamlit_xsrf`, which the browser repeats as the WebSocket's second subprotocol.
    `route`: this value instead of nginx's random one (a bench that compares two runs gives pupil
    i the same process in both).
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPCookieProcessor(jar))
    if route is not None:
        opener.addheaders = [("Cookie", f"aelab_route={route}")]
    for path in (page, "_stcore/health", "_stcore/host-config"):
        with opener.open(f"{base_url}/{path}", timeout=30) as response:
            response.read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    return cookies if route is None else {**cookies, "aelab_route": route}


class MediaFetcher:
    """GETs media files with the session's cookies, up to six at a time as a browser does.

    One short connection per file: on a reused (keep-alive) connection every request to this
    server, /_stcore/health included, took 40-1000 ms (measured 2026-11-23 on the 2-core
    machine), against about 1 ms on a new connection.
    """

    def __init__(self, base_url: str, cookie_header: str, parallel: int = 6) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        cookie = f"Cookie: {cookie_header}\r\n" if cookie_header else ""
        self.head = f"Host: {parts.netloc}\r\n{cookie}Connection: close\r\n\r\n"
        self._slots = asyncio.Semaphore(parallel)

    async def get(self, path: str) -> bytes:
        async with self._slots:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            try:
                writer.write(f"GET {path} HTTP/1.1\r\n{self.head}".encode())
                response = await reader.read()  # to the end: the server closes
            finally:
                writer.close()
        head, _, body = response.partition(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0].decode()
        if status.split()[1:2] != ["200"]:
            raise OSError(f"GET {path}: {status}")
        return _dechunk(body) if b"transfer-encoding: chunked" in head.lower() else body

    async def get_all(self, paths: list[str]) -> list[bytes]:
        return await asyncio.gather(*(self.get(path) for path in paths))


def _dechunk(body: bytes) -> bytes:
    out = b""
    while (size := int(body.split(b"\r\n", 1)[0].split(b";")[0], 16)) > 0:
        start = body.index(b"\r\n") + 2
        out, body = out + body[start:start + size], body[start + size + 2:]
    return out


# --- the session ----------------------------------------------------------------------------

def context_info(page_url: str) -> ContextInfo:
    """The browser context headless Chromium reports (en-US, UTC, light theme)."""
    return ContextInfo(timezone="UTC", timezone_offset=0, locale="en-US", url=page_url,
                       is_embedded=False, color_scheme="light")


class ProtocolSession:
    """One browser tab on a page of the app, minus the browser.

        async with ProtocolSession("http://127.0.0.1:8501") as session:
            result = await session.stroke(drawing_value(3, seed=0))
    """

    def __init__(self, base_url: str, page: str = "draw", expected_models: int = 4,
                 timeout: float = STROKE_TIMEOUT, fetch_media: bool = True, live: bool = False,
                 echo_reruns: int = 0, route: str | None = None) -> None:
        self.base_url, self.page = base_url.rstrip("/"), page
        self.page_url = f"{self.base_url}/{page}"
        self.expected_models, self.timeout, self.fetch_media = expected_models, timeout, fetch_media
        self.live, self.echo_reruns, self.route = live, echo_reruns, route
        self.mirror = WidgetMirror()
        self.canvas: Canvas | None = None
        self.live_component: LiveComponent | None = None
        self.page_script_hash = ""
        self.pages: dict[str, str] = {}  # the app's pages, URL path -> script hash
        self.ws: ClientConnection | None = None
        self.media: MediaFetcher | None = None
        self.fetched: set[str] = set()
        self._last_reconstructions: list[str] = []
        self._last_live_image: str | None = None
        self._stale = False  # a run we gave up waiting for may still send its messages

    async def __aenter__(self) -> ProtocolSession:
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def open(self, timeout: float = OPEN_TIMEOUT) -> RunLog:
        """Load the page: cookies, WebSocket, the first run; finds the canvas and its fragment."""
        cookies = await asyncio.to_thread(page_cookies, self.base_url, self.page, self.route)
        cookie_header = "; ".join(f"{k}={v}" for k, v in cookies.items())
        ws_url = "ws" + self.base_url[4:] + "/_stcore/stream"
        protocols = ["streamlit"] + ([cookies["_streamlit_xsrf"]] if "_streamlit_xsrf" in cookies else [])
        self.ws = await connect(ws_url, subprotocols=protocols, origin=self.base_url,
                                additional_headers={"Cookie": cookie_header} if cookies else None,
                                proxy=None, ping_interval=None, max_size=None, max_queue=None,
                                open_timeout=timeout)
        self.media = MediaFetcher(self.base_url, cookie_header)
        first = BackMsg()
        first.rerun_script.widget_states.SetInParent()
        first.rerun_script.page_name = self.page
        first.rerun_script.context_info.CopyFrom(context_info(self.page_url))
        await self.ws.send(first.SerializeToString())
        log = await self._await_run(time.perf_counter() + timeout)
        if self.canvas is None:
            raise RuntimeError(f"no drawing canvas on /{self.page}")
        if self.live:
            log = await self._go_live(time.perf_counter() + timeout)
        return log

    async def _go_live(self, deadline: float) -> RunLog:
        """What the browser sends once its models are loaded: the live component's state
        `ready` = the models' signature, in a rerun of the component's fragment."""
        live = self.live_component
        if live is None:
            raise RuntimeError(f"no live models component ({LIVE_MODELS_KEY}) on /{self.page}")
        self.mirror.set_by_user(WidgetState(id=live.widget_id,
                                            json_value=json.dumps({"ready": live.signature})))
        await self.ws.send(self._rerun_msg(live.fragment_id))
        log = await self._await_run(deadline)
        if log.live_data is None or log.urls(RECONSTRUCTION):
            raise RuntimeError("the server did not take the live path after `ready` was sent")
        return log

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _stroke_msg(self, value: str) -> bytes:
        """The rerun the canvas triggers: every widget's value, scoped to the canvas's fragment."""
        self.mirror.set_by_user(WidgetState(id=self.canvas.widget_id, json_value=value))
        return self._rerun_msg(self.canvas.fragment_id)

    def _rerun_msg(self, fragment_id: str) -> bytes:
        """A rerun of `fragment_id` carrying every widget's value."""
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.widget_states.CopyFrom(self.mirror.proto())
        rerun.page_script_hash = self.page_script_hash
        rerun.fragment_id = fragment_id
        rerun.context_info.CopyFrom(context_info(self.page_url))
        return msg.SerializeToString()

    async def stroke(self, value: str, timeout: float | None = None) -> StrokeResult:
        """Send a new drawing (see `drawing_value`) and wait for the run it starts.

        `timeout` (default: the session's) bounds the wait; a first stroke on a fresh server
        loads the models and may need longer.
        """
        timeout = timeout or self.timeout
        if self._stale:
            try:  # let the abandoned run finish first, as the browser would not send meanwhile
                await self._await_run(time.perf_counter() + timeout)
                self._stale = False
            except TimeoutError:
                return StrokeResult(None, error="the previous run still had not finished")
        payload = self._stroke_msg(value)
        t0 = time.perf_counter()
        await self.ws.send(payload)
        try:
            log = await self._await_run(t0 + timeout)
            ms = (time.perf_counter() - t0) * 1000
            for _ in range(self.echo_reruns):  # the same rerun again, as the browser sent it
                await self.ws.send(payload)
                await self._await_run(t0 + timeout)
        except TimeoutError:
            self._stale = True
            return StrokeResult(None, error=f"no result in {timeout:.0f} s")
        result = StrokeResult(ms, log.urls(RECONSTRUCTION), log)
        result.error = self._check_live(log, value) if self.live else self._check(result)
        self._last_reconstructions = result.reconstructions
        if self.fetch_media:
            try:
                async with asyncio.timeout(timeout):
                    await self._fetch_new(log.urls())
                result.media_ms = (time.perf_counter() - t0) * 1000
            except (OSError, TimeoutError) as exc:
                result.error = result.error or f"image download failed: {exc!r}"
        return result

    def _check(self, result: StrokeResult) -> str | None:
        if result.run.exceptions:
            return f"exception element: {result.run.exceptions[0][:200]}"
        if len(result.reconstructions) != self.expected_models:
            return f"{len(result.reconstructions)} reconstructions, expected {self.expected_models}"
        if set(result.reconstructions) & set(self._last_reconstructions):
            return "reconstructions not new (same media URLs as the previous stroke)"
        return None

    def _check_live(self, log: RunLog, value: str) -> str | None:
        """The live path's answer: this drawing's input in the live component's data, every
        model named, no reconstruction image."""
        if log.exceptions:
            return f"exception element: {log.exceptions[0][:200]}"
        if log.urls(RECONSTRUCTION):
            return "reconstruction images sent although the browser said it was live"
        if log.live_data is None:
            return "no live component data in the run"
        data = json.loads(log.live_data)
        if not isinstance(data.get("image"), str) or len(data["image"]) != 4184:  # 784 float32
            return "the live component's data has no 28x28 input"
        if self._last_live_image == data["image"]:
            return "the live component's input did not change with the drawing"
        self._last_live_image = data["image"]
        if len(data["models"]) != self.expected_models:
            return f"{len(data['models'])} models, expected {self.expected_models}"
        return None

    async def _fetch_new(self, urls: list[str]) -> None:
        await self.media.get_all([url for url in urls if url not in self.fetched])
        self.fetched = set(urls)  # a browser only re-fetches what it no longer shows

    async def _await_run(self, deadline: float) -> RunLog:
        """Read ForwardMsgs until a run finishes, by `deadline` (perf_counter) or TimeoutError."""
        async with asyncio.timeout(deadline - time.perf_counter()):
            return await self._read_run()

    async def _read_run(self) -> RunLog:
        """Read ForwardMsgs until a run finishes (a run stopped early for a rerun does not count)."""
        log = RunLog()
        self.mirror.start_run()
        while True:
            msg = ForwardMsg.FromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "delta":
                self._on_delta(msg.delta, log)
            elif kind == "new_session":
                self.page_script_hash = msg.new_session.page_script_hash
            elif kind == "navigation":  # the page st.navigation chose: the browser's reruns name it
                self.page_script_hash = msg.navigation.page_script_hash
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                log.exceptions.append(msg.session_event.script_compilation_exception.message)
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    log = RunLog()
                    continue
                log.status, log.fragment_ids = msg.script_finished, list(msg.metadata.run.fragment_ids)
                self.mirror.finish_run(log.fragment_ids)
                return log

    def _on_delta(self, delta: Delta, log: RunLog) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            log.exceptions.append(element.exception.message or element.exception.type)
        elif kind == "imgs":
            log.images += [(img.caption, img.url) for img in element.imgs.imgs]
        elif kind == "bidi_component" and element.bidi_component.component_name == CANVAS_COMPONENT:
            self.canvas = Canvas(element.bidi_component.id, delta.fragment_id)
        elif kind == "bidi_component" and element.bidi_component.id.endswith(LIVE_MODELS_KEY):
            log.live_data = element.bidi_component.json or element.bidi_component.mixed.json
            if self.live_component is None and log.live_data:
                self.live_component = LiveComponent(element.bidi_component.id, delta.fragment_id,
                                                     json.loads(log.live_data)["signature"])
        self.mirror.saw(element, delta.fragment_id)


# --- the check: one session, a few strokes --------------------------------------------------

def _pixels(png: bytes):
    """A media PNG back to 28x28 grey values (the app upscales every pixel to a 7x7 block)."""
    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float32) / 255
    step = img.shape[0] // 28
    return img[step // 2::step, step // 2::step][:28, :28]


async def _images_of(session: ProtocolSession, run: RunLog) -> tuple:
    """(the 28x28 input, [each model's reconstruction]) of a run, fetched from /media."""
    model_input, *rebuilt = map(_pixels, await session.media.get_all(
        run.urls(MODEL_INPUT)[:1] + run.urls(RECONSTRUCTION)))
    return model_input, rebuilt


def _correlation(a, b) -> float:
    import numpy as np

    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


async def check(url: str, strokes: int, expected_models: int) -> int:
    """Draw `strokes` digits in one session; print timings and that each result is new and ours."""
    async with ProtocolSession(url, expected_models=expected_models) as session:
        print(f"canvas widget {session.canvas.widget_id}, fragment {session.canvas.fragment_id}, "
              f"page hash {session.page_script_hash}; widgets carried: "
              f"{len(session.mirror.states)}, unknown types: {sorted(session.mirror.unknown) or 'none'}")
        warm = await session.stroke(drawing_value(8, seed=99), timeout=OPEN_TIMEOUT)
        print(f"warm-up stroke (digit 8; loads the models on a fresh server): "
              f"{warm.ms and round(warm.ms)} ms, error: {warm.error or 'none'}")
        results, images, digits = [], [], [DIGITS[i % len(DIGITS)] for i in range(strokes)]
        for i, digit in enumerate(digits):
            r = await session.stroke(drawing_value(digit, seed=i))
            results.append(r)
            if r.error is None:  # now: the server drops a run's media files after the next run
                images.append(await _images_of(session, r.run))
            print(f"stroke {i + 1} (digit {digit}): {r.ms and round(r.ms)} ms to script_finished, "
                  f"{len(r.reconstructions)} reconstruction images, "
                  f"{r.media_ms and round(r.media_ms)} ms with the images downloaded, "
                  f"error: {r.error or 'none'}")
            for u in r.reconstructions:
                print(f"    {u}")
        sent = session.mirror.proto()
        print("last stroke carried:", ", ".join(
            f"{s.id.rsplit('-', 1)[-1]}={s.WhichOneof('value')}" for s in sent.widgets))
        ok = [r for r in results if r.error is None]
        if len(ok) < 2:
            return 1
    print("correlation of each stroke's 28x28 input (rows) with the mean reconstruction of each "
          "stroke (columns):")
    for i, (model_input, _) in enumerate(images):
        row = [_correlation(model_input, sum(rebuilt) / len(rebuilt)) for _, rebuilt in images]
        print(f"    input {i + 1} (digit {digits[i]}): " + "  ".join(f"{c:+.2f}" for c in row))
    all_urls = [u for r in ok for u in r.reconstructions]
    print(f"distinct reconstruction URLs: {len(set(all_urls))} of {len(all_urls)}")
    return 0 if len(ok) == strokes else 1


async def check_live(url: str, strokes: int, expected_models: int) -> int:
    """The same, for a browser on the live path: each stroke's time and the size of the data."""
    async with ProtocolSession(url, expected_models=expected_models, live=True) as session:
        print(f"live component {session.live_component.widget_id}, signature "
              f"{session.live_component.signature}")
        failed = 0
        for i in range(strokes + 1):  # the first loads the models on a fresh server
            digit = DIGITS[i % len(DIGITS)]
            r = await session.stroke(drawing_value(digit, seed=i), timeout=OPEN_TIMEOUT)
            print(f"stroke {i} (digit {digit}): {r.ms and round(r.ms)} ms to script_finished, "
                  f"component data {len(r.run.live_data or '') / 1000 if r.run else 0:.0f} kB, "
                  f"error: {r.error or 'none'}")
            failed += i > 0 and r.error is not None
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.protocol_client", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an already running app (default: start one)")
    parser.add_argument("--strokes", type=int, default=3)
    parser.add_argument("--live", action="store_true",
                        help="a browser on the live path (its models loaded: `ready` sent)")
    args = parser.parse_args()

    with Server(args.url) as server:
        run = check_live if args.live else check
        return asyncio.run(run(server.url, args.strokes, N_DEFAULT_MODELS))


if __name__ == "__main__":
    sys.exit(main())
