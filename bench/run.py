"""`make bench` / `python -m bench.run`: load-test Quorum as production runs it.

Needs DATABASE_URL (a seeded PostgreSQL: `flask --app wsgi seed …`, or pass --seed-args)
and REDIS_URL, and wrk. Starts gunicorn with gunicorn.conf.py on a free loopback port,
measures every page in interleaved rounds (/healthz, page, /healthz, page …), votes with
50 signed-in connections, then checks score == sum(votes) and gunicorn's log for dead
workers, prints the table and writes it into docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
    sys.path.insert(0, str(ROOT))

from bench import report, targets  # noqa: E402
from bench import wrk as wrk_tool  # noqa: E402
from bench.integrity import check_votes, deep_cursor, versions  # noqa: E402

# Limits far above what the load makes: the limiter still runs (its Redis round trip is
# part of every request's cost, as in production), but never answers 429.
# `flask seed`'s password, then `flask seed-demo`'s.
DEFAULT_PASSWORDS = ("seed-password-1", "demo-password-1")
HIGH_LIMITS = {
    "VOTE_RATE_LIMIT": "1000000 per minute",
    "WRITE_RATE_LIMIT": "1000000 per minute",
    "LOGIN_RATE_LIMIT": "100000 per minute",
    "LOGIN_FAILURE_LIMIT": "100000 per minute",
}


@dataclass
class Page:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    votes: bool = False
    uncached: bool = False  # every request misses the app's page cache


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--connections", type=int, default=16, help="for pages (16)")
    parser.add_argument("--vote-connections", type=int, default=50, help="for votes (50)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds over all pages (1)")
    parser.add_argument("--voters", type=int, default=20, help="people voting (20)")
    parser.add_argument(
        "--password",
        default=os.environ.get("BENCH_PASSWORD"),
        help="the seeded people's password (BENCH_PASSWORD; default: flask seed's, "
        "then seed-demo's)",
    )
    parser.add_argument(
        "--deep-page",
        type=int,
        default=20000,
        help="the deep feed page (20000, or the deepest there is)",
    )
    parser.add_argument("--only", default="", help="words: pages whose name has one")
    parser.add_argument(
        "--seed-args",
        default="",
        help="`flask db upgrade`, `flask seed ARGS` first",
    )
    parser.add_argument("--seeded-with", default="", help="the seed command used, for the report")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--flush-cache",
        action="store_true",
        help="empty the REDIS_URL database first (give the bench a Redis database of its own)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    return parser.parse_args(argv)


def fail(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    raise SystemExit(2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    print("==> " + " ".join(shlex.quote(part) for part in command[2:]), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def start_gunicorn(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "PYTHONFAULTHANDLER": "1"}
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            if targets.Browser(base).request("GET", "/healthz").status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    fail(f"gunicorn did not answer /healthz within 90 s; see {log_path}")
    raise AssertionError  # unreachable


def run_wrk(binary: str, base: str, page: Page, script: str, args, workdir: Path):
    script_path = workdir / "script.lua"
    script_path.write_text(script)
    connections = args.vote_connections if page.votes else args.connections
    command = wrk_tool.command(
        binary,
        base + ("/" if page.votes else page.path),
        str(script_path),
        seconds=args.duration,
        connections=connections,
        threads=args.threads,
    )
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        fail(f"wrk failed on {page.path}: {done.stderr or done.stdout}")
    return wrk_tool.parse_output(done.stdout)


def drain(base: str, limit: float = 120.0) -> float:
    """Wait until the server is idle: when wrk stops, gunicorn still works through the
    requests queued on its socket (16 connections on a 5 s page leave 16 s of work), and
    the next run would measure that backlog. Idle: /healthz answers in < 100 ms twice."""
    started = time.monotonic()
    quick = 0
    while quick < 2 and time.monotonic() - started < limit:
        before = time.monotonic()
        with contextlib.suppress(OSError):
            targets.Browser(base).request("GET", "/healthz")
        quick = quick + 1 if time.monotonic() - before < 0.1 else 0
        if quick < 2:
            time.sleep(0.05)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    binary = wrk_tool.find_wrk()
    if binary is None:
        fail(wrk_tool.INSTALL_HINT)
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql")):
        fail(
            "DATABASE_URL must name a seeded PostgreSQL database, e.g. "
            "DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench"
        )
    if not redis_url:
        fail("REDIS_URL must name a Redis database, e.g. REDIS_URL=redis://127.0.0.1:6379/2")
    seed_command = f"`{args.seeded_with}`" if args.seeded_with else "seeded beforehand"
    if args.seed_args:  # in the caller's environment (seeding refuses QUORUM_ENV=production)
        flask(dict(os.environ), "db", "upgrade")
        flask(dict(os.environ), "seed", *shlex.split(args.seed_args))
        seed_command = f"`flask --app wsgi seed {args.seed_args}`"
    env = {
        **os.environ,
        **HIGH_LIMITS,
        "QUORUM_ENV": "production",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
    }
    os.environ.update({key: env[key] for key in ("SECRET_KEY", "QUORUM_ENV", *HIGH_LIMITS)})
    if args.flush_cache:  # cached pages of an earlier data set must not be served
        import redis

        redis.Redis.from_url(redis_url).flushdb()

    from webapp import create_app
    from webapp.extensions import db

    app = create_app()
    with app.app_context():
        print("==> Reading the data set", flush=True)
        scale = targets.scale(db.session)
        found = targets.find_targets(db.session, args.voters)
        deep = {
            sort: deep_cursor(sort, window, args.deep_page)
            for sort, window in (("hot", None), ("new", None), ("top", "all"))
        }
        stack = versions(db.session, redis_url, binary)
    print("    " + ", ".join(f"{count:,} {name}" for name, count in scale.items()), flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="quorum-bench-"))
    log_path = workdir / "gunicorn.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"==> gunicorn -c gunicorn.conf.py wsgi:app on {base} (log: {log_path})", flush=True)
    server = start_gunicorn(env, port, log_path)
    try:
        rows, notes = measure(args, binary, base, found, deep, workdir)
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
    with app.app_context():
        print("==> Checking score == sum(votes) on every post and comment", flush=True)
        integrity = check_votes(db.session)
    crashes = report.count_crashes(log_path.read_text(errors="replace"))

    section = render(args, rows, notes, scale, stack, integrity, crashes, seed_command, found)
    print("\n" + section)
    if not args.no_write:
        output = Path(args.output)
        document = output.read_text() if output.exists() else report.TEMPLATE
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report.replace_section(document, section))
        print(f"\n==> Written to {output}")
    return 0 if integrity.ok and not crashes.total else 1


def pages_for(found: targets.Targets, deep: dict, home_cookie: str) -> list[Page]:
    words = found.common_words
    pages = [
        Page("/all hot", "/all"),
        Page("/all hot, uncached", "/all", uncached=True),
        Page("/all new", "/all?sort=new"),
        Page("/all top (day)", "/all?sort=top"),
        Page("/all top (all time)", "/all?sort=top&t=all"),
        Page("biggest community", f"/c/{found.biggest_community}"),
        Page("biggest community, uncached", f"/c/{found.biggest_community}", uncached=True),
    ]
    if found.small_community:
        pages.append(Page("a small community", f"/c/{found.small_community}"))
    pages += [
        Page("busiest author's profile", f"/u/{found.busiest_author}"),
        Page(f"longest thread ({found.longest_thread_comments:,} comments)", ""),  # path later
        Page("longest thread, uncached", "", uncached=True),
        Page(f"search, two common words ({words[0]} {words[1]})", targets.search_path(*words)),
    ]
    if found.rare_word:
        pages.append(
            Page(f"search, one rare word ({found.rare_word})", targets.search_path(found.rare_word))
        )
    pages.append(Page(f"signed-in home (@{found.home_user})", "/", {"Cookie": home_cookie}))
    labels = {"hot": "/all hot", "new": "/all new", "top": "/all top (all time)"}
    query = {"hot": "/all?", "new": "/all?sort=new&", "top": "/all?sort=top&t=all&"}
    for sort, built in deep.items():
        if built is not None:
            cursor, number, _ = built
            pages.append(Page(f"{labels[sort]}, page {number:,}", f"{query[sort]}cursor={cursor}"))
    pages.append(Page(f"votes ({len(found.hot_post_ids)} hot posts)", "/p/<id>/vote", votes=True))
    return pages


def measure(args, binary, base, found, deep, workdir):
    notes: list[str] = []
    print(f"==> Signing in {len(found.voter_names)} voters and @{found.home_user}", flush=True)
    passwords = [args.password] if args.password else list(DEFAULT_PASSWORDS)
    voters = []
    refused = 0
    for name in found.voter_names:
        try:
            cookie, token = targets.sign_in(base, name, passwords)
        except targets.SignInFailed as error:
            notes.append(f"voter @{name} left out: {error}")
            continue
        allowed = []
        for post_id in found.hot_post_ids:  # nobody votes on their own post (403)
            if vote_status(base, cookie, token, post_id) == 200:
                allowed.append(post_id)
            else:
                refused += 1
        voters.append(wrk_tool.Voter(cookie, token, tuple(allowed)))
    if refused:
        notes.append(f"{refused} (voter, post) pairs refused a vote (own posts) and left out")
    home_cookie, _ = targets.sign_in(base, found.home_user, passwords)
    pages = pages_for(found, deep, home_cookie)
    thread_path, _ = targets.Browser(base).get_following(f"/p/{found.longest_thread_id}")
    for page in pages:
        if page.path == "":
            page.path = thread_path
    if args.only:
        wanted = [word.strip() for word in args.only.split(",") if word.strip()]
        pages = [page for page in pages if any(word in page.name for word in wanted)]

    rows = []
    for page in pages:
        row = report.Row(page.name, page.path, unit="votes/s" if page.votes else "rps")
        if page.votes:
            voters = [voter for voter in voters if voter.post_ids]
            if not voters:
                notes.append("votes not measured: nobody could sign in (see --password)")
                continue
            script = wrk_tool.vote_script(voters, targets.browser_headers(base))
            row.first_ms = timed_vote(base, voters[0])
        elif page.uncached:
            headers = {**targets.browser_headers(base), **page.headers}
            script = wrk_tool.uncached_get_script(page.path, headers)
        else:
            script = wrk_tool.get_script({**targets.browser_headers(base), **page.headers})
            row.first_ms = first_request(base, page, notes)
        rows.append((page, row, script))
    for sort, built in deep.items():
        if built is not None and not first_seen(base, built, sort):
            notes.append(f"the deep {sort} page does not start where expected (cursor check)")

    health_script = wrk_tool.get_script(targets.browser_headers(base))
    health = Page("/healthz", "/healthz")
    for number in range(1, args.rounds + 1):
        for page, row, script in rows:
            print(f"--> round {number}/{args.rounds}: {page.name}", flush=True)
            drain(base)
            row.healthz.append(run_wrk(binary, base, health, health_script, args, workdir))
            drain(base)
            row.runs.append(run_wrk(binary, base, page, script, args, workdir))
            backlog = drain(base)
            if not row.runs[-1].requests:
                notes.append(
                    f"{page.name}: no response completed within the {args.duration} s run "
                    f"({args.connections} connections; see 'first request' for one alone)"
                )
            if backlog > 2:
                notes.append(
                    f"{page.name}: requests queued during the run took {backlog:.0f} s more "
                    "to finish after wrk stopped"
                )
            last, ref = row.runs[-1], row.healthz[-1]
            print(
                f"    {last.rps:,.1f}/s ({last.rps / max(ref.rps, 1e-9):.1%} of /healthz "
                f"{ref.rps:,.0f}/s), p50 {last.p50_ms:.1f} ms, p95 {last.p95_ms:.1f} ms, "
                f"failed {last.failed}",
                flush=True,
            )
    return [row for _, row, _ in rows], notes


def first_request(base: str, page: Page, notes: list[str]) -> float:
    """One request before the load (a cold cache for this URL, one client): its time."""
    browser = targets.Browser(base)
    path = page.path
    if page.uncached:  # not the entry the cached row's first request stored
        path += ("&" if "?" in path else "?") + "bench-miss=first"
    started = time.perf_counter()
    response = browser.request("GET", path, **page.headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        notes.append(f"{page.name}: the first GET of {page.path} answered {response.status}")
    return elapsed


def vote_status(base: str, cookie: str, token: str, post_id: int) -> int:
    """Clear this person's vote on the post (value 0), as the htmx widget would."""
    headers = {"Cookie": cookie, "X-CSRFToken": token, "HX-Request": "true"}
    return (
        targets.Browser(base)
        .request("POST", f"/p/{post_id}/vote", form={"value": "0"}, **headers)
        .status
    )


