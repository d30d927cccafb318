"""Concurrency and soak of the Draw page (their one implementation): protocol-level pupils.

    python -m bench.protocol_bench concurrency [--sessions 5 10 20] [--duration 60] [--url URL]
    python -m bench.protocol_bench soak [--sessions 10] [--duration 300]

    --path live  every pupil's browser runs the models itself (the Draw page's live path, issue
                 #17: its component reports `ready`, the server runs no model and sends its
                 28x28 input only, no reconstruction images); --path server (default): as a browser without the
                 runtime, which gets the server's pictures
    --echo-reruns 1  with --path live: each stroke's rerun sent twice, as the browser did before
                 ui/browser_models.py's loader stopped re-sending an unchanged state value
    --browser    also run ONE real Chromium session alongside (what a person in the class feels;
                 with --path server its TensorFlow.js is blocked, so it takes the server path)
    --no-images  the simulated sessions do not download their runs' images (a browser does)
    --write      replace this benchmark's section of bench/RESULTS.md (and, with --browser,
                 its rows of the current figures)

Serving a class through nginx: start `python deploy/serve.py --processes 2 --port 8080`, then
`python -m bench.protocol_bench concurrency --browser --url http://127.0.0.1:8080`.
`python -m bench.browser_bench concurrency|soak ...` runs this, with `--browser`.

Why not one Chromium page per pupil (this project's first concurrency bench): on a 2-core machine
10-20 renderers load the machine more than the server does. Here every pupil is a
`protocol_client.ProtocolSession`: the WebSocket messages Chromium sends for the Draw page (page
load, then one fragment rerun per stroke carrying the canvas's PNG and every widget's value) and
the GETs of each run's new images, from one Python process that costs little CPU.

Simulated: everything the server sees of a pupil, so its work per stroke is the same as for a
browser: the script run of the Draw fragment with a new drawing (each pupil's drawings differ,
made with tests/apptest_helpers.drawn_digit before the clock starts), the 4 default models,
the deltas and the media files. Not simulated: the browser's rendering, its encoding of the
canvas to PNG (about 0.2 s of a browser's stroke on this project's machines, bench/RESULTS.md)
and the static files a browser loads once per page. So the stroke-to-result reported for the
simulated pupils is the server's part: rerun request sent to the run's `script_finished` (and,
as a second figure, to the run's images downloaded). `--browser` adds one real Chromium session
(`browser_bench.browser_pupil`) measured as `browser_bench stroke` measures (mouse-up to every
reconstruction painted).

Each pupil draws a new digit every 2 s and waits for its result (at most 20 s: more, or an
exception element, or not one new reconstruction per default model, counts as an error),
staggered by a tenth of that period each. One warm-up session draws first, so the models are
loaded before anything is measured. With `--browser` the simulated pupils go on drawing until
the browser's last stroke (its page load is slower), so it always meets the class.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass, field

from bench.browser_bench import BrowserLog, browser_pupil
from bench.common import (DIGITS, N_DEFAULT_MODELS, Figure, Server, load_average, machine,
                          percentile, record, rss_mb)
from bench.protocol_client import OPEN_TIMEOUT, ProtocolSession, StrokeResult, drawing_value

PERIOD = 2.0  # seconds between one pupil's strokes
SAMPLE_EVERY = 10.0  # seconds between memory samples
REFERENCE_AT = 60.0  # soak: memory growth is measured from the first sample at or after this
HELD_P95_MS = 1000.0  # a class is held when server and browser p95 stay under this, no errors
HELD_ONE = "Pupils one app process holds (server and browser p95 < 1 s, no errors)"
HELD_NGINX = "Pupils 2 app processes behind nginx hold (server and browser p95 < 1 s, no errors)"
HELD_LIVE = ("Pupils one app process holds, live path on (server p95 < 1 s, no errors; one stroke "
             "every 2 s each)")
HELD_LIVE_TARGET = "≥ 60 (issue #17)"


@dataclass(frozen=True)
class Pupils:
    """What every simulated pupil's browser does (see `protocol_client.ProtocolSession`)."""

    images: bool = True  # downloads its runs' images
    live: bool = False  # runs the models itself: the live path
    echo_reruns: int = 0  # live: repeats each stroke's rerun (the browser before the fix)

    def session(self, url: str) -> ProtocolSession:
        return ProtocolSession(url, expected_models=N_DEFAULT_MODELS, fetch_media=self.images,
                               live=self.live, echo_reruns=self.echo_reruns)
