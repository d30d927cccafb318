"""Script run of the Draw page with the default four models, timed through AppTest.

    python bench/script_run.py             # print the result
    python bench/script_run.py --write     # ... and record it in bench/RESULTS.md

Each repeat injects a new drawing into the canvas (as the browser sends it after a stroke) and
times `AppTest.run()`: the whole page script, preprocessing, four reconstructions, metrics and
code charts, plus AppTest's own bookkeeping (so this is an upper bound of the server's work).
The first run (TensorFlow and model loading) is not counted. Target: median <= 150 ms.
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

    from ui.widgets import DEFAULT_MODELS

    at = open_app("app_pages/draw.py")
    times = []
    for i in range(args.repeats + 3):
        at.session_state["canvas_0"] = canvas_value(drawn_digit(i % 10, seed=i))
        start = time.perf_counter()
        at.run()
        elapsed = (time.perf_counter() - start) * 1000
        assert not at.exception, at.exception
        assert len(images_with_caption(at, "Reconstruction")) == len(DEFAULT_MODELS)
        if i >= 3:  # warm-up: first model calls, first chart
            times.append(elapsed)
    median = statistics.median(times)
    body = (f"Machine: {machine()}\n\n"
            f"Draw page script run with a new drawing and the {len(DEFAULT_MODELS)} default models "
            f"({', '.join(DEFAULT_MODELS)}), `AppTest.run()`, {len(times)} runs after 3 warm-ups:\n\n"
            f"| median | p90 | min | max | target |\n|---|---|---|---|---|\n"
            f"| {median:.0f} ms | {percentile(times, 90):.0f} ms | {min(times):.0f} ms | "
            f"{max(times):.0f} ms | <= 150 ms: {'met' if median <= 150 else '**missed**'} |\n")
    print(body)
    if args.write:
        write_section("Script run of the Draw page (4 models)", body)


if __name__ == "__main__":
    main()
