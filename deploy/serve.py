"""Serve a large class: N app processes on loopback ports behind nginx with sticky sessions.

    python deploy/serve.py --processes 2 --port 8080        # then open http://<this machine>:8080

One Streamlit process runs every session's script on the same Python interpreter, so more
processes use more cores: on 2 cores one process held 20 pupils with p95 under 1 s, two behind
nginx held 40 (bench/RESULTS.md, "Two more machines of the same kind"). Class mode has two
processes of its own, both below the app processes in CPU priority, so that a class slows the
pupils' strokes as little as possible: one takes the sends (classroom/send_server.py), one runs
the teacher's wall (the same app; nginx sends it the browsers that hold the teacher cookie).
Needs Debian's nginx (`apt-get install nginx-light`). Ctrl+C stops all.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEALTH_PATH = "/api/class/health"  # classroom.send_server's (this file runs without the repo's imports)
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render_config(listen: str, backend_ports: list[int], prefix: Path,
                  send_port: int | None = None, wall_port: int | None = None) -> str:
    """nginx's configuration; class sends go to `send_port` (the app processes as its
    backups), or to the app processes alone when it is None; teachers' browsers go to
    `wall_port` (the first app process as its backup), or with everyone when it is None."""
    upstreams = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in backend_ports)
    if send_port is None:  # the first app process takes the sends, the others are its backups
        send_port, backups = backend_ports[0], backend_ports[1:]
    else:
        backups = backend_ports
    backup_lines = "\n".join(f"        server 127.0.0.1:{port} backup;" for port in backups)
    return (TEMPLATE.read_text().replace("__UPSTREAMS__", upstreams)
            .replace("__SEND_PORT__", str(send_port)).replace("__SEND_BACKUPS__", backup_lines)
            .replace("__TEACHER_POOL__", "aelab" if wall_port is None else "aelab_wall")
            .replace("__WALL_PORT__", str(wall_port or backend_ports[0]))
            .replace("__WALL_BACKUP__", str(backend_ports[0]))
            .replace("__LISTEN__", listen).replace("__PREFIX__", str(prefix)))


def wait_healthy(url: str, timeout: float = 180, path: str = "/_stcore/health") -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}{path}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"nothing healthy at {url} within {timeout:.0f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CLASS_NICENESS = 10  # the send server and the wall: below the app processes (a send or a wall
# refresh may wait a few ms; a pupil watches their stroke's pictures come back)
WALL_ELSEWHERE = {"AE_WALL_ELSEWHERE": "1"}  # ui.class_teacher's: in an app process, a teacher's
# browser that has just got its cookie reloads to reach the wall's process


def niced(cmd: list[str]) -> list[str]:
    """`cmd` run at CLASS_NICENESS, through nice(1): not preexec_fn=os.nice, since the callers
    (tests, benches) run threads, and a function run between fork and exec may deadlock then."""
    nice = shutil.which("nice")
    return ([nice, "-n", str(CLASS_NICENESS)] if nice else []) + cmd


def lower_autogroup(pid: int) -> None:
    """Put `pid`'s autogroup at CLASS_NICENESS. Linux with autogroups (most desktops) gives each
    session, hence each process started here, an equal share of the CPU whatever its nice value:
    measured here, a busy loop under nice 10 in a session of its own still took half of a core
    from another, and 10 % once its autogroup was niced too. Nothing to do elsewhere."""
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(CLASS_NICENESS))
    except OSError:
        pass  # not Linux, autogroups off, or the process has already ended


def launch(cmd: list[str], log: Path, env: dict[str, str], lowered: bool = False
          ) -> subprocess.Popen:
    """`cmd` in the repository, in a session (and process group) of its own, output to `log`;
    `lowered`: below the app processes in CPU priority (nice and autogroup)."""
    proc = subprocess.Popen(niced(cmd) if lowered else cmd, cwd=REPO, env=env,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    if lowered:
        lower_autogroup(proc.pid)
    return proc


def start_send_server(port: int, log: Path) -> subprocess.Popen:
    """Class mode's endpoints in a process of their own (classroom/send_server.py), lowered."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return launch([sys.executable, "-m", "uvicorn", "classroom.send_server:app", "--host",
                  "127.0.0.1", "--port", str(port), "--log-level", "warning",
                  "--no-access-log"], log, env, lowered=True)


