"""Load benchmarks of the Draw page with protocol-level sessions instead of browsers.

    python bench/protocol_bench.py concurrency [--sessions 5 10 20] [--duration 60] [--url URL]
    python bench/protocol_bench.py soak [--sessions 10] [--duration 300]

    --browser    also run ONE real Chromium session alongside (what a person in the class feels)
    --no-images  the simulated sessions do not download their runs' images (a browser does)
    --write      replace this benchmark's section of bench/RESULTS.md

`bench/browser_bench.py concurrency` and `soak` open one headless Chromium page per pupil; on a
2-core machine 10-20 renderers load the machine more than the server does. Here every pupil is a
`protocol_client.ProtocolSession`: the WebSocket messages Chromium sends for the Draw page (page
load, then one fragment rerun per stroke carrying the canvas's PNG and every widget's value) and
the GETs of each run's new images, from one Python process that costs little CPU.

Simulated: everything the server sees of a pupil, so its work per stroke is the same as for a
browser: the script run of the Draw fragment with a new drawing (each pupil's drawings differ,
made with tests/apptest_helpers.drawn_digit before the clock starts), the 4 default models,
the deltas and the media files. Not simulated: the browser's rendering, its encoding of the
canvas to PNG (about 0.6 s of a browser's stroke on this machine, bench/RESULTS.md) and the
static files a browser loads once per page. So the stroke-to-result reported for the simulated
pupils is the server's part: rerun request sent to the run's `script_finished` (and, as a second
figure, to the run's images downloaded). `--browser` adds one real Chromium session measured as
bench/browser_bench.py measures it (mouse-up to every reconstruction painted).

Each pupil draws a new digit every 2 s and waits for its result (at most 20 s: more, or an
exception element, or not one new reconstruction per default model, counts as an error), as
browser_bench's pupils do, staggered the same way. One warm-up session draws first, so the
models are loaded before anything is measured. With `--browser` the simulated pupils go on
drawing until the browser's last stroke (its page load is slower), so it always meets the class.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_bench import (N_DEFAULT_MODELS, Server, machine, memory_growth, percentile,  # noqa: E402
                           rss_mb, run_class, write_section)
from protocol_client import (DIGITS, OPEN_TIMEOUT, ProtocolSession, StrokeResult,  # noqa: E402
                             drawing_value)

PERIOD = 2.0  # seconds between one pupil's strokes
SAMPLE_EVERY = 10.0  # seconds between memory samples


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
    browser: dict | None = None  # browser_bench.run_class's result for the one real browser

    def record(self, index: int, result: StrokeResult) -> None:
        if result.error is not None:
            self.errors.append(f"session {index}: {result.error}")
        elif result.ms is not None:
            self.latencies.append(result.ms)
            if result.media_ms is not None:
                self.with_images.append(result.media_ms)


def pct(values: list[float], q: float) -> float:
    return percentile(values, q) if values else float("nan")


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


# --- the class -------------------------------------------------------------------------------

def prepare_drawings(sessions: int, strokes: int) -> list[list[str]]:
    """Every pupil's own drawings, digits 3 7 1 0 in turn, made before the clock starts."""
    return [[drawing_value(DIGITS[(i + s) % len(DIGITS)], seed=s * 100_000 + i)
             for i in range(strokes)] for s in range(sessions)]


