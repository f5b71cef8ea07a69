"""Faults under the site (issue 13, items 7 and 8): Redis out of reach or stopped, and a
database that does not answer at all. Each test runs an app of its own and asserts what
a person sees: the action worked, or a page that says why, never a 500. PostgreSQL
connections ended mid-request: tests/test_faults_postgres.py."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from tests.conftest import TEST_PASSWORD
from tests.support.forms import csrf_token_from, submit
from tests.support.own_app import (
    answers_recorded,
    app_of_its_own,
    count,
    limiter_put_back,
    log_lines,
    settings_of_its_own,
)
from tests.support.write_paths import WritePaths
from webapp import create_app
from webapp.config import ConfigurationError
from webapp.models import User

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
NOTHING_SAVED = "Nothing was saved. Please try again."


def test_every_write_path_works_while_redis_is_unreachable(tmp_path):
    with app_of_its_own(tmp_path, REDIS_URL=UNREACHABLE_REDIS) as app, log_lines() as logged:
        assert app.config["RATELIMIT_STORAGE_URI"] == UNREACHABLE_REDIS
        assert app.config["CACHE_TYPE"] == "RedisCache"
        paths = WritePaths(app, "down")
        with answers_recorded(app) as answers:
            for step in paths.steps:
                step()
            done = {endpoint for method, endpoint, _status in answers if method == "POST"}
            swept = paths.sweep(done)
        assert len(done) >= 17 and len(swept) >= 5
        assert [answer for answer in swept if answer[1] >= 500] == []
        failures = [answer for answer in answers if answer[2] >= 500]
        assert failures == []
        health = app.test_client().get("/healthz")
    assert health.status_code == 200
    assert health.json["status"] == "degraded"
    assert health.json["checks"] == {
        "database": "ok",
        "cache": "unavailable",
        "rate_limits": "unavailable",
    }
    assert any("rate-limit storage unreachable" in line for line in health.json["warnings"])
    # One line each says what happened (not one per request).
    assert len([line for line in logged if "Rate limit storage unreachable" in line]) == 1
    assert len([line for line in logged if "Cache store unreachable" in line]) == 1


def test_rate_limits_still_hold_while_redis_is_unreachable(tmp_path):
    """Failing safe is not failing open: limits are counted in memory meanwhile."""
    with app_of_its_own(
        tmp_path, REDIS_URL=UNREACHABLE_REDIS, REGISTER_RATE_LIMIT="2 per minute"
    ) as app:
        client = app.test_client()
        statuses = []
        for index in range(3):
            fields = {
                "email": f"p{index}@example.org",
                "username": f"person_{index}",
                "password": TEST_PASSWORD,
                "password_confirm": TEST_PASSWORD,
            }
            statuses.append(submit(client, "/auth/register", fields).status_code)
        assert statuses == [303, 303, 429]
        assert count(app, User) == 2


def test_a_mistyped_limit_stops_the_app_at_start(tmp_path):
    """Rate-limit errors are swallowed at run time (an unreachable Redis is no outage),
    so a limit that cannot be read must not start the site limiting nothing."""
    settings = settings_of_its_own(f"sqlite:///{tmp_path}/x.db", tmp_path)
    with limiter_put_back(), pytest.raises(ConfigurationError, match="WRITE_RATE_LIMIT"):
        create_app({**settings, "WRITE_RATE_LIMIT": "thirty a minute"})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test can stop."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.directory = tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _cli(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["redis-cli", "-p", str(self.port), *command],
            capture_output=True,
            text=True,
            timeout=10,
        )

    def start(self) -> None:
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "yes"]
            + ["--dir", str(self.directory), "--pidfile", str(self.directory / "redis.pid")],
            check=True,
            timeout=10,
        )
        deadline = time.monotonic() + 10
        while self._cli("ping").stdout.strip() != "PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self._cli("shutdown", "nosave")
        deadline = time.monotonic() + 10
        while self._cli("ping").returncode == 0:
            assert time.monotonic() < deadline, "redis-server did not stop"
            time.sleep(0.05)

    def stored_keys(self) -> list[str]:
        return self._cli("--scan").stdout.split()


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        pytest.skip("needs redis-server and redis-cli")
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def test_redis_stopping_mid_session_breaks_no_write_and_health_recovers(tmp_path, private_redis):
    with app_of_its_own(tmp_path, REDIS_URL=private_redis.url) as app:
        paths = WritePaths(app, "mid")
        half = len(paths.steps) // 2
        with answers_recorded(app) as answers:
            for step in paths.steps[:half]:
                step()
            # Redis was really in use: the write limits were counted there.
            assert any("writes" in key for key in private_redis.stored_keys())
            assert app.test_client().get("/healthz").json["status"] == "ok"

            private_redis.stop()
            for step in paths.steps[half:]:
                step()
            down = app.test_client().get("/healthz")

            private_redis.start()
            up = app.test_client().get("/healthz")
            more = submit(paths.alice, f"/c/{paths.community}/submit", {"title": "Back"})
        assert [answer for answer in answers if answer[2] >= 500] == []
    assert down.status_code == 200 and down.json["status"] == "degraded"
    assert up.status_code == 200 and up.json["status"] == "ok", up.json
    assert more.status_code == 303


def test_a_database_that_is_down_gets_503_pages_and_a_503_health_check(tmp_path):
    """Nothing listens where the database should be: pages that need it say so (503,
    with Retry-After), pages that do not still work, and /healthz answers 503."""
    unreachable = "postgresql+psycopg://quorum@127.0.0.1:1/quorum"
    with limiter_put_back():
        app = create_app(settings_of_its_own(unreachable, tmp_path))
        client = app.test_client()
        sign_in_page = client.get("/auth/login")
        assert sign_in_page.status_code == 200  # needs nothing from the database
        token = csrf_token_from(sign_in_page.get_data(as_text=True))
        fields = {"identifier": "alice", "password": TEST_PASSWORD, "csrf_token": token}
        sign_in = client.post("/auth/login", data=fields)
        home = client.get("/")
        health = client.get("/healthz")
    assert sign_in.status_code == 503 and sign_in.headers["Retry-After"] == "5"
    assert NOTHING_SAVED in sign_in.get_data(as_text=True)
    assert home.status_code == 503
    assert "Please try again in a moment." in home.get_data(as_text=True)
    assert health.status_code == 503
    assert health.json["status"] == "unavailable"
    assert health.json["checks"]["database"] == "unavailable"
