"""Live decoding in the browser (issue #17), in the real app: page loads, map sweep, slider
drags, pen strokes on the Draw page.

    python -m bench.live_bench [--pages latent draw] [--loads 5] [--drags 3] [--url URL] [--write]

A fresh `streamlit run lab.py` (bench.common.Server; or `--url`, a server already running), one
headless Chromium at 1400x1000, the page's own clock (`performance.now`) throughout:

* load: `goto` of Latent space 2-D to live-ready (the hook's `ready`: TensorFlow.js and the model
  loaded, the probe decoded in the browser), seen at the first animation frame after it. The first
  load of a fresh server, then `--loads` more on the warm server, each in a new tab of the same
  browser (cache warm, a reload) and each in a new browser context (empty cache, a new pupil). The
  map drawn (the canvas plane's first draw, `window.aeLive.plane.draws`: the page as it is
  without live decoding) is marked in the same loads. The floor: each warm load is followed
  by the same load of bench/bare_canvas_app.py (its own server, /draw; not with --url) to its
  canvas shown;
* 2-D sweep: the pointer moved across the box between the map's axes (the plane's test hook
  `axes()`, static/live/latent_plane.js) at 60 Hz for 1 s, no button held (a held button pans
  the map), `--drags` times. Decodes and distinct frames
  painted during it; pointer move -> decoded image painted; WebSocket frames the page sent;
* 3-D slider: the z1 probe slider (`.st-key-l3d_x_ae_3d`) pressed and dragged at 60 Hz for 1 s,
  then released: decodes before release, frames sent before release (and at release: the rerun);
* Draw page (`--pages draw`): the same loads to live-ready (the hook `window.aeLive.draw`: the 4
  default models loaded and run once); `--drags` pen strokes of 1 s each at 60 Hz moves (a digit's
  path, button held), the 4 default models' tiles repainted per move; then, with Gaussian noise
  and an example digit as the input, the sigma slider dragged for 1 s. Frames sent during each
  (and at release: the canvas's rerun, and anything else the page sends).

"Painted": `static/live/latent_probe.js` pushes each decode's latency into its test hook
(`window.aeLive.latent.latencies`) right after writing the pixels to its canvas (on the Draw
page, `draw_reconstruct.js` into `window.aeLive.draw.latencies` after every tile is painted). An init script
wraps that push: at the push it notes the time, then requests an animation frame; the frame's
callback time is the start of the rendering update that carries the new pixels (raster and
compositing follow; no page script can see them). Pointer move -> painted is that time minus the
`timeStamp` of the latest pointer move before the decode began (for the 2-D map the hook's own
start is that event's timeStamp; for a slider the hook starts when the thumb's value text
changes, after React's update, so the bench goes back to the move). The floor, in the same
drags: pointer move -> the next animation frame with no work at all; where painted equals it,
the decode costs no frame (its pixels go out with the frame that follows the move anyway).
Load: Resource Timing of the same loads says when the live panel's module, TensorFlow.js, its
WebAssembly and the models' weights were requested or received.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (
    BARE_APP, DIGITS, Figure, Server, load_average, machine_name, percentile, record)
from tests.e2e.browser_actions import CANVAS, STROKES, map_axes, wait_idle
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS

TITLE = "Live decoding in the browser"
DRAW_TITLE = "Live drawing in the browser (Draw page)"
VIEWPORT = {"width": 1400, "height": 1000}
Z1_TRACK = '.st-key-l3d_x_ae_3d [data-testid="stSlider"] [data-orientation="horizontal"]'
HZ, DRAG_S, SETTLE_S = 60.0, 1.0, 0.5
LOAD_TARGET_S, FRAMES_TARGET, MEDIAN_TARGET_MS, P95_TARGET_MS = 2.0, 30, 16.0, 33.0
LOAD = "Page load to live-ready, Latent space 2-D, warm server, median of 5"
LOAD_DRAW = "Page load to live-ready, Draw page (4 default models), warm server, median of 5"
PEN = "Pen move to the 4 default models' tiles repainted, Draw page, during a stroke, median / p95"
PEN_TARGET_MS = 33.0
DRAW_SENT = "WebSocket frames the Draw page sends: during a stroke / a sigma-slider drag"
SIGMA_TRACK = '.st-key-draw_sigma [data-testid="stSlider"] [data-orientation="horizontal"]'
FRAMES = "Decoded frames during a 1-s pointer sweep across the 2-D map (60 Hz moves), fewest"
PAINT = "Pointer move to decoded image painted, 2-D map sweep, median / p95"
SENT = "WebSocket frames the page sends: 2-D sweep / 3-D slider drag before release"
SLIDER = "Decodes during a 1-s drag of a 3-D probe slider (60 Hz moves), fewest"

@dataclass(frozen=True)
class LivePage:
    """A page with a live panel: its URL path, test hook, what it showed before live decoding
    (a JS test), and the live panel's module."""

    path: str
    hook: str  # window.aeLive[hook]
    shown: str  # true once the page's picture is there, live or not
    shown_name: str
    module: str
    count: str  # the hook's counter of decodes / passes


