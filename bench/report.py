"""The benchmark's report: the Markdown table, worker crashes read from gunicorn's log,
the machine, and the generated section of docs/performance.md."""

from __future__ import annotations

import os
import platform
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.wrk import WrkResult

START = "<!-- bench:start (written by `make bench`; edit outside these markers) -->"
END = "<!-- bench:end -->"


# -- Worker crashes --------------------------------------------------------------------


@dataclass
class Crashes:
    """What gunicorn's arbiter logged about workers that died other than by shutdown."""

    signals: dict[str, int] = field(default_factory=dict)  # e.g. {"SIGSEGV": 2}
    exit_codes: dict[int, int] = field(default_factory=dict)  # non-zero exits
    timeouts: int = 0  # WORKER TIMEOUT: the arbiter then kills the worker
    fatal_errors: int = 0  # "Fatal Python error" blocks (faulthandler)

    @property
    def total(self) -> int:
        """Workers lost: each signal death or non-zero exit is one (a time-out is
        followed by the kill, so it is not counted twice)."""
        return sum(self.signals.values()) + sum(self.exit_codes.values())

    def describe(self) -> str:
        if not self.total and not self.timeouts:
            return "none"
        parts = [f"{count}× {name}" for name, count in sorted(self.signals.items())]
        parts += [f"{count}× exit code {code}" for code, count in sorted(self.exit_codes.items())]
        if self.timeouts:
            parts.append(f"{self.timeouts}× WORKER TIMEOUT")
        if self.fatal_errors:
            parts.append(f"{self.fatal_errors}× 'Fatal Python error' trace in the log")
        return ", ".join(parts)


_SIGNAL = re.compile(r"Worker \(pid:\d+\) was sent (\w+)")
_EXIT = re.compile(r"Worker \(pid:\d+\) exited with code (-?\d+)")
_TIMEOUT = re.compile(r"WORKER TIMEOUT \(pid:\d+\)")
# Sent to every worker when the server is stopped: not a crash.
SHUTDOWN_SIGNALS = {"SIGTERM", "SIGQUIT", "SIGINT"}


def count_crashes(log: str) -> Crashes:
    crashes = Crashes()
    for line in log.splitlines():
        if match := _SIGNAL.search(line):
            name = match.group(1)
            if name not in SHUTDOWN_SIGNALS:
                crashes.signals[name] = crashes.signals.get(name, 0) + 1
        elif match := _EXIT.search(line):
            code = int(match.group(1))
            if code:
                crashes.exit_codes[code] = crashes.exit_codes.get(code, 0) + 1
        elif _TIMEOUT.search(line):
            crashes.timeouts += 1
        elif line.startswith("Fatal Python error"):
            crashes.fatal_errors += 1
    return crashes


# -- The table -------------------------------------------------------------------------


@dataclass
class Row:
    """One page over all rounds: each page run paired with the /healthz run before it."""

    name: str
    path: str
    runs: list[WrkResult] = field(default_factory=list)
    healthz: list[WrkResult] = field(default_factory=list)
    unit: str = "rps"  # "votes/s" for the vote row
    first_ms: float | None = None  # one request before the load, one client

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)

    @property
    def share(self) -> float:
        """The page's rps over /healthz rps of the same round (median over rounds)."""
        return statistics.median(
            page.rps / health.rps if health.rps else 0.0
            for page, health in zip(self.runs, self.healthz, strict=True)
        )

    @property
    def failed(self) -> int:
        return sum(run.failed for run in self.runs)


