"""The class store's cost (issue 18): a wall's refresh of a full room, and sends per second.

    python -m bench.class_store_bench [--drawings 500] [--processes 1 2 4] [--write]
    python -m bench.class_store_bench --pg-url postgresql://user@host/db   # an existing server

* Wall refresh: a room holding `--drawings` drawings (500, the default limit); the wall polls
  `version()` every couple of seconds and, when it changed, reads `version()` + `drawings()`
  (every drawing, newest first, as 28x28 float32). Median and p95 of each, in one process.
  The issue's target, a whole refresh on the server <= 100 ms, includes the models' work on
  the page; this is the store's part of it.
* Sends: P spawned processes (as deploy/serve.py runs P app processes), each with 5 pupils,
  send into one room as fast as the store takes them (no 2-s wait): sends per second over the
  run, and each send's latency. A class of 60 pupils sending every 2 s needs 30 sends/s.

Both on SQLite (a file in a temporary folder, the store's settings: WAL, synchronous=FULL) and on
PostgreSQL (Debian's, a throwaway server as the tests start but with fsync on; or `--pg-url`). The
figures are the store alone: no Streamlit, no network beyond loopback.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import Figure, machine, percentile, record
from classroom.store import ClassStore, RoomSettings
from tests.class_databases import PostgresCluster, postgres_missing, run_senders

TITLE = "Class store"
REFRESH = ("Class store: what a wall refresh reads from a room of 500 drawings "
           "(version + drawings), median / p95")
SENDS = "Class store sends per second into one room, several processes"
PUPILS_PER_PROCESS = 5


def fill_room(store: ClassStore, drawings: int) -> str:
    """A room with `drawings` drawings from 50 pupils; returns its code."""
    room, _ = store.create_room(RoomSettings(max_drawings=max(drawings, 1), min_send_interval_s=0))
    pupils = [store.join(room.code, f"Pupil {k}") for k in range(50)]
    rng = np.random.default_rng(0)
    for k in range(drawings):
        store.send(room.code, pupils[k % 50], rng.random((28, 28), dtype=np.float32), k % 10)
    return room.code


def timed_ms(call, repeats: int) -> list[float]:
    call()  # warm: a pooled connection, compiled statements
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times


def wall_costs(url: str, drawings: int, refreshes: int) -> dict[str, list[float]]:
    store = ClassStore(url)
    try:
        code = fill_room(store, drawings)
        assert len(store.drawings(code)) == drawings
        return {"poll": timed_ms(lambda: store.version(code), refreshes * 4),
                "refresh": timed_ms(lambda: (store.version(code), store.drawings(code)), refreshes)}
    finally:
        store.dispose()


def send_rate(url: str, processes: int, sends_each: int) -> dict[str, float]:
    store = ClassStore(url)
    try:
        room, _ = store.create_room(RoomSettings(max_drawings=100_000, max_pupils=10_000,
                                                 min_send_interval_s=0))
        run = run_senders(url, room.code, processes, PUPILS_PER_PROCESS, sends_each)
        stored = len(store.drawings(room.code))
    finally:
        store.dispose()
    sent = sum(len(ids) for ids in run.ids)
    return {"processes": processes, "sent": sent, "stored": stored, "refused": run.refused,
            "unavailable": run.unavailable, "per_s": sent / run.elapsed_s,
            "p50_ms": statistics.median(run.latencies_s) * 1000,
            "p95_ms": percentile(run.latencies_s, 95) * 1000}


def measure(name: str, url: str, args: argparse.Namespace) -> dict:
    print(f"{name}: wall refresh with {args.drawings} drawings...", file=sys.stderr)
    costs = wall_costs(url, args.drawings, args.refreshes)
    rates = []
    for processes in args.processes:
        print(f"{name}: {processes} process(es) sending...", file=sys.stderr)
        rates.append(send_rate(url, processes, args.sends))
    return {"name": name, "costs": costs, "rates": rates}


def ms(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {percentile(values, 95):.1f}"


def report(results: list[dict], args: argparse.Namespace, pg_note: str) -> str:
    lines = [f"`python -m bench.class_store_bench`, {time.strftime('%Y-%m-%d %H:%M')}. "
             f"Machine: {machine()}. SQLite: a file in a temporary folder on the machine's disk, "
             f"the store's settings (WAL, synchronous=FULL). PostgreSQL: {pg_note}.", "",
             f"Wall: a room of {args.drawings} drawings; `version()` alone (the poll) "
             f"{args.refreshes * 4} times, `version()` + `drawings()` (a refresh) "
             f"{args.refreshes} times, in one process (milliseconds, median / p95):", "",
             "| database | poll | refresh |", "|---|---:|---:|"]
    lines += [f"| {r['name']} | {ms(r['costs']['poll'])} | {ms(r['costs']['refresh'])} |"
              for r in results]
    lines += ["", f"Sends: P spawned processes, {PUPILS_PER_PROCESS} pupils each, "
              f"{args.sends} sends per pupil into one room, no wait between sends:", "",
              "| database | processes | sent = stored | refused / unavailable | sends/s "
              "| send ms p50 / p95 |", "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        lines += [f"| {r['name']} | {x['processes']} | {x['sent']} = {x['stored']} | "
                  f"{x['refused']} / {x['unavailable']} | {x['per_s']:.0f} | "
                  f"{x['p50_ms']:.1f} / {x['p95_ms']:.1f} |" for x in r["rates"]]
    return "\n".join(lines)


def figures(results: list[dict]) -> list[Figure]:
    refresh = "; ".join(f"{r['name']} {ms(r['costs']['refresh'])} ms" for r in results)
    rates = "; ".join(f"{r['name']} " + ", ".join(f"{x['per_s']:.0f}/s ({x['processes']} proc)"
                                                  for x in r["rates"]) for r in results)
    return [Figure(REFRESH, "≤ 100 ms (the whole refresh)", refresh),
            Figure(SENDS, "≥ 30/s (60 pupils every 2 s)", rates)]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.class_store_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drawings", type=int, default=500)
    parser.add_argument("--refreshes", type=int, default=30)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--sends", type=int, default=40, help="sends per pupil")
    parser.add_argument("--pg-url", help="an existing PostgreSQL (else a throwaway local server)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--write", action="store_true",
                        help="record the result in bench/RESULTS.md")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="ae-class-bench-") as folder:
        results.append(measure("SQLite", f"sqlite:///{Path(folder) / 'class.sqlite3'}", args))
    if args.pg_url:
        results.append(measure("PostgreSQL", args.pg_url, args))
        pg_note = "the server given by --pg-url"
    elif args.no_pg or postgres_missing():
        pg_note = f"not measured ({'--no-pg' if args.no_pg else postgres_missing()})"
    else:
        cluster = PostgresCluster(fsync=True)
        try:
            cluster.start()
            results.append(measure("PostgreSQL", cluster.new_database(), args))
            pg_note = (f"Debian's PostgreSQL {cluster.bin.parent.name}, a local server on loopback "
                       "TCP, default settings (fsync on)")
        finally:
            cluster.cleanup()
    body = report(results, args, pg_note)
    print(body)
    if args.write:
        record(TITLE, body, figures(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
