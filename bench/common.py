"""What every bench shares, so all figures are computed and recorded one way.

* `percentile`: one rule (nearest rank) for every p50/p90/p95 in RESULTS.md;
* `machine_name` / `machine`: one description of the machine a figure was measured on;
* `record`: writes a bench's `## title` section of bench/RESULTS.md and its rows of the
  "Current figures" table that opens the file (each `Figure`), with machine, date and command;
* `Server`: the app (or another script) on a free loopback port, or a server already running.

Not a command itself; see bench/__init__.py for the commands.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.server import free_port, start_server, stop_server, wait_healthy

# Python keeps each module's compiled bytecode (__pycache__) and reuses it from the next start
# on, unless PYTHONDONTWRITEBYTECODE is set, as on this project's build machines: the servers the
# benches start then compiled the app's modules from source at every launch (about 0.1 s of a
# cold start), which a teacher's laptop does only once. The benches run with Python's default.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "RESULTS.md"
BARE_APP = REPO / "bench" / "bare_canvas_app.py"
SUMMARY = "Current figures"  # the table that opens RESULTS.md
SUMMARY_HEAD = "| figure | target | value | floor | machine | date | command |"
N_DEFAULT_MODELS = 4  # reconstructions on the Draw page with its default models
DIGITS = (3, 7, 1, 0)  # what every bench's pupils draw, in this order


# --- statistics and the machine -------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """The nearest-rank `q`th percentile (0-100) of `values`; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    """Cores this process may run on (a container may allow fewer than the host has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine_name() -> str:
    """'AMD EPYC ..., 2 cores, Linux 6.18...': enough to tell this project's machines apart."""
    return f"{cpu_model()}, {usable_cores()} cores, {platform.system()} {platform.release()}"


def load_average() -> str:
    if not hasattr(os, "getloadavg"):
        return "load average unknown"
    return "load average {:.1f} / {:.1f} / {:.1f} (1 / 5 / 15 min)".format(*os.getloadavg())


def machine() -> str:
    """The machine line under each section: name and today's date."""
    return f"{machine_name()}; {dt.date.today()}"


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (raises OSError when it is gone)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- RESULTS.md -------------------------------------------------------------------------------

@dataclass
class Figure:
    """One row of the table of current figures.

    `floor` is the bare canvas app's figure from the same run; None where a floor means nothing
    (shown as a dash), "not measured in this run" where it means something but was not taken.
    """

    name: str
    target: str
    value: str
    floor: str | None = None

    def row(self, command: str) -> str:
        cells = [self.name, self.target, self.value, "—" if self.floor is None else self.floor,
                 machine_name(), str(dt.date.today()), f"`{command}`"]
        return "| " + " | ".join(cells) + " |"


def command_line(argv: list[str] | None = None) -> str:
    """The command that ran this bench, as `python -m bench.<name> ...`, without `--write`."""
    argv = sys.argv if argv is None else argv
    args = [a for a in argv[1:] if a != "--write"]
    return " ".join([f"python -m bench.{Path(argv[0]).stem}", *args])


def _section_pattern(title: str) -> re.Pattern:
    return re.compile(rf"^## {re.escape(title)}[ \t]*\n.*?(?=^## |\Z)", re.M | re.S)


def write_section(title: str, body: str, path: Path = RESULTS) -> None:
    """Replace the `## title` section of RESULTS.md (up to the next `## ` heading), or append it."""
    text = path.read_text() if path.is_file() else "# Benchmark results\n"
    section = f"## {title}\n\n{body.strip()}\n\n"
    pattern = _section_pattern(title)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def record_figures(figures: list[Figure], command: str, path: Path = RESULTS) -> None:
    """Put each figure's row in the table of current figures (replacing the row of that name)."""
    text = path.read_text()
    match = _section_pattern(SUMMARY).search(text)
    if match is None:
        raise ValueError(f"{path} has no '## {SUMMARY}' section")
    lines = match.group(0).split("\n")
    head = lines.index(SUMMARY_HEAD)
    end = head + 2
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    rows = lines[head + 2:end]
    for figure in figures:
        new = figure.row(command)
        names = [row.split(" | ")[0][2:] for row in rows]
        if figure.name in names:
            rows[names.index(figure.name)] = new
        else:
            rows.append(new)
    section = "\n".join(lines[:head + 2] + rows + lines[end:])
    path.write_text(text[:match.start()] + section + text[match.end():])


def record(title: str, body: str, figures: Sequence[Figure] = (), path: Path = RESULTS) -> None:
    """What `--write` does: the bench's section, then its rows of the current figures."""
    write_section(title, body, path)
    if figures:
        record_figures(list(figures), command_line(), path)
    print(f"wrote {path.relative_to(REPO)}: '## {title}'"
          + (f" and {len(figures)} current figure(s)" if figures else ""), file=sys.stderr)


# --- the server under test ---------------------------------------------------------------------

class Server:
    """`streamlit run` of the app (or `script`) on a free port, or `url` when one is given."""

    def __init__(self, url: str | None = None, script: Path | None = None) -> None:
        self.url, self.script, self.proc = url, script, None

    def __enter__(self) -> Server:
        if self.url is None:
            port = free_port()
            self.proc = start_server(port, script=self.script)
            self.url = f"http://127.0.0.1:{port}"
            try:
                wait_healthy(self.url)
            except BaseException:
                stop_server(self.proc)
                raise
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            stop_server(self.proc)