LATENT = LivePage("latent-2d", "latent", "window.aeLive?.plane?.draws > 0", "map drawn",
                  "/live/latent_probe.js", "decodes")
DRAW = LivePage("draw", "draw", """[...document.querySelectorAll(
    '[data-testid="stBidiComponentIsolated"]')].some(
    (el) => el.shadowRoot?.querySelector('canvas.upper-canvas'))""", "canvas shown",
                "/live/draw_reconstruct.js", "passes")
PAGES = {"latent": LATENT, "draw": DRAW}
# The floor of a load: bench/bare_canvas_app.py, the same canvas component and no model, at
# /draw as on the app; "ready" is its canvas shown.
FLOOR = LivePage("draw", "floor", DRAW.shown, "canvas shown", "", "")

# Installed in every page before its own scripts: marks of a load, pointer moves, and the frame
# that carries each decoded image (see the module's docstring).
INSTRUMENT = """(() => {
  if (window !== window.top || window.__aeBench) return;
  const bench = window.__aeBench = {marks: {}, moves: [], floor: [], paints: []};
  const watch = (latencies) => {
    const push = latencies.push;
    latencies.push = function (ms) {
      const written = performance.now();
      requestAnimationFrame((frameTime) => bench.paints.push(
        {start: written - ms, written, frame: performance.now(), frameTime}));
      return push.apply(this, arguments);
    };
    latencies.aeBenchWatched = true;
  };
  const poll = () => {
    const now = performance.now(), marks = bench.marks, hook = window.aeLive?.HOOK;
    if (hook?.latencies && !hook.latencies.aeBenchWatched) watch(hook.latencies);
    if (marks.title === undefined && document.querySelector('h1')) marks.title = now;
    if (marks.shown === undefined && (SHOWN)) marks.shown = now;
    if (marks.ready === undefined && hook?.ready) marks.ready = now;
    if (marks.ready === undefined || !hook.latencies.aeBenchWatched) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  document.addEventListener('pointermove', (event) => {
    const t = event.timeStamp;
    bench.moves.push(t);
    requestAnimationFrame(() => bench.floor.push([t, performance.now() - t]));
  }, {capture: true, passive: true});
})();"""


