"""Script run of the Draw page with the default four models, timed through AppTest.

    python bench/script_run.py             # print the result
    python bench/script_run.py --write     # ... and record it in bench/RESULTS.md

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
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from apptest_helpers import canvas_value, drawn_digit, images_with_caption, open_app  # noqa: E402
from browser_bench import machine, percentile, write_section  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

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
    at = open_app("app_pages/draw.py")
    times = []
    for i in range(args.repeats + 3):
        at.session_state["canvas_0"] = canvas_value(drawn_digit(i % 10, seed=i))
        start = time.perf_counter()
        at.run()
        elapsed = (time.perf_counter() - start) * 1000
        assert not at.exception, at.exception
        assert len(images_with_caption(at, "Reconstruction")) == len(DEFAULT_MODELS)
        if i >= 3:  # warm-up: first model calls, first traces
            times.append(elapsed)
    script = script_times[-len(times):]
    median = statistics.median(script)
    body = (f"Machine: {machine()}\n\n"
            f"Draw page script run with a new drawing and the {len(DEFAULT_MODELS)} default models "
            f"({', '.join(DEFAULT_MODELS)}), {len(times)} runs after 3 warm-ups:\n\n"
            f"| clock | median | p90 | min | max | target |\n|---|---|---|---|---|---|\n"
            f"| script run | {median:.0f} ms | {percentile(script, 90):.0f} ms | {min(script):.0f} ms | "
            f"{max(script):.0f} ms | <= 150 ms: {'met' if median <= 150 else '**missed**'} |\n"
            f"| AppTest.run() round trip | {statistics.median(times):.0f} ms | "
            f"{percentile(times, 90):.0f} ms | {min(times):.0f} ms | {max(times):.0f} ms | |\n")
    print(body)
    if args.write:
        write_section("Script run of the Draw page (4 models)", body)


if __name__ == "__main__":
    main()
