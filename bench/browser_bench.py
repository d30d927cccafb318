"""Browser benchmarks of the running app: stroke to result, cold start, memory, concurrent classes.

    python bench/browser_bench.py stroke [--repeats 15]
    python bench/browser_bench.py cold-start [--repeats 3]
    python bench/browser_bench.py memory
    python bench/browser_bench.py concurrency --sessions 5 10 20 [--duration 60] [--url URL]
    python bench/browser_bench.py soak --sessions 10 --duration 300
    python bench/browser_bench.py train-live [--repeats 8]

Each prints a Markdown table; `--write` replaces that section of bench/RESULTS.md.
Numbers are medians (p50) and 95th percentiles over repeated strokes on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from browser_actions import CANVAS, STROKES, draw_digit, image_sources, open_page  # noqa: E402
from server import (CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server,  # noqa: E402
                    wait_healthy)

RESULTS = REPO / "bench" / "RESULTS.md"
N_DEFAULT_MODELS = 4
RECONSTRUCTIONS_SHOWN = """n => Array.from(document.querySelectorAll('[data-testid="stImage"]'))
    .filter(el => (el.innerText || '').includes('Reconstruction')).length >= n"""


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {dt.date.today()}"


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def write_section(title: str, body: str) -> None:
    """Replace (or append) the '## title' section of bench/RESULTS.md."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section = f"## {title}\n{body.strip()}\n"
    marker = f"## {title}\n"
    if marker in text:
        start = text.index(marker)
        nxt = text.find("\n## ", start + len(marker))
        text = text[:start] + section + (text[nxt + 1:] if nxt != -1 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS.write_text(text)


class Server:
    def __init__(self, url: str | None = None, script: Path | None = None):
        self.url, self.script, self.proc = url, script, None

    def __enter__(self):
        if self.url is None:
            port = free_port()
            self.proc = start_server(port, script=self.script)
            self.url = f"http://127.0.0.1:{port}"
            wait_healthy(self.url)
        return self

    def __exit__(self, *exc):
        if self.proc is not None:
            stop_server(self.proc)


def launch(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


# --- 1. stroke to result -------------------------------------------------------------------

def stroke_to_result_ms(page, digit: int) -> float:
    """Mouse-up to the moment every reconstruction image shows the new result, measured in the page."""
    before = image_sources(page, "Reconstruction")
    canvas = page.locator(CANVAS).first
    box = canvas.bounding_box()
    pts = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in STROKES[digit]]
    page.mouse.move(*pts[0])
    page.mouse.down()
    for x, y in pts[1:]:
        page.mouse.move(x, y, steps=8)
    page.evaluate("window.__t0 = performance.now()")
    page.mouse.up()
    return page.evaluate(
        """([before, n]) => new Promise((resolve, reject) => {
            const done = () => {
              const srcs = Array.from(document.querySelectorAll('[data-testid="stImage"]'))
                .filter(el => (el.innerText || '').includes('Reconstruction'))
                .map(el => (el.querySelector('img') || {}).src || '');
              return srcs.length >= n && srcs.every(s => s && !before.includes(s));
            };
            const t0 = window.__t0;
            const tick = () => {
              if (done()) return resolve(performance.now() - t0);
              if (performance.now() - t0 > 30000) return reject('timeout');
              requestAnimationFrame(tick);
            };
            tick();
        })""", [before, N_DEFAULT_MODELS])


class FrameClock:
    """Times of the WebSocket frames of one page: where a stroke's time goes.

    After mouse-up the browser encodes the canvas and sends a rerun request (first frame sent);
    the server runs the script and streams the new elements back (frames received); then the
    browser fetches and paints the images.
    """

    def __init__(self, page):
        self.sent: list[float] = []
        self.received: list[float] = []
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framesent", lambda _: self.sent.append(time.perf_counter()))
        ws.on("framereceived", lambda _: self.received.append(time.perf_counter()))

    def split(self, t_up: float, t_done: float) -> tuple[float, float, float] | None:
        """(browser encode + send, server run + deltas, browser fetch + paint) in ms."""
        sent = [t for t in self.sent if t_up <= t <= t_done]
        received = [t for t in self.received if t_up <= t <= t_done]
        if not sent or not received:
            return None
        first_sent, last_received = sent[0], received[-1]
        return ((first_sent - t_up) * 1000, (last_received - first_sent) * 1000,
                (t_done - last_received) * 1000)


def bench_stroke(args) -> str:
    from playwright.sync_api import sync_playwright

    with Server(args.url, args.app) as server, sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        clock = FrameClock(page)
        open_page(page, server.url, "draw")
        draw_digit(page, 3)  # warm-up: models load, functions trace
        page.wait_for_function(RECONSTRUCTIONS_SHOWN, arg=N_DEFAULT_MODELS, timeout=120_000)
        time.sleep(2)
        times, splits = [], []
        for i in range(args.repeats):
            t_up = time.perf_counter()
            ms = stroke_to_result_ms(page, [3, 7, 1, 0][i % 4])
            times.append(ms)
            # stroke_to_result_ms starts its clock at mouse-up, a little after t_up
            t_done = time.perf_counter()
            if (split := clock.split(t_done - ms / 1000, t_done)) is not None:
                splits.append(split)
            time.sleep(0.5)
        browser.close()
    parts = ""
    if splits:
        medians = [statistics.median(s[i] for s in splits) for i in range(3)]
        parts = (f" Where it goes (medians of {len(splits)} strokes, from the page's WebSocket "
                 f"frames): browser encodes the canvas and sends the rerun {medians[0]:.0f} ms; "
                 f"server runs the fragment and streams the elements {medians[1]:.0f} ms; browser "
                 f"fetches and paints the images {medians[2]:.0f} ms.")
    return (f"Stroke to result (mouse-up to the last of {N_DEFAULT_MODELS} reconstructions updated, "
            f"default models), {len(times)} strokes: median **{statistics.median(times):.0f} ms**, "
            f"p95 {percentile(times, 95):.0f} ms, min {min(times):.0f} ms. Target: at most 400 ms."
            f"{parts}\n\nMachine: {machine()}.")


def bench_train_live(args) -> str:
    """Does one session training live slow down another session drawing?"""
    from playwright.sync_api import sync_playwright

    with Server(args.url) as server, sync_playwright() as pw:
        browser = launch(pw)
        drawer = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(drawer, server.url, "draw")
        draw_digit(drawer, 3)
        drawer.wait_for_function("document.querySelectorAll('[data-testid=\"stImage\"]').length > 4",
                                 timeout=120_000)
        time.sleep(2)
        idle = [stroke_to_result_ms(drawer, [3, 7, 1, 0][i % 4]) for i in range(args.repeats)]
        trainer = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(trainer, server.url, "train?live_epochs=20&live_n=5000&live_code=8")
        started = time.time()
        trainer.get_by_role("button", name="Train").click()
        busy = []
        while not trainer.get_by_text("Trained in").count() and time.time() - started < 300:
            busy.append(stroke_to_result_ms(drawer, [3, 7, 1, 0][len(busy) % 4]))
            time.sleep(0.5)
        trainer.get_by_text("Trained in").first.wait_for(timeout=300_000)
        wall = time.time() - started
        summary = trainer.get_by_text("Trained in").first.inner_text().split(":")[0]
        browser.close()
    return (f"One session trains live (20 epochs, 5,000 images, code 8) while another draws: the "
            f"drawer's stroke to result, median **{statistics.median(idle):.0f} ms** idle "
            f"({len(idle)} strokes) and **{statistics.median(busy):.0f} ms** during the training "
            f"({len(busy)} strokes, p95 {percentile(busy, 95):.0f} ms). The training: {summary} "
            f"(page reports; {wall:.0f} s click to done, strokes included). Zero errors means "
            f"every stroke got its result.\n\nMachine: {machine()}.")


# --- 4. cold start and 5. memory ------------------------------------------------------------

def bench_cold_start(args) -> str:
    from playwright.sync_api import sync_playwright

    phases = ["server healthy", "page loaded", "title shown", "canvas shown",
              "first drawing reconstructed"]
    runs: list[list[float]] = []  # seconds from launch to the end of each phase
    with sync_playwright() as pw:
        browser = launch(pw)
        for _ in range(args.repeats):
            port = free_port()
            t0 = time.perf_counter()
            proc = start_server(port, script=args.app)
            url = f"http://127.0.0.1:{port}"
            try:
                wait_healthy(url)
                marks = [time.perf_counter()]
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{url}/draw")  # the frontend's files, up to the load event
                marks.append(time.perf_counter())
                page.locator("h1").first.wait_for(timeout=120_000)
                marks.append(time.perf_counter())
                page.locator(CANVAS).first.wait_for(timeout=120_000)
                marks.append(time.perf_counter())
                if args.app is None:  # usable: a drawing's reconstructions (the models load here)
                    draw_digit(page, 3)
                    page.wait_for_function(RECONSTRUCTIONS_SHOWN, arg=N_DEFAULT_MODELS,
                                           timeout=120_000)
                    marks.append(time.perf_counter())
                runs.append([m - t0 for m in marks])
                page.close()
            finally:
                stop_server(proc)
    canvas_at = [r[3] for r in runs]
    steps = [statistics.median(r[i] - (r[i - 1] if i else 0) for r in runs)
             for i in range(len(runs[0]))]
    split = "; ".join(f"{name} +{step:.1f} s" for name, step in zip(phases, steps))
    what = f"`streamlit run {args.app}`" if args.app else "`streamlit run app.py`"
    usable = ""
    if args.app is None:
        totals = [r[-1] for r in runs]
        usable = (f" To the first drawing's {N_DEFAULT_MODELS} reconstructions on screen (the "
                  f"models load on this first stroke): median **{statistics.median(totals):.1f} s** "
                  f"(runs: {', '.join(f'{r:.1f}' for r in totals)}).")
    return (f"Cold start (launch {what} to the draw page's canvas visible in the "
            f"browser), {len(runs)} runs: median **{statistics.median(canvas_at):.1f} s** "
            f"(runs: {', '.join(f'{r:.1f}' for r in canvas_at)}). Target: at most 10 s.{usable} "
            f"Medians of each step: {split}.\n\nMachine: {machine()}.")


TOUR = ["", "draw", "denoise", "latent-2d", "latent-3d", "vae", "train", "zoo"]


def bench_memory(args) -> str:
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_server(port)
    url = f"http://127.0.0.1:{port}"
    rows = []
    try:
        wait_healthy(url)
        rows.append(("server started", rss_mb(proc.pid)))
        with sync_playwright() as pw:
            browser = launch(pw)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_page(page, url, "draw")
            draw_digit(page, 3)
            time.sleep(5)
            for path in TOUR:
                open_page(page, url, path)
                time.sleep(3)
                rows.append((f"after /{path}", rss_mb(proc.pid)))
            browser.close()
    finally:
        stop_server(proc)
    table = "\n".join(f"| {name} | {mb:.0f} |" for name, mb in rows)
    return (f"Resident memory of the server process while one browser visits every page "
            f"(target: at most 1,200 MB after the tour): **{rows[-1][1]:.0f} MB** at the end.\n\n"
            f"| moment | RSS (MB) |\n|---|---|\n{table}\n\nMachine: {machine()}.")


# --- 6. concurrency and soak ----------------------------------------------------------------

REFERENCE_AT = 60.0  # soak: memory growth is measured from the first sample at or after this


def memory_growth(samples: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(reference MB, last MB, growth in %): reference is the first sample after REFERENCE_AT s."""
    if not samples:
        return float("nan"), float("nan"), float("nan")
    reference = next((mb for t, mb in samples if t >= REFERENCE_AT), samples[0][1])
    end = samples[-1][1]
    return reference, end, (end - reference) / reference * 100


async def one_session(browser, url: str, duration: float, period: float, latencies: list,
                      errors: list, index: int) -> None:
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(120_000)
    try:
        await page.goto(f"{url}/draw")
        canvas = page.locator(CANVAS).first
        await canvas.wait_for()
        await asyncio.sleep(index * period / 10)  # stagger the class
        end = time.time() + duration
        i = 0
        while time.time() < end:
            started = time.time()
            box = await canvas.bounding_box()
            pts = [(box["x"] + x * box["width"], box["y"] + y * box["height"])
                   for x, y in STROKES[[3, 7, 1, 0][(i + index) % 4]]]
            before = await page.evaluate(
                """() => Array.from(document.querySelectorAll('[data-testid="stImage"]'))
                  .filter(el => (el.innerText || '').includes('Reconstruction'))
                  .map(el => (el.querySelector('img') || {}).src || '')""")
            await page.mouse.move(*pts[0])
            await page.mouse.down()
            for x, y in pts[1:]:
                await page.mouse.move(x, y, steps=5)
            await page.evaluate("window.__t0 = performance.now()")
            await page.mouse.up()
            try:
                ms = await page.evaluate(
                    """([before, n]) => new Promise((resolve, reject) => {
                        const t0 = window.__t0;
                        const tick = () => {
                          const srcs = Array.from(document.querySelectorAll('[data-testid="stImage"]'))
                            .filter(el => (el.innerText || '').includes('Reconstruction'))
                            .map(el => (el.querySelector('img') || {}).src || '');
                          if (srcs.length >= n && srcs.every(s => s && !before.includes(s)))
                            return resolve(performance.now() - t0);
                          if (performance.now() - t0 > 20000) return reject('no result in 20 s');
                          setTimeout(tick, 10);
                        };
                        tick();
                    })""", [before, N_DEFAULT_MODELS])
                latencies.append(ms)
            except Exception as exc:  # a missing result counts as an error
                errors.append(f"session {index}: {exc}")
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"session {index}: exception element")
            i += 1
            await asyncio.sleep(max(0.0, period - (time.time() - started)))
    except Exception as exc:
        errors.append(f"session {index}: {type(exc).__name__}: {exc}")
    finally:
        await context.close()


async def run_class(url: str, sessions: int, duration: float, period: float = 2.0,
                    pid: int | None = None) -> dict:
    from playwright.async_api import async_playwright

    latencies: list[float] = []
    errors: list[str] = []
    memory: list[tuple[float, float]] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=CHROMIUM_ARGS)
        t0 = time.time()

        async def sample_memory():
            while True:
                if pid:
                    memory.append((time.time() - t0, rss_mb(pid)))
                await asyncio.sleep(10)

        sampler = asyncio.create_task(sample_memory())
        await asyncio.gather(*(one_session(browser, url, duration, period, latencies, errors, i)
                               for i in range(sessions)))
        sampler.cancel()
        await browser.close()
    return {"sessions": sessions, "strokes": len(latencies), "errors": errors,
            "p50": percentile(latencies, 50) if latencies else float("nan"),
            "p95": percentile(latencies, 95) if latencies else float("nan"), "memory": memory}


def bench_concurrency(args) -> str:
    rows = []
    with Server(args.url) as server:
        for n in args.sessions:
            r = asyncio.run(run_class(server.url, n, args.duration))
            rows.append(r)
            print(f"{n} sessions: p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, "
                  f"{r['strokes']} strokes, {len(r['errors'])} errors", flush=True)
    table = "\n".join(f"| {r['sessions']} | {r['strokes']} | {r['p50']:.0f} | {r['p95']:.0f} | "
                      f"{len(r['errors'])} |" for r in rows)
    where = args.url or "one `streamlit run app.py` process"
    return (f"{', '.join(str(n) for n in args.sessions)} browser sessions against {where}, each "
            f"drawing a stroke every 2 s for {args.duration:.0f} s (default 4 models):\n\n"
            f"| sessions | strokes | p50 stroke-to-result (ms) | p95 (ms) | errors |\n"
            f"|---|---|---|---|---|\n{table}\n\nMachine: {machine()} (the browsers run on the "
            f"same 2 cores as the server, so these are pessimistic).")


def bench_soak(args) -> str:
    port = free_port()
    proc = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        # One session draws first, so models are loaded before "after the first minute" is read
        # (the 2026-11-23 run took its reference from a server that had not loaded them yet).
        asyncio.run(run_class(url, 1, 10))
        r = asyncio.run(run_class(url, args.sessions[0], args.duration, pid=proc.pid))
    finally:
        stop_server(proc)
    after_first, end, growth = memory_growth(r["memory"])
    return (f"Soak: {r['sessions']} browser sessions drawing every 2 s for {args.duration:.0f} s "
            f"against one server: {r['strokes']} strokes, **{len(r['errors'])} errors**, p50 "
            f"{r['p50']:.0f} ms, p95 {r['p95']:.0f} ms. Server memory after the first minute "
            f"{after_first:.0f} MB, at the end {end:.0f} MB (**{growth:+.1f}%**; target within 10%)."
            f"\n\nErrors: {r['errors'][:5] or 'none'}\n\nMachine: {machine()}.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["stroke", "cold-start", "memory", "concurrency", "soak",
                                         "train-live"])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--sessions", type=int, nargs="+",
                        help="concurrency: 5 10 20 (default); soak: 10 (default)")
    parser.add_argument("--duration", type=float,
                        help="seconds per run: 60 (default); soak: 300 (default)")
    parser.add_argument("--url", help="an already running server (e.g. nginx in front of several)")
    parser.add_argument("--app", type=Path,
                        help="stroke, cold-start: another script, e.g. bench/bare_canvas_app.py "
                             "(the floor this machine sets)")
    parser.add_argument("--write", action="store_true", help="record the result in bench/RESULTS.md")
    args = parser.parse_args()
    soak = args.what == "soak"  # the soak: 10 sessions for 5 minutes
    args.sessions = args.sessions or ([10] if soak else [5, 10, 20])
    args.duration = args.duration or (300.0 if soak else 60.0)
    bench = {"stroke": bench_stroke, "cold-start": bench_cold_start, "memory": bench_memory,
             "concurrency": bench_concurrency, "soak": bench_soak,
             "train-live": bench_train_live}[args.what]
    body = bench(args)
    print(body)
    if args.write:
        titles = {"stroke": "Stroke to result", "cold-start": "Cold start", "memory": "Memory",
                  "concurrency": "Concurrency" + (" behind nginx" if args.url else ""),
                  "soak": "Soak", "train-live": "Training live beside a drawing session"}
        write_section(titles[args.what], body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
