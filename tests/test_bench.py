"""The benchmark's pure parts (bench/): reading wrk, the table, the crash counter, the
Lua it writes, the words it searches for. The benchmark itself runs with `make bench`."""

from __future__ import annotations

import pytest

from bench import report, targets, wrk

WRK_TEXT = """\
Running 10s test @ http://127.0.0.1:8000/all
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   312.45ms   80.12ms   1.20s    71.50%
    Req/Sec    25.61      9.87    50.00     66.00%
  Latency Distribution
     50%  298.10ms
     75%  350.00ms
     90%  420.33ms
     99%  812.34us
  510 requests in 10.02s, 12.34MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:     50.90
Transfer/sec:      1.23MB
"""

JSON_LINE = (
    'BENCH_JSON {"requests":500,"duration_us":10000000,"bytes":123456,'
    '"connect":0,"read":0,"write":0,"status":7,"timeout":1,'
    '"p50_us":12500,"p95_us":40000,"p99_us":90000,"max_us":250000,"mean_us":15000.5}'
)


def test_wrk_durations_in_milliseconds():
    assert wrk.duration_ms("812.34us") == pytest.approx(0.81234)
    assert wrk.duration_ms("298.10ms") == pytest.approx(298.1)
    assert wrk.duration_ms("1.20s") == pytest.approx(1200)
    assert wrk.duration_ms("2.00m") == pytest.approx(120_000)
    with pytest.raises(ValueError):
        wrk.duration_ms("fast")


def test_wrk_text_output_is_read():
    result = wrk.parse_output(WRK_TEXT)
    assert result.requests == 510
    assert result.seconds == pytest.approx(10.02)
    assert result.rps == pytest.approx(50.9)
    assert result.p50_ms == pytest.approx(298.1)
    assert result.p95_ms == pytest.approx(420.33)  # wrk prints no p95: its p90 stands in
    assert result.p99_ms == pytest.approx(0.81234)
    assert result.max_ms == pytest.approx(1200)
    assert result.errors == {"read": 3, "timeout": 2, "status": 4}
    assert result.failed == 9


def test_the_scripts_json_line_wins_over_the_text():
    result = wrk.parse_output(WRK_TEXT + JSON_LINE + "\n")
    assert result.requests == 500
    assert result.rps == pytest.approx(50.0)
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (12.5, 40.0, 90.0)
    assert result.errors == {"status": 7, "timeout": 1}
    assert result.bytes == 123456


def test_wrk_without_a_summary_is_an_error():
    with pytest.raises(ValueError, match="no summary"):
        wrk.parse_output("unable to connect to 127.0.0.1:8000 Connection refused")


def test_get_script_sets_headers_and_reports_json():
    script = wrk.get_script({"Cookie": 'session=a"b', "X-Forwarded-Proto": "https"})
    assert 'wrk.headers["Cookie"] = "session=a\\"b"' in script
    assert 'wrk.headers["X-Forwarded-Proto"] = "https"' in script
    assert "BENCH_JSON" in script and "latency:percentile(95)" in script


def test_vote_script_gives_each_voter_their_own_posts():
    voters = [
        wrk.Voter("session=one", "token-1", (11, 12)),
        wrk.Voter("session=two", "token-2", (12, 13)),
        wrk.Voter("session=three", "token-3", ()),  # may vote on nothing: left out
    ]
    script = wrk.vote_script(voters, {"Referer": "https://127.0.0.1:8000/"})
    assert 'cookie = "session=one", csrf = "token-1", posts = {11, 12}' in script
    assert "posts = {12, 13}" in script
    assert "session=three" not in script
    assert '["X-CSRFToken"] = v.csrf' in script and '["HX-Request"] = "true"' in script
    assert '["Referer"] = "https://127.0.0.1:8000/"' in script
    assert 'wrk.format("POST", "/p/" .. p .. "/vote"' in script
    with pytest.raises(ValueError):
        wrk.vote_script([wrk.Voter("c", "t", ())])


def test_wrk_command_line():
    command = wrk.command(
        "/usr/bin/wrk", "http://h/all", "/tmp/s.lua", seconds=10, connections=1, threads=2
    )
    assert command[:4] == ["/usr/bin/wrk", "-t1", "-c1", "-d10s"]  # threads <= connections
    assert command[-1] == "http://h/all" and "--latency" in command