SOAK = "Soak: server memory growth, 10 pupils drawing for 300 s"


@dataclass
class ClassResult:
    """One class of simulated pupils drawing against one URL."""

    sessions: int
    latencies: list[float] = field(default_factory=list)  # ms, request to script_finished
    with_images: list[float] = field(default_factory=list)  # ms, request to images downloaded
    errors: list[str] = field(default_factory=list)
    memory: list[tuple[float, float]] = field(default_factory=list)  # (s since start, MB)
    client_cpu_s: float = 0.0
    wall_s: float = 0.0
    browser: BrowserLog | None = None  # the one real browser, with --browser

    def record(self, index: int, result: StrokeResult) -> None:
        if result.error is not None:
            self.errors.append(f"session {index}: {result.error}")
        elif result.ms is not None:
            self.latencies.append(result.ms)
            if result.media_ms is not None:
                self.with_images.append(result.media_ms)

    def held(self) -> bool:
        """Every stroke answered, p95 under HELD_P95_MS for the server and the real browser."""
        logs = [self.latencies] + ([self.browser.latencies] if self.browser else [])
        errors = self.errors + (self.browser.errors if self.browser else [])
        return not errors and all(log and percentile(log, 95) < HELD_P95_MS for log in logs)


# --- server memory ----------------------------------------------------------------------------

def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children...)."""
    parent_of = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            parent_of[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        children = [p for p, parent in parent_of.items() if parent in frontier]
        found += children
        frontier = children
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of the server process and of any children it started."""
    total = 0.0
    for p in [pid, *descendants(pid)]:
        try:
            total += rss_mb(p)
        except OSError:  # gone between listing and reading
            pass
    return total


async def sample_memory(pid: int, samples: list[tuple[float, float]], t0: float) -> None:
    while True:
        samples.append((time.time() - t0, tree_rss_mb(pid)))
        await asyncio.sleep(SAMPLE_EVERY)