def launch(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def new_context(browser, page: LivePage = LATENT):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(script=INSTRUMENT.replace("HOOK", page.hook)
                            .replace("SHOWN", page.shown))
    return context


class FramesSent:
    """The WebSocket frames one page has sent so far (a rerun request is one).

    Sync Playwright hands events over only inside its own calls, so a count is taken after one
    (`page.wait_for_timeout`): frames are counted in order, by phase, not by arrival time here.
    """

    def __init__(self, page) -> None:
        self.page, self.sent = page, 0
        page.on("websocket", lambda ws: ws.on("framesent", lambda _: self._add()))

    def _add(self) -> None:
        self.sent += 1

    def after(self, wait_ms: float) -> int:
        self.page.wait_for_timeout(wait_ms)
        return self.sent


# --- page load to live-ready -------------------------------------------------------------------

@dataclass
class Load:
    """Seconds from navigation start (the page's clock) to each moment of one load: `dom`
    (DOMContentLoaded: Streamlit's frontend loaded), `title` (the page's title: connected, the
    script running), `shown` (the page's picture as it was without live decoding), `ready`;
    from Resource Timing: `module` (the live panel's module requested: the component mounted),
    `tf_js` / `tf_in` (tf.min.js requested / received), `wasm_in` (the WebAssembly binary
    received), `weights` (the last weights file received)."""

    marks: dict[str, float]

    def __getattr__(self, name: str) -> float:
        try:
            return self.__dict__["marks"][name]
        except KeyError:
            raise AttributeError(name) from None


MARKS = ("dom", "title", "shown", "ready", "module", "tf_js", "tf_in", "wasm_in", "weights")
LOAD_MARKS = """(module) => {
  const path = (entry) => new URL(entry.name).pathname;
  const resources = performance.getEntriesByType('resource');
  const find = (end) => resources.find((entry) => path(entry).endsWith(end));
  const bins = resources.filter((entry) => path(entry).endsWith('.bin'));
  return {...window.__aeBench.marks,
          dom: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
          module: find(module)?.startTime,
          tf_js: find('/tfjs/tf.min.js')?.startTime,
          tf_in: find('/tfjs/tf.min.js')?.responseEnd,
          wasm_in: find('.wasm')?.responseEnd,
          weights: bins.length ? Math.max(...bins.map((entry) => entry.responseEnd)) : undefined};
}"""


def load_to_ready(context, url: str, page_kind: LivePage = LATENT) -> Load:
    """Open the page in a new tab of `context`; the tab is closed after. For the FLOOR app,
    until its canvas is shown (its `ready` is that moment)."""
    page = context.new_page()
    until = "shown" if page_kind is FLOOR else "ready"
    try:
        page.goto(f"{url}/{page_kind.path}", wait_until="commit")
        page.wait_for_function(f"() => window.__aeBench?.marks.{until} !== undefined",
                               timeout=180_000)
        marks = page.evaluate(LOAD_MARKS, page_kind.module or "-")
        if page_kind is FLOOR:
            marks["ready"] = marks["shown"]
        return Load({k: (marks.get(k) if marks.get(k) is not None else math.nan) / 1000
                     for k in MARKS})
    finally:
        page.close()


@dataclass
class Loads:
    first: Load
    reloads: list[Load]  # same browser context: the browser's cache is warm
    new_browsers: list[Load]  # a new context each: empty cache
    settled_s: float | None  # the wait after the first load for the server to go quiet
    floor_reloads: list[Load] = field(default_factory=list)  # the bare app, each after one above
    floor_new_browsers: list[Load] = field(default_factory=list)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(pid: int | None, limit_s: float = 60.0) -> float | None:
    """Seconds until the server used under 5% of a core for a whole second (its background
    warm-up of the Draw page's models done): the warm loads then measure a warm server."""
    if pid is None:  # --url: not this bench's process
        return None
    started = time.perf_counter()
    last = cpu_seconds(pid)
    while time.perf_counter() - started < limit_s:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        if now - last < 0.05:
            break
        last = now
    return time.perf_counter() - started


def measure_loads(browser, url: str, repeats: int, server_pid: int | None,
                  page: LivePage = LATENT, floor_url: str | None = None) -> Loads:
    """The first load, then `repeats` reloads and `repeats` new-browser loads; with `floor_url`
    (the bare app's server, warmed here) each is followed by the same load of the bare app, so
    that the machine's drift weighs on both alike."""
    context = new_context(browser, page)
    first = load_to_ready(context, url, page)
    settled = wait_until_quiet(server_pid)
    loads = Loads(first, [], [], settled)
    floor_context = new_context(browser, FLOOR) if floor_url else None
    if floor_context:
        load_to_ready(floor_context, floor_url, FLOOR)  # its server's first page
    for _ in range(repeats):
        loads.reloads.append(load_to_ready(context, url, page))
        if floor_context:
            loads.floor_reloads.append(load_to_ready(floor_context, floor_url, FLOOR))
    for closing in (context, floor_context):
        if closing:
            closing.close()
    for _ in range(repeats):
        for kind, target, kept in ((page, url, loads.new_browsers),
                                   (FLOOR, floor_url, loads.floor_new_browsers)):
            if target:
                context = new_context(browser, kind)
                kept.append(load_to_ready(context, target, kind))
                context.close()
    return loads


# --- drags --------------------------------------------------------------------------------------

@dataclass
class Drag:
    """One 1-s drag: counts, and per decode (ms) pointer move -> painted and -> canvas written."""

    moves: int
    span_s: float  # first to last pointer move, page clock
    decodes: int
    frames_painted: int
    sent: int
    painted_ms: list[float] = field(default_factory=list)
    written_ms: list[float] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)
    sent_at_release: int | None = None