GUNICORN_LOG = """\
[2026-12-01 10:00:00 +0000] [100] [INFO] Starting gunicorn 27.0.1
[2026-12-01 10:00:00 +0000] [101] [INFO] Booting worker with pid: 101
[2026-12-01 10:01:00 +0000] [100] [WARNING] Worker (pid:101) was sent SIGSEGV!
[2026-12-01 10:01:00 +0000] [102] [INFO] Booting worker with pid: 102
Fatal Python error: Segmentation fault
[2026-12-01 10:02:00 +0000] [100] [WARNING] Worker (pid:102) was sent SIGSEGV!
[2026-12-01 10:03:00 +0000] [100] [CRITICAL] WORKER TIMEOUT (pid:103)
[2026-12-01 10:03:01 +0000] [100] [ERROR] Worker (pid:103) was sent SIGKILL! Perhaps out of memory?
[2026-12-01 10:04:00 +0000] [100] [ERROR] Worker (pid:104) exited with code 1.
[2026-12-01 10:04:00 +0000] [100] [ERROR] Worker (pid:105) exited with code 0.
127.0.0.1 - - [01/Dec/2026:10:04:01 +0000] "GET /healthz HTTP/1.1" 200 70 "-" "wrk"
[2026-12-01 10:05:00 +0000] [100] [INFO] Handling signal: term
[2026-12-01 10:05:00 +0000] [100] [INFO] Worker (pid:106) was sent SIGTERM!
"""


def test_crash_counter_reads_gunicorns_log():
    crashes = report.count_crashes(GUNICORN_LOG)
    assert crashes.signals == {"SIGSEGV": 2, "SIGKILL": 1}  # SIGTERM is the shutdown
    assert crashes.exit_codes == {1: 1}
    assert crashes.timeouts == 1
    assert crashes.fatal_errors == 1
    assert crashes.total == 4
    described = crashes.describe()
    assert "2× SIGSEGV" in described and "exit code 1" in described
    assert "WORKER TIMEOUT" in described


def test_a_clean_log_has_no_crashes():
    segfaults = "\n".join(line for line in GUNICORN_LOG.splitlines() if "SIGSEGV" in line)
    assert report.count_crashes("").describe() == "none"
    assert report.count_crashes(GUNICORN_LOG.splitlines()[-1]).total == 0
    assert report.count_crashes(segfaults).total == 2


def _result(rps: float, p50: float, p95: float, status: int = 0) -> wrk.WrkResult:
    errors = {"status": status} if status else {}
    return wrk.WrkResult(int(rps * 10), 10.0, rps, p50, p95, errors=errors)


def test_markdown_table_with_ratios_and_medians():
    rows = [
        report.Row("/all hot", "/all", [_result(50, 300, 400)], [_result(500, 5, 9)]),
        report.Row(
            "votes (20 hot posts)",
            "/p/<id>/vote",
            [_result(20, 900, 1800, 3), _result(40, 1000, 2000), _result(30, 950, 1900)],
            [_result(200, 5, 9), _result(200, 5, 9), _result(100, 5, 9)],
            unit="votes/s",
            first_ms=25.5,
        ),
        report.Row("not measured", "/x"),
    ]
    table = report.markdown_table(rows).splitlines()
    assert table[0].startswith("| page | path | throughput | share of /healthz rps | p50 | p95")
    assert len(table) == 4  # header, rule, two measured rows
    assert table[2] == ("| /all hot | `/all` | 50.0 rps | 10.0% | 300 ms | 400 ms | 0 | 500 | – |")
    # Medians: rps 30, share median(10%, 20%, 30%) = 20%, p50 950, failures summed.
    assert table[3] == (
        "| votes (20 hot posts) | `/p/<id>/vote` | 30.0 votes/s | 20.0% | 950 ms | 1,900 ms "
        "| 3 | 200 | 25.5 ms |"
    )


def test_deep_page_ratio_lines():
    rows = [
        report.Row("/all new", "/all?sort=new", [_result(50, 20, 30)], [_result(500, 5, 9)]),
        report.Row("/all new, page 4,000", "/all?c", [_result(40, 30, 45)], [_result(500, 5, 9)]),
    ]
    lines = report.deep_page_lines(rows, [("/all new, page 4,000", "/all new"), ("x", "y")])
    assert lines == [
        "- /all new, page 4,000 vs /all new: 1.25× the cost (by share of /healthz rps), p50 1.50×"
    ]


