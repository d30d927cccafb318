"""How late this machine wakes a sleeping program: timer overshoot and thread wake-up latency.

Every latency figure in RESULTS.md sits on top of these: a stroke's path has timers (the canvas
component's 200 ms debounce in the browser, the server's message flush loop) and wake-ups (the
script thread handing its messages to the event loop, the browser being sent a frame). On a
laptop both are well under a millisecond; on a virtual machine whose idle vCPUs are halted by the
host they can take hundreds of milliseconds.

    python -m bench.machine_timers [--write]
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import sys
import threading
import time

from bench.common import Figure, machine, percentile, record

SLEEPS_MS = (1, 5, 20, 100, 200)
REPEATS = 20
TITLE = "Machine: timers and wake-ups"
WAKE_UP = "Thread wake-up after a pipe write, p95 (the floor under every latency)"


def sleep_overshoot(ms: float, repeats: int = REPEATS) -> list[float]:
    """Milliseconds each time.sleep(ms) took beyond what it asked for."""
    late = []
    for _ in range(repeats):
        start = time.perf_counter()
        time.sleep(ms / 1000)
        late.append((time.perf_counter() - start) * 1000 - ms)
    return late


def wakeup_latency(repeats: int = REPEATS, gap_s: float = 0.05) -> list[float]:
    """Milliseconds from writing to a pipe to the blocked reader thread running (the writer
    busy-waits between writes, so only the reader's wake-up is measured)."""
    read_end, write_end = os.pipe()
    latencies: list[float] = []

    def reader() -> None:
        for _ in range(repeats):
            select.select([read_end], [], [])
            sent = float(os.read(read_end, 64).decode())
            latencies.append((time.perf_counter() - sent) * 1000)

    thread = threading.Thread(target=reader)
    thread.start()
    for _ in range(repeats):
        start = time.perf_counter()
        while time.perf_counter() - start < gap_s:
            pass
        os.write(write_end, f"{time.perf_counter():.9f}".encode().ljust(64))
    thread.join()
    os.close(read_end)
    os.close(write_end)
    return latencies


def summary(values: list[float]) -> str:
    return (f"{statistics.median(values):.1f} | {percentile(values, 95):.1f} | "
            f"{max(values):.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.machine_timers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="record the result in bench/RESULTS.md")
    args = parser.parse_args()
    rows = [f"| time.sleep({ms} ms): overshoot | {summary(sleep_overshoot(ms))} |" for ms in SLEEPS_MS]
    wake_ups = wakeup_latency()
    rows.append(f"| thread wake-up after a pipe write | {summary(wake_ups)} |")
    body = (f"{REPEATS} tries each, on an otherwise idle machine (milliseconds):\n\n"
            f"| what | median | p95 | max |\n|---|---|---|---|\n" + "\n".join(rows) +
            "\n\nWithout a hypervisor halting idle CPUs these should all be well under a "
            f"millisecond (not measured here: no such machine). Machine: {machine()}.")
    print(body)
    if args.write:
        record(TITLE, body, [Figure(WAKE_UP, "—", f"{percentile(wake_ups, 95):.1f} ms")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