def memory_growth(samples: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(reference MB, last MB, growth in %): reference is the first sample after REFERENCE_AT s."""
    if not samples:
        return float("nan"), float("nan"), float("nan")
    reference = next((mb for t, mb in samples if t >= REFERENCE_AT), samples[0][1])
    end = samples[-1][1]
    return reference, end, (end - reference) / reference * 100


# --- the class -------------------------------------------------------------------------------

def prepare_drawings(sessions: int, strokes: int) -> list[list[str]]:
    """Every pupil's own drawings, digits 3 7 1 0 in turn, made before the clock starts."""
    return [[drawing_value(DIGITS[(i + s) % len(DIGITS)], seed=s * 100_000 + i)
             for i in range(strokes)] for s in range(sessions)]


async def pupil(url: str, drawings: list[str], index: int, result: ClassResult,
                opened: asyncio.Event, stop: asyncio.Event, kind: Pupils = Pupils()) -> None:
    """Open the Draw page, then draw every PERIOD s until `stop`, each stroke awaited."""
    try:
        async with kind.session(url) as session:
            opened.set()
            await asyncio.sleep(index * PERIOD / 10)  # stagger the class
            i = 0
            while not stop.is_set():
                started = time.time()
                result.record(index, await session.stroke(drawings[i % len(drawings)]))
                i += 1
                await asyncio.sleep(max(0.0, PERIOD - (time.time() - started)))
    except Exception as exc:  # a session that cannot go on counts as an error
        result.errors.append(f"session {index}: {type(exc).__name__}: {exc}")
    finally:
        opened.set()


async def simulate_class(url: str, sessions: int, duration: float, pid: int | None = None,
                         browser: bool = False, kind: Pupils = Pupils()) -> ClassResult:
    """`sessions` simulated pupils (plus one Chromium with `browser`); memory of `pid` sampled.

    The pupils draw for `duration` s once every page is open, and on until the browser (which
    counts its own `duration` from its own, slower page load) has drawn its last stroke, so
    every browser stroke meets the full class. `kind.images=False`: the pupils do not download
    their runs' images (less server work than browsers cause, less client CPU).
    """
    drawings = prepare_drawings(sessions, int(duration / PERIOD) + 2)
    result = ClassResult(sessions)
    cpu0, t0 = time.process_time(), time.time()
    sampler = asyncio.create_task(sample_memory(pid, result.memory, t0)) if pid else None
    opened, stop = [asyncio.Event() for _ in range(sessions)], asyncio.Event()
    pupils = [asyncio.create_task(pupil(url, drawings[i], i, result, opened[i], stop, kind))
              for i in range(sessions)]
    real = (asyncio.create_task(asyncio.to_thread(browser_pupil, url, duration, PERIOD,
                                                  kind.live))
            if browser else None)
    await asyncio.gather(*(event.wait() for event in opened))
    await asyncio.sleep(duration)
    result.browser = await real if real else None
    stop.set()
    await asyncio.gather(*pupils)
    if sampler is not None:
        sampler.cancel()
    result.client_cpu_s, result.wall_s = time.process_time() - cpu0, time.time() - t0
    return result


async def warm_up(url: str, strokes: int = 2, kind: Pupils = Pupils()) -> None:
    """One session draws first: the models load (slow on a fresh server) before any measurement."""
    async with kind.session(url) as session:
        for i in range(strokes):
            result = await session.stroke(drawing_value(DIGITS[i % len(DIGITS)], seed=10**9 + i),
                                          timeout=OPEN_TIMEOUT)
            print(f"warm-up stroke {i + 1}: {result.ms and round(result.ms)} ms, "
                  f"error: {result.error or 'none'}", flush=True)


# --- reports -----------------------------------------------------------------------------------

def browser_figures(log: BrowserLog) -> str:
    return (f"p50 {percentile(log.latencies, 50):.0f} ms, p95 {percentile(log.latencies, 95):.0f} "
            f"ms, {len(log.latencies)} strokes, {len(log.errors)} errors")


def summary(r: ClassResult) -> str:
    line = (f"{r.sessions} sessions: p50 {percentile(r.latencies, 50):.0f} ms, p95 "
            f"{percentile(r.latencies, 95):.0f} ms, {len(r.latencies)} strokes, {len(r.errors)} "
            f"errors; client CPU {r.client_cpu_s:.1f} s in {r.wall_s:.0f} s")
    return line + (f"; real browser: {browser_figures(r.browser)}" if r.browser else "")


def table_row(r: ClassResult) -> str:
    cells = [r.sessions, len(r.latencies), f"{percentile(r.latencies, 50):.0f}",
             f"{percentile(r.latencies, 95):.0f}", f"{percentile(r.with_images, 50):.0f}",
             len(r.errors), f"{r.client_cpu_s / r.wall_s * 100:.0f}%"]
    if r.browser:
        b = r.browser
        cells += [f"{percentile(b.latencies, 50):.0f}", f"{percentile(b.latencies, 95):.0f}",
                  len(b.latencies), len(b.errors)]
    return "| " + " | ".join(map(str, cells)) + " |"


def errors_note(results: list[ClassResult]) -> str:
    errors = [e for r in results for e in r.errors + (r.browser.errors if r.browser else [])]
    return f"Errors: {errors[:5] or 'none'}{' ...' if len(errors) > 5 else ''}"


def pupils_held(rows: list[ClassResult]) -> str:
    """The largest class held with every smaller class measured held too ('>= n': none failed)."""
    held = None
    for r in sorted(rows, key=lambda r: r.sessions):
        if not r.held():
            break
        held = r
    if held is None:
        return f"fewer than {min(r.sessions for r in rows)}"
    prefix = "≥ " if held is max(rows, key=lambda r: r.sessions) else ""
    server = f"{percentile(held.latencies, 95):.0f}"
    if held.browser is None:
        return f"{prefix}{held.sessions} (server p95 {server} ms)"
    return (f"{prefix}{held.sessions} (server / browser p95 {server} / "
            f"{percentile(held.browser.latencies, 95):.0f} ms)")


WHAT = ("protocol-level sessions (`bench/protocol_client.py`: the messages Chromium sends, without "
        "a browser), each drawing a new digit every 2 s")
MEASURED = ("Stroke to result of a simulated session = rerun request sent to the run's "
            "`script_finished` (the server's part; a browser adds its canvas encoding before and "
            "image download and paint after); \"with images\" also waits for the run's new images "
            "to be downloaded.")


LIVE = ("Every simulated pupil is on the live path: after its page load it sends the live "
        "component's `ready` (the models' signature), as a browser does once TensorFlow.js has "
        "loaded the models, so each stroke's run runs no model and sends no reconstruction "
        "image, only the server's 28x28 input inside the component's data (checked per "
        "stroke).")


def measured(args) -> str:
    text = MEASURED
    if args.path == "live":
        text += " " + LIVE + (f" Each stroke's rerun was sent {1 + args.echo_reruns} times, as "
                              "the browser did before the loader's fix." if args.echo_reruns
                              else "")
    return text + ("" if args.images else " Here the simulated sessions did not download their "
                                          "images (`--no-images`).")


def pupils_of(args) -> Pupils:
    return Pupils(args.images, args.path == "live", args.echo_reruns)


def bench_concurrency(args) -> tuple[str, list[Figure]]:
    rows, load_before = [], load_average()
    with Server(args.url) as server:
        asyncio.run(warm_up(server.url, kind=pupils_of(args)))
        for n in args.sessions:
            rows.append(asyncio.run(simulate_class(server.url, n, args.duration,
                                                   browser=args.browser, kind=pupils_of(args))))
            print(summary(rows[-1]), flush=True)
    browser_head = (" browser p50 (ms) | browser p95 (ms) | browser strokes | browser errors |"
                    if args.browser else "")
    where = args.url or "one `streamlit run lab.py` process"
    browser = (" One real Chromium session drew alongside each class (browser_bench's measure: "
               + ("mouse-up to the server's input adopted beside its live tiles)."
                  if args.path == "live" else "mouse-up to the last reconstruction painted).")
               if args.browser else "")
    body = (f"{', '.join(map(str, args.sessions))} {WHAT}, for {args.duration:.0f} s against "
            f"{where} (default 4 models), after a warm-up session loaded the models.{browser} "
            f"{measured(args)}\n\n"
            f"| sessions | strokes | p50 stroke-to-result (ms) | p95 (ms) | p50 with images (ms) | "
            f"errors | client CPU (of one core) |{browser_head}\n"
            f"|---|---|---|---|---|---|---|{'---|' * 4 if args.browser else ''}\n"
            + "\n".join(map(table_row, rows)) + f"\n\n{errors_note(rows)}\n\nMachine: {machine()} "
            f"(the client runs on the same cores as the server); at the start {load_before}, at "
            f"the end {load_average()}.")
    if args.path == "live":
        if args.url or not args.images or args.echo_reruns:
            return body, []
        return body, [Figure(HELD_LIVE, HELD_LIVE_TARGET, pupils_held(rows))]
    if not (args.browser and args.images):  # the figure is what a class of browsers feels
        return body, []
    return body, [Figure(HELD_NGINX if args.url else HELD_ONE,
                         "—" if args.url else "20 (README)", pupils_held(rows))]


def bench_soak(args) -> tuple[str, list[Figure]]:
    load_before = load_average()
    with Server() as server:  # its own server: the process whose memory is sampled
        asyncio.run(warm_up(server.url, kind=pupils_of(args)))
        r = asyncio.run(simulate_class(server.url, args.sessions[0], args.duration,
                                       pid=server.proc.pid, browser=args.browser,
                                       kind=pupils_of(args)))
    print(summary(r), flush=True)
    reference, end, growth = memory_growth(r.memory)
    samples = ", ".join(f"{mb:.0f}" for _, mb in r.memory)
    browser = (f" One real Chromium session drew alongside: {browser_figures(r.browser)}."
               if r.browser else "")
    body = (f"Soak: {r.sessions} {WHAT}, for {args.duration:.0f} s against one server, after a "
            f"warm-up session loaded the models: {len(r.latencies)} strokes, "
            f"**{len(r.errors)} errors**, p50 {percentile(r.latencies, 50):.0f} ms, p95 "
            f"{percentile(r.latencies, 95):.0f} ms (with images p50 "
            f"{percentile(r.with_images, 50):.0f} ms).{browser} {measured(args)} Server memory "
            f"(RSS, with any children) after the first minute {reference:.0f} MB, at the end "
            f"{end:.0f} MB (**{growth:+.1f}%**; target within 10%).\n\nMemory every "
            f"{SAMPLE_EVERY:.0f} s (MB): {samples}. Client CPU {r.client_cpu_s:.0f} s in "
            f"{r.wall_s:.0f} s.\n\n{errors_note([r])}\n\nMachine: {machine()}; at the start "
            f"{load_before}, at the end {load_average()}.")
    errors = len(r.errors) + (len(r.browser.errors) if r.browser else 0)
    figure = Figure(SOAK, "within 10%", f"{growth:+.1f}% ({reference:.0f} → {end:.0f} MB), "
                                        f"{errors} errors")
    official = (r.sessions, args.duration) == (10, 300.0)  # the figure's name says so
    return body, [figure] if official else []


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.protocol_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["concurrency", "soak"])
    parser.add_argument("--sessions", type=int, nargs="+",
                        help="concurrency: 5 10 20 (default); soak: 10 (default)")
    parser.add_argument("--duration", type=float,
                        help="seconds per class: 60 (default); soak: 300 (default)")
    parser.add_argument("--url", help="concurrency only: an already running server (e.g. nginx "
                                      "in front of several)")
    parser.add_argument("--browser", action="store_true",
                        help="also run one real Chromium session alongside the simulated ones")
    parser.add_argument("--path", choices=["server", "live"], default="server",
                        help="server: the browsers get the server's pictures (default); live: "
                             "they run the models themselves (issue #17)")
    parser.add_argument("--echo-reruns", type=int, default=0,
                        help="live: send each stroke's rerun this many more times (the browser "
                             "before the loader's fix sent it twice)")
    parser.add_argument("--no-images", dest="images", action="store_false",
                        help="simulated sessions skip downloading their runs' images (a browser "
                             "downloads them: less server work and less client CPU)")
    parser.add_argument("--write", action="store_true", help="record the result in bench/RESULTS.md")
    args = parser.parse_args(argv)
    soak = args.what == "soak"
    if soak and args.url:
        parser.error("soak starts its own server: it samples that process's memory")
    args.sessions = args.sessions or ([10] if soak else [5, 10, 20])
    args.duration = args.duration or (300.0 if soak else 60.0)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    soak = args.what == "soak"
    body, figures = (bench_soak if soak else bench_concurrency)(args)
    print(body)
    if args.write:
        title = "Soak" if soak else "Concurrency" + (" behind nginx" if args.url else "")
        live = ", live path" + (f", each rerun sent {1 + args.echo_reruns} times"
                                if args.echo_reruns else "") if args.path == "live" else ""
        record(f"{title} (protocol-level sessions{live})", body, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