async def pupil(url: str, drawings: list[str], index: int, result: ClassResult,
                opened: asyncio.Event, stop: asyncio.Event, images: bool = True) -> None:
    """Open the Draw page, then draw every PERIOD s until `stop`, each stroke awaited."""
    try:
        async with ProtocolSession(url, expected_models=N_DEFAULT_MODELS,
                                   fetch_media=images) as session:
            opened.set()
            await asyncio.sleep(index * PERIOD / 10)  # stagger the class as browser_bench does
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
                         browser: bool = False, images: bool = True) -> ClassResult:
    """`sessions` simulated pupils (plus one Chromium with `browser`); memory of `pid` sampled.

    The pupils draw for `duration` s once every page is open, and on until the browser (which
    counts its own `duration` from its own, slower page load) has drawn its last stroke, so
    every browser stroke meets the full class. `images=False`: the pupils do not download
    their runs' images (less server work than browsers cause, less client CPU).
    """
    drawings = prepare_drawings(sessions, int(duration / PERIOD) + 2)
    result = ClassResult(sessions)
    cpu0, t0 = time.process_time(), time.time()
    sampler = asyncio.create_task(sample_memory(pid, result.memory, t0)) if pid else None
    opened, stop = [asyncio.Event() for _ in range(sessions)], asyncio.Event()
    pupils = [asyncio.create_task(pupil(url, drawings[i], i, result, opened[i], stop, images))
              for i in range(sessions)]
    real = asyncio.create_task(run_class(url, 1, duration, PERIOD)) if browser else None
    await asyncio.gather(*(event.wait() for event in opened))
    await asyncio.sleep(duration)
    result.browser = await real if real else None
    stop.set()
    await asyncio.gather(*pupils)
    if sampler is not None:
        sampler.cancel()
    result.client_cpu_s, result.wall_s = time.process_time() - cpu0, time.time() - t0
    return result


async def warm_up(url: str, strokes: int = 2) -> None:
    """One session draws first: the models load (slow on a fresh server) before any measurement."""
    async with ProtocolSession(url, expected_models=N_DEFAULT_MODELS) as session:
        for i in range(strokes):
            result = await session.stroke(drawing_value(DIGITS[i % len(DIGITS)], seed=10**9 + i),
                                          timeout=OPEN_TIMEOUT)
            print(f"warm-up stroke {i + 1}: {result.ms and round(result.ms)} ms, "
                  f"error: {result.error or 'none'}", flush=True)


# --- reports -----------------------------------------------------------------------------------

def summary(r: ClassResult) -> str:
    line = (f"{r.sessions} sessions: p50 {pct(r.latencies, 50):.0f} ms, p95 {pct(r.latencies, 95):.0f} ms, "
            f"{len(r.latencies)} strokes, {len(r.errors)} errors; client CPU {r.client_cpu_s:.1f} s "
            f"in {r.wall_s:.0f} s")
    if r.browser:
        b = r.browser
        line += (f"; real browser: p50 {b['p50']:.0f} ms, p95 {b['p95']:.0f} ms, {b['strokes']} "
                 f"strokes, {len(b['errors'])} errors")
    return line


def browser_cells(r: ClassResult) -> str:
    b = r.browser
    return f" {b['p50']:.0f} | {b['p95']:.0f} | {b['strokes']} | {len(b['errors'])} |" if b else ""


def errors_note(results: list[ClassResult]) -> str:
    errors = [e for r in results for e in r.errors + (r.browser["errors"] if r.browser else [])]
    return f"Errors: {errors[:5] or 'none'}{' ...' if len(errors) > 5 else ''}"


WHAT = ("protocol-level sessions (`bench/protocol_client.py`: the messages Chromium sends, without "
        "a browser), each drawing a new digit every 2 s")
MEASURED = ("Stroke to result of a simulated session = rerun request sent to the run's "
            "`script_finished` (the server's part; a browser adds its canvas encoding before and "
            "image download and paint after); \"with images\" also waits for the run's new images "
            "to be downloaded.")


def measured(args) -> str:
    return MEASURED + ("" if args.images else " Here the simulated sessions did not download their "
                                              "images (`--no-images`).")


