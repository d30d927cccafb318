"""Databases for the class-store tests and bench: a throwaway PostgreSQL cluster, a test clock,
and the sender that several processes run at once.

`PostgresCluster` runs Debian's PostgreSQL (`/usr/lib/postgresql/<version>/bin`, package
`postgresql`) from a temporary folder on a free loopback port, with trust authentication and
(for the tests) fsync off. PostgreSQL refuses to run as root, so as root the folder is given to
the `postgres` user and the server runs as that user (`runuser`).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
PG_USER = "postgres"


def pg_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (AE_PG_BIN wins), or None."""
    if os.environ.get("AE_PG_BIN"):
        candidates = [os.environ["AE_PG_BIN"]]
    else:
        candidates = sorted(glob.glob(PG_BIN_GLOB), key=_version_of, reverse=True)
    for folder in candidates:
        if (Path(folder) / "pg_ctl").is_file() and (Path(folder) / "initdb").is_file():
            return Path(folder)
    return None


def _version_of(bin_dir: str) -> int:
    name = Path(bin_dir).parent.name
    return int(name) if name.isdigit() else 0


def postgres_missing() -> str | None:
    """Why a local PostgreSQL cannot be started here; None when it can."""
    if pg_bin_dir() is None:
        return f"no PostgreSQL server under {PG_BIN_GLOB} (Debian: apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            import pwd
            pwd.getpwnam(PG_USER)
        except KeyError:
            return f"running as root and there is no '{PG_USER}' user to run PostgreSQL as"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """A PostgreSQL server of our own: `start()`, `new_database()`, `stop()`, `cleanup()`."""

    def __init__(self, fsync: bool = False) -> None:
        self.bin, self.fsync = pg_bin_dir(), fsync
        self.root = Path(tempfile.mkdtemp(prefix="ae-class-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = free_port()
        self._databases = 0
        if os.geteuid() == 0:
            shutil.chown(self.root, user=PG_USER)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", PG_USER, "--no-sync",
                  "-E", "UTF8")

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", PG_USER, "--", *command]
        subprocess.run(command, check=True, timeout=timeout, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, cwd=self.root)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        options += "" if self.fsync else " -F"  # tests: no fsync; the bench keeps it
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        self._databases += 1
        name = f"class_test_{self._databases}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={PG_USER} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def cleanup(self) -> None:
        try:
            if self.running():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class Clock:
    """A clock the tests move by hand (no test waits for real time)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class SendRun:
    """What `run_senders` saw: each process's stored ids, refusals and unavailable answers
    summed, seconds from the start signal to the last answer, and every send's seconds."""

    ids: list[list[int]]
    refused: int
    unavailable: int
    elapsed_s: float
    latencies_s: list[float]


def send_many(url: str, code: str, pupils: int, sends: int, start, results) -> None:
    """One process's share of a class: `pupils` join, wait at the `start` barrier, then send
    `sends` drawings each, round robin, as fast as the store takes them."""
    import numpy as np

    from classroom.store import ClassStore, Refused, StoreUnavailable

    store = ClassStore(url, timeout_s=30)
    ids, refused, unavailable, latencies = [], 0, 0, []
    try:
        try:
            members = [store.join(code, f"p{os.getpid()}-{i}") for i in range(pupils)]
        except BaseException:
            start.abort()  # the parent stops waiting for this process
            raise
        image = np.linspace(0, 1, 784, dtype=np.float32).reshape(28, 28)
        start.wait(120)
        for k in range(sends * pupils):
            began = time.perf_counter()
            try:
                ids.append(store.send(code, members[k % pupils], image, k % 10))
            except Refused:
                refused += 1
            except StoreUnavailable:
                unavailable += 1
            latencies.append(time.perf_counter() - began)
    finally:
        store.dispose()
        results.put((ids, refused, unavailable, latencies))


def run_senders(url: str, code: str, processes: int, pupils: int, sends: int,
                timeout: float = 300) -> SendRun:
    """`processes` spawned processes run `send_many` into one room at once."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    start, results = ctx.Barrier(processes + 1), ctx.Queue()
    workers = [ctx.Process(target=send_many, args=(url, code, pupils, sends, start, results))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    start.wait(120)  # every process has joined its pupils
    began = time.perf_counter()
    answers = [results.get(timeout=timeout) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join(timeout=30)
    return SendRun([a[0] for a in answers], sum(a[1] for a in answers),
                   sum(a[2] for a in answers), elapsed, [s for a in answers for s in a[3]])