def timed_vote(base: str, voter: wrk_tool.Voter) -> float:
    started = time.perf_counter()
    status = vote_status(base, voter.cookie, voter.csrf, voter.post_ids[0])
    if status != 200:
        fail(f"a test vote answered {status}, not 200")
    return (time.perf_counter() - started) * 1000


def first_seen(base: str, built, sort: str) -> bool:
    cursor, _, expected_id = built
    query = {"hot": "/all?", "new": "/all?sort=new&", "top": "/all?sort=top&t=all&"}[sort]
    body = targets.Browser(base).request("GET", f"{query}cursor={cursor}").body
    return f"/p/{expected_id}/" in body or f'/p/{expected_id}"' in body


def render(args, rows, notes, scale, stack, integrity, crashes, seed_command, found) -> str:
    command = "make bench" + (
        f" BENCH_ARGS={shlex.quote(shlex.join(sys.argv[1:]))}" if sys.argv[1:] else ""
    )
    pairs = [
        (row.name, first)
        for row in rows
        for prefix, first in (
            ("/all hot, page", "/all hot"),
            ("/all new, page", "/all new"),
            ("/all top (all time), page", "/all top (all time)"),
        )
        if row.name.startswith(prefix)
    ]
    lines = [
        f"### Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `{command}` (DATABASE_URL on PostgreSQL, REDIS_URL set)",
        f"- Data: {seed_command}; " + ", ".join(f"{n:,} {k}" for k, n in scale.items()),
        f"- Load: wrk, {args.duration} s per run, {args.connections} connections per page "
        f"({args.vote_connections} for votes, {args.threads} threads), {args.rounds} round(s), "
        "each page run right after a /healthz run; medians over rounds",
        "- Server: gunicorn -c gunicorn.conf.py (its defaults), QUORUM_ENV=production, "
        "rate limits raised far above the load (the limiter still runs)",
        *report.machine_lines(stack),
        "",
        report.markdown_table(rows),
        "",
        '"first request" is one GET (one client) before the load, the page\'s cache cold '
        "for that URL; the other columns are under load (warm).",
        "",
        *report.deep_page_lines(rows, pairs),
        f"- Integrity after the votes: {integrity.describe()}",
        f"- Worker crashes (gunicorn log): {crashes.describe()}",
        *[f"- Note: {note}" for note in notes],
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