def bench_concurrency(args) -> str:
    rows = []
    with Server(args.url) as server:
        asyncio.run(warm_up(server.url))
        for n in args.sessions:
            rows.append(asyncio.run(simulate_class(server.url, n, args.duration, browser=args.browser,
                                                   images=args.images)))
            print(summary(rows[-1]), flush=True)
    browser_head = (" browser p50 (ms) | browser p95 (ms) | browser strokes | browser errors |"
                    if args.browser else "")
    table = "\n".join(
        f"| {r.sessions} | {len(r.latencies)} | {pct(r.latencies, 50):.0f} | {pct(r.latencies, 95):.0f} "
        f"| {pct(r.with_images, 50):.0f} | {len(r.errors)} | {r.client_cpu_s / r.wall_s * 100:.0f}% |"
        f"{browser_cells(r)}" for r in rows)
    where = args.url or "one `streamlit run app.py` process"
    browser = (" One real Chromium session drew alongside each class (browser_bench's measure: "
               "mouse-up to the last reconstruction painted)." if args.browser else "")
    return (f"{', '.join(map(str, args.sessions))} {WHAT}, for {args.duration:.0f} s against {where} "
            f"(default 4 models), after a warm-up session loaded the models.{browser} {measured(args)}\n\n"
            f"| sessions | strokes | p50 stroke-to-result (ms) | p95 (ms) | p50 with images (ms) | "
            f"errors | client CPU (of one core) |{browser_head}\n"
            f"|---|---|---|---|---|---|---|{'---|' * 4 if args.browser else ''}\n{table}\n\n"
            f"{errors_note(rows)}\n\nMachine: {machine()} (the client runs on the same cores as the "
            f"server).")


def bench_soak(args) -> str:
    with Server() as server:  # its own server: the process whose memory is sampled
        asyncio.run(warm_up(server.url))
        r = asyncio.run(simulate_class(server.url, args.sessions[0], args.duration,
                                       pid=server.proc.pid, browser=args.browser,
                                       images=args.images))
    print(summary(r), flush=True)
    reference, end, growth = memory_growth(r.memory)
    samples = ", ".join(f"{mb:.0f}" for _, mb in r.memory)
    browser = (f" One real Chromium session drew alongside: p50 {r.browser['p50']:.0f} ms, p95 "
               f"{r.browser['p95']:.0f} ms, {r.browser['strokes']} strokes, "
               f"{len(r.browser['errors'])} errors." if r.browser else "")
    return (f"Soak: {r.sessions} {WHAT}, for {args.duration:.0f} s against one server, after a "
            f"warm-up session loaded the models: {len(r.latencies)} strokes, "
            f"**{len(r.errors)} errors**, p50 {pct(r.latencies, 50):.0f} ms, p95 "
            f"{pct(r.latencies, 95):.0f} ms (with images p50 {pct(r.with_images, 50):.0f} ms)."
            f"{browser} {measured(args)} Server memory (RSS, with any children) after the first minute "
            f"{reference:.0f} MB, at the end {end:.0f} MB (**{growth:+.1f}%**; target within 10%)."
            f"\n\nMemory every {SAMPLE_EVERY:.0f} s (MB): {samples}. Client CPU "
            f"{r.client_cpu_s:.0f} s in {r.wall_s:.0f} s.\n\n{errors_note([r])}\n\n"
            f"Machine: {machine()}.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
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
    parser.add_argument("--no-images", dest="images", action="store_false",
                        help="simulated sessions skip downloading their runs' images (a browser "
                             "downloads them: less server work and less client CPU)")
    parser.add_argument("--write", action="store_true", help="record the result in bench/RESULTS.md")
    args = parser.parse_args()
    soak = args.what == "soak"
    if soak and args.url:
        parser.error("soak starts its own server: it samples that process's memory")
    args.sessions = args.sessions or ([10] if soak else [5, 10, 20])
    args.duration = args.duration or (300.0 if soak else 60.0)
    body = (bench_soak if soak else bench_concurrency)(args)
    print(body)
    if args.write:
        title = ("Soak" if soak else "Concurrency" + (" behind nginx" if args.url else ""))
        write_section(f"{title} (protocol-level sessions)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