def start_app(port: int, log: Path, extra_env: dict[str, str] | None = None,
              script: Path | None = None, lowered: bool = False) -> subprocess.Popen:
    """`streamlit run lab.py` (the app and class mode's endpoints; or `script`) headless on a
    loopback port, in its own process group; `lowered`: the wall's process."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(extra_env or {})}
    return launch([sys.executable, "-m", "streamlit", "run", str(script or REPO / "lab.py"),
                  "--server.port", str(port), "--server.address", "127.0.0.1",
                  "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                 log, env, lowered=lowered)


@dataclass
class Cluster:
    """nginx plus its app processes (`processes`: nginx first), the class send server and the
    wall's process; `url` is what the class opens."""

    url: str
    prefix: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    send_server: subprocess.Popen | None = None
    wall: subprocess.Popen | None = None
    wall_port: int | None = None

    @property
    def app_pids(self) -> list[int]:
        return [p.pid for p in self.processes[1:]]

    def running(self) -> bool:
        return all(p.poll() is None for p in self._all())

    def _all(self) -> list[subprocess.Popen]:
        return [p for p in [*self.processes, self.send_server, self.wall] if p]

    def stop(self) -> None:
        for proc in self._all():
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for proc in self._all():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def start(processes: int = 2, port: int = 8080, first_app_port: int = 8601,
          host: str = "127.0.0.1", prefix: Path | None = None,
          app_ports: list[int] | None = None) -> Cluster:
    """Start the app processes and nginx; returns once the class URL answers.

    The apps listen on `first_app_port` and up, or on `app_ports` when given (tests pick free ones).
    """
    if not Path(NGINX).exists():
        raise FileNotFoundError("nginx not found: apt-get install nginx-light")
    prefix = Path(prefix or tempfile.mkdtemp(prefix="aelab-nginx-"))
    prefix.mkdir(parents=True, exist_ok=True)
    ports = app_ports or [first_app_port + i for i in range(processes)]
    send_port, wall_port = free_port(), free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(render_config(f"{host}:{port}", ports, prefix, send_port, wall_port))
    cluster = Cluster(f"http://{host if host != '0.0.0.0' else '127.0.0.1'}:{port}", prefix,
                      wall_port=wall_port)
    try:
        nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf)],
                                 stdout=open(prefix / "nginx.out", "w"), stderr=subprocess.STDOUT,
                                 start_new_session=True)
        cluster.processes.append(nginx)
        cluster.send_server = start_send_server(send_port, prefix / "send-server.log")
        cluster.processes += [start_app(p, prefix / f"app-{p}.log", WALL_ELSEWHERE) for p in ports]
        cluster.wall = start_app(wall_port, prefix / "wall.log", lowered=True)
        wait_healthy(f"http://127.0.0.1:{send_port}", path=HEALTH_PATH)
        for p in [*ports, wall_port]:
            wait_healthy(f"http://127.0.0.1:{p}")
        wait_healthy(cluster.url, timeout=30)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", "-n", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="where nginx listens (default 8080)")
    parser.add_argument("--host", default="0.0.0.0", help="nginx address (default: every interface)")
    parser.add_argument("--first-app-port", type=int, default=8601)
    args = parser.parse_args()
    # `kill` (and a service manager) sends SIGTERM: stop nginx and the app processes then too,
    # as on Ctrl+C, instead of leaving them orphaned on their ports (start() cleans up on exit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    cluster = start(args.processes, args.port, args.first_app_port, args.host)
    print(f"Autoencoder Lab: {args.processes} processes behind nginx at http://{args.host}:{args.port} "
          f"(files in {cluster.prefix}). Ctrl+C stops everything.", flush=True)
    try:
        while cluster.running():
            time.sleep(1)
        print("a process stopped; shutting down", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