def move_at_rate(page, points: list[tuple[float, float]]) -> None:
    """Move the mouse through `points` at HZ moves a second, on a fixed schedule."""
    t0 = time.perf_counter()
    for i, (x, y) in enumerate(points):
        delay = t0 + i / HZ - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        page.mouse.move(x, y)


def page_now(page) -> float:
    return page.evaluate("() => performance.now()")


def collect(page, since: float, until: float, decodes_before: int, sent: int,
            kind: LivePage = LATENT) -> Drag:
    """The decodes begun since `since` (page clock, ms), each paired with the latest pointer
    move in [since, until] before it began."""
    state = page.evaluate(f"""() => ({{bench: window.__aeBench,
                                      decodes: window.aeLive.{kind.hook}.{kind.count}}})""")
    bench = state["bench"]
    moves = sorted(t for t in bench["moves"] if since <= t <= until)
    # Up to now, not `until`: a decode the last move starts may begin after it (a slider's
    # thumb moves, then the page's observer schedules the decode for the next frame).
    paints = [p for p in bench["paints"] if since <= p["start"]]
    painted, written = [], []
    for p in paints:
        before = [t for t in moves if t <= p["start"] + 0.01]
        if before:
            painted.append(p["frame"] - before[-1])
            written.append(p["written"] - before[-1])
    if len(paints) != state["decodes"] - decodes_before:
        raise RuntimeError(f"{len(paints)} paints seen for {state['decodes'] - decodes_before} "
                           "decodes: the hook's latencies are no longer pushed one per decode")
    return Drag(len(moves), (moves[-1] - moves[0]) / 1000 if moves else 0.0, len(paints),
                len({p["frameTime"] for p in paints}), sent, painted, written,
                [ms for t, ms in bench["floor"] if since <= t <= until])


def sweep_2d(page, frames: FramesSent) -> Drag:
    """The pointer across the 2-D map's axes for DRAG_S at HZ, no button held."""
    box = map_axes(page)
    n = int(DRAG_S * HZ) + 1
    points = [(box["x"] + (0.1 + 0.8 * i / (n - 1)) * box["width"],
               box["y"] + (0.5 + 0.3 * math.sin(2 * math.pi * i / (n - 1))) * box["height"])
              for i in range(n)]
    page.mouse.move(*points[0])
    sent_before = frames.after(300)
    before, since = page.evaluate("window.aeLive.latent.decodes"), page_now(page)
    move_at_rate(page, points[1:])
    until = page_now(page)
    sent = frames.after(SETTLE_S * 1000) - sent_before
    drag = collect(page, since, until, before, sent)
    page.mouse.move(box["x"] - 40, box["y"] - 40)  # off the map: back to the pinned probe
    page.wait_for_timeout(300)
    return drag


def slide_3d(page, frames: FramesSent, release: float = 0.4) -> Drag:
    """The z1 probe slider pressed mid-track, dragged for DRAG_S at HZ, then released at
    `release` of the track (a new value each drag: the release sends its rerun)."""
    return drag_slider(page, frames, page.locator(Z1_TRACK).nth(1), release, LATENT)


