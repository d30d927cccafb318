"""Script run of the Draw page with the default four models, timed through AppTest.

    python -m bench.script_run             # print the result
    python -m bench.script_run --write     # ... and record it in bench/RESULTS.md

Each repeat injects a new drawing into the canvas (as the browser sends it after a stroke) and
runs the page: app.py, the page script, preprocessing, four reconstructions, metrics and code
images. Two clocks: the script run itself (Streamlit's ScriptRunner._run_script, in the script
thread: what a server spends per stroke) and the whole `AppTest.run()` round trip, which adds
AppTest's own polling thread competing for the GIL (noisy on 2 cores). The first runs (TensorFlow
and model loading, first traces) are not counted. Target: median script run <= 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.common import Figure, machine, percentile, record
from tests.apptest_helpers import canvas_value, drawn_digit, images_with_caption, open_app

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
TITLE = "Script run of the Draw page (4 models)"
SCRIPT_RUN = "Draw page script run, 4 models (AppTest), median"
TARGET_MS = 150


def timed_script_runs(repeats: int,
                      warm_ups: int = 3) -> tuple[list[float], list[float], list[str]]:
    """(script run ms, AppTest.run() ms, default models) for `repeats` new drawings, after warm-ups.

    The script run is timed inside Streamlit's ScriptRunner._run_script (the script thread), the
    round trip around AppTest.run(); the first `warm_ups` runs (model loads, traces) are dropped.
    """
    from streamlit.runtime.scriptrunner import script_runner

    from ui.widgets import DEFAULT_MODELS

    script_times: list[float] = []
    run_script = script_runner.ScriptRunner._run_script

    def timed_run_script(self, *a, **k):
        start = time.perf_counter()
        try:
            return run_script(self, *a, **k)
        finally:
            script_times.append((time.perf_counter() - start) * 1000)

    script_runner.ScriptRunner._run_script = timed_run_script
    try:
        at = open_app("app_pages/draw.py")
        times = []
        for i in range(repeats + warm_ups):
            at.session_state["canvas_0"] = canvas_value(drawn_digit(i % 10, seed=i))
            start = time.perf_counter()
            at.run()
            elapsed = (time.perf_counter() - start) * 1000
            assert not at.exception, at.exception
            assert len(images_with_caption(at, "Reconstruction")) == len(DEFAULT_MODELS)
            if i >= warm_ups:
                times.append(elapsed)
    finally:
        script_runner.ScriptRunner._run_script = run_script
    return script_times[-len(times):], times, list(DEFAULT_MODELS)


def clock_row(name: str, values: list[float], target: str = "") -> str:
    return (f"| {name} | {statistics.median(values):.0f} ms | {percentile(values, 90):.0f} ms | "
            f"{min(values):.0f} ms | {max(values):.0f} ms | {target} |")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.script_run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--write", action="store_true", help="record the result in bench/RESULTS.md")
    args = parser.parse_args()
    script, round_trips, models = timed_script_runs(args.repeats)
    median = statistics.median(script)
    verdict = "met" if median <= TARGET_MS else "**missed**"
    body = (f"Machine: {machine()}\n\n"
            f"Draw page script run with a new drawing and the {len(models)} default models "
            f"({', '.join(models)}), {len(script)} runs after 3 warm-ups:\n\n"
            f"| clock | median | p90 | min | max | target |\n|---|---|---|---|---|---|\n"
            f"{clock_row('script run', script, f'<= {TARGET_MS} ms: {verdict}')}\n"
            f"{clock_row('AppTest.run() round trip', round_trips)}\n")
    print(body)
    if args.write:
        record(TITLE, body, [Figure(SCRIPT_RUN, f"≤ {TARGET_MS} ms", f"{median:.0f} ms")])


if __name__ == "__main__":
    main()
