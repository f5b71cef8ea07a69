"""wrk: the Lua scripts the benchmark hands it and the numbers read back from it.

Every run uses a script whose `done` hook prints one line, `BENCH_JSON {...}`, with the
exact counts and the latency percentiles wrk keeps (wrk's own text shows p50/p75/p90/p99
only, and rounds them). The text output is parsed too, as a fallback and a cross-check.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field

JSON_MARK = "BENCH_JSON "
INSTALL_HINT = (
    "wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk "
    "(macOS: brew install wrk); then run the benchmark again."
)

# Appended to every script: the exact summary as one JSON line.
_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
    .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,'
    .. '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


@dataclass
class WrkResult:
    """One wrk run, in requests per second and milliseconds."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float = 0.0
    max_ms: float = 0.0
    bytes: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        """Responses that were not 2xx/3xx plus socket errors and time-outs."""
        return sum(self.errors.values())


def find_wrk() -> str | None:
    return shutil.which("wrk")


def _lua_string(value: str) -> str:
    """A Lua string literal for any text (long brackets cannot hold every input)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def get_script(headers: dict[str, str] | None = None) -> str:
    """A script for plain GETs of the URL on wrk's command line, with extra headers."""
    lines = [
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in (headers or {}).items()
    ]
    return "\n".join(lines) + "\n" + _DONE


def uncached_get_script(path: str, headers: dict[str, str] | None = None) -> str:
    """GETs of `path` with a query argument no request repeats (`bench-miss=N`): the
    app's page cache is keyed by the query, so every request renders the page anew."""
    separator = "&" if "?" in path else "?"
    lines = [
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in (headers or {}).items()
    ]
    # setup() runs in the main Lua state, once per thread: it gives each thread its own
    # mark (the run's start second and the thread's number), so no two threads, and no
    # two runs, send the same URL.
    lines.append("local threads_made = 0")
    lines.append("local counter = 0")
    lines.append(
        "setup = function(thread)\n"
        "  threads_made = threads_made + 1\n"
        "  thread:set('mark', os.time() .. '-' .. threads_made)\n"
        "end"
    )
    lines.append(
        "request = function()\n"
        "  counter = counter + 1\n"
        f"  return wrk.format(nil, {_lua_string(path + separator)} .. 'bench-miss=' .. "
        "mark .. '-' .. counter)\n"
        "end"
    )
    return "\n".join(lines) + "\n" + _DONE


@dataclass(frozen=True)
class Voter:
    cookie: str  # the Cookie header of a signed-in session
    csrf: str  # the CSRF token that session's pages carry
    post_ids: tuple[int, ...]  # the posts this person may vote on (not their own)


def vote_script(voters: list[Voter], headers: dict[str, str] | None = None) -> str:
    """POSTs votes as htmx does (X-CSRFToken header, HX-Request): a random voter, one of
    the posts they may vote on, and up (+1), down (-1) or clear (0), so inserts, flips
    and deletes mix."""
    voters = [voter for voter in voters if voter.post_ids]
    if not voters:
        raise ValueError("votes need at least one voter with a post to vote on")
    voter_rows = ",\n".join(
        f"  {{cookie = {_lua_string(v.cookie)}, csrf = {_lua_string(v.csrf)}, "
        f"posts = {{{', '.join(str(int(p)) for p in v.post_ids)}}}}}"
        for v in voters
    )
    extra = "".join(
        f"    [{_lua_string(k)}] = {_lua_string(v)},\n" for k, v in (headers or {}).items()
    )
    return f"""
local voters = {{
{voter_rows}
}}
local values = {{ "1", "-1", "0", "1" }}
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

init = function(args)
  math.randomseed(os.time() * 1000 + (tonumber(tid) or 0))
end

request = function()
  local v = voters[math.random(#voters)]
  local p = v.posts[math.random(#v.posts)]
  local headers = {{
    ["Host"] = wrk.headers["Host"],
    ["Cookie"] = v.cookie,
    ["X-CSRFToken"] = v.csrf,
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
{extra}  }}
  return wrk.format("POST", "/p/" .. p .. "/vote", headers,
                    "value=" .. values[math.random(#values)])
end
{_DONE}"""


# -- Reading wrk's output ------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"([\d.]+)(us|ms|s|m|h)\b")


def duration_ms(text: str) -> float:
    """'812.34us' → 0.81234, '1.20s' → 1200.0 (wrk's own units)."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def _from_json(line: str) -> WrkResult:
    data = json.loads(line[len(JSON_MARK) :])
    seconds = data["duration_us"] / 1_000_000 or 1e-9
    return WrkResult(
        requests=data["requests"],
        seconds=seconds,
        rps=data["requests"] / seconds,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        bytes=data["bytes"],
        errors={k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]},
    )


def _from_text(output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+)(\w+) read", output)
    if not rps or not total:
        raise ValueError("wrk printed no summary:\n" + output[-2000:])
    percentiles = {
        int(m.group(1)): duration_ms(m.group(2))
        for m in re.finditer(r"^\s+(\d+)%\s+(\S+)$", output, re.MULTILINE)
    }
    errors: dict[str, int] = {}
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        for name, value in zip(
            ("connect", "read", "write", "timeout"), socket.groups(), strict=True
        ):
            if int(value):
                errors[name] = int(value)
    status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if status and int(status.group(1)):
        errors["status"] = int(status.group(1))
    latency = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", output)
    return WrkResult(
        requests=int(total.group(1)),
        seconds=duration_ms(total.group(2)) / 1000,
        rps=float(rps.group(1)),
        # Without --latency wrk prints no percentiles: the mean stands in for p50.
        p50_ms=percentiles.get(50, duration_ms(latency.group(1)) if latency else 0.0),
        p95_ms=percentiles.get(95, percentiles.get(90, 0.0)),
        p99_ms=percentiles.get(99, 0.0),
        max_ms=duration_ms(latency.group(3)) if latency else 0.0,
        errors=errors,
    )


def parse_output(output: str) -> WrkResult:
    """The result of one wrk run: from the script's JSON line when present (exact p95),
    else from wrk's text (p95 then reads as wrk's p90, the nearest it prints)."""
    for line in output.splitlines():
        if line.startswith(JSON_MARK):
            return _from_json(line)
    return _from_text(output)


def command(
    wrk: str, url: str, script_path: str, *, seconds: int, connections: int, threads: int
) -> list[str]:
    threads = max(1, min(threads, connections))
    return [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        script_path,
        url,
    ]