def test_generated_section_replaces_only_its_markers():
    first = report.replace_section(report.TEMPLATE, "table one")
    assert first.startswith("# Performance") and "table one" in first
    assert first.count(report.START) == 1
    edited = first.replace("## Results", "## Results\n\nA note kept by hand.")
    second = report.replace_section(edited + "\nTrailing analysis.\n", "table two")
    assert "table two" in second and "table one" not in second
    assert "A note kept by hand." in second and second.endswith("Trailing analysis.\n")
    appended = report.replace_section("# Other\n", "table")
    assert appended == f"# Other\n\n{report.START}\ntable\n{report.END}\n"


def test_machine_lines_name_cores_memory_and_versions():
    lines = report.machine_lines({"PostgreSQL": "16.4", "Redis": "7.2"})
    assert lines[0].startswith("- CPU: ") and "usable cores" in lines[0]
    assert lines[1].startswith("- RAM: ")
    assert "- PostgreSQL: 16.4" in lines and "- Redis: 7.2" in lines


def test_search_words_are_the_commonest_and_a_rare_one():
    documents = [
        "Gardening notes about tomatoes and seedlings",
        "Seedlings need light; gardening in winter",
        "Gardening again: compost, seedlings, patience",
        "Photosynthesis explained for beginners",
        "زندگی در شهر و زندگی در روستا",
        "またコーヒー自転車写真自転車写真自転車窓川",
    ]
    (first, second), rare = targets.pick_words(documents)
    assert {first, second} == {"gardening", "seedlings"}
    assert rare == "beginners"  # found once, 8+ Latin letters, the first such in order
    with pytest.raises(RuntimeError):
        targets.pick_words(["a b c"])


def test_csrf_token_found_in_forms_and_the_htmx_header():
    assert targets.csrf_from('<input type="hidden" name="csrf_token" value="abc.def">') == (
        "abc.def"
    )
    assert targets.csrf_from('<body hx-headers=\'{"X-CSRFToken": "tok-1"}\'>') == "tok-1"
    escaped = '<body hx-headers="{&#34;X-CSRFToken&#34;: &#34;tok-2&#34;}">'
    assert targets.csrf_from(escaped) == "tok-2"
    assert targets.csrf_from("<p>no token</p>") is None


def test_search_path_and_browser_headers():
    assert targets.search_path("café", "notes") == "/search?q=caf%C3%A9+notes"
    headers = targets.browser_headers("http://127.0.0.1:8123")
    assert headers["Referer"] == "https://127.0.0.1:8123/"
    assert headers["X-Forwarded-Proto"] == "https"


def test_a_page_that_never_answered_shows_no_latency():
    never = wrk.WrkResult(0, 10.0, 0.0, 0.0, 0.0, errors={"timeout": 16})
    row = report.Row("longest thread", "/p/1/x", [never], [_result(500, 5, 9)])
    line = report.markdown_table([row]).splitlines()[2]
    assert line == "| longest thread | `/p/1/x` | 0.0 rps | 0.0% | – | – | 16 | 500 | – |"


@pytest.mark.skipif(wrk.find_wrk() is None, reason="wrk is not installed")
def test_the_uncached_script_never_asks_for_the_same_url_twice(tmp_path):
    """Run by the real wrk against a server that records paths: every request carries a
    query argument no other request has (so the page cache always misses), after the
    page's own query."""
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        script = tmp_path / "uncached.lua"
        script.write_text(wrk.uncached_get_script("/all?sort=new", {"X-Test": "1"}))
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        command = wrk.command(
            wrk.find_wrk(), base, str(script), seconds=1, connections=2, threads=2
        )
        output = subprocess.run(command, capture_output=True, text=True, timeout=30).stdout
    finally:
        server.shutdown()
    # wrk stops counting with a request in flight on each connection
    assert (
        10 < wrk.parse_output(output).requests <= len(seen) <= wrk.parse_output(output).requests + 2
    )
    assert len(set(seen)) == len(seen)
    assert all(path.startswith("/all?sort=new&bench-miss=") for path in seen)