def drag_slider(page, frames: FramesSent, track, release: float, kind: LivePage) -> Drag:
    """Press `track` mid-way, sway the thumb for DRAG_S at HZ, release it at `release` of the
    track; the decodes (or passes) of `kind`'s hook during the drag, the frames sent before and
    at the release."""
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    y, n = box["y"] + box["height"] / 2, int(DRAG_S * HZ) + 1
    xs = [box["x"] + (0.5 + 0.35 * math.sin(2 * math.pi * i / (n - 1))) * box["width"]
          for i in range(n)]
    page.mouse.move(xs[0], y)
    sent_before = frames.after(300)
    before, since = page.evaluate(f"window.aeLive.{kind.hook}.{kind.count}"), page_now(page)
    page.mouse.down()
    move_at_rate(page, [(x, y) for x in xs[1:-1]] + [(box["x"] + release * box["width"], y)])
    until = page_now(page)
    sent = frames.after(100) - sent_before  # the last decode lands; the button is still down
    drag = collect(page, since, until, before, sent, kind)
    page.mouse.up()
    drag.sent_at_release = frames.after(SETTLE_S * 1000) - sent - sent_before
    wait_idle(page)
    return drag


def pen_path(box: dict, digit: int, n: int) -> list[tuple[float, float]]:
    """`n` points evenly along a digit's pen path (tests/e2e/browser_actions.STROKES) on the
    canvas's box: one stroke of DRAG_S at HZ."""
    corners = [(box["x"] + x * box["width"], box["y"] + y * box["height"])
               for x, y in STROKES[digit]]
    lengths = [math.dist(a, b) for a, b in zip(corners, corners[1:])]
    total, points = sum(lengths), []
    for i in range(n):
        along, k = total * i / (n - 1), 0
        while k < len(lengths) - 1 and along > lengths[k]:
            along -= lengths[k]
            k += 1
        t = min(1.0, along / lengths[k]) if lengths[k] else 0.0
        (x0, y0), (x1, y1) = corners[k], corners[k + 1]
        points.append((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
    return points


def stroke_draw(page, frames: FramesSent, digit: int) -> Drag:
    """One pen stroke of DRAG_S at HZ on the Draw page's canvas, then mouse-up; the server's
    answer awaited (its rerun, counted in `sent_at_release`) before the next."""
    canvas = page.locator(CANVAS).first
    canvas.scroll_into_view_if_needed()
    points = pen_path(canvas.bounding_box(), digit, int(DRAG_S * HZ) + 1)
    page.mouse.move(*points[0])
    sent_before = frames.after(300)
    before, since = page.evaluate("window.aeLive.draw.passes"), page_now(page)
    page.mouse.down()
    move_at_rate(page, points[1:])
    until = page_now(page)
    sent = frames.after(100) - sent_before  # the last pass lands; the pen is still down
    drag = collect(page, since, until, before, sent, DRAW)
    page.mouse.up()
    drag.sent_at_release = frames.after(2000) - sent - sent_before
    page.wait_for_function("() => window.aeLive.draw.source === 'server'", timeout=60_000)
    wait_idle(page)
    return drag


def slide_sigma(page, frames: FramesSent, release: float) -> Drag:
    """The Draw page's sigma slider pressed mid-track, dragged for DRAG_S at HZ, released at
    `release` of the track (a new value each time: the release sends its rerun)."""
    return drag_slider(page, frames, page.locator(SIGMA_TRACK).nth(1), release, DRAW)


def open_ready(context, url: str, path: str,
               kind: LivePage = LATENT) -> tuple[object, FramesSent, str]:
    """A tab on `path` with live decoding ready and the script idle; its frames counted."""
    page = context.new_page()
    frames = FramesSent(page)
    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
    page.wait_for_function(f"() => window.aeLive?.{kind.hook}?.ready === true", timeout=180_000)
    wait_idle(page)
    return page, frames, page.evaluate(f"window.aeLive.{kind.hook}.backend")


def draw_strokes(context, url: str, drags: int) -> tuple[list[Drag], list[Drag], str]:
    """Pen strokes on a clean Draw page, then sigma drags with noise on an example digit; and
    the TensorFlow.js backend the page ran on."""
    page, frames, backend = open_ready(context, url, "draw", DRAW)
    strokes = [stroke_draw(page, frames, DIGITS[i % len(DIGITS)]) for i in range(drags)]
    page.close()
    page, frames, _ = open_ready(context, url, "draw?draw_kind=Gaussian+noise&draw_seed=7", DRAW)
    page.get_by_text("Example", exact=True).click()
    page.wait_for_function("() => window.aeLive.draw.source === 'server'", timeout=60_000)
    wait_idle(page)
    slides = [slide_sigma(page, frames, 0.3 + 0.1 * i) for i in range(drags)]
    page.close()
    return strokes, slides, backend


# --- the report ---------------------------------------------------------------------------------

@dataclass
class Run:
    loads: dict[str, Loads]  # by page ("latent", "draw")
    sweeps: list[Drag]
    slides: list[Drag]
    strokes: list[Drag]
    sigma: list[Drag]
    backend: str
    chromium: str
    load_before: str  # the machine's load average when the bench began


def measure(url: str | None, loads: int, drags: int, pages: list[str]) -> Run:
    from playwright.sync_api import sync_playwright

    load_before = load_average()
    run = Run({}, [], [], [], [], "", "", load_before)
    with Server(url) as server, Server(url, script=BARE_APP) as floor, sync_playwright() as pw:
        browser = launch(pw)
        pid = server.proc.pid if server.proc else None
        floor_url = None if url else floor.url  # a running server: no floor of this machine
        for name in pages:  # the first page's first load meets the fresh server
            run.loads[name] = measure_loads(browser, server.url, loads, pid, PAGES[name],
                                            floor_url)
        if "latent" in pages:
            context = new_context(browser)
            page, frames, run.backend = open_ready(context, server.url, "latent-2d")
            run.sweeps = [sweep_2d(page, frames) for _ in range(drags)]
            page.close()
            page, frames, _ = open_ready(context, server.url, "latent-3d")
            run.slides = [slide_3d(page, frames, 0.4 - 0.05 * i) for i in range(drags)]
            context.close()
        if "draw" in pages:
            context = new_context(browser, DRAW)
            run.strokes, run.sigma, backend = draw_strokes(context, server.url, drags)
            run.backend = run.backend or backend
            context.close()
        run.chromium = browser.version
        browser.close()
    return run


def seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s"


def ms_pair(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {percentile(values, 95):.1f} ms"


def pooled(drags: list[Drag], name: str) -> list[float]:
    return [v for d in drags for v in getattr(d, name)]


def load_rows(loads: Loads, kind: LivePage, first: str) -> list[str]:
    target = f"≤ {LOAD_TARGET_S:.0f} s"
    warm = "page load → live-ready, warm server"
    rows = [(f"page load → live-ready, {first}", [loads.first], "—", kind),
            (f"{warm}, reload (same browser), median of {len(loads.reloads)}", loads.reloads,
             target, kind),
            (f"{warm}, new browser (empty cache), median of {len(loads.new_browsers)}",
             loads.new_browsers, target, kind)]
    floor = "the floor: the bare canvas app's page load → canvas shown"
    rows += [(f"{floor}, {what}, each right after one of the page's", runs, "—", FLOOR)
             for what, runs in (("reload", loads.floor_reloads),
                                ("new browser", loads.floor_new_browsers)) if runs]
    return [f"| {what} | {target} | **{seconds([x.ready for x in runs])}** (runs: "
            f"{', '.join(f'{x.ready:.2f}' for x in runs)}) | DOMContentLoaded "
            f"{seconds([x.dom for x in runs])}, title {seconds([x.title for x in runs])}, "
            f"{shown.shown_name} {seconds([x.shown for x in runs])} |"
            for what, runs, target, shown in rows]


def load_split(loads: Loads, kind: LivePage) -> str:
    """Where the warm loads' time goes, from the same loads' marks and Resource Timing."""
    def at(what: str, runs: list[Load]) -> str:
        median = {name: statistics.median(getattr(x, name) for x in runs) for name in MARKS}
        return (f"{what}: title {median['title']:.2f} s, live panel's module requested "
                f"{median['module']:.2f} s, {kind.shown_name} {median['shown']:.2f} s, "
                f"TensorFlow.js requested {median['tf_js']:.2f} s and received "
                f"{median['tf_in']:.2f} s, WebAssembly received {median['wasm_in']:.2f} s, "
                f"last weights received {median['weights']:.2f} s, live-ready "
                f"{median['ready']:.2f} s")

    settled = "" if loads.settled_s is None else (
        f"The warm loads began once the server had gone quiet after the first load "
        f"({loads.settled_s:.0f} s after it; a fresh app loads the Draw page's models in the "
        "background once its first page is drawn). ")
    return (f"{settled}Where a warm load of /{kind.path} goes (medians, seconds from navigation "
            f"start): {at('reload', loads.reloads)}; {at('new browser', loads.new_browsers)}.")


def drag_rows(what: str, drags: list[Drag], note: str = "", target: str = "≤ 16 / 33 ms",
              frames_target: str = f"≥ {FRAMES_TARGET}", released: str = "the rerun") -> list[str]:
    """Rows of one kind of drag; `note` follows targets borrowed from the 2-D map's."""
    def each(attr: str, fmt: str = "{}") -> str:
        return ", ".join(fmt.format(getattr(d, attr)) for d in drags)

    sent, before = f"**{each('sent')}**", ""
    if drags[0].sent_at_release is not None:
        sent += f" (at release, {released}: {each('sent_at_release')})"
        before = " before release"
    return [
        (f"| {what}: decodes per drag ({each('moves')} pointer moves in "
         f"{each('span_s', '{:.2f}')} s) | {frames_target}{note} | **{each('decodes')}** | "
         f"distinct frames painted: {each('frames_painted')} |"),
        (f"| {what}: pointer move → decoded image painted, median / p95 | {target}{note} | "
         f"**{ms_pair(pooled(drags, 'painted_ms'))}** | next frame, no work: "
         f"{ms_pair(pooled(drags, 'floor_ms'))} |"),
        (f"| {what}: pointer move → pixels written to the canvas, median / p95 | — | "
         f"{ms_pair(pooled(drags, 'written_ms'))} | — |"),
        (f"| {what}: WebSocket frames the page sent{before} | 0 | {sent} | — |"),
    ]


METHOD = (
    "In the real app (`streamlit run lab.py`), the page's own clock. Load: navigation start to the "
    "first animation frame after live-ready (models loaded and run once in the browser). Drags: "
    "{drags} of each, {hz:.0f} Hz pointer moves for {seconds:.0f} s; counts per drag, latencies "
    "pooled. \"Painted\": the animation frame after the decoded pixels are written to the canvas "
    "(its rendering update; raster and compositing follow, unseen by scripts). Floor: pointer move "
    "to the next animation frame with nothing to do, in the same drags: where painted equals it, "
    "the decode costs no frame (its pixels go out with the frame that follows the move anyway).")
DRAW_METHOD = (
    "On the Draw page a \"decode\" is a pass of its live engine: the canvas read and made "
    "MNIST-style, corrupted, and rebuilt by the 4 default models, whose tiles, error maps, MSE "
    "and PSNR are painted; one stroke follows a digit's pen path with the button held. The sigma "
    "drags run with Gaussian noise on the example digit.")


def header(run: Run, command: str, method: str) -> list[str]:
    return [(f"`{command}`, {time.strftime('%Y-%m-%d %H:%M')}. Machine: {machine_name()}; at "
             f"the start {run.load_before}, at the end {load_average()}. Chromium {run.chromium} "
             f"(headless, {VIEWPORT['width']}x{VIEWPORT['height']}); TensorFlow.js backend: "
             f"{run.backend}."), "", method, "",
            "| what | target | measured | floor / context (same run) |", "|---|---|---|---|"]


def first_load(run: Run, name: str) -> str:
    return ("first load, fresh server" if next(iter(run.loads)) == name
            else "first load of this page (server warmed by the page before)")


def markdown(run: Run, command: str) -> str:
    method = METHOD.format(drags=len(run.sweeps), hz=HZ, seconds=DRAG_S)
    return "\n".join([
        *header(run, command, method),
        *load_rows(run.loads["latent"], LATENT, first_load(run, "latent")),
        *drag_rows("2-D map, pointer sweep", run.sweeps),
        *drag_rows("3-D z1 slider drag", run.slides, " (as 2-D)"), "",
        load_split(run.loads["latent"], LATENT)])


def draw_markdown(run: Run, command: str) -> str:
    method = METHOD.format(drags=len(run.strokes), hz=HZ, seconds=DRAG_S) + " " + DRAW_METHOD
    return "\n".join([
        *header(run, command, method),
        *load_rows(run.loads["draw"], DRAW, first_load(run, "draw")),
        *drag_rows("Draw page, pen stroke", run.strokes, target=f"≤ {PEN_TARGET_MS:.0f} ms "
                   "(median)", frames_target="—", released="the drawing and what follows"),
        *drag_rows("Draw page, sigma slider drag", run.sigma, target="—", frames_target="—"),
        "", load_split(run.loads["draw"], DRAW)])


def load_figure(name: str, loads: Loads, kind: LivePage) -> Figure:
    warm = statistics.median(x.ready for x in loads.reloads)
    fresh = statistics.median(x.ready for x in loads.new_browsers)
    floor = (f"bare canvas app, same run: {seconds([x.ready for x in loads.floor_reloads])} "
             f"reload, {seconds([x.ready for x in loads.floor_new_browsers])} new browser"
             if loads.floor_new_browsers else
             f"{kind.shown_name} {statistics.median(x.shown for x in loads.reloads):.2f} s")
    return Figure(name, f"≤ {LOAD_TARGET_S:.0f} s",
                  f"{warm:.2f} s reload, {fresh:.2f} s new browser (first load "
                  f"{loads.first.ready:.2f} s)", floor)


def figures(run: Run) -> list[Figure]:
    loads, sw, sl = run.loads["latent"], run.sweeps, run.slides
    return [
        load_figure(LOAD, loads, LATENT),
        Figure(FRAMES, f"≥ {FRAMES_TARGET}", f"{min(d.decodes for d in sw)} decodes "
               f"({min(d.frames_painted for d in sw)} distinct frames)"),
        Figure(PAINT, "≤ 16 / 33 ms", ms_pair(pooled(sw, "painted_ms")),
               f"next frame, no work: {ms_pair(pooled(sw, 'floor_ms'))}"),
        Figure(SENT, "0", f"{max(d.sent for d in sw)} / {max(d.sent for d in sl)}"),
        Figure(SLIDER, "—", f"{min(d.decodes for d in sl)} (painted "
               f"{ms_pair(pooled(sl, 'painted_ms'))} after the move)"),
    ]


def draw_figures(run: Run) -> list[Figure]:
    strokes, sigma = run.strokes, run.sigma
    return [
        load_figure(LOAD_DRAW, run.loads["draw"], DRAW),
        Figure(PEN, f"≤ {PEN_TARGET_MS:.0f} ms (median)",
               f"{ms_pair(pooled(strokes, 'painted_ms'))} ({min(d.decodes for d in strokes)} "
               f"passes in the fewest 1-s stroke)",
               f"next frame, no work: {ms_pair(pooled(strokes, 'floor_ms'))}"),
        Figure(DRAW_SENT, "0", f"{max(d.sent for d in strokes)} / {max(d.sent for d in sigma)} "
               f"(at mouse-up: {', '.join(str(d.sent_at_release) for d in strokes)})"),
    ]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.live_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES),
                        help="latent: 2-D map and 3-D slider; draw: the Draw page (both)")
    parser.add_argument("--loads", type=int, default=5, help="warm loads of each kind (5)")
    parser.add_argument("--drags", type=int, default=3, help="1-s drags of each kind (3)")
    parser.add_argument("--url", help="an already running server (no current figures recorded)")
    parser.add_argument("--write", action="store_true",
                        help="record the result in bench/RESULTS.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from bench.common import command_line

    args = parse(sys.argv[1:] if argv is None else argv)
    run = measure(args.url, args.loads, args.drags, args.pages)
    sections = []
    if "latent" in args.pages:
        sections.append((TITLE, markdown(run, command_line()), figures(run)))
    if "draw" in args.pages:
        sections.append((DRAW_TITLE, draw_markdown(run, command_line()), draw_figures(run)))
    for title, body, rows in sections:
        print(f"## {title}\n\n{body}\n")
        if args.write:
            if args.url:
                record(f"{title}: {args.url}", body)
            else:
                record(title, body, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