def _ms(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def _share(value: float) -> str:
    return f"{value * 100:.1f}%" if value < 10 else f"{value:.1f}×"


def markdown_table(rows: Sequence[Row]) -> str:
    lines = [
        "| page | path | throughput | share of /healthz rps | p50 | p95 | failed "
        "| /healthz rps | first request |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if not row.runs:
            continue
        path = row.path if len(row.path) <= 60 else row.path[:57] + "…"
        answered = row.median("requests") > 0  # else wrk saw no response at all
        p50 = _ms(row.median("p50_ms")) if answered else "–"
        p95 = _ms(row.median("p95_ms")) if answered else "–"
        lines.append(
            f"| {row.name} | `{path}` | {row.median('rps'):,.1f} {row.unit} | {_share(row.share)} "
            f"| {p50} | {p95} | {row.failed} "
            f"| {statistics.median(h.rps for h in row.healthz):,.0f} "
            f"| {_ms(row.first_ms) if row.first_ms is not None else '–'} |"
        )
    return "\n".join(lines)


def deep_page_lines(rows: Sequence[Row], pairs: Sequence[tuple[str, str]]) -> list[str]:
    """'page N vs page 1' for each (deep row name, first page row name) pair: how many
    times page 1's cost, by share of /healthz rps (robust to noise) and by p50."""
    by_name = {row.name: row for row in rows if row.runs}
    out = []
    for deep, first in pairs:
        if deep in by_name and first in by_name:
            cost = by_name[first].share / max(by_name[deep].share, 1e-9)
            p50 = by_name[deep].median("p50_ms") / max(by_name[first].median("p50_ms"), 1e-9)
            out.append(
                f"- {deep} vs {first}: {cost:.2f}× the cost (by share of /healthz rps), "
                f"p50 {p50:.2f}×"
            )
    return out


# -- The machine -------------------------------------------------------------------------


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_lines(versions: dict[str, str]) -> list[str]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = memory_gib()
    lines = [
        f"- CPU: {cpu_model()}, {usable} usable cores ({os.cpu_count()} online)",
        f"- RAM: {memory:.1f} GiB" if memory else "- RAM: unknown",
        f"- OS: {platform.platform()}",
        "- Load average (1/5/15 min) when the report was written: "
        + " / ".join(f"{value:.2f}" for value in os.getloadavg()),
    ]
    lines += [f"- {name}: {version}" for name, version in versions.items()]
    return lines


# -- docs/performance.md -----------------------------------------------------------------


def replace_section(document: str, section: str) -> str:
    """Put `section` between the markers, keeping everything outside them; append the
    markers when the document has none."""
    block = f"{START}\n{section.rstrip()}\n{END}"
    if START in document and END in document:
        before = document.split(START, 1)[0]
        after = document.split(END, 1)[1]
        return before + block + after
    return document.rstrip() + "\n\n" + block + "\n"


# The first version of docs/performance.md; later runs replace only the marked section.
TEMPLATE = f"""# Performance

How fast Quorum is under load, measured by the benchmark in `bench/`, and how to run it.

## Running it

```sh
sudo apt-get install -y wrk                  # the load generator (Debian/Ubuntu)
createdb -h 127.0.0.1 -U postgres bench
export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench
export REDIS_URL=redis://127.0.0.1:6379/2    # a Redis database of its own
.venv/bin/flask --app wsgi db upgrade
.venv/bin/flask --app wsgi seed …            # the data set (see the run below)
make bench                                   # or: make bench BENCH_ARGS="--rounds 3"
```

`make bench` starts gunicorn exactly as production does (`gunicorn -c gunicorn.conf.py
wsgi:app`, `QUORUM_ENV=production`) on a free loopback port, finds the pages to measure
in the database (the biggest community, the busiest author, the longest thread, two
words common in the posts, the person with the most memberships and follows, the 20
hottest posts), signs people in through the real sign-in form, and runs wrk against each
page. Every page run comes right after a `/healthz` run, so noise on the machine hits
both; `share of /healthz rps` is the page's throughput over that `/healthz` run's. Then
50 connections vote (up, down, clear) as htmx does, with a session cookie and CSRF
token per person, on the 20 hottest posts. After the load it checks `score ==
sum(votes)` (and upvotes/downvotes) on every post and comment with one SQL query each,
and counts workers gunicorn lost (`Worker … was sent SIGSEGV`, `exited with code`,
`WORKER TIMEOUT`) in its log. It exits non-zero if either check fails.

Options (`make bench BENCH_ARGS="…"`, or `.venv/bin/python -m bench.run --help`):
`--duration` seconds per wrk run (10), `--connections` (16), `--vote-connections` (50),
`--rounds` (1; medians over rounds), `--voters` (20), `--password` of the seeded people
(or `BENCH_PASSWORD`), `--deep-page` (20,000), `--only` (run some pages, e.g.
`--only search,votes`), `--seed-args "…"` (run `flask db upgrade` and `flask seed …`
first), `--seeded-with "flask --app wsgi seed …"` (the seed command, for the report),
`--flush-cache` (empty the REDIS_URL database first: cached pages of an earlier data set
must not be served; give the benchmark a Redis database of its own), `--no-write` (print
only). A full run with the defaults takes about six minutes.

## Reading the table

- **throughput**: requests (or votes) per second, median over rounds.
- **share of /healthz rps**: the number to compare between machines and runs; /healthz
  is one `SELECT 1` and a Redis ping through the whole stack, the ceiling of what a page
  can reach on this server.
- **p50 / p95**: latency under the load (16 connections queueing for 5 workers: a page
  that takes 10 ms alone shows about 30 ms here). **first request** is one GET before
  the load, a single client with the page's cache cold for that URL.
- **failed**: non-2xx/3xx answers, socket errors and time-outs (should be 0).
- Rate limits are raised far above the load for the run (the limiter still counts, so
  its cost is in the numbers); nothing else differs from production. nginx is not in
  front: its micro-cache would serve guest pages without reaching the app.

## Results

The section below is written by `make bench`; anything outside the markers is kept.

{START}
{END}
"""
